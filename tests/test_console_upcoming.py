"""The console's "upcoming messages" over a real socket: the coming days' passes, previewed, and a
group-limited account sees only its groups' readers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from consolekit import NOW, ROSTER, Server, add_user, console_config, running, sign_in

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
CHANNELS = """
[[channels]]
name = "console"
type = "console"
[[channels]]
name = "hr"
type = "console"
scope = "group"
[groups."研发部"]
channels = ["hr"]
[groups."市场部"]
channels = ["hr"]
"""


@pytest.fixture
def server(write: Write) -> Iterator[Server]:
    people = write("people.csv", ROSTER)
    config = console_config(people.parent, CHANNELS)
    add_user(config, "admin", "--admin")
    add_user(config, "rd", "--group", "研发部")
    with running(config, NOW) as srv:
        yield srv


def upcoming_of(html: str) -> str:
    match = re.search(r'<section class="card" id="upcoming">(.*?)</section>', html, re.S)
    assert match, html
    return match.group(1)


def test_the_overview_lists_the_coming_messages_of_the_accounts_groups_only(
    server: Server,
) -> None:
    admin = upcoming_of(sign_in(server, "admin").get(server.url("/")).text)
    assert 'id="upcoming-list"' in admin
    assert "王五" in admin  # 市场部
    assert "张三" in admin  # 研发部
    rd = upcoming_of(sign_in(server, "rd").get(server.url("/")).text)
    assert 'id="upcoming-list"' in rd
    assert "张三" in rd
    for other in ("王五", "赵六", "E003", "E004"):
        assert other not in rd  # neither their messages nor their lines in HR's digest
    assert "hr → 通道配置的收件人" in rd  # 研发部's HR digest, its own lines only


def test_the_person_page_lists_his_next_28_days(server: Server) -> None:
    web = sign_in(server, "rd")
    page = web.get(server.url("/people/E001"))
    assert page.status_code == 200
    mine = upcoming_of(page.text)
    assert "console → E001" in mine
    assert "【续签提醒】张三" in mine or "【续签状态】张三" in mine
    assert "李四" not in mine
    assert web.get(server.url("/people/E003")).status_code == 404
    assert web.get(server.url("/people/E001")).text.count('id="upcoming-list"') == 1  # cached


def test_a_recipient_that_is_a_secret_shows_as_stars() -> None:
    """A Bark device key or a PushPlus token is the address and the secret at once: the
    upcoming view names the channel and the person, never the key (as `notify` and `log` do)."""
    import datetime as dt

    from renewd.calendar.preview import Received
    from renewd.core.model import Lang
    from renewd.web.console.upcoming import rows

    day = dt.date(2026, 12, 7)
    coming = [
        Received(day, "phones", "SECRET-bark-device-key", "1001", "t", "b"),
        Received(day, "mail", "zhang@example.com", "1001", "t", "b"),
    ]
    shown = rows(coming, {"1001": "张三"}, Lang.ZH, frozenset({"phones"}))
    assert shown is not None
    assert [r["reader"] for r in shown] == ["phones → ***", "mail → zhang@example.com"]
    assert "SECRET" not in repr(shown)
