"""What moved when the calendar changed: old plans against new plans, milestone by milestone.

A calendar change (an imported notice, a config table, a new `chinese-calendar`) can move due
dates. `moved_milestones` compares two sets of plans of the same people and returns every open
milestone of the same cycle whose due date differs, with both dates; `newly_infeasible` the plans
that a change made infeasible (those are escalated). Pure: plans in, moves out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from renewd.core.letter import Letter, Line, Section
from renewd.core.model import Lang, MilestoneKind, PersonPlan, Status
from renewd.core.wording import say, short_name

# Milestones whose date is fixed by the permit, not by the working-day calendar, never move on a
# calendar change; listing them would only be noise.
CALENDAR_FREE = frozenset(
    {MilestoneKind.PERMIT_WINDOW, MilestoneKind.EXPIRY, MilestoneKind.GRACE_END}
)


@dataclass(frozen=True, order=True)
class Move:
    """One open milestone whose due date a calendar change moved."""

    person: str
    cycle: dt.date
    kind: MilestoneKind
    old: dt.date
    new: dt.date
    provisional: bool = False  # the new date still rests on an estimated year

    def line(self, lang: Lang) -> str:
        """「居住证签注：2027-01-19 → 2027-01-15」"""
        note = say(lang, "moved.provisional") if self.provisional else ""
        step = short_name(self.kind, lang)
        return say(lang, "moved.line", step=step, old=self.old, new=self.new) + note


def moved_milestones(old: Iterable[PersonPlan], new: Iterable[PersonPlan]) -> list[Move]:
    """Open milestones of the same (person, cycle) whose due date differs, sorted."""
    before = {
        (p.person.id, p.cycle, m.kind): m.due
        for p in old
        for m in p.milestones
        if m.kind not in CALENDAR_FREE
    }
    moves = []
    for plan in new:
        for m in plan.milestones:
            was = before.get((plan.person.id, plan.cycle, m.kind))
            if was is None or was == m.due or m.status is Status.DONE:
                continue
            moves.append(Move(plan.person.id, plan.cycle, m.kind, was, m.due, m.provisional))
    return sorted(moves)


def newly_infeasible(old: Iterable[PersonPlan], new: Iterable[PersonPlan]) -> list[PersonPlan]:
    """Plans that were feasible before the change and are not after it."""
    feasible = {(p.person.id, p.cycle) for p in old if p.feasible}
    return [p for p in new if not p.feasible and (p.person.id, p.cycle) in feasible]


def moved_section(
    moves: Iterable[Move], lang: Lang, names: dict[str, str] | None = None
) -> Section:
    """The "dates moved" section of a message: one line per move; with `names` (person id ->
    name, for HR) each line names the person. Plain text: the channel's renderer escapes it."""
    lines = []
    for move in sorted(moves):
        who = say(lang, "moved.who", name=names[move.person], id=move.person) if names else ""
        lines.append(Line(who + move.line(lang)))
    return Section(say(lang, "moved.heading"), tuple(lines))


def moved_letter(
    moves: Iterable[Move], lang: Lang, *, cause: str, names: dict[str, str] | None = None
) -> Letter:
    """The "dates moved" message of its own, for a recipient the pass writes nothing else."""
    items = list(moves)
    title = say(lang, "moved.title.one" if len(items) == 1 else "moved.title", n=len(items))
    opening = say(lang, "moved.opening", cause=cause)
    closing = say(lang, "moved.closing")
    section = moved_section(items, lang, names)
    return Letter(title, (opening,), (Section("", section.lines),), (closing,))
