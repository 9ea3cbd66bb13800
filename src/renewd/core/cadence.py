"""A season's cadence (docs/design.md §8): how far apart overdue repeats come, which overdue
reminder is news for the escalation channel, and the day of its weekly summary of what is still
open. Pure: dates and plans in, dates and answers out.

- Overdue repeats come every `overdue_every_days` while the step is at most
  `overdue_weekly_after_days` overdue, then weekly (`overdue_days`).
- The escalation channel hears a step's *first* overdue reminder only (`is_news`): later repeats
  go to the people who act on the step, and what is still open comes back in the weekly summary
  (`summary_week`, `still_open`) instead of a daily copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterator

from renewd.core.model import Milestone, MilestoneKind, PersonPlan, Status
from renewd.core.reminders import ReminderKey

Move = Callable[[dt.date], dt.date]


def overdue_days(every: int, weekly_after: int) -> Iterator[int]:
    """How many days overdue each repeat comes: every `every` days while that is at most
    `weekly_after`, then weekly (2, 4, 6, 13, 20, ... by default)."""
    late = 0
    while True:
        late += every if late + every <= weekly_after else max(every, 7)
        yield late


def is_news(
    plan: PersonPlan,
    kind: MilestoneKind,
    days_before: int,
    issued: Container[ReminderKey],
    every: int,
    weekly_after: int,
) -> bool:
    """Whether an overdue reminder (`days_before` < 0) is the step's first overdue one: no
    earlier overdue repeat of it was issued in this cycle."""
    for late in overdue_days(every, weekly_after):
        if late >= -days_before:
            return True
        if ReminderKey(plan.person.id, plan.cycle, kind, -late) in issued:
            return False
    return True  # pragma: no cover - the loop above always ends


SUMMARY_SPAN_DAYS = 4  # a summary day at rest moves this far forward at most


def summary_week(
    today: dt.date,
    weekday: int,
    move: Move | None = None,
    ran: Container[dt.date] | None = None,
) -> dt.date | None:
    """The summary day (weekday 0 = Monday) whose summary goes out on `today`, if any: that
    day itself, or with `workdays_only` (`move` says which days are rest days: it moves them)
    the first working day of the four from it. A week whose first four days are rest days
    (Spring Festival) has none: moved back, it would come days after the week before's, and
    on a make-up Sunday, the day before the next week's. `ran`:
    the days a pass ran; a summary whose day renewd was down goes out on the first pass after
    it (within the week), not never."""
    day = today - dt.timedelta(days=(today.weekday() - weekday) % 7)
    week = (day + dt.timedelta(days=n) for n in range(SUMMARY_SPAN_DAYS))
    sent = next((d for d in week if move is None or move(d) == d), None)
    if sent == today:
        return day
    if ran is not None and sent is not None and sent < today and _missed(sent, today, ran):
        return day
    return None


def _missed(sent: dt.date, today: dt.date, ran: Container[dt.date]) -> bool:
    """Whether no pass ran from `sent` until `today`, after one ran before it."""
    if not any(sent - dt.timedelta(days=n) in ran for n in range(1, 8)):
        return False  # renewd was not running the week before either: it starts afresh
    day = sent
    while day < today:
        if day in ran:
            return False
        day += dt.timedelta(days=1)
    return True


K = MilestoneKind
# Steps that can be overdue (heads-ups and the expiry itself are days, not steps).
STEPS = (
    K.PERMIT_RENEWAL,
    K.POINTS_APPLICATION,
    K.EMPLOYER_SUBMISSION,
    K.POINTS_APPROVAL,
    K.COLLECT_NOTICE,
)


def open_steps(plan: PersonPlan) -> tuple[Milestone, ...]:
    """The plan's overdue steps nobody recorded (nor implied by a later record); the approval
    and the notice only once the submission is recorded (nothing waits for them before)."""
    submission = plan.milestone(K.EMPLOYER_SUBMISSION)
    submitted = submission is None or submission.done
    return tuple(
        m
        for m in plan.milestones
        if m.kind in STEPS
        and m.status is Status.OVERDUE
        and not m.done
        and (submitted or m.kind not in (K.POINTS_APPROVAL, K.COLLECT_NOTICE))
    )


def still_open(plan: PersonPlan, today: dt.date) -> bool:
    """Whether the plan belongs in the escalation channel's weekly summary: a step overdue, or
    a critical date at risk still ahead. An infeasible plan is told once (it is known on day one
    and nothing changes it week by week); it returns here when its steps fall overdue."""
    return bool(open_steps(plan)) or any(c.date >= today for c in plan.critical_at_risk)
