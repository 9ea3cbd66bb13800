"""Delivery passes against a real SQLite log and recording channels."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from conftest import EXPIRES, PERMIT_DUE, Recorder, at, person, settings
from renewd.core.model import MilestoneKind, Person, Progress
from renewd.core.plan import Planner
from renewd.core.reminders import MessageKey
from renewd.delivery.passes import Delivery, PassReport
from renewd.store.database import Database
from renewd.store.delivery_rows import DeliveryStatus

pytestmark = pytest.mark.both_databases  # the `db` fixture: SQLite and PostgreSQL

GROUPED = {
    "channels": [{"name": "rec", "type": "console"}, {"name": "hr", "type": "console"}],
    "groups": {"研发部": {"channels": ["hr"]}},
}


# Only the permit renewal reminds: keeps counts in retry tests about one row.
ONLY_PERMIT: dict[str, list[int]] = {
    k.value: [] for k in MilestoneKind if k is not MilestoneKind.PERMIT_RENEWAL
}


def make(db: Database, channels: dict[str, Recorder], **kw: object) -> Delivery:
    conf = {**GROUPED, **kw}
    return Delivery(db, settings(**conf), channels)


def run(
    delivery: Delivery, planner: Planner, people: list[Person], day: dt.date, hour: int = 9
) -> PassReport:
    plans = planner.plan_all(people, day)
    return delivery.run_pass(plans, day, at(day, hour))


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def permit_leads(rec: Recorder) -> list[str]:
    return [m.title for m, _ in rec.sent if "居住证签注（续签）" in m.title]


def test_each_lead_day_fires_once_across_repeated_passes(db: Database, planner: Planner) -> None:
    rec, hr = Recorder("rec"), Recorder("hr", personal=False)
    delivery = make(db, {"rec": rec, "hr": hr})
    for day in days(PERMIT_DUE - dt.timedelta(days=61), PERMIT_DUE):
        for hour in (9, 12, 18):  # the send_at pass and two safety sweeps
            run(delivery, planner, [person()], day, hour)
    titles = permit_leads(rec)
    assert len(titles) == 7
    assert len(set(titles)) == 7
    assert Counter(rec.sent).most_common(1)[0][1] == 1
    rows = db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status").fetchall()
    assert {r[0] for r in rows} == {"sent"}


def test_overdue_reminders_repeat(db: Database, planner: Planner) -> None:
    rec = Recorder("rec")
    delivery = make(db, {"rec": rec}, groups={})
    for day in days(PERMIT_DUE, PERMIT_DUE + dt.timedelta(days=6)):
        run(delivery, planner, [person()], day)
    overdue = [
        m.title for m, _ in rec.sent if "居住证签注（续签）" in m.title and "逾期" in m.title
    ]
    assert [t.split("已逾期 ")[1].split(" 天")[0] for t in overdue] == ["2", "4", "6"]


def test_group_digest_is_one_message_per_pass(db: Database, planner: Planner) -> None:
    rec, hr = Recorder("rec"), Recorder("hr", personal=False)
    delivery = make(db, {"rec": rec, "hr": hr})
    renewed = Progress(permit_renewed_on=PERMIT_DUE - dt.timedelta(days=12))
    people = [person(f"E{i:03}", name=f"员工{i}", progress=renewed) for i in range(30)]
    run(delivery, planner, people, PERMIT_DUE - dt.timedelta(days=3))
    assert len(hr.sent) == 1  # the employer's steps of all 30, in one digest
    message, recipient = hr.sent[0]
    assert recipient == ""
    assert "30 人" in message.title
    assert all(f"员工{i}（E{i:03}）：积分“续办申请”" in message.body for i in range(30))
    assert sorted(to for _, to in rec.sent) == sorted(p.email for p in people)  # one each
    run(delivery, planner, people, PERMIT_DUE - dt.timedelta(days=3), hour=15)
    assert len(hr.sent) == 1  # a second pass the same day has nothing new


def test_digest_splits_over_the_channel_limit(db: Database, planner: Planner) -> None:
    hr = Recorder("hr", personal=False, max_bytes=600)
    delivery = make(db, {"rec": Recorder("rec"), "hr": hr})
    renewed = Progress(permit_renewed_on=PERMIT_DUE - dt.timedelta(days=12))
    people = [person(f"E{i:03}", name=f"员工{i}", progress=renewed) for i in range(20)]
    run(delivery, planner, people, PERMIT_DUE - dt.timedelta(days=3))
    assert len(hr.sent) > 1
    assert all(len(m.body.encode()) <= 600 for m, _ in hr.sent)
    body = "\n".join(m.body for m, _ in hr.sent)
    assert all(f"E{i:03}" in body for i in range(20))


def test_three_days_of_downtime_send_one_late_reminder_per_milestone(
    db: Database, planner: Planner
) -> None:
    rec = Recorder("rec")
    delivery = make(db, {"rec": rec}, groups={})
    before = PERMIT_DUE - dt.timedelta(days=8)
    for day in days(before - dt.timedelta(days=30), before):
        run(delivery, planner, [person()], day)
    rec.sent.clear()
    back = before + dt.timedelta(days=4)  # down for three days: lead 7 was missed
    report = run(delivery, planner, [person()], back)
    assert [type(o.subject) for o in report.sent] == [MessageKey]  # one message for him
    permit = db.conn.execute(
        "SELECT lead, late FROM reminder WHERE kind = 'permit_renewal' AND issued_on = ?",
        (back.isoformat(),),
    ).fetchall()
    assert [tuple(r) for r in permit] == [(7, 1)]
    missed = [before + dt.timedelta(days=n) for n in (1, 2, 3)]
    [(message, _)] = rec.sent
    assert f"{missed[0]} 至 {missed[-1]} 的提醒未能按时发出" in message.body
    assert "renewd" not in message.body  # the organisation speaks, not the software
    assert not run(delivery, planner, [person()], back, hour=17).sent


def test_channel_failing_twice_then_recovering_delivers_exactly_once(
    db: Database, planner: Planner
) -> None:
    flaky = Recorder("rec", fail=2)
    delivery = make(
        db,
        {"rec": flaky},
        groups={},
        notify={"retry_after_seconds": [0], "lead_days_by_kind": ONLY_PERMIT},
    )
    day = PERMIT_DUE - dt.timedelta(days=3)
    people = [person()]
    first = run(delivery, planner, people, day)
    assert len(first.failed) == 1
    assert first.failed[0].reason == "simulated outage"
    second = run(delivery, planner, people, day, hour=10)
    assert len(second.failed) == 1
    third = run(delivery, planner, people, day, hour=11)
    assert [o.attempts for o in third.sent] == [3]
    for hour in (12, 13):
        assert not run(delivery, planner, people, day, hour=hour).sent
    assert len(flaky.sent) == 1
    row = db.conn.execute("SELECT status, attempts, reason FROM delivery").fetchone()
    assert tuple(row) == ("sent", 3, "")


def test_backoff_waits_and_the_last_value_repeats_until_dead(
    db: Database, planner: Planner
) -> None:
    down = Recorder("rec", fail=100)
    delivery = make(
        db,
        {"rec": down},
        groups={},
        notify={
            "retry_after_seconds": [60, 300],
            "max_attempts": 4,
            "lead_days_by_kind": ONLY_PERMIT,
        },
    )
    day = PERMIT_DUE - dt.timedelta(days=3)
    plans = planner.plan_all([person()], day)
    t0 = at(day)
    seen = []
    for minutes in (0, 0.5, 1.1, 3, 6.2, 7, 12, 13, 60):
        report = delivery.run_pass(plans, day, t0 + dt.timedelta(minutes=minutes))
        seen.append((minutes, len(report.failed), len(report.dead)))
    assert down.calls == 4
    assert seen == [(0, 1, 0), (0.5, 0, 0), (1.1, 1, 0), (3, 0, 0), (6.2, 1, 0), (7, 0, 0),
                    (12, 0, 1), (13, 0, 0), (60, 0, 0)]  # fmt: skip
    assert delivery.counts() == {"dead": 1}


def test_marking_a_step_done_stops_its_reminders_and_retries(
    db: Database, planner: Planner
) -> None:
    rec = Recorder("rec", fail=1)
    notify = {"retry_after_seconds": [0], "lead_days_by_kind": ONLY_PERMIT}
    delivery = make(db, {"rec": rec}, groups={}, notify=notify)
    day = PERMIT_DUE - dt.timedelta(days=3)
    assert run(delivery, planner, [person()], day).failed
    done = person(progress=Progress(permit_renewed_on=day))
    report = run(delivery, planner, [done], day, hour=10)
    assert [type(o.subject) for o in report.cancelled] == [MessageKey]  # its step is done
    for later in days(day, PERMIT_DUE + dt.timedelta(days=10)):
        run(delivery, planner, [done], later)
    assert not [m for m, _ in rec.sent if "居住证签注（续签）" in m.title]


def test_dry_run_sends_and_records_nothing(db: Database, planner: Planner) -> None:
    rec, hr = Recorder("rec"), Recorder("hr", personal=False)
    delivery = make(db, {"rec": rec, "hr": hr})
    day = PERMIT_DUE - dt.timedelta(days=3)
    report = delivery.run_pass(planner.plan_all([person()], day), day, at(day), dry_run=True)
    assert report.planned
    assert {o.channel for o in report.planned} == {"rec"}  # no employer step before the permit
    assert not rec.sent
    assert not hr.sent
    assert db.conn.execute("SELECT COUNT(*) FROM delivery").fetchone()[0] == 0
    assert db.conn.execute("SELECT COUNT(*) FROM reminder").fetchone()[0] == 0


def test_a_row_stuck_in_sending_is_retried_after_the_stale_limit(
    db: Database, planner: Planner
) -> None:
    rec = Recorder("rec")
    delivery = make(db, {"rec": rec}, groups={})
    day = PERMIT_DUE - dt.timedelta(days=3)
    run(delivery, planner, [person()], day)
    sent = len(rec.sent)
    # simulate a crash mid-send: one row claimed and marked sending, never confirmed
    db.conn.execute("UPDATE delivery SET status = ? WHERE id = 1", (DeliveryStatus.SENDING,))
    assert not run(delivery, planner, [person()], day, hour=9).sent  # too fresh to touch
    report = run(delivery, planner, [person()], day, hour=10)
    assert len(report.sent) == 1
    assert len(rec.sent) == sent + 1


def test_person_without_an_address_is_reported_as_skipped(db: Database, planner: Planner) -> None:
    delivery = make(db, {"rec": Recorder("rec")}, groups={})
    report = run(delivery, planner, [person(email="")], PERMIT_DUE)
    assert report.skipped
    assert not report.sent


def test_escalation_channel_gets_overdue_steps_in_one_message(
    db: Database, planner: Planner
) -> None:
    rec, esc = Recorder("rec"), Recorder("hr", personal=False)
    delivery = make(db, {"rec": rec, "hr": esc}, groups={}, notify={"escalate_to": ["hr"]})
    people = [person("E001"), person("E002", name="李四")]
    run(delivery, planner, people, PERMIT_DUE + dt.timedelta(days=2))
    assert len(esc.sent) == 1
    message = esc.sent[0][0]
    assert "【需关注】" in message.title
    assert "李四（E002）" in message.body
    assert "已逾期 2 天" in message.body
    cycles = {k.cycle for r in delivery.history() for k in r.items}
    assert cycles == {EXPIRES}  # each message logs the reminders it carried, by their cycle


def test_overlapping_passes_send_one_digest(db: Database, planner: Planner) -> None:
    # A cron `notify --due` read the log before the daemon's pass committed: it computes the same
    # reminders, wins none of them, and must not send a digest of its own.
    hr = Recorder("hr", personal=False)
    first = make(db, {"rec": Recorder("rec"), "hr": hr})
    stale = make(db.again(), {"rec": Recorder("rec"), "hr": hr})
    day = PERMIT_DUE - dt.timedelta(days=3)
    renewed = Progress(permit_renewed_on=PERMIT_DUE - dt.timedelta(days=12))
    people = [person(f"E{i:03}", progress=renewed) for i in range(5)]
    plans = planner.plan_all(people, day)
    issued_before = stale.issued()
    stale.issued = lambda since=None: issued_before  # type: ignore[method-assign]
    first.run_pass(plans, day, at(day))
    report = stale.run_pass(plans, day, at(day))
    assert report.issued == 0
    assert not report.sent
    assert len(hr.sent) == 1


def sweep(
    delivery: Delivery, planner: Planner, people: list[Person], day: dt.date, hour: int
) -> PassReport:
    plans = planner.plan_all(people, day)
    return delivery.run_pass(plans, day, at(day, hour), catch_up_only=True)


def test_sweeps_send_retries_and_catch_up_but_nothing_new_after_the_days_pass(
    db: Database, planner: Planner
) -> None:
    rec = Recorder("rec")
    delivery = make(db, {"rec": rec}, groups={})
    day = PERMIT_DUE - dt.timedelta(days=3)
    first = sweep(delivery, planner, [person()], day, 10)  # a first start after send_at
    assert len(first.sent) == 1
    newcomer = person("E002", name="李四")  # a roster row added during the day
    assert not sweep(delivery, planner, [person(), newcomer], day, 15).sent
    run(delivery, planner, [person(), newcomer], day + dt.timedelta(days=1))
    status = [m.title for m, to in rec.sent if to == "e002@example.com"]
    assert status == ["【续签状态】李四：居住证 2026-06-30 到期"]  # at the next send_at


def test_a_new_install_started_before_send_at_waits_for_send_at(
    db: Database, planner: Planner
) -> None:
    rec = Recorder("rec")
    delivery = make(db, {"rec": rec}, groups={})
    day = PERMIT_DUE - dt.timedelta(days=3)
    # 03:00: the reminder day is yesterday; nothing is caught up on a new install.
    plans = planner.plan_all([person()], day - dt.timedelta(days=1))
    early = dt.datetime.combine(day, dt.time(3, 0), at(day).tzinfo)
    assert not delivery.run_pass(plans, day - dt.timedelta(days=1), early, catch_up_only=True).sent
    assert len(run(delivery, planner, [person()], day).sent) == 1
