"""The plan of a `chain` pack (docs/packs.md): pure function of (pack, cycle, recorded steps,
calendar, today). No I/O, no clock.

Each step's due day is its `due` offset from its anchor: the expiry, the deadline (the expiry or
an earlier day another document needs), or an earlier step (its recorded day when recorded, else
its due day, so a step done late moves the ones after it). A hard cut-off caps the due day:

    filing due = min(last_wd(deadline) − processing wd, expiry − cut-off days)

Feasibility is a forward projection from `today`: a step not yet done happens no earlier than
the next working day (nor before it opens) and a waiting step takes its full duration. A step
that cannot happen by its hard cut-off makes the plan infeasible (`cut_off`: the office refuses,
a new application is needed); otherwise `gap_days` says by how many days the completing step
lands after the expiry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from renewd.core.model import Status
from renewd.core.pack import DEADLINE, EXPIRY, Offset, Pack, StepType, Unit, add_months
from renewd.core.policy import Owner
from renewd.core.workdays import WorkdayCalendar


@dataclass(frozen=True)
class ChainStep:
    """One dated step of a chain plan; `implied_by` names the recorded step that proves it."""

    kind: str
    owner: Owner
    due: dt.date
    opens: dt.date | None
    cutoff: dt.date | None
    status: Status
    provisional: bool
    done_on: dt.date | None = None
    implied_by: str | None = None
    last_day: dt.date | None = None  # the last working day on or before `cutoff`

    @property
    def done(self) -> bool:
        return self.done_on is not None or self.implied_by is not None


@dataclass(frozen=True)
class ChainPlan:
    """The plan of one document for one cycle."""

    pack: str
    cycle: dt.date
    steps: tuple[ChainStep, ...]
    feasible: bool
    gap_days: int
    cut_off: bool  # a hard cut-off passed with its step not done
    projected: dt.date | None
    provisional: bool

    @property
    def escalate(self) -> bool:
        return not self.feasible or any(s.status is Status.OVERDUE for s in self.steps)

    def step(self, kind: str) -> ChainStep:
        return next(s for s in self.steps if s.kind == kind)


def step_status(
    due: dt.date,
    opens: dt.date | None,
    today: dt.date,
    *,
    heads_up: bool,
    due_soon_days: int,
) -> Status:
    """Where a step not done stands on `today` (docs/design.md §3 statuses): a heads-up passes by
    itself and is open on its day."""
    if heads_up and today > due:
        return Status.DONE
    if heads_up and today == due:
        return Status.OPEN
    if today > due:
        return Status.OVERDUE
    if (due - today).days <= due_soon_days:
        return Status.DUE
    if opens is not None and opens <= today:
        return Status.OPEN
    return Status.UPCOMING


def _implied(pack: Pack, done: Mapping[str, dt.date]) -> dict[str, str]:
    """For each step a recorded later step proves (transitively), the recorded step."""
    out: dict[str, str] = {}
    for step in reversed(pack.steps):
        if step.kind not in done and step.kind not in out:
            continue
        by = out.get(step.kind, step.kind)
        for earlier in step.proves:
            out.setdefault(earlier, by)
    return {kind: by for kind, by in out.items() if kind not in done}


class _Dates:
    """Offsets on the working-day calendar, remembering whether an estimated year was used."""

    def __init__(self, calendar: WorkdayCalendar) -> None:
        self.calendar = calendar
        self.provisional = False

    def move(self, offset: Offset, base: dt.date) -> dt.date:
        cal = self.calendar
        if offset.last_workday:
            base = self.last_workday(base)
        if offset.unit is Unit.DAYS:
            moved = base + dt.timedelta(days=offset.amount)
        elif offset.unit is Unit.MONTHS:
            moved = add_months(base, offset.amount)
        elif offset.amount == 0:
            moved = base
        else:
            answer = (
                cal.add(base, offset.amount) if offset.amount > 0 else cal.sub(base, -offset.amount)
            )
            self.provisional |= answer.provisional
            moved = answer.date
        return self.last_workday(moved) if offset.on_workday else moved

    def last_workday(self, day: dt.date) -> dt.date:
        answer = self.calendar.last_workday(day)
        self.provisional |= answer.provisional
        return answer.date

    def next_workday(self, day: dt.date) -> dt.date:
        answer = self.calendar.next_workday(day)
        self.provisional |= answer.provisional
        return answer.date


def plan_chain(
    pack: Pack,
    cycle: dt.date,
    done: Mapping[str, dt.date],
    calendar: WorkdayCalendar,
    today: dt.date,
    *,
    deadline: dt.date | None = None,
    due_soon_days: int = 7,
) -> ChainPlan:
    """Plan `pack` for the cycle ending on `cycle` with the steps recorded in `done`."""
    dates = _Dates(calendar)
    proof = _implied(pack, done)
    anchors: dict[str, dt.date] = {EXPIRY: cycle, DEADLINE: min(cycle, deadline or cycle)}
    projected: dict[str, dt.date] = {EXPIRY: cycle, DEADLINE: anchors[DEADLINE]}
    soonest = dates.next_workday(today)
    steps: list[ChainStep] = []
    cut_off = False
    provisional = dates.provisional
    for step in pack.steps:
        dates.provisional = False  # each step's own flag
        due = dates.move(step.due, anchors[step.due.anchor])
        opens = dates.move(step.opens, anchors[step.opens.anchor]) if step.opens else None
        cutoff = dates.move(step.cutoff, anchors[step.cutoff.anchor]) if step.cutoff else None
        if cutoff is not None:
            due = min(due, cutoff)
        if opens is not None and due < opens:
            due = opens  # a chain that cannot fit its window is due from the window's first day
        done_on = done.get(step.kind)
        by = proof.get(step.kind)
        anchors[step.kind] = done_on or due
        # Forward projection: when does this step happen at the soonest?
        if done_on is not None or by is not None:
            when = done_on or due
        elif step.type is StepType.WAIT:
            when = dates.move(step.due, projected[step.due.anchor])
        elif step.type is StepType.HEADS_UP:
            when = due
        else:  # an act: at the soonest, no earlier than it opens
            when = soonest
            if step.opens is not None:
                opened = dates.move(step.opens, projected[step.opens.anchor])
                when = max(when, dates.next_workday(opened - dt.timedelta(days=1)))
            if cutoff is not None and when > cutoff:
                cut_off = True
        projected[step.kind] = when
        provisional |= dates.provisional
        status = (
            Status.DONE
            if done_on is not None or by is not None
            else step_status(
                due,
                opens,
                today,
                heads_up=step.type is StepType.HEADS_UP,
                due_soon_days=due_soon_days,
            )
        )
        steps.append(
            ChainStep(
                kind=step.kind,
                owner=step.owner,
                due=due,
                opens=opens,
                cutoff=cutoff,
                status=status,
                provisional=dates.provisional,
                done_on=done_on,
                implied_by=by if done_on is None else None,
                last_day=dates.last_workday(cutoff) if cutoff is not None else None,
            )
        )
    completing = next((s.kind for s in pack.steps if s.completes), None)
    finish = projected.get(completing) if completing else None
    gap = max(0, (finish - cycle).days) if finish else 0
    return ChainPlan(
        pack=pack.name,
        cycle=cycle,
        steps=tuple(steps),
        feasible=not cut_off and gap == 0,
        gap_days=gap,
        cut_off=cut_off,
        projected=finish,
        provisional=provisional,
    )
