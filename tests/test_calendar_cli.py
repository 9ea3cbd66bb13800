"""`renewd calendar import|status` through the real entry point, and what an import moves: the
plan, the feeds' SEQUENCE, and one "dates moved" email to a real SMTP server, once."""

from __future__ import annotations

import email
import email.header
import email.policy
import json
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from netkit import Sink
from renewd.cli import main
from renewd.store.database import Database

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
FIXTURES = Path(__file__).parent / "fixtures" / "notices"
NOTICE_2026 = FIXTURES / "2026.txt"
NOTICE_2027 = FIXTURES / "2027-synthetic.txt"
TODAY = "2026-12-01"


@pytest.fixture
def config(write: Write, smtp: tuple[Sink, int]) -> Path:
    # E = 2027-02-10, inside Spring Festival 2027 (docs/design.md §3's worked example).
    write(
        "people.csv",
        "工号,姓名,部门,居住证到期日,变更事项,邮箱\n1001,张三,研发部,2027-02-10,,zs@example.com\n",
    )
    _, port = smtp
    return write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        [state]
        dir = "state"
        [[channels]]
        name = "mail"
        type = "email"
        host = "127.0.0.1"
        port = {port}
        mode = "plain"
        sender = "HR <hr@example.com>"
        """,
    )


def plan(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["plan", "-c", str(config), "--today", TODAY, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    return {m["kind"]: m for m in doc["people"][0]["milestones"]}


def status(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[int, dict[str, object]]:
    assert main(["calendar", "status", "-c", str(config), "--today", TODAY, "--json"]) == 0
    return {y["year"]: y for y in json.loads(capsys.readouterr().out)["years"]}


def subjects(sink: Sink) -> list[str]:
    out = []
    for _, _, raw in sink.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        out.append(str(message["Subject"]))
    return out


def body_of(sink: Sink, needle: str) -> str:
    for _, _, raw in sink.messages:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if needle in str(message["Subject"]):
            part = message.get_body(("plain",))
            assert part is not None
            return str(part.get_content())
    raise AssertionError(f"no message with {needle!r}")


def sequences(out: Path) -> dict[str, int]:
    # the holder's own feed: HR's feeds carry only HR's steps (the holder's renewal is his)
    feed = icalendar.Calendar.from_ical((out / "person-1001.ics").read_bytes())
    return {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in feed.walk("VEVENT")}


def test_import_2027_makes_it_official_moves_dates_and_tells_the_owner_once(
    config: Path, capsys: pytest.CaptureFixture[str], smtp: tuple[Sink, int], tmp_path: Path
) -> None:
    sink, _ = smtp
    before = plan(config, capsys)
    assert before["permit_renewal"]["due"] == "2027-01-19"  # docs/design.md §3, on the estimate
    assert before["permit_renewal"]["provisional"] is True
    assert status(config, capsys)[2027]["official"] is False
    out = tmp_path / "feeds"
    export = ["export", "-c", str(config), "--out", str(out), "--today", TODAY, "--names"]
    assert main(export) == 0
    seq_before = sequences(out)
    # A pass before the notice: today's reminders, and the calendar the plans rest on is seen.
    assert main(["notify", "-c", str(config), "--due", "--today", TODAY]) == 0
    sent_before = len(sink.messages)
    capsys.readouterr()

    # --dry-run stores nothing
    args = ["calendar", "import", "-c", str(config), str(NOTICE_2027), "--today", TODAY]
    assert main([*args, "--dry-run"]) == 0
    out_text = capsys.readouterr().out
    assert "春节: 2027-02-05 (Fri) – 2027-02-13 (Sat), 9 day(s)" in out_text
    assert "1001 permit_renewal: 2027-01-19 → 2027-01-20" in out_text
    assert "dry run: nothing stored" in out_text
    assert status(config, capsys)[2027]["official"] is False

    assert main(args) == 0
    assert "stored 2027" in capsys.readouterr().out
    year = status(config, capsys)[2027]
    assert year["official"] is True
    assert year["layer"] == "notice"
    assert year["rest_days"] == 29
    assert year["makeup_days"] == 6
    assert "2027年部分节假日安排" in str(year["source"])

    after = plan(config, capsys)
    # Sat 2027-01-30 is a make-up working day: one more working day before the deadline.
    assert after["permit_renewal"]["due"] == "2027-01-20"
    assert after["points_application"]["due"] == "2027-01-25"
    assert after["employer_submission"]["due"] == "2027-01-27"
    assert after["permit_renewal"]["provisional"] is False

    assert main(export) == 0
    seq_after = sequences(out)
    moved = [uid for uid in seq_after if "permit_renewal" in uid]
    assert moved
    assert all(seq_after[uid] == seq_before[uid] + 1 for uid in moved)

    capsys.readouterr()
    assert main(["notify", "-c", str(config), "--due", "--today", TODAY]) == 0
    new = subjects(sink)[sent_before:]
    assert len([s for s in new if "日期调整" in s]) == 1, new
    summary = capsys.readouterr().out  # the summary counts the message of its own it sent
    assert f"共 {len(new)} 封消息" in summary, summary
    body = body_of(sink, "日期调整")
    assert "居住证签注：2027-01-19 → 2027-01-20" in body
    assert "积分续办申请：2027-01-22 → 2027-01-25" in body  # no HR channel: he hears every step
    assert "2027年部分节假日安排" in body
    assert sink.messages[-1][1] == ["zs@example.com"]

    count = len(sink.messages)
    assert main(["notify", "-c", str(config), "--due", "--today", TODAY]) == 0
    assert main(["notify", "-c", str(config), "--due", "--today", "2026-12-02"]) == 0
    assert not [s for s in subjects(sink)[count:] if "日期调整" in s]

    # Importing the same notice again changes nothing and tells nobody anything.
    assert main(args) == 0
    assert "already has exactly this arrangement" in capsys.readouterr().out
    assert main(["notify", "-c", str(config), "--due", "--today", "2026-12-02"]) == 0
    assert not [s for s in subjects(sink)[count:] if "日期调整" in s]


def test_refused_import_exits_65_and_stores_nothing(
    config: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        "bad.txt", NOTICE_2026.read_text(encoding="utf-8").replace("周六）上班", "周五）上班")
    )
    assert main(["calendar", "import", "-c", str(config), str(bad)]) == 65
    err = capsys.readouterr().err
    assert "refused, nothing was stored" in err
    assert "not the weekday the note names" in err
    empty = write("2027.json", '{"year": 2027, "papers": [], "days": []}')
    assert main(["calendar", "import", "-c", str(config), str(empty)]) == 65
    assert "not published" in capsys.readouterr().err
    db = config.parent / "state" / "renewd.sqlite3"
    if db.exists():
        database = Database(db)
        try:
            tables = {r[0] for r in database.conn.execute("SELECT name FROM sqlite_master")}
            if "holiday_notice" in tables:
                assert (
                    database.conn.execute("SELECT COUNT(*) FROM holiday_notice").fetchone()[0] == 0
                )
        finally:
            database.close()


def test_import_from_stdin(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(NOTICE_2026.read_text(encoding="utf-8")))
    assert main(["calendar", "import", "-c", str(config), "-", "--today", TODAY]) == 0
    assert "stored 2026" in capsys.readouterr().out
    assert status(config, capsys)[2026]["layer"] == "notice"  # the import wins over the package


def test_status_lists_years_the_plans_touch(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", "status", "-c", str(config), "--today", TODAY]) == 0
    text = capsys.readouterr().out
    assert "2026  official     package" in text
    assert "2027  PROVISIONAL  estimate" in text
    assert "renewd calendar import FILE" in text
    assert main(["calendar", "-c", str(config), "--today", TODAY]) == 0  # status by default
    assert capsys.readouterr().out == text


PAGE_2026 = FIXTURES / "2026-page.txt"


def _holiday_notices(config: Path) -> int:
    db = config.parent / "state" / "renewd.sqlite3"
    if not db.exists():
        return 0
    database = Database(db)
    try:
        tables = {r[0] for r in database.conn.execute("SELECT name FROM sqlite_master")}
        if "holiday_notice" not in tables:
            return 0
        return int(database.conn.execute("SELECT COUNT(*) FROM holiday_notice").fetchone()[0])
    finally:
        database.close()


def test_import_the_notice_as_the_government_page_shows_it_without_year(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Copied from the page: the title over two lines, the dates of issue of 2025, 星期/周
    notes, 与周末连休, 不调休 and an advice date (除夕): the year is the title's."""
    args = ["calendar", "import", "-c", str(config), str(PAGE_2026), "--today", TODAY]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2026: State Council notice text: 国务院办公厅关于2026年部分节假日安排的通知" in out
    assert "春节: 2026-02-15 (Sun) – 2026-02-23 (Mon), 9 day(s)" in out
    assert "stored 2026" in out
    assert status(config, capsys)[2026]["layer"] == "notice"


@pytest.mark.parametrize(
    ("wrong", "right", "line", "says"),
    [
        ("4月4日（周六）", "4月4日（周五）", 19, "2026-04-04 is a Saturday, not the weekday"),
        ("放假，共3天，不调休", "放假，共4天，不调休", 23, "says 4 days but 2026-06-19 to"),
    ],
    ids=["weekday", "count"],
)
def test_page_copy_that_disagrees_with_the_calendar_is_refused_naming_the_line(
    config: Path,
    write: Write,
    capsys: pytest.CaptureFixture[str],
    wrong: str,
    right: str,
    line: int,
    says: str,
) -> None:
    text = PAGE_2026.read_text(encoding="utf-8")
    assert wrong in text
    bad = write("page.txt", text.replace(wrong, right))
    assert main(["calendar", "import", "-c", str(config), str(bad), "--today", TODAY]) == 65
    err = capsys.readouterr().err
    assert "the 2026 arrangement is refused, nothing was stored" in err
    assert f"page.txt, row {line}, field " in err
    assert says in err
    assert _holiday_notices(config) == 0


def test_text_naming_no_year_asks_for_year_on_the_command_line(
    config: Path, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PAGE_2026.read_text(encoding="utf-8")
    yearless = write("page.txt", text.replace("关于2026年", "关于").replace("现将2026年", "现将"))
    args = ["calendar", "import", "-c", str(config), str(yearless), "--today", TODAY]
    assert main(args) == 65
    assert "pass --year" in capsys.readouterr().err
    assert _holiday_notices(config) == 0
    assert main([*args, "--year", "2026"]) == 0
    assert "stored 2026" in capsys.readouterr().out
