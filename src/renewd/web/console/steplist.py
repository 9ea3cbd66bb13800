"""A person's chain as a vertical list, for narrow screens, where the day-column picture would
have to be scrolled sideways and opened on the past.

The list reads top to bottom in date order and is built to open on today: the steps already
behind the person (done, even ahead of their date, or passed) fold into one line; the steps
still to do that fell due before today (overdue) come next, then today's marker, then the coming
steps, the first of which (the next step) is marked. Every label is a block of its own, so no
two can overlap, however long a step's name or however close its dates.

Each other document's chain (docs/packs.md) is listed the same way (`document_step_list`), its
steps in the pack's words with who does each and its hard cut-off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd.core.chain import ChainStep
from renewd.core.documents import DocumentPlan
from renewd.core.model import Lang, Milestone, PersonPlan, Status
from renewd.core.pack import StepType
from renewd.core.wording import say
from renewd.web.console.i18n import document_step_name, status_name, step_name, word


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
    detail: str = ""  # a document's step: who does it, its hard cut-off


@dataclass(frozen=True)
class StepList:
    earlier: tuple[Entry, ...]  # folded: done or passed
    entries: tuple[Entry, ...]  # the overdue, today, the coming
    prefix: str = ""  # the elements' ids: "" for the points, "<pack>-" for a document


def next_document_step(doc: DocumentPlan) -> ChainStep | None:
    """A document's first step in date order still to do (not a day to know about), or None."""
    return next(
        (
            s
            for s in sorted(doc.plan.steps, key=lambda s: s.due)
            if s.status is not Status.DONE and doc.pack.step(s.kind).type is not StepType.HEADS_UP
        ),
        None,
    )


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
    steps: list[tuple[Status, Entry]] = []
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
        steps.append((milestone.status, entry))
    gap = None
    if plan.gap_days and plan.projected_approval:
        gap = (plan.cycle + dt.timedelta(days=1), plan.gap_days)
    return _listed(steps, gap, today, lang)


def document_step_list(doc: DocumentPlan, today: dt.date, lang: Lang) -> StepList:
    """A document's chain as a list, as `step_list` lists the points'."""
    following = next_document_step(doc)
    steps: list[tuple[Status, Entry]] = []
    for s in sorted(doc.plan.steps, key=lambda s: s.due):
        detail = say(lang, "feed.who", who=say(lang, f"owner.{s.owner.value}"))
        if s.cutoff is not None:
            detail += " · " + say(lang, "docview.cutoff", date=s.cutoff.isoformat())
        entry = Entry(
            key=s.kind,
            name=document_step_name(doc.pack, s.kind, lang),
            day=s.due,
            when=relative(s.due, today, lang),
            status=s.status.value,
            status_text=(
                word("passed", lang)
                if s.status is Status.DONE and not s.done
                else status_name(s.status, lang)
            ),
            provisional=s.provisional,
            next=s is following,
            detail=detail,
        )
        steps.append((s.status, entry))
    gap = None
    if doc.plan.gap_days and doc.plan.projected:
        gap = (doc.plan.cycle + dt.timedelta(days=1), doc.plan.gap_days)
    listed = _listed(steps, gap, today, lang)
    return StepList(listed.earlier, listed.entries, prefix=f"{doc.pack.name}-")


def _listed(
    steps: list[tuple[Status, Entry]],
    gap: tuple[dt.date, int] | None,
    today: dt.date,
    lang: Lang,
) -> StepList:
    """Steps in date order: the done ones folded, then the others with today's marker and
    the projected gap (its first day, its days) among them."""
    earlier: list[Entry] = []
    entries: list[tuple[dt.date, int, Entry]] = []  # sorted by day; today before that day's steps
    for status, entry in steps:
        if status is Status.DONE:
            earlier.append(entry)
        else:
            entries.append((entry.day, 1, entry))
    if gap is not None:
        day, days = gap
        text = word("gap", lang, days=days)
        entries.append((day, 1, Entry("gap", text, day, relative(day, today, lang), "gap", "")))
    now = Entry("today", word("today_is", lang, day=today.isoformat()), today, "", "today", "")
    entries.append((today, 0, now))
    entries.sort(key=lambda e: (e[0], e[1]))
    return StepList(tuple(earlier), tuple(e for _, _, e in entries))
