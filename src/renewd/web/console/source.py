"""What the console needs from the service: a snapshot of the plans and a way to record progress.

The console depends on this small protocol only; `renewd.service.console` adapts the daemon to
it, and tests can hand in their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from renewd.core.model import PersonPlan, Step
from renewd.core.workdays import WorkdayCalendar
from renewd.web.publisher import FeedCache


@dataclass(frozen=True)
class Snapshot:
    """The plans as of `today`, as the daemon last computed them."""

    today: dt.date
    plans: tuple[PersonPlan, ...]
    calendar: WorkdayCalendar
    roster_problems: tuple[str, ...] = ()
    # Set when this snapshot is `parent` with one person's plan replaced (a recorded step), so
    # the console updates its index instead of rebuilding it.
    parent: Snapshot | None = None
    changed: PersonPlan | None = None

    def with_plan(self, plan: PersonPlan) -> Snapshot:
        pid = plan.person.id
        plans = tuple(plan if p.person.id == pid else p for p in self.plans)
        return Snapshot(self.today, plans, self.calendar, self.roster_problems, self, plan)


@dataclass(frozen=True)
class RosterCheck:
    """An uploaded roster, checked: its people count, or its problems (file, row, field)."""

    upload: str  # an opaque id of the stored upload
    target: Path  # the roster file it would replace
    people: int
    problems: tuple[str, ...]


class ConsoleSource(Protocol):
    def snapshot(self) -> Snapshot | None:
        """The current plans, or None before the first roster was read."""

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
        """Record progress for `person`; return the person's new plan."""

    def undo(self, person: str, step: Step, *, by: str) -> PersonPlan | None:
        """Forget a recorded step; return the person's new plan."""

    def roster_files(self) -> Sequence[Path]:
        """The configured roster files an upload may replace."""

    def check_roster(self, target: Path, data: bytes, suffix: str) -> RosterCheck:
        """Store an upload and check it in place of `target`, swapping nothing."""

    def swap_roster(self, upload: str) -> RosterCheck:
        """Put a checked upload in place of its target file (then reloaded as any edit)."""

    def kick(self) -> None:
        """Ask for a delivery pass soon (after "retry now")."""
