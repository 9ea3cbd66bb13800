"""The documents beside Shanghai points in the snapshot every reader serves from (docs/packs.md):
planned with the points, replanned when a step is recorded, and a bad row or an unplannable
person holding back only its own documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from renewd.calendar.snapshot import build_snapshot
from renewd.core.model import Status
from renewd.daemon.health import Health, Metrics
from renewd.daemon.refresh import Refresher
from renewd.roster.reader import load_roster
from renewd.settings import load_settings
from renewd.store.database import Database
from renewd.store.document_progress import DocumentProgressStore

Write = Callable[[str, str], Path]

TODAY = dt.date(2026, 12, 7)
ROSTER = """\
工号,姓名,部门,证件类型,到期日
1001,张三,研发部,,2027-03-10
2001,John Smith,研发部,foreign-work-permit,2027-04-20
2001,John Smith,研发部,居留许可,2027-04-25
3001,Jane Doe,研发部,no-such-pack,2027-04-25
"""
CONFIG = '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'


def test_the_snapshot_plans_each_document_beside_the_points(write: Write) -> None:
    write("people.csv", ROSTER)
    settings = load_settings(write("config.toml", CONFIG))
    roster = load_roster(settings.roster.files)
    snap = build_snapshot(settings, roster, {}, TODAY, {}, {})
    assert [p.person.id for p in snap.plans] == ["1001"]
    assert [d.key for d in snap.documents] == [
        ("2001", "foreign-work-permit"),
        ("2001", "foreign-residence-permit"),
    ]
    # The unknown pack holds back only its own row, said with its row and field.
    [problem] = snap.document_problems
    assert problem.field == "document"
    assert "row 5" in problem.file
    # A recorded step replans the documents; the points plans are the same objects.
    filed = {("2001", "foreign-work-permit"): {"extension_filing": dt.date(2026, 12, 1)}}
    after, changed = snap.with_documents(filed)
    assert changed
    assert after.plans is snap.plans
    work = after.documents[0].plan.step("extension_filing")
    assert work.done_on == dt.date(2026, 12, 1)
    assert work.status is Status.DONE
    assert after.with_documents(filed) == (after, False)
    # A day later, the recorded steps are kept.
    tomorrow = after.for_day(TODAY + dt.timedelta(days=1))
    assert tomorrow.documents[0].plan.step("extension_filing").done_on == dt.date(2026, 12, 1)


def test_the_daemon_replans_documents_when_a_step_is_recorded(write: Write, tmp_path: Path) -> None:
    write("people.csv", ROSTER)
    settings = load_settings(write("config.toml", CONFIG))
    db = Database.of(settings.state)
    try:
        refresher = Refresher(settings, {}, Health(), Metrics(), lambda: TODAY)
        refresher.recorded_from(db)
        assert refresher.load("start")
        snap = refresher.snapshot
        assert snap is not None
        assert not snap.documents[0].plan.step("extension_filing").done
        assert refresher.sync_progress() is False  # nothing recorded yet
        DocumentProgressStore(db).record(
            "2001",
            "foreign-work-permit",
            "extension_filing",
            dt.date(2026, 12, 3),
            now=dt.datetime(2026, 12, 7, 10),
            by="cli",
        )
        assert refresher.sync_progress() is True
        snap = refresher.snapshot
        assert snap is not None
        assert snap.documents[0].plan.step("extension_filing").done_on == dt.date(2026, 12, 3)
        assert refresher.sync_progress() is False
    finally:
        db.close()
