"""The renewal plan: pure functions of (person, policy, calendar, today). No I/O, no clock.

Deadlines are planned backwards from the permit expiry E so that the worst-case approval lands on
the last working day on or before E (docs/design.md §3):

    submit_by = last_wd(E) − P wd      (P = processing days for the person's profile)
    apply_by  = submit_by − employer wd
    permit_by = apply_by − sync wd

Each milestone's due date is that latest safe date, moved later only when an earlier step was
actually done late. Feasibility is a forward projection from `today` and the recorded progress:
every step not yet done happens no earlier than the next working day and takes its worst case; if
the approval then lands after E, the plan is infeasible and `gap_days` says by how many days the
points would lapse.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any

from renewd.core.cycle import (
    Deadlines,
    PlanDate,
    Row,
    current_progress,
    expiry_done,
    later,
    milestone_status,
    proof,
)
from renewd.core.model import (
    CriticalDate,
    Milestone,
    MilestoneKind,
    Person,
    PersonPlan,
    Profile,
    Progress,
    Status,
    Step,
    a_year_on,
)
from renewd.core.policy import Policy
from renewd.core.progress import implied
from renewd.core.workdays import WorkdayAnswer, WorkdayCalendar

K = MilestoneKind


class Planner:
    """Plans renewals with one policy and one calendar; cheap to call for 100,000 people."""

    def __init__(self, policy: Policy, calendar: WorkdayCalendar) -> None:
        self.policy = policy
        self.calendar = calendar
        # Milestone dates depend only on (cycle, progress, profile, today), and in a roster of
        # 100,000 most people share them with someone: memoise per planner.
        # The memo also holds what follows from the milestones alone (the provisional flag, the
        # estimated years), and hands every sharer the same milestones tuple.
        self._points_dates = functools.lru_cache(maxsize=1 << 16)(self._points_dates_settled)
        self._permit_dates = functools.lru_cache(maxsize=1 << 16)(self._permit_dates_settled)
        self._shape = functools.lru_cache(maxsize=1 << 16)(self._shape_uncached)
        # A miss above asks the calendar a dozen questions that other misses ask too; each
        # answer is kept as the `PlanDate` the plan holds (most are handed on as they are).
        memo = functools.lru_cache(maxsize=1 << 16)

        def answers(ask: Callable[..., WorkdayAnswer]) -> functools._lru_cache_wrapper[PlanDate]:
            def answer(*question: Any) -> PlanDate:
                found = ask(*question)
                return PlanDate(found.date, found.provisional)

            return memo(answer)

        self._cal_add, self._cal_sub = answers(calendar.add), answers(calendar.sub)
        self._cal_last = answers(calendar.last_workday)
        self._cal_next = answers(calendar.next_workday)
        self._years: dict[int, bool] = {}  # year -> whether its calendar is estimated
        self._today: dt.date | None = None  # the day the memos hold: a new day drops them

    # -- working-day helpers that carry the provisional flag ---------------------------------

    # A date from the calendar's answer, provisional if the answer or the day it came from is.
    def _sub(self, day: PlanDate, n: int) -> PlanDate:
        answer = self._cal_sub(day.date, n)
        if answer.provisional or not day.provisional:
            return answer
        return PlanDate(answer.date, True)

    def _add(self, day: PlanDate, n: int) -> PlanDate:
        answer = self._cal_add(day.date, n)
        if answer.provisional or not day.provisional:
            return answer
        return PlanDate(answer.date, True)

    def _last_wd(self, day: dt.date) -> PlanDate:
        return self._cal_last(day)

    def _next_wd(self, day: dt.date) -> PlanDate:
        return self._cal_next(day)

    # -- public ----------------------------------------------------------------------------

    def deadlines(self, cycle: dt.date, profile: Profile) -> Deadlines:
        chain = self._chain(cycle, profile)
        window, permit_by, apply_by, submit_by, last = chain
        return Deadlines(
            window_opens=window.date,
            permit_by=permit_by.date,
            apply_by=apply_by.date,
            submit_by=submit_by.date,
            last_workday=last.date,
            provisional=any(d.provisional for d in chain),
        )

    def _chain(
        self, cycle: dt.date, profile: Profile
    ) -> tuple[PlanDate, PlanDate, PlanDate, PlanDate, PlanDate]:
        policy = self.policy
        window = PlanDate(cycle - dt.timedelta(days=policy.window_days))
        last = self._last_wd(cycle)
        submit_by = self._sub(last, self.processing_days(profile))
        apply_by = self._sub(submit_by, policy.employer_workdays)
        permit_by = self._sub(apply_by, policy.sync_workdays)
        return window, permit_by, apply_by, submit_by, last

    def processing_days(self, profile: Profile) -> int:
        days = self.policy.processing_workdays
        return days.changed if profile is Profile.CHANGED else days.unchanged

    def cycle_of(self, person: Person, today: dt.date) -> tuple[dt.date, Progress]:
        """The permit expiry being renewed, and the progress that belongs to it. Once it is
        finished (the permit renewed and, with points, the points approved and the notice
        collected or its day passed) the next cycle starts: at the recorded `new_permit_expires`,
        or once E has passed without one at E + 1 year (`expiry_estimated`) until it is recorded.
        """
        return self._cycle(person.permit_expires, person.progress, person.has_points, today)

    def _cycle(
        self, expires: dt.date, recorded: Progress, has_points: bool, today: dt.date
    ) -> tuple[dt.date, Progress]:
        cycle = expires
        progress = current_progress(recorded, cycle)
        nxt = progress.new_permit_expires or (a_year_on(cycle) if today > cycle else None)
        if nxt is not None and self._finished(has_points, progress, today):
            # The 180-day cut-off drops the finished cycle's facts; the new cycle's stay.
            return nxt, current_progress(recorded, nxt)
        return cycle, progress

    def _finished(self, has_points: bool, progress: Progress, today: dt.date) -> bool:
        proven = implied(progress)
        if progress.permit_renewed_on is None and Step.PERMIT_RENEWED not in proven:
            return False
        if not has_points:
            return True
        if progress.notice_collected_on is not None:
            return True  # which proves the approval
        if progress.points_approved_on is None:
            return False
        collect_by = self._cal_add(progress.points_approved_on, self.policy.collect_workdays)
        return today > collect_by.date

    def plan(self, person: Person, today: dt.date) -> PersonPlan:
        if today != self._today:  # yesterday's dates serve no one: memory stays flat for months
            self._shape.cache_clear()
            self._points_dates.cache_clear()
            self._permit_dates.cache_clear()
            for calendar_memo in (self._cal_add, self._cal_sub, self._cal_last, self._cal_next):
                calendar_memo.cache_clear()
            self._years.clear()
            self._today = today
        profile = person.profile
        has_points = person.has_points
        shape = self._shape(person.permit_expires, person.progress, has_points, profile, today)
        cycle, milestones, projected, provisional, estimated_years, gap, estimated = shape
        at_risk: tuple[CriticalDate, ...] = ()
        if gap and has_points and person.critical_dates:
            at_risk = tuple(c for c in person.critical_dates if cycle < c.date <= projected)
        return PersonPlan(
            person=person,
            cycle=cycle,
            profile=profile,
            feasible=gap == 0,
            gap_days=gap,
            provisional=provisional,
            estimated_years=estimated_years,
            milestones=milestones,
            projected_approval=projected if has_points else None,
            critical_at_risk=at_risk,
            expiry_estimated=estimated,
        )

    def _shape_uncached(
        self,
        expires: dt.date,
        recorded: Progress,
        has_points: bool,
        profile: Profile,
        today: dt.date,
    ) -> tuple[dt.date, tuple[Milestone, ...], dt.date, bool, tuple[int, ...], int, bool]:
        """Everything of a plan but the person: the same for everyone with these fields."""
        cycle, progress = self._cycle(expires, recorded, has_points, today)
        if has_points:
            dates = self._points_dates(cycle, progress, profile, today)
        else:
            dates = self._permit_dates(cycle, progress, today)
        milestones, projected, provisional, estimated_years = dates
        gap = max(0, (projected.date - cycle).days)
        estimated = cycle not in (expires, recorded.new_permit_expires)
        return cycle, milestones, projected.date, provisional, estimated_years, gap, estimated

    def _settled(
        self, dates: tuple[tuple[Milestone, ...], PlanDate, bool]
    ) -> tuple[tuple[Milestone, ...], PlanDate, bool, tuple[int, ...]]:
        """The dates with the plan's provisional flag and estimated years, once per memo key."""
        milestones, projected, provisional = dates
        provisional = provisional or any(m.provisional for m in milestones)
        years = self._estimated_years(milestones) if provisional else ()
        return milestones, projected, provisional, years

    def _points_dates_settled(
        self, cycle: dt.date, progress: Progress, profile: Profile, today: dt.date
    ) -> tuple[tuple[Milestone, ...], PlanDate, bool, tuple[int, ...]]:
        return self._settled(self._points_dates_uncached(cycle, progress, profile, today))

    def _permit_dates_settled(
        self, cycle: dt.date, progress: Progress, today: dt.date
    ) -> tuple[tuple[Milestone, ...], PlanDate, bool, tuple[int, ...]]:
        return self._settled(self._permit_dates_uncached(cycle, progress, today))

    def _estimated_years(self, milestones: tuple[Milestone, ...]) -> tuple[int, ...]:
        """The years whose holiday notice is missing among those the plan's dates touch."""
        days = [m.due for m in milestones if m.provisional] or [m.due for m in milestones]
        lo = min(m.due for m in milestones).year
        hi = max(days).year
        return tuple(y for y in range(lo, hi + 1) if self._year_estimated(y))

    def _year_estimated(self, year: int) -> bool:
        estimated = self._years.get(year)
        if estimated is None:  # the calendar's answer for a year is the same all day
            estimated = self._years[year] = self.calendar.is_provisional(
                dt.date(year, 1, 1), dt.date(year, 12, 31)
            )
        return estimated

    def plan_all(self, people: Iterable[Person], today: dt.date) -> list[PersonPlan]:
        return [self.plan(person, today) for person in people]

    # -- the two shapes of plan -----------------------------------------------------------

    def _prepare(self, cycle: dt.date) -> PlanDate:
        return self._last_wd(cycle - dt.timedelta(days=self.policy.prepare_days))

    def _permit_dates_uncached(
        self, cycle: dt.date, progress: Progress, today: dt.date
    ) -> tuple[tuple[Milestone, ...], PlanDate, bool]:
        window = PlanDate(cycle - dt.timedelta(days=self.policy.window_days))
        prepare, last = self._prepare(cycle), self._last_wd(cycle)
        renewed = progress.permit_renewed_on
        by = proof(progress).get(Step.PERMIT_RENEWED)
        start = later(self._next_wd(window.date), self._next_wd(today))
        projected = PlanDate(renewed) if renewed else start
        rows: list[Row] = [
            (K.PREPARE, prepare, None, renewed, by),
            (K.PERMIT_WINDOW, window, None, renewed, by),
            (K.PERMIT_RENEWAL, last, window.date, renewed, by),
            (K.EXPIRY, PlanDate(cycle), None, renewed, by),
        ]
        if renewed is None and by is None:
            grace = PlanDate(cycle + dt.timedelta(days=self.policy.grace_days))
            rows.append((K.GRACE_END, grace, None, None, None))
        return self._milestones(rows, today), projected, False

    def _points_dates_uncached(
        self, cycle: dt.date, progress: Progress, profile: Profile, today: dt.date
    ) -> tuple[tuple[Milestone, ...], PlanDate, bool]:
        policy = self.policy
        processing = self.processing_days(profile)
        window, permit_by, apply_by, submit_by, _ = self._chain(cycle, profile)
        prepare = self._prepare(cycle)

        p = progress
        first_permit_day = self._next_wd(window.date)
        # When the chain cannot fit in the window, the best advice is the window's first day.
        permit_due = later(permit_by, first_permit_day)
        renewed = PlanDate(p.permit_renewed_on) if p.permit_renewed_on else first_permit_day
        apply_opens = self._add(renewed, policy.sync_workdays)
        apply_due = later(apply_by, apply_opens)
        applied = PlanDate(p.points_applied_on) if p.points_applied_on else apply_opens
        submit_due = later(submit_by, self._add(applied, policy.employer_workdays))
        submitted = PlanDate(p.points_submitted_on) if p.points_submitted_on else submit_due
        approval_opens = self._add(submitted, policy.approval_min_workdays)
        approval_due = self._add(submitted, processing)
        approved = PlanDate(p.points_approved_on) if p.points_approved_on else approval_opens
        collect_due = self._add(
            PlanDate(p.points_approved_on) if p.points_approved_on else approval_due,
            policy.collect_workdays,
        )

        proven = proof(p)
        permit_by_ = proven.get(Step.PERMIT_RENEWED)
        rows: list[Row] = [
            (K.PREPARE, prepare, None, p.permit_renewed_on, permit_by_),
            (K.PERMIT_WINDOW, window, None, p.permit_renewed_on, permit_by_),
            (K.PERMIT_RENEWAL, permit_due, window.date, p.permit_renewed_on, permit_by_),
            (
                K.POINTS_APPLICATION,
                apply_due,
                apply_opens.date,
                p.points_applied_on,
                proven.get(Step.POINTS_APPLIED),
            ),
            (
                K.EMPLOYER_SUBMISSION,
                submit_due,
                applied.date,
                p.points_submitted_on,
                proven.get(Step.POINTS_SUBMITTED),
            ),
            (
                K.POINTS_APPROVAL,
                approval_due,
                approval_opens.date,
                p.points_approved_on,
                proven.get(Step.POINTS_APPROVED),
            ),
            (K.COLLECT_NOTICE, collect_due, approved.date, p.notice_collected_on, None),
            # Not done while the points may still lapse: the new approval must be in too.
            (K.EXPIRY, PlanDate(cycle), None, expiry_done(p), None),
        ]
        if p.permit_renewed_on is None and permit_by_ is None:
            grace = PlanDate(cycle + dt.timedelta(days=policy.grace_days))
            rows.append((K.GRACE_END, grace, None, None, None))
        projected = self._project(p, window, processing, today)
        return self._milestones(rows, today), projected, permit_by.provisional

    def _project(self, p: Progress, window: PlanDate, processing: int, today: dt.date) -> PlanDate:
        """Worst-case approval day if every step not yet done starts no earlier than today."""
        if p.points_approved_on:
            return PlanDate(p.points_approved_on)
        policy = self.policy
        soonest = self._next_wd(today)
        renewed = (
            PlanDate(p.permit_renewed_on)
            if p.permit_renewed_on
            else later(self._next_wd(window.date), soonest)
        )
        applied = (
            PlanDate(p.points_applied_on)
            if p.points_applied_on
            else later(self._add(renewed, policy.sync_workdays), soonest)
        )
        submitted = (
            PlanDate(p.points_submitted_on)
            if p.points_submitted_on
            else later(self._add(applied, policy.employer_workdays), soonest)
        )
        return later(self._add(submitted, processing), soonest)

    def _milestones(self, rows: list[Row], today: dt.date) -> tuple[Milestone, ...]:
        done, soon, status = Status.DONE, self.policy.due_soon_days, milestone_status
        # Positional (kind, due, opens, status, provisional, done_on, implied_by): ten thousand
        # plan shapes make eighty thousand of these.
        return tuple(
            Milestone(
                kind,
                due.date,
                opens,
                done if by is not None else status(kind, due.date, opens, done_on, today, soon),
                due.provisional,
                done_on,
                by if done_on is None else None,
            )
            for kind, due, opens, done_on, by in rows
        )
