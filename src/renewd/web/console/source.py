"""What the console needs from the service: a snapshot of the plans and a way to record progress.

The console depends on this small protocol only; `renewd.daemon.console_port` adapts the daemon to
it, and tests can hand in their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from renewd.calendar.preview import Readers, Received
from renewd.core.documents import DocumentPlan
from renewd.core.errors import Problem
from renewd.core.model import Person, PersonPlan, Step
from renewd.core.moves import Move
from renewd.core.notices import Notice
from renewd.core.rosterdiff import RosterDiff
from renewd.core.workdays import WorkdayCalendar
from renewd.store.progress import Fact
from renewd.web.console.index import PeopleIndex
from renewd.web.publisher import FeedCache


@dataclass(frozen=True)
class PlansView:
    """The plans as of `today`, as the daemon last computed them."""

    today: dt.date
    plans: tuple[PersonPlan, ...]
    calendar: WorkdayCalendar
    roster_problems: tuple[Problem, ...] = ()  # the console words them
    # The people list's index; built with the snapshot (off the event loop, in the daemon's
    # refresh thread) or, if missing, on the console's first request.
    index: PeopleIndex | None = None
    documents: tuple[DocumentPlan, ...] = ()  # the other documents' plans (docs/packs.md)

    @classmethod
    def indexed(
        cls,
        today: dt.date,
        plans: tuple[PersonPlan, ...],
        calendar: WorkdayCalendar,
        roster_problems: tuple[Problem, ...] = (),
        documents: tuple[DocumentPlan, ...] = (),
    ) -> PlansView:
        index = PeopleIndex.build(plans, today, documents)
        return cls(today, plans, calendar, roster_problems, index, documents)

    def with_plan(self, plan: PersonPlan) -> PlansView:
        """This snapshot with one person's plan replaced (a recorded step): the index is
        updated in place of a rebuild."""
        pid = plan.person.id
        plans = tuple(plan if p.person.id == pid else p for p in self.plans)
        index = self.index.replaced(plan) if self.index is not None else None
        return replace(self, plans=plans, index=index)

    def with_documents(self, person: str, documents: tuple[DocumentPlan, ...]) -> PlansView:
        """This snapshot with one person's other documents replanned (a recorded step)."""
        kept = tuple(d for d in self.documents if d.person.id != person)
        index = self.index.with_documents(person, documents) if self.index is not None else None
        return replace(self, documents=(*kept, *documents), index=index)


@dataclass(frozen=True)
class RosterCheck:
    """An uploaded roster, checked: its people count, what the swap would change against the
    roster in force and the rows it would hold back, or why it cannot be swapped in at all
    (file, row, field; the page words them)."""

    upload: str  # an opaque id of the stored upload
    target: Path  # the roster file it would replace
    people: int
    problems: tuple[Problem, ...]  # the upload cannot be swapped in (unreadable, no good row)
    diff: RosterDiff | None = None  # the whole resulting roster against the one in force
    # Rows with a problem in an upload that can be swapped in all the same: each holds back only
    # its own person, as the daemon reads a roster file (`kept` of them keep their last good
    # record, `left_out` new rows wait until they are fixed).
    held: tuple[Problem, ...] = ()
    kept: int = 0
    left_out: int = 0

    @property
    def held_rows(self) -> int:
        """How many rows `held` names (a row may have several problems)."""
        return len({(problem.file, problem.row) for problem in self.held})


class UploadQuotaFull(Exception):
    """An account has as many roster uploads waiting for confirmation as it may (`waiting`)."""

    def __init__(self, waiting: int) -> None:
        super().__init__(f"{waiting} roster uploads are waiting for confirmation")
        self.waiting = waiting


@dataclass(frozen=True)
class NoticeImport:
    """A pasted holiday notice, read: what was understood, which due dates move, and whether it
    was stored (not on a dry run, nor when the year already had exactly these days)."""

    notice: Notice
    moves: tuple[Move, ...]
    stored: bool


class ConsoleSource(Protocol):
    def view(self) -> PlansView | None:
        """The current plans, or None before the first roster was read."""

    def building(self) -> bool:
        """Whether the first plans are still being built (the daemon just started): pages
        say so instead of showing nobody."""

    def now(self) -> dt.datetime:
        """Now, aware, in the configured zone."""

    @property
    def feeds(self) -> FeedCache | None:
        """The feed cache (tokens, urls, rotation)."""

    def record(
        self,
        person: str,
        step: Step | None,
        day: dt.date | None,
        *,
        new_expiry: dt.date | None = None,
        by: str,
    ) -> PersonPlan | None:
        """Record progress for `person`; return the person's new plan. Raises UsageError for
        a day in the future or before the step this one waits for."""

    def undo(self, person: str, step: Step, *, by: str) -> PersonPlan | None:
        """Forget a recorded step; return the person's new plan."""

    def record_document(
        self, person: str, document: str, step: str, day: dt.date, *, by: str
    ) -> None:
        """Record a step of one of the person's other documents (docs/packs.md) done on `day`
        and replan the person's documents. Raises UsageError for a day in the future."""

    def undo_document(self, person: str, document: str, step: str, *, by: str) -> bool:
        """Forget a document's recorded step; whether one was recorded."""

    def recorded(self, person: str) -> Sequence[Fact]:
        """The progress recorded for `person` (day, when, by whom), newest first."""

    def roster_files(self) -> Sequence[Path]:
        """The configured roster files an upload may replace."""

    def roster_people(self) -> Sequence[Person]:
        """The roster in force, as read (without progress recorded elsewhere), in file order;
        empty before the first roster was read."""

    def check_roster(
        self, target: Path, data: bytes, suffix: str, *, account: str = ""
    ) -> RosterCheck:
        """Store an upload of `account` and check it in place of `target`, swapping nothing;
        say what the swap would change. An upload waits an hour for its confirmation; raises
        UploadQuotaFull when the account has too many waiting. Slow on a big roster: called in
        a thread."""

    def swap_roster(self, upload: str, *, account: str = "") -> RosterCheck:
        """Put a checked upload of `account` in place of its target file (then reloaded as any
        edit); another account's upload is unknown to it."""

    def import_notice(self, text: str, year: int | None, dry_run: bool) -> NoticeImport:
        """Read, and unless `dry_run` store, a pasted notice (`renewd calendar import`); raises
        NoticeError naming every problem. Slow (plans everyone): call it in a thread."""

    def upcoming(self, readers: Readers, days: int) -> Sequence[Received]:
        """What these readers would receive in the coming `days` days from the snapshot's day
        if nobody acts (`renewd.calendar.preview`), in day order. Slow (a pass a day): call it
        in a thread; the source keeps the answer until the plans or the state change."""

    def kick(self) -> None:
        """Ask for a delivery pass soon (after "retry now")."""
