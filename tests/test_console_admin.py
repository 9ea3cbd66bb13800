"""The console's admin pages: deliveries and retry, roster upload and swap, export, calendar."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from consolekit import NOW, ROSTER, Server, csrf_of, four_people, running, sign_in, upload
from renewd.store.database import Database
from renewd.store.delivery_schema import SCHEMA as DELIVERY_SCHEMA

pytestmark = pytest.mark.integration


@pytest.fixture
def config(write: Callable[[str, str], Path]) -> Path:
    return four_people(write)


@pytest.fixture
def server(config: Path) -> Iterator[Server]:
    db = Database.in_dir(config.parent / "state")
    db.ensure_schema("delivery", DELIVERY_SCHEMA)
    with db.transaction() as conn:
        for person, status in (("E001", "dead"), ("E003", "failed")):
            conn.execute(
                "INSERT INTO delivery (person, cycle, kind, lead, channel, recipient, status,"
                " attempts, next_at, created_at, updated_at, reason, title, body, format)"
                " VALUES (?, '2026-06-30', 'permit_renewal', 7, 'mail', 'x@example.com', ?, 8,"
                " 9e12, 0, 0, 'SMTP 550 mailbox unavailable', 't', 'b', 'text')",
                (person, status),
            )
    db.close()
    with running(config, NOW) as srv:
        yield srv


def rows(server: Server) -> dict[str, tuple[str, int, float]]:
    with server.db() as conn:
        found = conn.execute("SELECT person, status, attempts, next_at FROM delivery")
        return {r[0]: (r[1], r[2], r[3]) for r in found}


def test_deliveries_show_reasons_and_retry_now(server: Server) -> None:
    web = sign_in(server, "admin")
    page = web.get(server.url("/deliveries")).text
    assert "SMTP 550 mailbox unavailable" in page
    overview = web.get(server.url("/")).text
    assert 'id="count-dead"><b>1</b>' in overview
    with server.db() as conn:
        dead = conn.execute("SELECT id FROM delivery WHERE person = 'E001'").fetchone()[0]
    response = web.post(server.url(f"/deliveries/{dead}/retry"), data={"csrf": csrf_of(page)})
    assert response.status_code == 200
    # Due at once on renewd's clock, and the pass the console asks for tries it again: a dead
    # delivery starts its attempts over (8 before). Its channel is gone, so this try fails too.
    # The attempt counts from its claim ("sending"); its reason comes when the send is done.
    deadline = time.monotonic() + 20
    while True:
        with server.db() as conn:
            attempts, reason, status = conn.execute(
                "SELECT attempts, reason, status FROM delivery WHERE id = ?", (dead,)
            ).fetchone()
        if (attempts == 1 and status != "sending") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rows(server)["E001"][1] == 1
    assert attempts == 1
    assert "no longer configured" in reason


def test_a_group_account_sees_and_retries_only_its_groups_deliveries(server: Server) -> None:
    web = sign_in(server, "rd")
    page = web.get(server.url("/deliveries")).text
    assert "E001" in page
    assert "E003" not in page
    with server.db() as conn:
        other = conn.execute("SELECT id FROM delivery WHERE person = 'E003'").fetchone()[0]
    response = web.post(server.url(f"/deliveries/{other}/retry"), data={"csrf": csrf_of(page)})
    assert response.status_code == 404
    assert rows(server)["E003"][0] == "failed"
    assert rows(server)["E003"][2] > 1e12  # its wait untouched


def test_a_bad_roster_upload_shows_its_problems_and_changes_nothing_unconfirmed(
    server: Server,
    config: Path,
) -> None:
    web = sign_in(server, "admin")
    bad = ROSTER + "E005,钱七,研发部,2026-13-45,e005@example.com\n"
    result = upload(web, server, bad)
    assert result.status_code == 200
    assert "确认替换（1 行暂不生效）" in result.text  # the bad row would be held back
    assert "people.csv 第6行 居住证到期日：" in result.text
    assert "居住证到期日" in result.text  # the field
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == ROSTER


def test_a_good_roster_upload_is_swapped_in_only_on_confirmation(
    server: Server,
    config: Path,
) -> None:
    web = sign_in(server, "admin")
    good = ROSTER + "E005,钱七,研发部,2026-10-01,e005@example.com\n"
    result = upload(web, server, good)
    assert "5" in result.text
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == ROSTER  # not yet
    upload_id = result.text.split('name="upload" value="')[1].split('"')[0]
    swapped = web.post(server.url("/roster/swap"),
                       data={"csrf": csrf_of(result.text), "upload": upload_id})  # fmt: skip
    assert swapped.status_code == 200
    assert 'id="flash"' in swapped.text
    assert (config.parent / "people.csv").read_text(encoding="utf-8") == good


def test_export_csv_and_xlsx_follow_the_filters_and_the_account(server: Server) -> None:
    admin = sign_in(server, "admin")
    body = admin.get(server.url("/export.csv")).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][:3] == ["id", "name", "group"]
    assert {r[0] for r in table[1:]} == {"E001", "E002", "E003", "E004"}
    only = admin.get(server.url("/export.csv?group=市场部")).content.decode("utf-8-sig")
    assert {r[0] for r in list(csv.reader(io.StringIO(only)))[1:]} == {"E003", "E004"}
    rd = sign_in(server, "rd")
    mine = rd.get(server.url("/export.csv")).content.decode("utf-8-sig")
    assert {r[0] for r in list(csv.reader(io.StringIO(mine)))[1:]} == {"E001", "E002"}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(rd.get(server.url("/export.xlsx")).content))
    ids = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == ["E001", "E002"]


def test_calendar_page_lists_each_year_with_its_source(server: Server) -> None:
    web = sign_in(server, "admin")
    page = web.get(server.url("/calendar")).text
    assert "2026" in page
    assert "chinese-calendar" in page


def test_calendar_page_takes_a_pasted_notice(server: Server) -> None:
    """The paste form: a dry run says what it read and stores nothing; a refused notice lists
    its problems (400); the real import stores the year and the page then says so."""
    notice = Path(__file__).parent / "fixtures" / "notices" / "2027-synthetic.txt"
    text = notice.read_text(encoding="utf-8")
    web = sign_in(server, "admin")
    page = web.get(server.url("/calendar")).text
    token = csrf_of(page)
    dry_form = {"csrf": token, "notice": text, "dry_run": "on"}
    dry = web.post(server.url("/calendar/import"), data=dry_form)
    assert dry.status_code == 200
    assert "春节：2027-02-05（周五） – 2027-02-13（周六），共 9 天" in dry.text  # in Chinese
    assert "day(s)" not in dry.text
    assert "rest days" not in dry.text
    assert 'id="notice-outcome"' in dry.text
    weekday = text.replace("5月8日（周六）", "5月7日（周五）")  # a make-up day on a Friday
    bad = web.post(server.url("/calendar/import"), data={"csrf": token, "notice": weekday})
    assert bad.status_code == 400
    assert "劳动节：调休上班日2027-05-07是周五，不是周末" in bad.text  # in the page's language
    real = web.post(server.url("/calendar/import"), data={"csrf": token, "notice": text})
    assert real.status_code == 200
    assert "已导入" in real.text or "Stored" in real.text
    rows = server.db().execute("SELECT year FROM holiday_notice").fetchall()
    assert [r[0] for r in rows] == [2027]


NOTICES = Path(__file__).parent / "fixtures" / "notices"


def _paste(server: Server, notice: str, year: str = "") -> str:
    """Post `notice` to the paste form (stored, not a dry run); the page, with its status."""
    web = sign_in(server, "admin")
    token = csrf_of(web.get(server.url("/calendar")).text)
    data = {"csrf": token, "notice": notice, "year": year}
    response = web.post(server.url("/calendar/import"), data=data)
    return f"{response.status_code}\n{response.text}"


def _stored(server: Server) -> list[int]:
    return [r[0] for r in server.db().execute("SELECT year FROM holiday_notice").fetchall()]


def test_calendar_page_imports_the_notice_as_the_government_page_shows_it(server: Server) -> None:
    """Two-line title, the page's dates of issue, 星期 notes, an advice date: no 年份 needed."""
    page = _paste(server, (NOTICES / "2026-page.txt").read_text(encoding="utf-8"))
    assert page.startswith("200\n")
    assert "国务院办公厅关于2026年部分节假日安排的通知" in page
    assert "已导入" in page
    assert _stored(server) == [2026]


def test_calendar_page_refuses_a_wrong_weekday_or_count_naming_the_line_in_chinese(
    server: Server,
) -> None:
    text = (NOTICES / "2026-page.txt").read_text(encoding="utf-8")
    count = _paste(server, text.replace("放假调休，共7天", "放假调休，共8天"))
    assert count.startswith("400\n")
    assert "第27行 七、国庆节：写的是共8天，但2026-10-01至2026-10-07是7天" in count
    weekday = text.replace("5月9日（星期六）上班", "5月9日（星期日）上班")
    wrong = _paste(server, weekday)
    assert "第21行 四、劳动节：2026-05-09是周六，与括号里注明的星期不符" in wrong
    for page in (count, wrong):
        assert "未导入" in page
        assert "says" not in page
        assert "not the weekday" not in page
    assert _stored(server) == []


def test_calendar_page_asks_for_the_year_in_chinese_when_the_text_names_none(
    server: Server,
) -> None:
    text = (NOTICES / "2026-page.txt").read_text(encoding="utf-8")
    yearless = text.replace("关于2026年", "关于").replace("现将2026年", "现将")
    page = _paste(server, yearless)
    assert page.startswith("400\n")
    assert "通知中找不到年份" in page
    assert "一栏填写这份通知的年份" in page
    assert 'aria-invalid="true"' in page
    assert "--year" not in page
    assert "pass" not in page
    assert _stored(server) == []
    assert "已导入" in _paste(server, yearless, year="2026")
    assert _stored(server) == [2026]
    assert "“20x6”不是年份" in _paste(server, yearless, year="20x6")


def test_many_failures_are_grouped_paged_and_retried_in_one_click(config: Path) -> None:
    """An SMTP server down fails every message for one reason: HR sees the count by reason,
    50 rows a page with names, and retries them all at once (a group account only its own)."""
    db = Database.in_dir(config.parent / "state")
    db.ensure_schema("delivery", DELIVERY_SCHEMA)
    with db.transaction() as conn:
        for n in range(120):
            person = ("E001", "E002", "E003")[n % 3]
            conn.execute(
                "INSERT INTO delivery (person, cycle, kind, lead, channel, recipient, status,"
                " attempts, next_at, created_at, updated_at, reason, title, body, format)"
                " VALUES (?, '2026-06-30', 'message', ?, 'mail', 'x@example.com', 'failed', 3,"
                " 9e12, 0, ?, 'cannot connect to smtp:25', 't', 'b', 'text')",
                (person, n, n),
            )
    db.close()
    with running(config, NOW) as server:
        web = sign_in(server, "admin")
        page = web.get(server.url("/deliveries")).text
        assert "120 条消息未送达" in page
        assert "cannot connect to smtp:25" in page
        assert "全部重试（120）" in page
        assert page.count('/retry" class="inline"') <= 51  # one page of rows, plus the group
        assert "张三" in page
        assert ">message<" not in page
        assert 'id="next-page"' in page
        assert "3 / 3" in web.get(server.url("/deliveries?page=3")).text
        rd = sign_in(server, "rd")
        rd_page = rd.get(server.url("/deliveries")).text
        assert "80 条消息未送达" in rd_page  # E001 and E002 are 研发部's
        response = rd.post(
            server.url("/deliveries/retry"),
            data={"csrf": csrf_of(rd_page), "status": "", "reason": "cannot connect to smtp:25"},
        )
        assert response.status_code == 200
        with server.db() as conn:
            waiting = dict(conn.execute(
                "SELECT person, MAX(next_at) FROM delivery GROUP BY person"
            ).fetchall())  # fmt: skip
        assert waiting["E001"] <= time.time() + 1
        assert waiting["E002"] <= time.time() + 1
        assert waiting["E003"] > 1e12  # another group's: untouched
