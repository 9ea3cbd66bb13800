"""The pure part of critical dates (`renewd.core.critical`): which lead reminder is due on a day,
moved to the working day before, once; a past date is not said as "today"."""

from __future__ import annotations

import datetime as dt

from conftest import person
from renewd.core import critical
from renewd.core.materials import Reader
from renewd.core.model import Change, CriticalDate, Lang, PersonPlan
from renewd.core.plan import Planner
from renewd.core.reminders import AlertKind

D = dt.date.fromisoformat
ENROLMENT = CriticalDate(D("2026-10-25"), "子女入学登记")  # a Sunday, inside a 10-day gap


def at_risk(planner: Planner, today: dt.date) -> PersonPlan:
    someone = person(
        "E001",
        permit_expires=D("2026-10-20"),
        changes=frozenset({Change.CHILD}),
        critical_dates=(ENROLMENT,),
    )
    plan = planner.plan(someone, today)
    assert plan.critical_at_risk == (ENROLMENT,)
    return plan


def test_the_lead_reminder_is_due_on_its_day_once(planner: Planner) -> None:
    day = D("2026-09-25")  # 30 days before
    plan = at_risk(planner, day)
    [alert] = critical.lead_alerts(plan, day, (30, 7), set())
    assert (alert.kind, alert.lead, alert.fire_on) == (AlertKind.CRITICAL_LEAD, 30, day)
    assert not alert.escalate
    assert critical.lead_alerts(plan, day + dt.timedelta(days=1), (30, 7), {alert.key}) == []
    assert critical.lead_alerts(plan, day - dt.timedelta(days=1), (30, 7), set()) == []


def test_a_lead_day_on_a_rest_day_goes_out_the_working_day_before(planner: Planner) -> None:
    friday = D("2026-10-16")  # 7 days before is Sunday 2026-10-18

    def move(day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return day

    [alert] = critical.lead_alerts(at_risk(planner, friday), friday, (30, 7), set(), move)
    assert (alert.lead, alert.fire_on) == (7, friday)


def test_a_past_critical_date_is_not_said(planner: Planner) -> None:
    plan = at_risk(planner, D("2026-10-26"))
    assert critical.lines(plan, D("2026-10-26"), Lang.ZH, Reader.HOLDER) == []
    assert critical.head(ENROLMENT, D("2026-10-26"), Lang.ZH) == "子女入学登记：2026-10-25（周日）"
