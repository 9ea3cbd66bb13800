"""The renewal plan (docs/design.md §3). Expected dates are worked out by hand from the holiday
notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewd.core.errors import CalendarError
from renewd.core.model import (
    Change,
    CriticalDate,
    MilestoneKind,
    Person,
    PersonPlan,
    Profile,
    Progress,
    Status,
)
from renewd.core.plan import Planner
from renewd.core.policy import Fallback, Policy, ProcessingDays
from renewd.core.workdays import WorkdayCalendar

D = dt.date.fromisoformat
K = MilestoneKind


def person(expires: str, *changes: Change, **kw: Any) -> Person:
    return Person(
        id="E001", name="张三", permit_expires=D(expires), changes=frozenset(changes), **kw
    )


def due(plan: PersonPlan, kind: MilestoneKind) -> dt.date:
    milestone = plan.milestone(kind)
    assert milestone is not None
    return milestone.due


@pytest.mark.parametrize(
    ("expiry", "permit_by", "apply_by", "submit_by", "why"),
    [
        (
            "2026-02-20",
            "2026-01-29",
            "2026-02-03",
            "2026-02-05",
            "expiry inside Spring Festival; the last working day is the make-up Saturday 14 Feb",
        ),
        (
            "2026-03-02",
            "2026-02-06",
            "2026-02-11",
            "2026-02-13",
            "counting back over both make-up Saturdays and the nine days off",
        ),
        ("2026-04-06", "2026-03-18", "2026-03-23", "2026-03-25", "expiry on Qingming Monday"),
        ("2026-05-06", "2026-04-15", "2026-04-20", "2026-04-22", "first day after Labour Day"),
        (
            "2026-10-08",
            "2026-09-15",
            "2026-09-18",
            "2026-09-21",
            "first day after National Day; the make-up Sunday 20 Sep counts",
        ),
    ],
)
def test_unchanged_deadlines_around_2026_holidays(
    planner: Planner, expiry: str, permit_by: str, apply_by: str, submit_by: str, why: str
) -> None:
    chain = planner.deadlines(D(expiry), Profile.UNCHANGED)
    assert (chain.permit_by, chain.apply_by, chain.submit_by) == (
        D(permit_by),
        D(apply_by),
        D(submit_by),
    ), why
    assert not chain.provisional
    plan = planner.plan(person(expiry), D("2025-12-01"))
    assert due(plan, K.PERMIT_RENEWAL) == D(permit_by)
    assert due(plan, K.POINTS_APPLICATION) == D(apply_by)
    assert due(plan, K.EMPLOYER_SUBMISSION) == D(submit_by)
    assert plan.feasible
    assert plan.gap_days == 0
    assert not plan.provisional


def test_spec_example_2027_spring_festival_unchanged(planner: Planner) -> None:
    plan = planner.plan(person("2027-02-10"), D("2026-11-27"))
    chain = planner.deadlines(D("2027-02-10"), Profile.UNCHANGED)
    assert chain.last_workday == D("2027-02-04")
    assert (chain.submit_by, chain.apply_by, chain.permit_by) == (
        D("2027-01-26"),
        D("2027-01-22"),
        D("2027-01-19"),
    )
    assert chain.window_opens == D("2027-01-11")
    assert plan.feasible
    assert plan.provisional
    assert due(plan, K.POINTS_APPROVAL) == D("2027-02-04")
    assert all(m.status is Status.UPCOMING for m in plan.milestones)


def test_spec_example_2027_spring_festival_changed_is_infeasible(planner: Planner) -> None:
    plan = planner.plan(person("2027-02-10", Change.EMPLOYER), D("2026-11-27"))
    chain = planner.deadlines(D("2027-02-10"), Profile.CHANGED)
    assert chain.permit_by == D("2026-12-30")
    assert not chain.feasible_in_window
    assert plan.profile is Profile.CHANGED
    assert not plan.feasible
    assert 9 <= plan.gap_days <= 13
    assert plan.escalate
    # The advice is the window's first day, not a date before it opens.
    assert due(plan, K.PERMIT_RENEWAL) == D("2027-01-11")


def test_changed_path_gap_in_2026_counted_by_hand(planner: Planner) -> None:
    # Window opens Sun 20 Sep (a make-up working day); apply 23 Sep; submit 28 Sep; 20 working
    # days after that, across National Day, is 30 Oct: ten days after the expiry.
    plan = planner.plan(person("2026-10-20", Change.TITLE), D("2026-08-01"))
    assert planner.deadlines(D("2026-10-20"), Profile.CHANGED).permit_by == D("2026-09-09")
    assert plan.projected_approval == D("2026-10-30")
    assert plan.gap_days == 10
    assert not plan.provisional


def test_critical_date_inside_the_gap_is_at_risk(planner: Planner) -> None:
    inside = CriticalDate(D("2026-10-25"), "入学信息核验")
    outside = CriticalDate(D("2026-11-15"), "later")
    plan = planner.plan(
        person("2026-10-20", Change.CHILD, critical_dates=(inside, outside)), D("2026-08-01")
    )
    assert plan.critical_at_risk == (inside,)
    assert plan.escalate


def test_progress_closes_milestones_and_moves_later_ones(planner: Planner) -> None:
    p = person("2026-10-20", progress=Progress(permit_renewed_on=D("2026-09-22")))
    plan = planner.plan(p, D("2026-09-23"))
    renewal = plan.milestone(K.PERMIT_RENEWAL)
    assert renewal is not None
    assert renewal.status is Status.DONE
    assert renewal.done_on == D("2026-09-22")
    application = plan.milestone(K.POINTS_APPLICATION)
    assert application is not None
    # Three working days after Tue 22 Sep: 23, 24 and (Fri 25 is Mid-Autumn) Mon 28 Sep.
    assert application.opens == D("2026-09-28")
    assert plan.milestone(K.GRACE_END) is None  # only while the permit is not renewed
    expiry = plan.milestone(K.EXPIRY)
    assert expiry is not None
    # Not done while the points may still lapse: the new points are not approved yet.
    assert expiry.done_on is None
    assert expiry.status is not Status.DONE


def test_late_step_pushes_the_next_due_dates(planner: Planner) -> None:
    # Unchanged, expiry Tue 20 Oct: permit_by 28 Sep. Renewed late on Fri 9 Oct.
    p = person("2026-10-20", progress=Progress(permit_renewed_on=D("2026-10-09")))
    plan = planner.plan(p, D("2026-10-09"))
    application = plan.milestone(K.POINTS_APPLICATION)
    assert application is not None
    assert application.opens == D("2026-10-13")  # Sat 10 Oct is a make-up working day
    assert application.due == D("2026-10-13")
    assert not plan.feasible
    assert plan.gap_days > 0


def test_overdue_status_and_escalation(planner: Planner) -> None:
    plan = planner.plan(person("2026-10-20"), D("2026-10-01"))
    renewal = plan.milestone(K.PERMIT_RENEWAL)
    assert renewal is not None
    assert renewal.status is Status.OVERDUE
    assert plan.escalate


@pytest.mark.parametrize(
    ("today", "status"),
    [
        ("2026-08-01", Status.UPCOMING),
        ("2026-09-20", Status.OPEN),
        ("2026-09-21", Status.DUE),
        ("2026-09-28", Status.DUE),
        ("2026-09-29", Status.OVERDUE),
    ],
)
def test_permit_renewal_status_over_time(planner: Planner, today: str, status: Status) -> None:
    # Unchanged, expiry 20 Oct 2026: submit_by is the make-up Saturday 10 Oct, apply_by 8 Oct,
    # permit_by 28 Sep; the window opens 20 Sep.
    plan = planner.plan(person("2026-10-20"), D(today))
    renewal = plan.milestone(K.PERMIT_RENEWAL)
    assert renewal is not None
    assert (renewal.opens, renewal.due) == (D("2026-09-20"), D("2026-09-28"))
    assert renewal.status is status


def test_facts_from_last_year_are_ignored(planner: Planner) -> None:
    stale = Progress(permit_renewed_on=D("2025-10-10"), points_approved_on=D("2025-10-30"))
    plan = planner.plan(person("2026-10-20", progress=stale), D("2026-08-01"))
    renewal = plan.milestone(K.PERMIT_RENEWAL)
    assert renewal is not None
    assert renewal.status is Status.UPCOMING


def test_new_expiry_starts_the_next_cycle_once_this_one_is_finished(planner: Planner) -> None:
    done = Progress(
        permit_renewed_on=D("2026-09-22"),
        points_applied_on=D("2026-09-25"),
        points_submitted_on=D("2026-09-28"),
        points_approved_on=D("2026-10-09"),
        notice_collected_on=D("2026-10-12"),
        new_permit_expires=D("2027-10-20"),
    )
    plan = planner.plan(person("2026-10-20", progress=done), D("2026-10-13"))
    assert plan.cycle == D("2027-10-20")
    assert all(m.status is not Status.DONE for m in plan.milestones if m.kind is not K.PREPARE)
    unfinished = replace(done, points_approved_on=None, notice_collected_on=None)
    plan = planner.plan(person("2026-10-20", progress=unfinished), D("2026-10-13"))
    assert plan.cycle == D("2026-10-20")


def test_a_finished_cycle_without_a_new_expiry_goes_on_a_year_later_estimated(
    planner: Planner,
) -> None:
    """Nobody recorded the new expiry: once the old one has passed, the next cycle is planned
    at E + 1 year, marked estimated, so the holder is not silent for good next year."""
    done = Progress(
        permit_renewed_on=D("2026-09-22"),
        points_approved_on=D("2026-10-09"),
        notice_collected_on=D("2026-10-12"),
    )
    finished = person("2026-10-20", progress=done)
    before = planner.plan(finished, D("2026-10-20"))  # until E: the finished cycle, as before
    assert (before.cycle, before.expiry_estimated) == (D("2026-10-20"), False)
    after = planner.plan(finished, D("2026-10-21"))
    assert (after.cycle, after.expiry_estimated) == (D("2027-10-20"), True)
    assert all(m.done_on is None for m in after.milestones)  # last year's facts stay last year's
    assert due(after, K.EXPIRY) == D("2027-10-20")
    recorded = person("2026-10-20", progress=replace(done, new_permit_expires=D("2027-10-18")))
    plan = planner.plan(recorded, D("2026-10-21"))
    assert (plan.cycle, plan.expiry_estimated) == (D("2027-10-18"), False)
    open_ = replace(done, points_approved_on=None, notice_collected_on=None)
    unfinished = person("2026-10-20", progress=open_)
    assert planner.plan(unfinished, D("2026-10-21")).cycle == D("2026-10-20")  # still overdue
    leap = person("2028-02-29", has_points=False, progress=Progress(D("2028-02-10")))
    assert planner.plan(leap, D("2028-03-01")).cycle == D("2029-02-28")


def test_person_without_points_gets_only_permit_milestones(planner: Planner) -> None:
    plan = planner.plan(person("2026-10-20", has_points=False), D("2026-08-01"))
    assert [m.kind for m in plan.milestones] == [
        K.PREPARE,
        K.PERMIT_WINDOW,
        K.PERMIT_RENEWAL,
        K.EXPIRY,
        K.GRACE_END,
    ]
    assert due(plan, K.PERMIT_RENEWAL) == D("2026-10-20")
    assert plan.feasible
    assert plan.projected_approval is None


def test_policy_figures_are_settings(calendar: WorkdayCalendar) -> None:
    slow = Planner(
        Policy(processing_workdays=ProcessingDays(unchanged=10), window_days=45),
        calendar,
    )
    chain = slow.deadlines(D("2026-10-20"), Profile.UNCHANGED)
    assert chain.window_opens == D("2026-09-05")
    assert chain.submit_by == D("2026-09-30")


def test_error_fallback_refuses_to_plan_an_uncovered_year() -> None:
    strict = Planner(Policy(), WorkdayCalendar(fallback=Fallback.ERROR))
    with pytest.raises(CalendarError):
        strict.plan(person("2027-02-10"), D("2026-11-27"))
    assert strict.plan(person("2026-10-20"), D("2026-08-01")).feasible


@settings(max_examples=300, deadline=None)
@given(
    expiry=st.dates(min_value=dt.date(2025, 3, 1), max_value=dt.date(2029, 12, 31)),
    offset=st.integers(min_value=-120, max_value=90),
    changed=st.booleans(),
    renewed_after=st.one_of(st.none(), st.integers(min_value=-30, max_value=40)),
)
def test_plan_invariants(
    expiry: dt.date, offset: int, changed: bool, renewed_after: int | None
) -> None:
    today = expiry + dt.timedelta(days=offset)
    progress = Progress()
    if renewed_after is not None:
        renewed = expiry + dt.timedelta(days=renewed_after)
        if renewed <= today:
            progress = Progress(permit_renewed_on=renewed)
    p = person(expiry.isoformat(), *([Change.EDUCATION] if changed else []), progress=progress)
    plan = _PLANNER.plan(p, today)
    by = {m.kind: m for m in plan.milestones}
    # The chain is ordered: each step is due no earlier than the one before it.
    chain = [
        K.PERMIT_RENEWAL,
        K.POINTS_APPLICATION,
        K.EMPLOYER_SUBMISSION,
        K.POINTS_APPROVAL,
        K.COLLECT_NOTICE,
    ]
    dues = [by[k].due for k in chain]
    assert dues == sorted(dues)
    for m in plan.milestones:
        assert m.opens is None or m.opens <= m.due or m.kind is K.POINTS_APPLICATION
        assert (m.status is Status.DONE) == (m.done_on is not None) or m.kind in (
            K.PREPARE,
            K.PERMIT_WINDOW,
        )
    assert plan.feasible == (plan.gap_days == 0)
    assert plan.gap_days >= 0
    assert by[K.PREPARE].due <= by[K.PERMIT_WINDOW].due <= by[K.EXPIRY].due
    if plan.feasible and progress.permit_renewed_on is None and today <= by[K.PERMIT_WINDOW].due:
        assert by[K.POINTS_APPROVAL].due <= expiry


_PLANNER = Planner(Policy(), WorkdayCalendar())


def test_progress_of_the_next_cycle_counts_after_the_switch(planner: Planner) -> None:
    # The roster still says 2026-03-10; the first cycle was finished and the new expiry recorded.
    # In Feb 2027 the permit is renewed again: that closes the second cycle's permit renewal.
    progress = Progress(
        permit_renewed_on=D("2027-02-20"),
        points_applied_on=D("2026-02-24"),
        points_submitted_on=D("2026-02-26"),
        points_approved_on=D("2026-03-04"),
        notice_collected_on=D("2026-03-05"),
        new_permit_expires=D("2027-03-10"),
    )
    plan = planner.plan(person("2026-03-10", progress=progress), D("2027-02-22"))
    assert plan.cycle == D("2027-03-10")
    renewal = plan.milestone(K.PERMIT_RENEWAL)
    assert renewal is not None
    assert renewal.done_on == D("2027-02-20")
    application = plan.milestone(K.POINTS_APPLICATION)
    assert application is not None
    assert application.done_on is None  # last year's application does not count


def test_a_new_day_drops_the_memos_of_the_last_so_memory_stays_flat(planner: Planner) -> None:
    """A daemon plans everyone every day for months: the memoised dates of past days must not
    pile up (issue 20: +1.4-2.3 MiB a day at 10,000 people), and a day's plans stay the same."""
    people = [person(f"2027-{month:02d}-{day:02d}") for month in (1, 2, 3) for day in (5, 20)]
    start = dt.date(2026, 12, 7)
    first = [planner.plan(p, start) for p in people]
    one_day = planner._points_dates.cache_info().currsize
    assert one_day > 0
    for n in range(1, 61):
        for p in people:
            planner.plan(p, start + dt.timedelta(days=n))
        assert planner._points_dates.cache_info().currsize <= one_day
    assert [planner.plan(p, start) for p in people] == first
