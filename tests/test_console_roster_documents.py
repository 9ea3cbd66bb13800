"""The roster check counts and lists every person, over a real socket: a holder of other documents
only (docs/packs.md: a work permit, a residence permit, no points row) added or removed is listed
as added or removed, and a person whose documents change is listed as changed, with what changed,
in the console's language."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import SHANGHAI, Server, add_user, console_config, running, sign_in, upload

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
HEADER = "工号,姓名,部门,证件类型,到期日\n"
POINTS = "1001,张三,研发部,,2027-03-10\n"
WORK = "2001,John Smith,研发部,foreign-work-permit,2027-04-20\n"
RESIDENCE = "2001,John Smith,研发部,居留许可,2027-04-25\n"
ROSTER = HEADER + POINTS + WORK + RESIDENCE


@pytest.fixture
def server(write: Callable[[str, str], Path]) -> Iterator[Server]:
    people = write("people.csv", ROSTER)
    config = console_config(people.parent)
    add_user(config, "admin", "--admin")
    with running(config, NOW) as srv:
        yield srv


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} in the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(2))).strip()


def check(web: requests.Session, server: Server, roster: str) -> str:
    page = upload(web, server, roster)
    assert page.status_code == 200, page.text
    return page.text


def test_a_document_only_holder_removed_is_listed_as_removed(server: Server) -> None:
    web = sign_in(server, "admin")
    page = check(web, server, HEADER + POINTS)
    assert "替换后名单共 1 人（目前 2 人）" in page
    counts = text_of(page, "diff-counts")
    assert "移除 1 人" in counts
    assert "未变 1 人" in counts
    assert text_of(page, "diff-removed") == "John Smith（2001）"
    assert text_of(page, "swap") == "确认替换（移除 1 人）"
    assert 'id="diff-none"' not in page


def test_a_document_only_holder_added_is_listed_as_added(server: Server) -> None:
    web = sign_in(server, "admin")
    maria = "4001,Maria Garcia,市场部,foreign-work-permit,2027-06-01\n"
    page = check(web, server, ROSTER + maria)
    assert "替换后名单共 3 人（目前 2 人）" in page
    counts = text_of(page, "diff-counts")
    assert "新增 1 人" in counts
    assert "未变 2 人" in counts
    assert text_of(page, "diff-added") == "Maria Garcia（4001）"


def test_a_person_whose_documents_change_is_listed_with_what_changed(server: Server) -> None:
    web = sign_in(server, "admin")
    zhang_work = "1001,张三,研发部,foreign-work-permit,2027-08-01\n"
    later = WORK.replace("2027-04-20", "2027-05-20")
    page = check(web, server, HEADER + POINTS + zhang_work + later)  # John's residence: gone
    counts = text_of(page, "diff-counts")
    assert "新增 0 人" in counts
    assert "移除 0 人" in counts
    assert "信息变更 2 人" in counts
    assert "未变 0 人" in counts
    assert 'id="removed-warning"' not in page  # nobody leaves: John keeps his work permit
    changed = text_of(page, "diff-changed")
    assert "张三（1001） 外国人工作许可证：新增" in changed
    assert "John Smith（2001） 外国人工作许可证：到期日 2027-04-20 → 2027-05-20" in changed
    assert "外国人居留许可（工作类）：移除" in changed
    web.get(server.url("/lang?to=en&next=/roster"))
    changed = text_of(check(web, server, HEADER + POINTS + zhang_work + later), "diff-changed")
    assert "张三 (1001) Foreign work permit: added" in changed
    assert "John Smith (2001) Foreign work permit: expires 2027-04-20 → 2027-05-20" in changed
    assert "Foreign residence permit (work): removed" in changed


def test_a_document_only_holder_who_gains_points_is_changed_not_added(server: Server) -> None:
    web = sign_in(server, "admin")
    points = "2001,John Smith,研发部,,2027-09-30\n"
    page = check(web, server, ROSTER + points)
    counts = text_of(page, "diff-counts")
    assert "新增 0 人" in counts
    assert "信息变更 1 人" in counts
    assert text_of(page, "diff-changed") == "John Smith（2001） 上海居住证与积分：新增"
