"""A person's chain as a vertical list, for narrow screens, where the day-column picture would
have to be scrolled sideways and opened on the past.

The list reads top to bottom in date order and is built to open on today: the steps already
behind the person (done, even ahead of their date, or passed) fold into one line; the steps
still to do that fell due before today (overdue) come next, then today's marker, then the coming
steps, the first of which (the next step) is marked. Every label is a block of its own, so no
two can overlap, however long a step's name or however close its dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd.core.model import Lang, Milestone, PersonPlan, Status
from renewd.web.console.i18n import status_name, step_name, word


@dataclass(frozen=True)
class Entry:
    """One line of the list: a step, the projected gap in points validity, or today."""

    key: str  # a step's kind, "gap" or "today": the element's id and its class
    name: str
    day: dt.date
    when: str  # "3 天后", "yesterday"
    status: str  # a CSS class: a milestone status, "gap" or "today"
    status_text: str
    provisional: bool = False
    next: bool = False


@dataclass(frozen=True)
class StepList:
    earlier: tuple[Entry, ...]  # folded: done or passed
    entries: tuple[Entry, ...]  # the overdue, today, the coming


def next_step(plan: PersonPlan) -> Milestone | None:
    """The first step in date order that is still to do (overdue ones first: they come
    earliest), or None when the chain is through."""
    return next(
        (m for m in sorted(plan.milestones, key=lambda m: m.due) if m.status is not Status.DONE),
        None,
    )


def relative(day: dt.date, today: dt.date, lang: Lang) -> str:
    days = (day - today).days
    if days == 0:
        return word("on_the_day", lang)
    if days == 1:
        return word("tomorrow", lang)
    if days == -1:
        return word("yesterday", lang)
    return word("in_days", lang, days=days) if days > 0 else word("days_ago", lang, days=-days)


def step_list(plan: PersonPlan, today: dt.date, lang: Lang) -> StepList:
    following = next_step(plan)
    earlier: list[Entry] = []
    entries: list[tuple[dt.date, int, Entry]] = []  # sorted by day; today before that day's steps
    for milestone in sorted(plan.milestones, key=lambda m: m.due):
        entry = Entry(
            key=milestone.kind.value,
            name=step_name(milestone.kind, lang),
            day=milestone.due,
            when=relative(milestone.due, today, lang),
            status=milestone.status.value,
            status_text=(
                word("passed", lang)
                if milestone.status is Status.DONE and not milestone.done
                else status_name(milestone.status, lang)
            ),
            provisional=milestone.provisional,
            next=milestone is following,
        )
        if milestone.status is Status.DONE:
            earlier.append(entry)
        else:
            entries.append((milestone.due, 1, entry))
    if plan.gap_days and plan.projected_approval:
        day = plan.cycle + dt.timedelta(days=1)
        text = word("gap", lang, days=plan.gap_days)
        gap = Entry("gap", text, day, relative(day, today, lang), "gap", "")
        entries.append((day, 1, gap))
    now = Entry("today", word("today_is", lang, day=today.isoformat()), today, "", "today", "")
    entries.append((today, 0, now))
    entries.sort(key=lambda e: (e[0], e[1]))
    return StepList(tuple(earlier), tuple(e for _, _, e in entries))
