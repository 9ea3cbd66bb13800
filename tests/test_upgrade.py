"""A state database made by 0.1.0 (tests/fixtures/state-0.1.0) upgrades in place: nothing that
was confirmed sent is sent again, recorded progress and feed URLs survive."""

from __future__ import annotations

import email
import email.policy
import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import load_keeping
from netkit import Sink
from renewd import clock
from renewd.cli import main
from renewd.store.database import Database
from renewd.store.delivery_schema import SCHEMA as DELIVERY_SCHEMA

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parent / "fixtures" / "state-0.1.0"
SENT_BY_010 = 10


@pytest.fixture
def old_install(tmp_path: Path, smtp: tuple[Sink, int]) -> Path:
    """A config like the one that made the fixture, its email channel on the test's SMTP sink."""
    _, port = smtp
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    for name in ("renewd.sqlite3", "feed.key"):
        shutil.copy(FIXTURE / name, state / name)
        (state / name).chmod(0o600)  # as 0.1.0 left them; git keeps no file modes
    shutil.copy(FIXTURE / "people.csv", tmp_path / "people.csv")
    config = tmp_path / "config.toml"
    config.write_text(
        'timezone = "Asia/Shanghai"\nlanguage = "zh"\n'
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
        encoding="utf-8",
    )
    return config


def sent_rows(config: Path) -> int:
    conn = sqlite3.connect(config.parent / "state" / "renewd.sqlite3")
    try:
        return int(
            conn.execute("SELECT count(*) FROM delivery WHERE status = 'sent'").fetchone()[0]
        )
    finally:
        conn.close()


def test_fixture_was_made_by_the_previous_release(old_install: Path) -> None:
    assert sent_rows(old_install) == SENT_BY_010


def test_upgrade_sends_nothing_already_sent(
    old_install: Path, smtp: tuple[Sink, int], capsys: pytest.CaptureFixture[str]
) -> None:
    sink, _ = smtp
    code = main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"])
    assert code == 0, capsys.readouterr()
    assert sink.messages == []
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-02"]) == 0
    assert sink.messages == []
    assert sent_rows(old_install) >= SENT_BY_010


def test_upgrade_keeps_recorded_progress_and_feed_urls(
    old_install: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "-c", str(old_install), "--person", "1001"]) == 0
    log = capsys.readouterr().out
    assert "1001 居住证签注（续签） = 2026-11-30（由 cli 记录）" in log  # recorded_by added
    assert "已发送" in log
    assert "经 mail 发往 zhang.xm@example.com" in log
    assert main(["feeds", "-c", str(old_install), "--json"]) == 0
    out = capsys.readouterr().out
    assert "T3sZQoS6ipw1AnNssnSRxerdRSTr39eL" in out  # the all-people URL 0.1.0 printed
    assert main(["plan", "-c", str(old_install), "--json", "--person", "1001"]) == 0
    plan = json.loads(capsys.readouterr().out)
    permit = next(m for m in plan["people"][0]["milestones"] if m["kind"] == "permit_renewal")
    assert (permit["status"], permit["done_on"]) == ("done", "2026-11-30")


def test_upgrade_then_import_sends_only_what_moved(
    old_install: Path, smtp: tuple[Sink, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The "notices" and "moves" components join an old database; the first pass only records
    the calendar it planned on; an import afterwards sends "dates moved" notes, nothing else."""
    sink, _ = smtp
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    assert sink.messages == []
    notice = Path(__file__).parent / "fixtures" / "notices" / "2027-synthetic.txt"
    args = ["calendar", "import", "-c", str(old_install), str(notice), "--today", "2026-12-01"]
    assert main(args) == 0, capsys.readouterr()
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    conn = sqlite3.connect(old_install.parent / "state" / "renewd.sqlite3")
    try:
        moved = conn.execute(
            "SELECT COUNT(*) FROM delivery WHERE kind = 'dates_moved' AND status = 'sent'"
        ).fetchone()[0]
        versions = dict(conn.execute("SELECT component, version FROM schema_version").fetchall())
    finally:
        conn.close()
    assert versions["notices"] == 1
    assert versions["moves"] == 2  # calendar_asked joined it
    assert moved >= 1
    assert sent_rows(old_install) == SENT_BY_010 + moved  # nothing else was sent
    subjects = [
        str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])
        for _, _, raw in sink.messages
    ]
    assert subjects
    assert all("日期调整" in subject for subject in subjects)


def test_upgrade_keys_the_uids_and_drops_the_old_stamps(
    old_install: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib
    import re

    db = old_install.parent / "state" / "renewd.sqlite3"
    conn = sqlite3.connect(db)
    old = {row[0] for row in conn.execute("SELECT uid FROM feed_events")}
    conn.close()
    unkeyed = hashlib.sha256(b"1001").hexdigest()[:16]
    assert any(uid.startswith(unkeyed) for uid in old)  # what 0.1.0 published
    out = old_install.parent / "out"
    assert main(["export", "-c", str(old_install), "--out", str(out), "--names"]) == 0
    uids = re.findall(r"^UID:(\S+)\r?$", (out / "all.ics").read_text(), re.MULTILINE)
    assert uids
    assert not any(uid.startswith(unkeyed) for uid in uids)
    conn = sqlite3.connect(db)
    now = {row[0] for row in conn.execute("SELECT uid FROM feed_events")}
    conn.close()
    assert now.isdisjoint(old)
    assert set(uids) <= now
    # The URLs handed out by 0.1.0 still work: the key is the same one.
    assert main(["feeds", "-c", str(old_install), "--json"]) == 0
    assert "T3sZQoS6ipw1AnNssnSRxerdRSTr39eL" in capsys.readouterr().out


def test_console_accounts_join_an_old_state_without_resending(
    old_install: Path, smtp: tuple[Sink, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console's tables are a new schema component: adding the first account to a 0.1.0
    state directory touches nothing else, and the next pass still sends nothing twice."""
    import io

    sink, _ = smtp
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "hr", "--admin", "-c", str(old_install)]) == 0
    conn = sqlite3.connect(old_install.parent / "state" / "renewd.sqlite3")
    try:
        versions = dict(conn.execute("SELECT component, version FROM schema_version"))
    finally:
        conn.close()
    assert versions["console"] == 2  # its tables, and the sign-in reservations of issue 18
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    assert sink.messages == []
    assert sent_rows(old_install) >= SENT_BY_010


def test_upgrade_adds_claim_holders_and_old_claims_keep_the_stale_rule(
    old_install: Path, smtp: tuple[Sink, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """A row 0.1.0 left `sending` (killed mid-send) has no holder: after the upgrade it waits
    `notify.stale_sending_seconds` from its claim, as 0.1.0 would have, then goes out once."""
    sink, _ = smtp
    db = old_install.parent / "state" / "renewd.sqlite3"
    with sqlite3.connect(db) as conn:
        (row_id,) = conn.execute(
            "SELECT id FROM delivery WHERE person = '1002' AND channel = 'mail'"
        ).fetchone()
        conn.execute(
            "UPDATE delivery SET status = 'sending', sent_at = NULL, updated_at = ? WHERE id = ?",
            (clock.now("Asia/Shanghai").timestamp(), row_id),  # just now, as renewd tells time
        )
    with old_install.open("a", encoding="utf-8") as config:
        config.write("[notify]\nstale_sending_seconds = 2\n")
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    assert sink.messages == []  # claimed just now: not stale yet
    with sqlite3.connect(db) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(delivery)")}
        version = conn.execute(
            "SELECT version FROM schema_version WHERE component = 'delivery'"
        ).fetchone()[0]
        claim = conn.execute("SELECT status, holder FROM delivery WHERE id = ?", (row_id,))
        assert claim.fetchone() == ("sending", "")
    assert {"holder", "lease_until"} <= columns
    assert version == len(DELIVERY_SCHEMA)  # 3 (claim holders) and every step since
    time.sleep(2.1)
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    assert len(sink.messages) == 1  # that one claim, once
    assert sent_rows(old_install) == SENT_BY_010
    capsys.readouterr()


def test_upgrade_adds_the_last_good_roster_records(
    old_install: Path, smtp: tuple[Sink, int]
) -> None:
    """The daemon's first roster read after the upgrade creates component "roster" (last good
    records, notices) beside the old tables, and the next pass still re-sends nothing."""
    sink, _ = smtp
    state = old_install.parent / "state"
    db = Database.in_dir(state)
    try:
        roster = load_keeping([old_install.parent / "people.csv"], db)
        versions = dict(db.conn.execute("SELECT component, version FROM schema_version"))
        stored = db.conn.execute("SELECT COUNT(*) FROM roster_record").fetchone()[0]
    finally:
        db.close()
    assert versions["roster"] == 2
    assert stored == len(roster.people) > 0
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    assert sink.messages == []


def test_upgrade_is_no_first_contact_but_a_new_row_is(
    old_install: Path, smtp: tuple[Sink, int]
) -> None:
    """0.1.0's people are known (no status flood, no false "late"); a row added later gets its
    first-contact status message."""
    sink, _ = smtp
    people = old_install.parent / "people.csv"
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-02"]) == 0
    assert sink.messages == []
    with people.open("a", encoding="utf-8") as out:
        out.write("1009,新同事,研发部,2027-09-30,,是,new@example.com,,\n")
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-03"]) == 0
    new = [raw for _, rcpts, raw in sink.messages if rcpts == ["new@example.com"]]
    assert len(new) == 1  # one status message for the new row, nobody else's status
    assert len(sink.messages) <= 2  # and at most 1001's own reminder of the day
    conn = sqlite3.connect(old_install.parent / "state" / "renewd.sqlite3")
    try:
        kinds = conn.execute("SELECT kind FROM reminder WHERE person = '1009'").fetchall()
        late = conn.execute(
            "SELECT COUNT(*) FROM reminder WHERE late = 1 AND issued_on > '2026-12-01'"
        )
        assert ("first_contact",) in kinds
        assert late.fetchone()[0] == 0
    finally:
        conn.close()


def test_upgrade_adds_document_progress_without_resending(
    old_install: Path, smtp: tuple[Sink, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 22: a roster that gains a 证件类型 column and a foreign employee's work permit; the
    first `done --document` creates component "document_progress" beside the old tables, the
    old components keep their versions, and the next passes send nothing 0.1.0 sent."""
    sink, _ = smtp
    people = old_install.parent / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",证件类型", *(line + "," for line in lines[1:])]
    rows.append("2001,John Smith,研发部,2027-04-20,,,john@example.com,,,foreign-work-permit")
    people.write_text("\n".join(rows) + "\n", encoding="utf-8")
    state = old_install.parent / "state"
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-01"]) == 0
    assert sink.messages == []
    conn = sqlite3.connect(state / "renewd.sqlite3")
    try:
        before = dict(conn.execute("SELECT * FROM schema_version"))
    finally:
        conn.close()
    assert "document_progress" not in before
    code = main(["done", "-c", str(old_install), "2001", "filing_window", "--on", "2026-11-30"])
    assert code == 0, capsys.readouterr()
    conn = sqlite3.connect(state / "renewd.sqlite3")
    try:
        after = dict(conn.execute("SELECT * FROM schema_version"))
        facts = conn.execute("SELECT person, document, step FROM document_fact").fetchall()
    finally:
        conn.close()
    assert after["document_progress"] == 1
    assert {k: v for k, v in after.items() if k in before} == before
    assert facts == [("2001", "foreign-work-permit", "filing_window")]
    assert main(["notify", "-c", str(old_install), "--due", "--today", "2026-12-02"]) == 0
    assert sink.messages == []
    capsys.readouterr()
    assert main(["plan", "-c", str(old_install), "--json", "--person", "2001"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [p["document"] for p in plan["people"]] == ["foreign-work-permit"]


def test_upgrade_adds_the_due_dates_and_old_keys_never_move(
    old_install: Path, smtp: tuple[Sink, int]
) -> None:
    """The reminder rows gain the due date they were issued for (a step whose date moves is
    reminded on its new dates); the rows 0.1.0 wrote have none, so nothing of theirs is ever
    taken for moved and sent again."""
    sink, _ = smtp
    for day in ("2026-12-01", "2026-12-02"):
        assert main(["notify", "-c", str(old_install), "--due", "--today", day]) == 0
    assert sink.messages == []
    conn = sqlite3.connect(old_install.parent / "state" / "renewd.sqlite3")
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(reminder)")}
        old = conn.execute("SELECT count(*) FROM reminder WHERE due IS NULL").fetchone()[0]
        version = conn.execute(
            "SELECT version FROM schema_version WHERE component = 'delivery'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert "due" in columns
    assert old == 7  # the 7 reminders 0.1.0 issued keep no date
    assert version == len(DELIVERY_SCHEMA)
