"""Roster upload over a real socket: what the swap would change (added, removed, changed) is shown
before the confirmation, and the upload's problems are worded in the console's language."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import (
    NOW,
    ROSTER,
    Server,
    add_user,
    csrf_of,
    four_people,
    running,
    sign_in,
    upload,
)
from netkit import free_port

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]


@pytest.fixture
def config(write: Write) -> Path:
    return four_people(write)


@pytest.fixture
def server(config: Path) -> Iterator[Server]:
    with running(config, NOW) as srv:
        yield srv


HEADER = "工号,姓名,部门,居住证到期日,邮箱\n"


def text_of(html: str, element_id: str) -> str:
    """The text of the element with `element_id` (tags dropped), to assert on what HR reads."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no #{element_id} in the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(2))).strip()


def swap(web: requests.Session, server: Server, page: str) -> requests.Response:
    upload_id = page.split('name="upload" value="')[1].split('"')[0]
    return web.post(server.url("/roster/swap"), data={"csrf": csrf_of(page), "upload": upload_id})


def test_a_smaller_roster_lists_who_is_removed_and_warns_prominently(
    server: Server,
    config: Path,
) -> None:
    web = sign_in(server, "admin")
    smaller = HEADER + "E001,张三,研发部,2026-06-30,e001@example.com\n"
    page = upload(web, server, smaller).text
    assert "替换后名单共 1 人（目前 4 人）" in page
    assert "移除 3 人" in text_of(page, "diff-counts")
    warning = re.search(r'<div class="(\w+)" id="removed-warning"', page)
    assert warning
    assert warning.group(1) == "danger"  # 3 of 4: more than half
    said = text_of(page, "removed-warning")
    assert "将移除 3 人：他们的提醒将停止" in said
    assert "超过一半" in said
    assert "people.csv" in said
    assert text_of(page, "diff-removed") == "李四（E002）王五（E003）赵六（E004）"
    assert "张三" not in text_of(page, "diff-removed")
    assert text_of(page, "swap") == "仍然替换并移除 3 人"
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == ROSTER  # not yet
    swapped = swap(web, server, page)  # the warning warns; the admin may still confirm
    assert 'id="flash"' in swapped.text
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == smaller


def test_removing_a_few_warns_without_alarm_and_the_button_says_how_many(
    server: Server,
) -> None:
    web = sign_in(server, "admin")
    page = upload(web, server, ROSTER.replace("E004,赵六,市场部,2026-12-01,e004@example.com\n", ""))
    assert re.search(r'<div class="warning" id="removed-warning"', page.text)
    assert "超过一半" not in page.text
    assert text_of(page.text, "diff-removed") == "赵六（E004）"
    assert text_of(page.text, "swap") == "确认替换（移除 1 人）"


def test_a_changed_date_is_shown_old_to_new_and_an_added_person_by_name(
    server: Server,
) -> None:
    web = sign_in(server, "admin")
    changed = ROSTER.replace("E002,李四,研发部,2026-09-30", "E002,李四,研发部,2026/10/15")
    page = upload(web, server, changed + "E005,钱七,研发部,2026-10-01,e005@example.com\n").text
    counts = text_of(page, "diff-counts")
    assert "新增 1 人" in counts
    assert "移除 0 人" in counts
    assert "信息变更 1 人" in counts
    assert "未变 3 人" in counts
    assert 'id="removed-warning"' not in page
    assert text_of(page, "diff-added") == "钱七（E005）"
    assert text_of(page, "diff-changed") == "李四（E002） 居住证到期日 2026-09-30 → 2026-10-15"
    assert text_of(page, "swap") == "确认替换名单"
    web.get(server.url("/lang?to=en&next=/roster"))
    page = upload(web, server, changed).text
    assert text_of(page, "diff-changed") == "李四 (E002) permit_expires 2026-09-30 → 2026-10-15"
    assert "1 changed" in text_of(page, "diff-counts")


def test_the_same_roster_again_changes_nobody(server: Server) -> None:
    web = sign_in(server, "admin")
    reordered = HEADER + "".join(reversed(ROSTER.splitlines(keepends=True)[1:]))
    page = upload(web, server, reordered).text  # rows moved: nobody changed
    assert 'id="diff-none"' in page
    assert "信息变更 0 人" in text_of(page, "diff-counts")


def test_long_lists_stop_at_fifty_and_say_how_many_more(server: Server) -> None:
    web = sign_in(server, "admin")
    many = "".join(f"N{i:03},新人{i},研发部,2026-10-01,\n" for i in range(60))
    page = upload(web, server, ROSTER + many).text
    added = text_of(page, "diff-added")
    assert "新人49（N049）" in added
    assert "N050" not in added
    assert added.endswith("……另有 10 人")


def test_problems_are_worded_in_the_console_language_with_the_file_row_and_field(
    server: Server,
    config: Path,
) -> None:
    web = sign_in(server, "admin")
    bad = (
        HEADER
        + "E001,张三,研发部,2026-06-30,e001@example.com\n"  # row 2: good
        + "E002,李四,研发部,2027-02-30,e002@example.com\n"  # row 3
        + "E003,王五,市场部,下个月,\n"  # row 4
        + "E001,张三,研发部,2026-06-30,\n"  # row 5: a duplicate id
        + "E004,,市场部,310101199001011234,\n"  # row 6: a name missing, an ID card for a date
    )
    page = upload(web, server, bad).text
    problems = re.findall(r"<li>(.*?)</li>", page.split('id="held"')[1].split("</ul>")[0])
    assert "people.csv 第3行 居住证到期日：没有这一天（2027-02-30）（值：2027-02-30）" in problems
    assert any(p.startswith("people.csv 第4行 居住证到期日：不是日期；请写成 2027-02-10")
               for p in problems)  # fmt: skip
    assert (
        "people.csv 第5行 工号：工号 E001 重复，首次出现在 people.csv 第2行（值：E001）" in problems
    )
    assert "people.csv 第6行 姓名：必填项为空" in problems
    assert "310101199001011234" not in page  # an ID card is never shown
    assert any("第6行 居住证到期日" in p and "号码已隐藏" in p for p in problems)
    assert "roster-uploads" not in page  # the stored upload's path is not the file HR knows
    assert text_of(page, "swap") == "确认替换（4 行暂不生效）"  # row 2 is good: it may go in
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == ROSTER
    web.get(server.url("/lang?to=en&next=/roster"))
    page = upload(web, server, bad).text
    assert "people.csv, row 3, field &#39;居住证到期日&#39;: no such date (2027-02-30)" in page


@pytest.fixture
def two_files(write: Write) -> Iterator[tuple[Server, Path]]:
    rd, mk = ROSTER.splitlines(keepends=True)[1:3], ROSTER.splitlines(keepends=True)[3:]
    write("rd.csv", HEADER + "".join(rd))
    path = write("mk.csv", HEADER + "".join(mk))
    port = free_port()
    settings = write(
        "config.toml",
        f"""\
        [roster]
        files = ["rd.csv", "mk.csv"]
        settle_seconds = 0
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        """,
    )
    add_user(settings, "admin", "--admin")
    with running(settings, NOW) as srv:
        yield srv, path


def test_one_file_of_several_is_compared_as_the_whole_resulting_roster(
    two_files: tuple[Server, Path],
) -> None:
    server, mk = two_files
    web = sign_in(server, "admin")
    page = web.get(server.url("/roster")).text
    only = HEADER + "E003,王五,市场部,2026-07-10,e003@example.com\n"
    result = web.post(
        server.url(f"/roster/check?csrf={csrf_of(page)}"),
        data={"target": str(mk)},
        files={"file": ("市场部.csv", only.encode("utf-8"), "text/csv")},
    ).text
    assert "替换后名单共 3 人（目前 4 人）" in result  # rd.csv's two people stay
    assert text_of(result, "diff-removed") == "赵六（E004）"
    assert re.search(r'<div class="warning" id="removed-warning"', result)
    assert 'id="diff-added"' not in result


def test_the_roster_in_force_problems_are_worded_too(config: Path) -> None:
    bad_row = "E005,钱七,研发部,2027-02-30,e005@example.com\n"  # row 6: held back, others served
    (config.parent / "people.csv").write_text(ROSTER + bad_row, encoding="utf-8")
    with running(config, NOW) as served:
        web = sign_in(served, "admin")
        page = web.get(served.url("/roster")).text
        said = text_of(page, "current-problems")
        assert "people.csv 第6行 居住证到期日：没有这一天（2027-02-30）" in said
        web.get(served.url("/lang?to=en&next=/roster"))
        page = web.get(served.url("/roster")).text
        assert "people.csv, row 6, field &#39;居住证到期日&#39;: no such date" in page


def held_page(web: requests.Session, server: Server, *wanted: str) -> str:
    """The roster page once the daemon has read the swapped file (it says the held rows)."""
    deadline = time.monotonic() + 20
    while True:
        server.run(server.daemon.poll_roster())  # the watcher task's look (`renewd run` polls)
        page = web.get(server.url("/roster")).text
        if 'id="current-problems"' in page and all(w in page for w in wanted):
            return page
        assert time.monotonic() < deadline, page
        time.sleep(0.2)


def test_rows_with_problems_are_held_back_and_the_rest_is_swapped_in(
    server: Server, config: Path
) -> None:
    web = sign_in(server, "admin")
    partial = (
        HEADER
        + "E001,张三,研发部,2026-06-30,e001@example.com\n"
        + "E002,李四,研发部,2027-02-30,e002@example.com\n"  # row 3: bad, on the roster
        + "E003,王五,市场部,2026-08-10,e003@example.com\n"  # a new date
        + "E004,赵六,市场部,2026-12-01,e004@example.com\n"
        + "E005,钱七,研发部,下个月,e005@example.com\n"  # row 6: bad, and new
    )
    page = upload(web, server, partial).text
    said = text_of(page, "held-warning")
    assert said.startswith("有问题的行：2 行。替换后每一行只影响本人")
    assert "沿用上次读到的信息（1 人）" in said  # 李四, as he is served now
    assert "新的行改正前不跟踪（1 行）" in said  # 钱七
    held = re.findall(r"<li>(.*?)</li>", page.split('id="held"')[1].split("</ul>")[0])
    assert held[0] == "people.csv 第3行 居住证到期日：没有这一天（2027-02-30）（值：2027-02-30）"
    assert held[1].startswith("people.csv 第6行 居住证到期日：不是日期")
    counts = text_of(page, "diff-counts")
    assert "移除 0 人" in counts  # 李四 is held back, not removed
    assert "信息变更 1 人" in counts
    assert text_of(page, "diff-changed") == "王五（E003） 居住证到期日 2026-07-10 → 2026-08-10"
    assert 'id="removed-warning"' not in page
    assert text_of(page, "swap") == "确认替换（2 行暂不生效）"
    swapped = swap(web, server, page)
    assert 'id="flash"' in swapped.text
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == partial
    # The daemon reads the new file as the check said: 李四 on what it served him by, 王五 on
    # his new date, 钱七 not yet; the held rows are the roster's problems now.
    page = held_page(web, server, "第3行", "第6行")
    assert "people.csv 第3行 居住证到期日：没有这一天（2027-02-30）" in text_of(
        page, "current-problems"
    )
    assert web.get(server.url("/people/E002")).status_code == 200
    assert "2026-09-30" in web.get(server.url("/people/E002")).text
    assert "2026-08-10" in web.get(server.url("/people/E003")).text
    assert web.get(server.url("/people/E005")).status_code == 404


def test_an_upload_without_one_good_row_is_refused_whole(server: Server, config: Path) -> None:
    web = sign_in(server, "admin")
    bad = HEADER + "E001,张三,研发部,2027-02-30,e001@example.com\n" + "E002,,研发部,,\n"
    page = upload(web, server, bad).text
    assert 'id="swap"' not in page
    assert "名单有问题，未替换" in page
    problems = re.findall(r"<li>(.*?)</li>", page.split('id="result"')[1])
    assert "people.csv 第2行 居住证到期日：没有这一天（2027-02-30）（值：2027-02-30）" in problems
    assert any(p.startswith("people.csv 第3行 姓名") for p in problems)
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == ROSTER


def test_the_swap_counts_a_holder_of_other_documents_only_as_a_person(server: Server) -> None:
    """John Smith holds a work permit and a residence permit, no points row: one more person
    after the swap (before, the page counted the points rows alone)."""
    web = sign_in(server, "admin")
    documents = (
        "2001,John Smith,研发部,2027-04-20,john@example.com,工作许可\n"
        "2001,John Smith,研发部,2027-04-25,john@example.com,居留许可\n"
    )
    rows = "".join(line + ",\n" for line in ROSTER.splitlines()[1:])
    page = upload(web, server, HEADER.rstrip("\n") + ",证件类型\n" + rows + documents).text
    assert "替换后名单共 5 人（目前 4 人）" in page
