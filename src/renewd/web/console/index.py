"""The people list behind the console: rows sorted by next due date, per-group slices, counts.

Built once per snapshot of the plans (a refresh, or one recorded step), then only read: a page
request filters a prebuilt list and slices it, so 100,000 people stay fast. An account limited
to groups sees the merge of its groups' slices, cached per set of groups.

A row is a person: the points' plan (None for someone who holds only other documents) and the
plans of their other documents (docs/packs.md), whose steps count in the row's next step,
status, overdue and due-this-week figures as the points' do.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from renewd.core.documents import DocumentPlan
from renewd.core.model import MilestoneKind, Person, PersonPlan, Status
from renewd.core.pack import StepType

K = MilestoneKind

# Milestones someone acts on (or waits for); the others are dates, not steps.
ACTION_KINDS = frozenset(
    {
        K.PREPARE,
        K.PERMIT_RENEWAL,
        K.POINTS_APPLICATION,
        K.EMPLOYER_SUBMISSION,
        K.POINTS_APPROVAL,
        K.COLLECT_NOTICE,
    }
)
_RANK = {Status.OVERDUE: 4, Status.DUE: 3, Status.OPEN: 2, Status.UPCOMING: 1, Status.DONE: 0}
_FAR = dt.date.max


class Flag(StrEnum):
    """The overview's lists beyond plain status."""

    WEEK = "week"  # a step due within seven days
    INFEASIBLE = "infeasible"
    RISK = "risk"  # a critical date at risk
    PROVISIONAL = "provisional"


@dataclass(frozen=True, slots=True)
class Row:
    plan: PersonPlan | None  # None: the person holds only other documents
    next_kind: MilestoneKind | None  # the next step, when it is a points step
    next_due: dt.date | None
    status: Status  # the worst open status of the plans' steps
    overdue: int  # overdue steps
    week: int  # steps due within seven days
    search: str  # lower-case id and name
    person: Person
    documents: tuple[DocumentPlan, ...] = ()  # the other documents' plans, in roster order
    next_document: tuple[DocumentPlan, str] | None = None  # the next step, a document's

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def group(self) -> str:
        return self.person.group

    @property
    def feasible(self) -> bool:
        points = self.plan is None or self.plan.feasible
        return points and all(d.plan.feasible for d in self.documents)

    @property
    def provisional(self) -> bool:
        points = self.plan is not None and self.plan.provisional
        return points or any(d.plan.provisional for d in self.documents)

    def flagged(self, flag: Flag) -> bool:
        if flag is Flag.WEEK:
            return self.week > 0
        if flag is Flag.INFEASIBLE:
            return not self.feasible
        if flag is Flag.RISK:
            return self.plan is not None and bool(self.plan.critical_at_risk)
        return self.provisional


def make_row(
    plan: PersonPlan | None, today: dt.date, documents: tuple[DocumentPlan, ...] = ()
) -> Row:
    """A person's row from the points' plan (or None) and their other documents' plans."""
    week_end = today + dt.timedelta(days=7)
    if plan is not None and not documents:  # the points alone: the path of 100,000 people
        todo = [
            m for m in plan.milestones if m.kind in ACTION_KINDS and m.status is not Status.DONE
        ]
        first = min(todo, key=lambda m: m.due, default=None)
        person = plan.person
        return Row(
            plan=plan,
            next_kind=first.kind if first else None,
            next_due=first.due if first else None,
            status=max((m.status for m in todo), key=_RANK.__getitem__, default=Status.DONE),
            overdue=sum(m.status is Status.OVERDUE for m in todo),
            week=sum(today <= m.due < week_end for m in todo),
            search=f"{person.id}\x00{person.name}".lower(),
            person=person,
        )
    # (due, status, points kind or None, document step or None) of every step still to do
    steps: list[tuple[dt.date, Status, MilestoneKind | None, tuple[DocumentPlan, str] | None]]
    steps = [
        (m.due, m.status, m.kind, None)
        for m in (plan.milestones if plan is not None else ())
        if m.kind in ACTION_KINDS and m.status is not Status.DONE
    ]
    for doc in documents:
        steps.extend(
            (s.due, s.status, None, (doc, s.kind))
            for s in doc.plan.steps
            if s.status is not Status.DONE and doc.pack.step(s.kind).type is not StepType.HEADS_UP
        )
    nxt = min(steps, key=lambda step: (step[0], step[2] is None), default=None)
    worst = max((step[1] for step in steps), key=_RANK.__getitem__, default=Status.DONE)
    person = plan.person if plan is not None else documents[0].person
    return Row(
        plan=plan,
        next_kind=nxt[2] if nxt else None,
        next_due=nxt[0] if nxt else None,
        status=worst,
        overdue=sum(step[1] is Status.OVERDUE for step in steps),
        week=sum(today <= step[0] < week_end for step in steps),
        search=f"{person.id}\x00{person.name}".lower(),
        person=person,
        documents=documents,
        next_document=nxt[3] if nxt else None,
    )


def _order(row: Row) -> tuple[dt.date, str]:
    return (row.next_due or _FAR, row.id)


@dataclass(frozen=True)
class Counts:
    people: int
    overdue_steps: int
    due_week: int
    infeasible: int
    at_risk: int
    provisional_years: tuple[int, ...]


@dataclass(frozen=True)
class Query:
    q: str = ""
    group: str = ""
    status: Status | None = None
    step: MilestoneKind | None = None
    flag: Flag | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class Page:
    rows: tuple[Row, ...]
    total: int
    page: int
    pages: int


@dataclass
class PeopleIndex:
    today: dt.date
    rows: tuple[Row, ...]  # sorted by next due date, then id
    by_id: dict[str, Row]
    by_group: dict[str, tuple[Row, ...]]
    _visible: dict[frozenset[str] | None, tuple[Row, ...]] = field(default_factory=dict)
    _counts: dict[frozenset[str] | None, Counts] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        plans: Iterable[PersonPlan],
        today: dt.date,
        documents: Sequence[DocumentPlan] = (),
    ) -> PeopleIndex:
        held: dict[str, list[DocumentPlan]] = {}
        for doc in documents:
            held.setdefault(doc.person.id, []).append(doc)
        made = [make_row(p, today, tuple(held.pop(p.person.id, ()))) for p in plans]
        made += [make_row(None, today, tuple(docs)) for docs in held.values()]
        rows = sorted(made, key=_order)
        by_group: dict[str, list[Row]] = {}
        for row in rows:
            by_group.setdefault(row.group, []).append(row)
        return cls(
            today,
            tuple(rows),
            {row.id: row for row in rows},
            {g: tuple(rs) for g, rs in by_group.items()},
        )

    def replaced(self, plan: PersonPlan) -> PeopleIndex:
        """A new index with one person's plan replaced (after a recorded step): one removal and
        one sorted insertion, not a rebuild."""
        old = self.by_id.get(plan.person.id)
        return self._swapped(make_row(plan, self.today, old.documents if old else ()), old)

    def with_documents(self, person: str, documents: tuple[DocumentPlan, ...]) -> PeopleIndex:
        """A new index with one person's other documents' plans replaced (a recorded step)."""
        old = self.by_id.get(person)
        if old is None and not documents:
            return self
        plan = old.plan if old is not None else None
        if plan is None and not documents:
            return self
        return self._swapped(make_row(plan, self.today, documents), old)

    def _swapped(self, new: Row, old: Row | None) -> PeopleIndex:

        def swap(rows: tuple[Row, ...]) -> tuple[Row, ...]:
            kept = [r for r in rows if r is not old] if old is not None else list(rows)
            bisect.insort(kept, new, key=_order)
            return tuple(kept)

        by_group = dict(self.by_group)
        if old is not None and old.group != new.group:
            by_group[old.group] = tuple(r for r in by_group[old.group] if r is not old)
        by_group[new.group] = swap(by_group.get(new.group, ()))
        by_id = dict(self.by_id)
        by_id[new.id] = new
        return PeopleIndex(self.today, swap(self.rows), by_id, by_group)

    @property
    def groups(self) -> list[str]:
        return sorted(g for g in self.by_group if g)

    def visible(self, groups: frozenset[str] | None) -> tuple[Row, ...]:
        """Rows an account sees: every row for None (admin), else its groups' rows, in order."""
        if groups is None:
            return self.rows
        cached = self._visible.get(groups)
        if cached is None:
            slices = [self.by_group.get(g, ()) for g in sorted(groups)]
            cached = tuple(heapq.merge(*slices, key=_order))
            self._visible[groups] = cached
        return cached

    def query(self, query: Query, groups: frozenset[str] | None) -> Page:
        rows: Sequence[Row] = self.visible(groups)
        if query.group:
            if groups is not None and query.group not in groups:
                rows = ()
            else:
                rows = self.by_group.get(query.group, ())
        if query.status is not None:
            rows = [r for r in rows if r.status is query.status]
        if query.step is not None:
            rows = [r for r in rows if r.next_kind is query.step]
        if query.flag is not None:
            flag = query.flag
            rows = [r for r in rows if r.flagged(flag)]
        needle = query.q.strip().lower()
        if needle:
            rows = [r for r in rows if needle in r.search]
        total = len(rows)
        pages = max(1, -(-total // query.per_page))
        page = min(max(1, query.page), pages)
        start = (page - 1) * query.per_page
        return Page(tuple(rows[start : start + query.per_page]), total, page, pages)

    def counts(self, groups: frozenset[str] | None) -> Counts:
        cached = self._counts.get(groups)
        if cached is None:
            rows = self.visible(groups)
            years: set[int] = set()  # the years a provisional plan may rest on (as /healthz)
            for r in rows:
                if r.plan is not None and r.plan.provisional:
                    dues = [m.due.year for m in r.plan.milestones if m.provisional]
                    years.update(
                        range(
                            min(dues, default=r.plan.cycle.year), max(*dues, r.plan.cycle.year) + 1
                        )
                    )
            cached = Counts(
                people=len(rows),
                overdue_steps=sum(r.overdue for r in rows),
                due_week=sum(r.week for r in rows),
                infeasible=sum(not r.feasible for r in rows),
                at_risk=sum(len(r.plan.critical_at_risk) for r in rows if r.plan is not None),
                provisional_years=tuple(sorted(years)),
            )
            self._counts[groups] = cached
        return cached
