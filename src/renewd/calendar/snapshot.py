"""The snapshot: everything renewd serves from at one moment, as one immutable value.

A `Snapshot` holds the settings, the roster, the working-day calendar and planner, the channels,
the day and everyone's plan for that day (progress recorded with `renewd done` merged in). The
daemon builds a new one off the event loop when the day, the roster, the configuration or the
recorded progress changes, and swaps it in with one assignment; feeds, the delivery pass and the
CLI all read plans from a snapshot, so they never disagree about what the plan is.

Building a snapshot plans everyone: a roster that parses but cannot be planned (a year no
calendar covers under `fallback = "error"`) fails here with `UnplannableRoster`, a `RosterError`
like a broken file, so the daemon keeps the last good snapshot either way.

Recorded progress changes replan only the people whose progress changed (`with_progress`).

The documents beside Shanghai points (docs/packs.md) are planned into the same snapshot:
`documents`, one `DocumentPlan` per (person, document), from `roster.documents` and the steps
recorded with `renewd done --document` (`recorded_documents`). A row no pack plans, or a person
whose documents cannot be planned, is left out and said in `document_problems`; it never stops
the points or anyone else's documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Protocol

from renewd.channels.base import Channel
from renewd.core.documents import DocumentPlan, Done, document_problems, plan_each_person
from renewd.core.errors import EX_CONFIG, CalendarError, Problem, RosterError
from renewd.core.headcount import Headcount, headcount
from renewd.core.model import Person, PersonPlan, Progress
from renewd.core.pack import Pack
from renewd.core.plan import Planner
from renewd.core.policy import YearTable
from renewd.core.progress import merge_progress
from renewd.core.workdays import WorkdayCalendar
from renewd.roster.reader import Roster
from renewd.settings import Settings
from renewd.store.database import Database

# At most this many people are named when a roster cannot be planned (the count says the rest).
MAX_PROBLEMS = 50


class UnplannableRoster(RosterError):
    """The roster parsed, but some people cannot be planned under this configuration (exit 78,
    as the CalendarError it wraps: the fix is usually a `[calendar.years.Y]` table)."""

    exit_code = EX_CONFIG


@dataclass(frozen=True)
class Snapshot:
    """One consistent view: settings, roster, calendar, channels, and the plans of `day`."""

    settings: Settings
    roster: Roster
    calendar: WorkdayCalendar
    planner: Planner
    channels: Mapping[str, Channel]
    day: dt.date
    plans: tuple[PersonPlan, ...]
    recorded: Mapping[str, Progress]  # progress from the state database, merged into `plans`
    # imported holiday notices (`renewd.store.notices`), a layer of `calendar`
    notices: Mapping[int, YearTable] = field(default_factory=lambda: MappingProxyType({}))
    # people held back because they cannot be planned (`build_snapshot(hold_back=True)`)
    held: tuple[Problem, ...] = ()
    # the other documents' plans and what holds some back (module docstring)
    packs: Mapping[str, Pack] = field(default_factory=lambda: MappingProxyType({}))
    documents: tuple[DocumentPlan, ...] = ()
    recorded_documents: Mapping[tuple[str, str], Done] = field(
        default_factory=lambda: MappingProxyType({})
    )
    document_problems: tuple[Problem, ...] = ()

    @property
    def people(self) -> list[Person]:
        """The roster's people with their recorded progress, in roster order."""
        return [plan.person for plan in self.plans]

    @property
    def headcount(self) -> Headcount:
        """The people planned and the holders of other documents only, each once."""
        return headcount(self.people, self.roster.documents)

    def for_day(self, day: dt.date) -> Snapshot:
        """The same snapshot planned for another day (a full plan)."""
        plans = plan_everyone(self.planner, self.people, day, self.headcount)
        return replace(self, day=day, plans=plans)._documents_planned(self.recorded_documents)

    def with_documents(self, recorded: Mapping[tuple[str, str], Done]) -> tuple[Snapshot, bool]:
        """This snapshot with `recorded` as the documents' recorded steps; whether they changed."""
        if dict(recorded) == dict(self.recorded_documents):
            return self, False
        return self._documents_planned(recorded), True

    @cached_property
    def document_holders(self) -> frozenset[str]:
        """Everyone a roster row gives another document, planned or not (a pass must not take
        one whose documents cannot be planned for someone who left the roster)."""
        return frozenset(row.id for row in self.roster.documents)

    def documents_on(self, day: dt.date) -> tuple[DocumentPlan, ...]:
        """The documents planned for another day (the daemon's night sweep: yesterday's), without
        planning everyone's points again as `for_day` does."""
        return tuple(self._documents_of(day, self.recorded_documents)[0])

    def _documents_of(
        self, day: dt.date, recorded: Mapping[tuple[str, str], Done]
    ) -> tuple[list[DocumentPlan], list[Problem]]:
        rows = self.roster.documents
        due_soon = self.settings.policy.core().due_soon_days
        return plan_each_person(self.packs, rows, self.calendar, day, recorded, due_soon)

    def _documents_planned(self, recorded: Mapping[tuple[str, str], Done]) -> Snapshot:
        rows = self.roster.documents
        problems = document_problems(self.packs, rows) if rows else []
        plans, held = self._documents_of(self.day, recorded)
        return replace(
            self,
            documents=tuple(plans),
            recorded_documents=MappingProxyType(dict(recorded)),
            document_problems=(*problems, *held),
        )

    def with_progress(self, recorded: Mapping[str, Progress]) -> tuple[Snapshot, set[str]]:
        """This snapshot with `recorded` as the progress from the state database: only the people
        whose recorded progress changed are planned again. Returns it and their ids."""
        changed = {
            pid
            for pid in set(recorded) | set(self.recorded)
            if recorded.get(pid) != self.recorded.get(pid)
        }
        roster_people = {p.id: p for p in self.roster.people if p.id in changed}
        if not roster_people:
            return replace(self, recorded=MappingProxyType(dict(recorded))), set()
        fresh = {
            plan.person.id: plan
            for plan in plan_everyone(
                self.planner,
                merge_progress(roster_people.values(), recorded),
                self.day,
                self.roster.headcount,
            )
        }
        plans = tuple(fresh.get(plan.person.id, plan) for plan in self.plans)
        frozen = MappingProxyType(dict(recorded))
        return replace(self, plans=plans, recorded=frozen), set(fresh)


def calendar_of(
    settings: Settings, notices: Mapping[int, YearTable] | None = None
) -> WorkdayCalendar:
    return WorkdayCalendar.from_options(settings.calendar.core(notices))


def plan_everyone(
    planner: Planner, people: Sequence[Person], day: dt.date, of: Headcount | None = None
) -> tuple[PersonPlan, ...]:
    """Everyone's plan on `day`; `UnplannableRoster` naming where each person who cannot be
    planned comes from (file and row, never a name) when any cannot, and how many of the
    roster's people (`of`, each person once: core.headcount; else `people`) that is."""
    plans, problems, failed = _plan(planner, people, day)
    if failed:
        raise unplannable(failed, of or headcount(people), problems)
    return plans


def unplannable(failed: int, of: Headcount, problems: Sequence[Problem]) -> UnplannableRoster:
    """ "the roster cannot be planned: 1 of 9 people": of every person, a holder of other
    documents only too (only points rows are planned, so only they fail)."""
    return UnplannableRoster(
        f"the roster cannot be planned: {failed} of {of.people} people", list(problems)
    )


def _plan(
    planner: Planner, people: Sequence[Person], day: dt.date
) -> tuple[tuple[PersonPlan, ...], list[Problem], int]:
    """The plans of those who can be planned, where the others come from (the first
    `MAX_PROBLEMS`), and how many could not be."""
    plans: list[PersonPlan] = []
    problems: list[Problem] = []
    failed = 0
    for person in people:
        try:
            plans.append(planner.plan(person, day))
        except CalendarError as exc:
            failed += 1
            if len(problems) < MAX_PROBLEMS:
                problems.append(Problem(file=person.source or "roster", message=exc.message))
    return tuple(plans), problems, failed


def build_snapshot(
    settings: Settings,
    roster: Roster,
    channels: Mapping[str, Channel],
    day: dt.date,
    recorded: Mapping[str, Progress],
    notices: Mapping[int, YearTable],
    *,
    hold_back: bool = False,
    recorded_documents: Mapping[tuple[str, str], Done] | None = None,
) -> Snapshot:
    """A new snapshot, validated by planning everyone (slow for a large roster: the daemon
    calls it in a worker thread). Raises UnplannableRoster (or a CalendarError); with
    `hold_back` (commands that only read and publish: `renewd feeds`, `export`) the people who
    cannot be planned are left out instead, and said in `Snapshot.held`. `notices`, the
    imported holiday notices (`App.notices`, `NoticeStore.tables()`), are required: a snapshot
    built without them would plan on the estimate and undo an import. The other documents are
    planned with `recorded_documents` (none recorded when not given)."""
    notices = MappingProxyType(dict(notices))
    calendar = calendar_of(settings, notices)
    planner = Planner(settings.policy.core(), calendar)
    people = merge_progress(roster.people, recorded)
    plans, held, failed = _plan(planner, people, day)
    if failed and not hold_back:
        raise unplannable(failed, roster.headcount, held)
    return Snapshot(
        settings=settings,
        roster=roster,
        calendar=calendar,
        planner=planner,
        channels=MappingProxyType(dict(channels)),
        day=day,
        plans=plans,
        recorded=MappingProxyType(dict(recorded)),
        notices=notices,
        held=tuple(held),
        packs=MappingProxyType(settings.pack_set() if roster.documents else {}),
    )._documents_planned(recorded_documents or {})


class Planned(Protocol):
    """What a calendar use case asks of the CLI's composition root (`renewd.commands.app.App`):
    the settings, the calendar in force, and everyone planned on a day."""

    @property
    def settings(self) -> Settings: ...

    @property
    def calendar(self) -> WorkdayCalendar: ...

    def snapshot(self, day: dt.date, db: Database | None = None) -> Snapshot: ...
