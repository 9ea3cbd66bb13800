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
from collections.abc import Iterable
from dataclasses import dataclass

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
from renewd.core.progress import implied, kind_of
from renewd.core.workdays import WorkdayAnswer, WorkdayCalendar

K = MilestoneKind

# A progress fact older than this before the expiry belongs to an earlier cycle: HR sheets often
# keep last year's renewal date while the expiry column is updated.
STALE_FACT_DAYS = 180

_NO_PROGRESS = Progress()

# Heads-up milestones: they pass when their day comes; there is nothing to mark done.
_HEADS_UP = frozenset({K.PREPARE, K.PERMIT_WINDOW})


@dataclass(frozen=True)
class Deadlines:
    """The backward chain of one cycle: the latest safe day for each step (docs/design.md §3)."""

    window_opens: dt.date
    permit_by: dt.date
    apply_by: dt.date
    submit_by: dt.date
    last_workday: dt.date
    provisional: bool

    @property
    def feasible_in_window(self) -> bool:
        return self.permit_by >= self.window_opens


@dataclass(frozen=True)
class _Date:
    """A date and whether an estimated calendar day went into it."""

    date: dt.date
    provisional: bool = False

    @classmethod
    def of(cls, answer: WorkdayAnswer, *inputs: _Date) -> _Date:
        return cls(answer.date, answer.provisional or any(i.provisional for i in inputs))


def _expiry_done(p: Progress) -> dt.date | None:
    """The day the renewal was complete: the approval (which proves the permit renewal), or the
    notice's collection when only that was recorded."""
    approved = p.points_approved_on or p.notice_collected_on
    if approved is None:
        return None
    return max(p.permit_renewed_on or approved, approved)


# A row of the plan: kind, due date, opening day, recorded day, the kind of the recorded step
# that implies it done.
_Row = tuple[MilestoneKind, _Date, dt.date | None, dt.date | None, MilestoneKind | None]


def _proof(progress: Progress) -> dict[Step, MilestoneKind]:
    """For each step a later recorded step proves done, that step's milestone kind."""
    return {step: kind_of(by) for step, by in implied(progress).items()}


def _later(a: _Date, b: _Date) -> _Date:
    return a if a.date >= b.date else b


def current_progress(progress: Progress, cycle: dt.date) -> Progress:
    """The facts that belong to the cycle ending on `cycle`; older ones are last year's."""
    if progress == _NO_PROGRESS:  # the common case, kept cheap for large rosters
        return progress
    cutoff = cycle - dt.timedelta(days=STALE_FACT_DAYS)

    def fresh(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day >= cutoff else None

    return Progress(
        permit_renewed_on=fresh(progress.permit_renewed_on),
        points_applied_on=fresh(progress.points_applied_on),
        points_submitted_on=fresh(progress.points_submitted_on),
        points_approved_on=fresh(progress.points_approved_on),
        notice_collected_on=fresh(progress.notice_collected_on),
        new_permit_expires=(
            progress.new_permit_expires
            if progress.new_permit_expires and progress.new_permit_expires > cycle
            else None
        ),
    )


class Planner:
    """Plans renewals with one policy and one calendar; cheap to call for 100,000 people."""

    def __init__(self, policy: Policy, calendar: WorkdayCalendar) -> None:
        self.policy = policy
        self.calendar = calendar
        # Milestone dates depend only on (cycle, progress, profile, today), and in a roster of
        # 100,000 most people share them with someone: memoise per planner.
        self._points_dates = functools.lru_cache(maxsize=1 << 16)(self._points_dates_uncached)
        self._permit_dates = functools.lru_cache(maxsize=1 << 16)(self._permit_dates_uncached)
        self._today: dt.date | None = None  # the day the memos hold: a new day drops them

    # -- working-day helpers that carry the provisional flag ---------------------------------

    def _sub(self, day: _Date, n: int) -> _Date:
        return _Date.of(self.calendar.sub(day.date, n), day)

    def _add(self, day: _Date, n: int) -> _Date:
        return _Date.of(self.calendar.add(day.date, n), day)

    def _last_wd(self, day: dt.date) -> _Date:
        return _Date.of(self.calendar.last_workday(day))

    def _next_wd(self, day: dt.date) -> _Date:
        return _Date.of(self.calendar.next_workday(day))

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

    def _chain(self, cycle: dt.date, profile: Profile) -> tuple[_Date, _Date, _Date, _Date, _Date]:
        policy = self.policy
        window = _Date(cycle - dt.timedelta(days=policy.window_days))
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
        cycle = person.permit_expires
        progress = current_progress(person.progress, cycle)
        nxt = progress.new_permit_expires or (a_year_on(cycle) if today > cycle else None)
        if nxt is not None and self._finished(person, progress, today):
            # The 180-day cut-off drops the finished cycle's facts; the new cycle's stay.
            return nxt, current_progress(person.progress, nxt)
        return cycle, progress

    def _finished(self, person: Person, progress: Progress, today: dt.date) -> bool:
        proof = implied(progress)
        if progress.permit_renewed_on is None and Step.PERMIT_RENEWED not in proof:
            return False
        if not person.has_points:
            return True
        if progress.notice_collected_on is not None:
            return True  # which proves the approval
        if progress.points_approved_on is None:
            return False
        collect_by = self.calendar.add(progress.points_approved_on, self.policy.collect_workdays)
        return today > collect_by.date

    def plan(self, person: Person, today: dt.date) -> PersonPlan:
        if today != self._today:  # yesterday's dates serve no one: memory stays flat for months
            self._points_dates.cache_clear()
            self._permit_dates.cache_clear()
            self._today = today
        cycle, progress = self.cycle_of(person, today)
        profile = person.profile
        if person.has_points:
            dates = self._points_dates(cycle, progress, profile, today)
        else:
            dates = self._permit_dates(cycle, progress, today)
        milestones, projected, provisional = dates
        gap = max(0, (projected.date - cycle).days)
        at_risk: tuple[CriticalDate, ...] = ()
        if person.has_points and gap:
            at_risk = tuple(c for c in person.critical_dates if cycle < c.date <= projected.date)
        provisional = provisional or any(m.provisional for m in milestones)
        return PersonPlan(
            person=person,
            cycle=cycle,
            profile=profile,
            feasible=gap == 0,
            gap_days=gap,
            provisional=provisional,
            estimated_years=self._estimated_years(milestones) if provisional else (),
            milestones=milestones,
            projected_approval=projected.date if person.has_points else None,
            critical_at_risk=at_risk,
            expiry_estimated=cycle
            not in (person.permit_expires, person.progress.new_permit_expires),
        )

    def _estimated_years(self, milestones: tuple[Milestone, ...]) -> tuple[int, ...]:
        """The years whose holiday notice is missing among those the plan's dates touch."""
        days = [m.due for m in milestones if m.provisional] or [m.due for m in milestones]
        lo = min(m.due for m in milestones).year
        hi = max(days).year
        return tuple(y for y in range(lo, hi + 1) if self._year_estimated(y))

    def _year_estimated(self, year: int) -> bool:
        return self.calendar.is_provisional(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def plan_all(self, people: Iterable[Person], today: dt.date) -> list[PersonPlan]:
        return [self.plan(person, today) for person in people]

    # -- the two shapes of plan -----------------------------------------------------------

    def _prepare(self, cycle: dt.date) -> _Date:
        return self._last_wd(cycle - dt.timedelta(days=self.policy.prepare_days))

    def _permit_dates_uncached(
        self, cycle: dt.date, progress: Progress, today: dt.date
    ) -> tuple[tuple[Milestone, ...], _Date, bool]:
        window = _Date(cycle - dt.timedelta(days=self.policy.window_days))
        prepare, last = self._prepare(cycle), self._last_wd(cycle)
        renewed = progress.permit_renewed_on
        by = _proof(progress).get(Step.PERMIT_RENEWED)
        start = _later(self._next_wd(window.date), self._next_wd(today))
        projected = _Date(renewed) if renewed else start
        rows: list[_Row] = [
            (K.PREPARE, prepare, None, renewed, by),
            (K.PERMIT_WINDOW, window, None, renewed, by),
            (K.PERMIT_RENEWAL, last, window.date, renewed, by),
            (K.EXPIRY, _Date(cycle), None, renewed, by),
        ]
        if renewed is None and by is None:
            grace = _Date(cycle + dt.timedelta(days=self.policy.grace_days))
            rows.append((K.GRACE_END, grace, None, None, None))
        return self._milestones(rows, today), projected, False

    def _points_dates_uncached(
        self, cycle: dt.date, progress: Progress, profile: Profile, today: dt.date
    ) -> tuple[tuple[Milestone, ...], _Date, bool]:
        policy = self.policy
        processing = self.processing_days(profile)
        window, permit_by, apply_by, submit_by, _ = self._chain(cycle, profile)
        prepare = self._prepare(cycle)

        p = progress
        first_permit_day = self._next_wd(window.date)
        # When the chain cannot fit in the window, the best advice is the window's first day.
        permit_due = _later(permit_by, first_permit_day)
        renewed = _Date(p.permit_renewed_on) if p.permit_renewed_on else first_permit_day
        apply_opens = self._add(renewed, policy.sync_workdays)
        apply_due = _later(apply_by, apply_opens)
        applied = _Date(p.points_applied_on) if p.points_applied_on else apply_opens
        submit_due = _later(submit_by, self._add(applied, policy.employer_workdays))
        submitted = _Date(p.points_submitted_on) if p.points_submitted_on else submit_due
        approval_opens = self._add(submitted, policy.approval_min_workdays)
        approval_due = self._add(submitted, processing)
        approved = _Date(p.points_approved_on) if p.points_approved_on else approval_opens
        collect_due = self._add(
            _Date(p.points_approved_on) if p.points_approved_on else approval_due,
            policy.collect_workdays,
        )

        proof = _proof(p)
        permit_by_ = proof.get(Step.PERMIT_RENEWED)
        rows: list[_Row] = [
            (K.PREPARE, prepare, None, p.permit_renewed_on, permit_by_),
            (K.PERMIT_WINDOW, window, None, p.permit_renewed_on, permit_by_),
            (K.PERMIT_RENEWAL, permit_due, window.date, p.permit_renewed_on, permit_by_),
            (
                K.POINTS_APPLICATION,
                apply_due,
                apply_opens.date,
                p.points_applied_on,
                proof.get(Step.POINTS_APPLIED),
            ),
            (
                K.EMPLOYER_SUBMISSION,
                submit_due,
                applied.date,
                p.points_submitted_on,
                proof.get(Step.POINTS_SUBMITTED),
            ),
            (
                K.POINTS_APPROVAL,
                approval_due,
                approval_opens.date,
                p.points_approved_on,
                proof.get(Step.POINTS_APPROVED),
            ),
            (K.COLLECT_NOTICE, collect_due, approved.date, p.notice_collected_on, None),
            # Not done while the points may still lapse: the new approval must be in too.
            (K.EXPIRY, _Date(cycle), None, _expiry_done(p), None),
        ]
        if p.permit_renewed_on is None and permit_by_ is None:
            grace = _Date(cycle + dt.timedelta(days=policy.grace_days))
            rows.append((K.GRACE_END, grace, None, None, None))
        projected = self._project(p, window, processing, today)
        return self._milestones(rows, today), projected, permit_by.provisional

    def _project(self, p: Progress, window: _Date, processing: int, today: dt.date) -> _Date:
        """Worst-case approval day if every step not yet done starts no earlier than today."""
        if p.points_approved_on:
            return _Date(p.points_approved_on)
        policy = self.policy
        soonest = self._next_wd(today)
        renewed = (
            _Date(p.permit_renewed_on)
            if p.permit_renewed_on
            else _later(self._next_wd(window.date), soonest)
        )
        applied = (
            _Date(p.points_applied_on)
            if p.points_applied_on
            else _later(self._add(renewed, policy.sync_workdays), soonest)
        )
        submitted = (
            _Date(p.points_submitted_on)
            if p.points_submitted_on
            else _later(self._add(applied, policy.employer_workdays), soonest)
        )
        return _later(self._add(submitted, processing), soonest)

    def _milestones(self, rows: list[_Row], today: dt.date) -> tuple[Milestone, ...]:
        return tuple(
            Milestone(
                kind=kind,
                due=due.date,
                opens=opens,
                status=(
                    Status.DONE
                    if by is not None
                    else self._status(kind, due.date, opens, done_on, today)
                ),
                provisional=due.provisional,
                done_on=done_on,
                implied_by=by if done_on is None else None,
            )
            for kind, due, opens, done_on, by in rows
        )

    def _status(
        self,
        kind: MilestoneKind,
        due: dt.date,
        opens: dt.date | None,
        done_on: dt.date | None,
        today: dt.date,
    ) -> Status:
        if done_on is not None:
            return Status.DONE
        if kind in _HEADS_UP and today > due:
            return Status.DONE
        if kind is K.PERMIT_WINDOW and today == due:
            return Status.OPEN
        if today > due:
            return Status.OVERDUE
        if (due - today).days <= self.policy.due_soon_days:
            return Status.DUE
        if opens is not None and opens <= today:
            return Status.OPEN
        return Status.UPCOMING
