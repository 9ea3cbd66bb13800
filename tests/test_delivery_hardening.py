"""Delivery rules from issue 11: no superseded lead after the clock goes back (13), leavers'
reminders cancelled and their data purged after `[state] retain_days`."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from conftest import PERMIT_DUE, Recorder, at, person, settings
from renewd.core.model import Person
from renewd.core.plan import Planner
from renewd.core.routing import AddressField
from renewd.delivery.passes import Delivery
from renewd.store.accounts import Accounts
from renewd.store.database import Database
from renewd.store.moves import MoveStore

pytestmark = pytest.mark.both_databases  # the `db` fixture: SQLite and PostgreSQL


def pass_on(
    delivery: Delivery, planner: Planner, people: list[Person], day: dt.date, hour: int = 9
) -> object:
    return delivery.run_pass(planner.plan_all(people, day), day, at(day, hour))


def count(db: Database, sql: str, *args: object) -> int:
    return int(db.conn.execute(sql, args).fetchone()[0])


def test_going_back_in_time_never_reissues_a_superseded_lead(
    db: Database, planner: Planner
) -> None:
    rec = Recorder("rec")
    delivery = Delivery(db, settings(channels=[{"name": "rec", "type": "console"}]), {"rec": rec})
    pass_on(delivery, planner, [person()], PERMIT_DUE - dt.timedelta(days=61))
    pass_on(delivery, planner, [person()], PERMIT_DUE - dt.timedelta(days=3))
    sent = len(rec.sent)
    assert sent
    for back in (7, 14, 30, 60):  # `--today` in the past, or a clock set back
        pass_on(delivery, planner, [person()], PERMIT_DUE - dt.timedelta(days=back))
    assert len(rec.sent) == sent, [m.title for m, _ in rec.sent[sent:]]
    pass_on(delivery, planner, [person()], PERMIT_DUE - dt.timedelta(days=1))
    assert len(rec.sent) > sent  # time going forward again: the nearer leads still go


def test_a_leaver_has_his_waiting_deliveries_cancelled(db: Database, planner: Planner) -> None:
    rec = Recorder("rec", fail=100)  # everything fails and waits for a retry
    conf = settings(
        channels=[{"name": "rec", "type": "console"}], notify={"retry_after_seconds": [1]}
    )
    delivery = Delivery(db, conf, {"rec": rec})
    stays, leaves = person("E001"), person("E002")
    day = PERMIT_DUE - dt.timedelta(days=3)
    pass_on(delivery, planner, [stays, leaves], day)
    waiting = "SELECT COUNT(*) FROM delivery WHERE person = ? AND status = 'failed'"
    assert count(db, waiting, "E002") > 0
    rec.fail = 0
    pass_on(delivery, planner, [stays], day, hour=12)
    assert count(db, waiting, "E002") == 0
    assert count(db, "SELECT COUNT(*) FROM delivery WHERE person = 'E002' AND status = 'cancelled'")
    assert all(to != "e002@example.com" for _, to in rec.sent)
    assert any(to == "e001@example.com" for _, to in rec.sent)


def test_a_leavers_data_is_purged_after_retain_days(db: Database, planner: Planner) -> None:
    rec = Recorder("rec")
    conf = settings(channels=[{"name": "rec", "type": "console"}], state={"retain_days": 10})
    delivery = Delivery(db, conf, {"rec": rec})
    stays, leaves = person("E001"), person("E002")
    day = PERMIT_DUE - dt.timedelta(days=3)
    pass_on(delivery, planner, [stays, leaves], day)
    of_e002 = "SELECT COUNT(*) FROM delivery WHERE person = 'E002'"
    assert count(db, of_e002) > 0
    assert count(db, "SELECT COUNT(*) FROM delivery_item WHERE person = 'E002'") > 0
    assert count(db, "SELECT COUNT(*) FROM person_seen WHERE person = 'E002'") == 1
    Accounts(db).audit("console:hr", "E002", "done", "permit_renewed_on", at(day))
    MoveStore(db)
    db.conn.execute(
        "INSERT INTO moved_note (person, cycle, kind, old_due, new_due, provisional, cause,"
        " noted_at, claimed_on) VALUES ('E002', '2026-06-30', 'expiry', '2026-06-01',"
        " '2026-06-02', 0, 'notice', '2026-06-01T09:00:00', '2026-06-01')"
    )
    pass_on(delivery, planner, [stays], day + dt.timedelta(days=1))
    pass_on(delivery, planner, [stays], day + dt.timedelta(days=10))
    assert count(db, of_e002) > 0  # kept for retain_days
    pass_on(delivery, planner, [stays], day + dt.timedelta(days=11))
    assert count(db, of_e002) == 0
    for table in ("reminder", "delivery_item", "person_seen", "moved_note", "console_audit"):
        assert count(db, f"SELECT COUNT(*) FROM {table} WHERE person = 'E002'") == 0, table
    assert count(db, "SELECT COUNT(*) FROM delivery WHERE person = 'E001'") > 0
    assert count(db, "SELECT COUNT(*) FROM delivery_item WHERE person = 'E001'") > 0
    assert count(db, "SELECT COUNT(*) FROM person_seen WHERE person = 'E001'") == 1


def test_a_person_who_comes_back_keeps_his_history(db: Database, planner: Planner) -> None:
    rec = Recorder("rec")
    conf = settings(channels=[{"name": "rec", "type": "console"}], state={"retain_days": 5})
    delivery = Delivery(db, conf, {"rec": rec})
    stays, back = person("E001"), person("E002")
    day = PERMIT_DUE - dt.timedelta(days=3)
    pass_on(delivery, planner, [stays, back], day)
    pass_on(delivery, planner, [stays], day + dt.timedelta(days=1))
    pass_on(delivery, planner, [stays, back], day + dt.timedelta(days=2))
    pass_on(delivery, planner, [stays, back], day + dt.timedelta(days=20))
    assert count(db, "SELECT COUNT(*) FROM delivery WHERE person = 'E002'") > 0


def test_done_refuses_a_date_the_calendar_cannot_plan(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from renewd.cli import main

    folder = Path(str(tmp_path))
    (folder / "people.csv").write_text(
        "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-03-15\n", encoding="utf-8"
    )
    config = folder / "config.toml"
    config.write_text('[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n', "utf-8")
    args = ["done", "-c", str(config), "1001", "permit", "--on", "2026-01-05"]
    assert main([*args, "--new-expiry", "2207-02-10"]) == 64
    assert "1950–2099" in capsys.readouterr().err
    assert main(["plan", "-c", str(config)]) == 0  # nothing was recorded: planning goes on


class SlowRecorder(Recorder):
    def _send(self, message: object, recipient: str) -> object:  # type: ignore[override]
        import time

        time.sleep(0.4)
        return super()._send(message, recipient)  # type: ignore[arg-type]


def test_a_pass_whose_preparation_outlasts_the_sweep_still_sends_one(
    db: Database, planner: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its sweep's time spent before the first send (a slow database under load), a pass still
    hands one send to the channel: the next pass, as slow, would otherwise never send either."""
    ticks = iter(range(0, 10**9, 1_000))  # each look at the clock: another 1,000 s later
    clock = types.SimpleNamespace(monotonic=lambda: next(ticks))
    monkeypatch.setattr("renewd.delivery.passes.time", clock)
    rec = Recorder("rec")
    conf = settings(
        channels=[{"name": "rec", "type": "console", "concurrency": 1}],
        notify={"sweep_seconds": 1},
    )
    delivery = Delivery(db, conf, {"rec": rec})
    crowd = [person(f"E{n:03}") for n in range(3)]
    day = PERMIT_DUE - dt.timedelta(days=3)
    sent = []
    for minute in range(10):
        report = delivery.run_pass(planner.plan_all(crowd, day), day, at(day, 10, minute))
        sent.append(len(rec.sent))
        if not report.stopped:
            break
    assert sent[0] == 1  # the first pass sent one, then its spent sweep stopped it
    assert sent == sorted(set(sent))  # each pass after it sent more, until none was left
    assert not report.stopped
    assert count(db, "SELECT COUNT(*) FROM delivery WHERE status <> 'sent'") == 0


def test_a_pass_stops_submitting_after_sweep_seconds_and_finishes_what_is_in_flight(
    db: Database, planner: Planner
) -> None:
    rec = SlowRecorder("rec")
    conf = settings(
        channels=[{"name": "rec", "type": "console", "concurrency": 1}],
        notify={"sweep_seconds": 1},
    )
    delivery = Delivery(db, conf, {"rec": rec})
    crowd = [person(f"E{n:03}") for n in range(12)]
    day = PERMIT_DUE - dt.timedelta(days=3)
    report = delivery.run_pass(planner.plan_all(crowd, day), day, at(day))
    assert report.stopped
    first = len(rec.sent)
    assert 1 <= first < 12 * 3
    statuses = dict(db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status"))
    assert "sending" not in statuses  # what was in flight was recorded
    assert statuses["sent"] == first
    for minute in range(60):
        later = at(day, 10, minute)
        if not delivery.run_pass(planner.plan_all(crowd, day), day, later).stopped:
            break
    statuses = dict(db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status"))
    assert set(statuses) == {"sent"}
    assert len(rec.sent) == statuses["sent"]  # the rest went later, each once


def test_renaming_a_channel_keeps_its_waiting_reminders(db: Database, planner: Planner) -> None:
    old = Recorder("mail", fail=100)  # an outage: everything waits for a retry
    before = settings(channels=[{"name": "mail", "type": "console"}])
    day = PERMIT_DUE - dt.timedelta(days=3)
    crowd = [person(f"E{n:03}") for n in range(5)]
    Delivery(db, before, {"mail": old}).run_pass(planner.plan_all(crowd, day), day, at(day))
    waiting = count(db, "SELECT COUNT(*) FROM delivery WHERE status = 'failed'")
    assert waiting > 0
    new = Recorder("hr-mail")  # the same mailbox under a new name
    after = settings(channels=[{"name": "hr-mail", "type": "console"}])
    delivery = Delivery(db, after, {"hr-mail": new})
    delivery.run_pass(planner.plan_all(crowd, day), day, at(day, 12))
    assert len(new.sent) == waiting  # 5 of 5 recipients get what was waiting, once
    assert {to for _, to in new.sent} == {p.email for p in crowd}
    assert count(db, "SELECT COUNT(*) FROM delivery WHERE status = 'dead'") == 0
    moved = "SELECT COUNT(*) FROM delivery WHERE status = 'cancelled' AND reason LIKE '%re-routed%'"
    assert count(db, moved) == waiting
    delivery.run_pass(planner.plan_all(crowd, day), day, at(day, 13))
    assert len(new.sent) == waiting  # and never again


def test_a_rerouted_reminder_skips_a_channel_that_already_has_it(
    db: Database, planner: Planner
) -> None:
    mail, tg = Recorder("mail", fail=100), Recorder("tg", field=AddressField.TELEGRAM)
    before = settings(
        channels=[{"name": "mail", "type": "console"}, {"name": "tg", "type": "console"}]
    )
    day = PERMIT_DUE - dt.timedelta(days=3)
    Delivery(db, before, {"mail": mail, "tg": tg}).run_pass(
        planner.plan_all([person(telegram="12345")], day), day, at(day)
    )
    sent_on_tg = len(tg.sent)
    assert sent_on_tg > 0
    after = settings(channels=[{"name": "tg", "type": "console"}])  # mail removed
    Delivery(db, after, {"tg": tg}).run_pass(
        planner.plan_all([person(telegram="12345")], day), day, at(day, 12)
    )
    assert len(tg.sent) == sent_on_tg  # tg had them already: nothing twice


def test_a_send_whose_record_the_full_disk_refused_is_never_sent_again(
    db: Database, planner: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from renewd.store.database import StateUnwritable

    rec = Recorder("rec")
    conf = settings(
        channels=[{"name": "rec", "type": "console", "concurrency": 1}],
        notify={"stale_sending_seconds": 1},  # a row left "sending" is fair game at once
    )
    delivery = Delivery(db, conf, {"rec": rec})
    finish = delivery.log.finish
    full = {"on": True}

    def refuse(*args: object, **kwargs: object) -> None:
        if full["on"]:
            raise StateUnwritable("disk full")
        finish(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(delivery.log, "finish", refuse)
    day = PERMIT_DUE - dt.timedelta(days=3)
    plans = planner.plan_all([person(telegram="12345")], day)
    with pytest.raises(StateUnwritable):
        delivery.run_pass(plans, day, at(day))
    sent = list(rec.sent)
    assert len(sent) == 1  # the first send went out; the pass stopped when its record failed
    with pytest.raises(StateUnwritable):  # still full: nothing is sent meanwhile
        delivery.run_pass(plans, day, at(day, 10))
    assert rec.sent == sent
    full["on"] = False
    for hour in (11, 12, 13):
        delivery.run_pass(plans, day, at(day, hour))
    assert len(rec.sent) == len(set(rec.sent))  # each once
    statuses = dict(db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status"))
    assert set(statuses) == {"sent"}
    assert statuses["sent"] == len(rec.sent)


def test_someone_on_the_roster_the_pass_could_not_plan_has_not_left(
    db: Database, planner: Planner
) -> None:
    """A holder whose documents cannot be planned this pass (a year no calendar covers) is still
    on the roster: what waits for him is kept, and his data is never purged as a leaver's."""
    rec = Recorder("rec", fail=100)
    conf = settings(
        channels=[{"name": "rec", "type": "console"}],
        notify={"retry_after_seconds": [1]},
        state={"retain_days": 2},
    )
    delivery = Delivery(db, conf, {"rec": rec})
    stays, unplanned = person("E001"), person("E002")
    day = PERMIT_DUE - dt.timedelta(days=3)
    pass_on(delivery, planner, [stays, unplanned], day)
    waiting = "SELECT COUNT(*) FROM delivery WHERE person = 'E002' AND status = 'failed'"
    before = count(db, waiting)
    assert before > 0
    for later in range(1, 5):
        when = day + dt.timedelta(days=later)
        delivery.run_pass(planner.plan_all([stays], when), when, at(when, 9), on_roster={"E002"})
    assert count(db, waiting) == before  # kept (still failing), neither cancelled nor purged
    assert count(db, "SELECT COUNT(*) FROM person_seen WHERE person = 'E002'") == 1
