"""The plans of the documents a roster row names other than Shanghai points (docs/packs.md):
one plan per (person, document), each by its pack. Pure: no I/O, no clock.

A person holds a document per roster row (`document` / 证件类型); the row's `permit_expires` is
that document's expiry, and for a pack whose cycles end on anniversaries of issue (Guangzhou) its
`issued_on`. Documents chain: when a person holds a pack that `follows` another (the foreign
residence permit follows the work permit), the followed one is planned back from the follower's
`follows_by` step when that is earlier than its own expiry (the residence permit is applied for
with the renewed work permit), unless the follower's step is done or falls before the followed
document's window opens (then the last renewal served it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from renewd.core.chain import ChainPlan, plan_chain
from renewd.core.cycle import STALE_FACT_DAYS
from renewd.core.errors import CalendarError, Problem, UsageError
from renewd.core.model import Lang, Person
from renewd.core.pack import CycleBasis, Pack, anniversary_on_or_after
from renewd.core.wording import say
from renewd.core.workdays import WorkdayCalendar

# Recorded steps of one (person, document): step kind -> the day it was done.
Done = Mapping[str, dt.date]
_NOTHING: Done = MappingProxyType({})


@dataclass(frozen=True)
class DocumentPlan:
    """One person's plan for one document."""

    person: Person
    pack: Pack
    plan: ChainPlan

    @property
    def key(self) -> tuple[str, str]:
        return (self.person.id, self.pack.name)

    @property
    def cycle(self) -> dt.date:
        return self.plan.cycle


def cycle_of(pack: Pack, person: Person, today: dt.date) -> dt.date:
    """The day the document's current cycle ends: its expiry, or (anniversary packs) the first
    anniversary of issue on or after `today`."""
    if pack.cycle is CycleBasis.ANNIVERSARY and person.issued_on is not None:
        return anniversary_on_or_after(person.issued_on, today)
    return person.permit_expires


def plan_documents(
    packs: Mapping[str, Pack],
    documents: Iterable[Person],
    calendar: WorkdayCalendar,
    today: dt.date,
    done: Mapping[tuple[str, str], Done] | None = None,
    due_soon_days: int = 7,
) -> list[DocumentPlan]:
    """Every document's plan, in roster order; followed documents planned back from their
    followers' deadlines."""
    rows = list(documents)
    recorded = done or {}
    held: dict[str, dict[str, Person]] = {}
    for person in rows:
        held.setdefault(person.id, {})[person.document] = person

    def one(person: Person, deadline: dt.date | None) -> ChainPlan:
        pack = packs[person.document]
        cycle = cycle_of(pack, person, today)
        # As for the points (`core.cycle.STALE_FACT_DAYS`): older facts are an earlier cycle's.
        cutoff = cycle - dt.timedelta(days=STALE_FACT_DAYS)
        facts = recorded.get((person.id, pack.name), _NOTHING)
        return plan_chain(
            pack,
            cycle,
            {kind: day for kind, day in facts.items() if day >= cutoff},
            calendar,
            today,
            deadline=deadline,
            due_soon_days=due_soon_days,
        )

    plans: dict[tuple[str, str], ChainPlan] = {}
    for person in rows:  # followers first: their deadlines plan the documents they follow
        pack = packs[person.document]
        if pack.follows and pack.follows in held[person.id]:
            plans[(person.id, pack.name)] = one(person, None)
    out: list[DocumentPlan] = []
    for person in rows:
        pack = packs[person.document]
        key = (person.id, pack.name)
        if key not in plans:
            free = one(person, None)
            deadline = _deadline(packs, plans, held[person.id], pack.name)
            # A follower's day before this cycle's window opens was served by the last renewal
            # (the work permit renewed, its row already names the next expiry).
            binds = deadline is not None and deadline >= _opening(free)
            plans[key] = one(person, deadline) if binds else free
        out.append(DocumentPlan(person, pack, plans[key]))
    return out


def plan_each_person(
    packs: Mapping[str, Pack],
    documents: Iterable[Person],
    calendar: WorkdayCalendar,
    today: dt.date,
    done: Mapping[tuple[str, str], Done] | None = None,
    due_soon_days: int = 7,
) -> tuple[list[DocumentPlan], list[Problem]]:
    """`plan_documents` one person at a time (a person's documents chain only among themselves),
    so a person whose documents cannot be planned (a year no calendar covers) holds back only
    their own: left out, and where their rows come from said in the problems (never a name).
    Rows no pack plans are left out too (`document_problems` says them)."""
    mine: dict[str, list[Person]] = {}
    order: dict[tuple[str, str], int] = {}
    for person in documents:
        if person.document in packs:
            mine.setdefault(person.id, []).append(person)
            order.setdefault((person.id, person.document), len(order))
    plans: list[DocumentPlan] = []
    problems: list[Problem] = []
    for rows in mine.values():
        try:
            plans.extend(plan_documents(packs, rows, calendar, today, done, due_soon_days))
        except CalendarError as exc:
            problems.extend(Problem(row.source or "roster", exc.message) for row in rows)
    plans.sort(key=lambda entry: order[entry.key])  # roster order, as `plan_documents`
    return plans, problems


def _deadline(
    packs: Mapping[str, Pack],
    plans: Mapping[tuple[str, str], ChainPlan],
    held: Mapping[str, Person],
    name: str,
) -> dt.date | None:
    """The earliest day a follower of `name` needs it renewed by, if the person holds one."""
    days: list[dt.date] = []
    for other, person in held.items():
        pack = packs[other]
        plan = plans.get((person.id, other))
        if pack.follows == name and pack.follows_by and plan is not None:
            step = plan.step(pack.follows_by)
            if not step.done:  # applied for: the renewal it needed is behind it
                days.append(step.due)
    return min(days) if days else None


def _opening(plan: ChainPlan) -> dt.date:
    """The first day of the cycle's chain: its earliest window or due day."""
    return min(s.opens or s.due for s in plan.steps)


def document_problems(packs: Mapping[str, Pack], documents: Sequence[Person]) -> list[Problem]:
    """Roster rows whose document no pack plans, or that lack what their pack needs."""
    problems: list[Problem] = []
    for person in documents:
        pack = packs.get(person.document)
        if pack is None:
            known = ", ".join(sorted(packs))
            message = f"unknown document (policy pack); known: {known}"
            problems.append(
                Problem(person.source, message, field="document", value=person.document)
            )
        elif pack.cycle is CycleBasis.ANNIVERSARY and person.issued_on is None:
            message = f"{pack.name} needs the issue day (the issued_on column)"
            problems.append(Problem(person.source, message, field="issued_on"))
    return problems


def after_what_it_waits_for(
    pack: Pack, kind: str, day: dt.date, recorded: Mapping[str, dt.date], lang: Lang
) -> None:
    """A step is not done before a recorded earlier step it is dated from (a decision before
    its filing): UsageError saying both (`renewd done`, the console)."""
    step = pack.step(kind)
    for offset in (step.due, step.opens):
        earlier = recorded.get(offset.anchor) if offset is not None else None
        if offset is not None and earlier is not None and earlier > day:
            raise UsageError(
                say(
                    lang,
                    "refuse.before",
                    step=step.words[lang].title,
                    day=day,
                    before=pack.step(offset.anchor).words[lang].title,
                    earlier=earlier,
                )
            )
