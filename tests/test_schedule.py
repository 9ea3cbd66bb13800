"""The pure catch-up logic: which reminders are due, given what the log already holds."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXPIRES, PERMIT_DUE, person
from renewd.core.model import Change, MilestoneKind, Person, PersonPlan, Progress
from renewd.core.plan import Planner
from renewd.core.reminders import AlertKind, Reminder, ReminderKey
from renewd.core.schedule import LeadRules, PassHistory, due_reminders, reminder_day

RULES = LeadRules()
START = PERMIT_DUE - dt.timedelta(days=70)


def simulate(
    planner: Planner, days: list[dt.date], p: Person | None = None
) -> list[tuple[dt.date, Reminder]]:
    """Run the pure function on each pass day, feeding back what it issued."""
    issued: set[ReminderKey] = set()
    ran: set[dt.date] = set()
    out: list[tuple[dt.date, Reminder]] = []
    who = p or person()
    for day in days:
        plan: PersonPlan = planner.plan(who, day)
        history = PassHistory(frozenset(ran))
        for r in due_reminders([plan], day, RULES, issued, history=history):
            issued.add(r.key)
            out.append((day, r))
        ran.add(day)
    return out


def daily(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def test_each_lead_day_fires_once_on_its_day(planner: Planner) -> None:
    days = daily(START, PERMIT_DUE)
    sent = simulate(planner, days + days)  # every pass twice
    permit = [(d, r) for d, r in sent if r.kind is MilestoneKind.PERMIT_RENEWAL]
    assert [r.key.lead for _, r in permit] == [60, 30, 14, 7, 3, 1, 0]
    assert all(d == PERMIT_DUE - dt.timedelta(days=r.key.lead) for d, r in permit)
    assert not any(r.late for _, r in permit)
    keys = Counter(r.key for _, r in sent)
    assert max(keys.values()) == 1


def test_overdue_repeats_every_n_days_then_weekly_until_grace_end(planner: Planner) -> None:
    days = daily(PERMIT_DUE, EXPIRES + dt.timedelta(days=70))
    sent = simulate(planner, days)
    overdue = [
        r.key.lead for _, r in sent if r.kind is MilestoneKind.PERMIT_RENEWAL and r.key.lead < 0
    ]
    grace = (EXPIRES + dt.timedelta(days=60) - PERMIT_DUE).days
    # every 2 days while at most 7 days overdue, then weekly
    assert overdue == [-2, -4, -6, *range(-13, -grace - 1, -7)]


def test_downtime_sends_only_the_latest_missed_reminder_marked_late(planner: Planner) -> None:
    # passes until 3 days before the due date, then down for three days
    days = [*daily(START, PERMIT_DUE - dt.timedelta(days=4)), PERMIT_DUE]
    sent = simulate(planner, days)
    last_day = [r for d, r in sent if d == PERMIT_DUE and r.kind is MilestoneKind.PERMIT_RENEWAL]
    assert [(r.key.lead, r.late) for r in last_day] == [(0, False)]
    days = [*daily(START, PERMIT_DUE - dt.timedelta(days=5)), PERMIT_DUE - dt.timedelta(days=1)]
    sent = simulate(planner, days)
    late = [r for d, r in sent if d == days[-1] and r.kind is MilestoneKind.PERMIT_RENEWAL]
    assert [(r.key.lead, r.late) for r in late] == [(1, False)]  # lead 3 superseded by lead 1


def test_catch_up_after_downtime_is_late_and_single(planner: Planner) -> None:
    days = [*daily(START, PERMIT_DUE - dt.timedelta(days=8)), PERMIT_DUE - dt.timedelta(days=5)]
    sent = simulate(planner, [*days, days[-1]])
    late = [r for d, r in sent if d == days[-1] and r.kind is MilestoneKind.PERMIT_RENEWAL]
    assert [(r.key.lead, r.late, r.fire_on) for r in late] == [
        (7, True, PERMIT_DUE - dt.timedelta(days=7))
    ]


def test_done_step_gets_no_more_reminders(planner: Planner) -> None:
    done = person(progress=Progress(permit_renewed_on=PERMIT_DUE - dt.timedelta(days=10)))
    sent = simulate(
        planner, daily(PERMIT_DUE - dt.timedelta(days=9), PERMIT_DUE + dt.timedelta(9)), done
    )
    assert not [r for _, r in sent if r.kind is MilestoneKind.PERMIT_RENEWAL]


def test_infeasible_plan_alerts_once_per_cycle(planner: Planner) -> None:
    late_starter = person(changes=frozenset({Change.EMPLOYER}))
    days = daily(EXPIRES - dt.timedelta(days=10), EXPIRES - dt.timedelta(days=5))
    sent = simulate(planner, days, late_starter)
    alerts = [r for _, r in sent if r.kind is AlertKind.INFEASIBLE]
    assert len(alerts) == 1
    assert alerts[0].escalate


def test_reminder_day_waits_for_send_at() -> None:
    tz = dt.timezone(dt.timedelta(hours=8))
    day = dt.date(2026, 6, 1)
    assert reminder_day(
        dt.datetime(2026, 6, 1, 3, 0, tzinfo=tz), dt.time(9, 30)
    ) == day - dt.timedelta(1)
    assert reminder_day(dt.datetime(2026, 6, 1, 9, 30, tzinfo=tz), dt.time(9, 30)) == day


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=140), min_size=1))
def test_any_pass_schedule_never_repeats_and_never_skips_the_latest(
    planner: Planner, offsets: set[int]
) -> None:
    days = [START + dt.timedelta(days=o) for o in sorted(offsets)]
    sent = simulate(planner, days)
    keys = Counter(r.key for _, r in sent)
    assert all(n == 1 for n in keys.values())  # nothing issued twice
    per_pass = Counter((d, r.kind) for d, r in sent)
    assert all(n == 1 for n in per_pass.values())  # at most one reminder per milestone per pass
    # whenever a permit reminder was due on or before a pass day, the latest one is in the log
    issued = {r.key.lead for _, r in sent if r.kind is MilestoneKind.PERMIT_RENEWAL}
    last = days[-1]
    if START + dt.timedelta(days=10) <= last <= PERMIT_DUE:
        due_leads = [lead for lead in RULES.default if PERMIT_DUE - dt.timedelta(lead) <= last]
        assert min(due_leads) in issued


def test_an_unrecorded_permit_holds_the_points_steps_until_its_due_date(planner: Planner) -> None:
    # Nobody records the (often automatic) endorsement: 续办申请 is reminded from permit_by on,
    # never before; the steps after it wait for it to be recorded; no "collect the notice".
    sent = simulate(planner, daily(START, EXPIRES))
    application = [d for d, r in sent if r.kind is MilestoneKind.POINTS_APPLICATION]
    assert application
    assert min(application) == PERMIT_DUE
    later = {MilestoneKind.EMPLOYER_SUBMISSION, MilestoneKind.COLLECT_NOTICE}
    assert not [r for _, r in sent if r.kind in later]


def test_a_recorded_points_application_lets_the_submission_go_ahead(planner: Planner) -> None:
    applied = PERMIT_DUE + dt.timedelta(days=3)
    p = person(progress=Progress(points_applied_on=applied))  # the permit is still unrecorded
    sent = simulate(planner, daily(START, EXPIRES), p)
    assert [r for _, r in sent if r.kind is MilestoneKind.EMPLOYER_SUBMISSION]
    assert not [r for _, r in sent if r.kind is MilestoneKind.COLLECT_NOTICE]


def test_later_steps_are_not_reminded_before_they_open(planner: Planner) -> None:
    days = daily(START, EXPIRES)
    renewed = person(progress=Progress(permit_renewed_on=PERMIT_DUE - dt.timedelta(days=12)))
    sent = simulate(planner, days, renewed)
    application = [(d, r) for d, r in sent if r.kind is MilestoneKind.POINTS_APPLICATION]
    assert application
    opens = planner.plan(renewed, START).milestone(MilestoneKind.POINTS_APPLICATION)
    assert opens is not None
    assert opens.opens is not None
    assert all(d >= opens.opens for d, _ in application)
    first_day, first = application[0]
    assert first_day == opens.opens
    assert not first.late  # a lead that fell before the step opened is not "late"
