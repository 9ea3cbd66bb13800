"""The pieces of a Shanghai points plan that are not the planner itself (docs/design.md §3): the
dates that carry the provisional flag, the backward chain's deadlines, which recorded facts
belong to a cycle, and where a milestone stands on a day. Pure: no I/O, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd.core.frozen import quick_init
from renewd.core.model import NO_PROGRESS, MilestoneKind, Progress, Status, Step
from renewd.core.progress import implied, kind_of

K = MilestoneKind

# A progress fact older than this before the expiry belongs to an earlier cycle: HR sheets often
# keep last year's renewal date while the expiry column is updated.
STALE_FACT_DAYS = 180


# Heads-up milestones: they pass when their day comes; there is nothing to mark done.
HEADS_UP = frozenset({K.PREPARE, K.PERMIT_WINDOW})
_HEADS_UP = tuple(HEADS_UP)  # found by identity: no enum hash (Python code) per milestone


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


@quick_init
@dataclass(frozen=True, slots=True)
class PlanDate:
    """A date and whether an estimated calendar day went into it."""

    date: dt.date
    provisional: bool = False


def later(a: PlanDate, b: PlanDate) -> PlanDate:
    return a if a.date >= b.date else b


def expiry_done(p: Progress) -> dt.date | None:
    """The day the renewal was complete: the approval (which proves the permit renewal), or the
    notice's collection when only that was recorded."""
    approved = p.points_approved_on or p.notice_collected_on
    if approved is None:
        return None
    return max(p.permit_renewed_on or approved, approved)


# A row of the plan: kind, due date, opening day, recorded day, the kind of the recorded step
# that implies it done.
Row = tuple[MilestoneKind, PlanDate, dt.date | None, dt.date | None, MilestoneKind | None]


def proof(progress: Progress) -> dict[Step, MilestoneKind]:
    """For each step a later recorded step proves done, that step's milestone kind."""
    return {step: kind_of(by) for step, by in implied(progress).items()}


def current_progress(progress: Progress, cycle: dt.date) -> Progress:
    """The facts that belong to the cycle ending on `cycle`; older ones are last year's."""
    if progress is NO_PROGRESS or progress == NO_PROGRESS:  # the common case, kept cheap
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


def milestone_status(
    kind: MilestoneKind,
    due: dt.date,
    opens: dt.date | None,
    done_on: dt.date | None,
    today: dt.date,
    due_soon_days: int,
) -> Status:
    """Where a milestone stands on `today` (`Status`)."""
    if done_on is not None:
        return _DONE
    if kind in _HEADS_UP and today > due:
        return _DONE
    if kind is _WINDOW and today == due:
        return _OPEN
    if today > due:
        return _OVERDUE
    if (due - today).days <= due_soon_days:
        return _DUE
    if opens is not None and opens <= today:
        return _OPEN
    return _UPCOMING


# An enum member read from its class costs a Python call (3.11): read once, here.
_DONE, _OPEN, _OVERDUE, _DUE = Status.DONE, Status.OPEN, Status.OVERDUE, Status.DUE
_UPCOMING, _WINDOW = Status.UPCOMING, K.PERMIT_WINDOW
