"""The daemon's snapshots and what replans them without reading the roster: the settings and
channels in force, the current snapshot (and yesterday's, for night-time sweeps), the recorded
progress, document steps and holiday notices they are planned with; `to_day` (the day changed),
`sync_progress` (`renewd done` recorded something) and `sync_notices` (a holiday notice was
imported). `renewd.daemon.refresh.Refresher` builds on it: the roster and configuration reads.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence

from renewd.calendar.snapshot import Snapshot, build_snapshot
from renewd.channels.base import Channel
from renewd.clock import now
from renewd.core.errors import Problem, RenewdError
from renewd.core.model import PersonPlan, Progress
from renewd.core.policy import YearTable
from renewd.daemon.document_steps import DocumentSteps
from renewd.daemon.health import Health, Metrics
from renewd.daemon.stored_roster import StoredRoster
from renewd.delivery.owed import Owed, owed
from renewd.roster.assemble import PartialRoster
from renewd.roster.reader import Roster
from renewd.roster.watcher import RosterWatcher
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.notices import NoticeStore
from renewd.store.progress import ProgressStore

log = logging.getLogger("renewd.daemon.refresh")  # the refresher's log, as before the split


class Snapshots:
    """The daemon's snapshots, swapped whole; the only holder of its roster and settings."""

    def __init__(
        self,
        settings: Settings,
        channels: Mapping[str, Channel],
        health: Health,
        metrics: Metrics,
        today: Callable[[], dt.date],
        *,
        with_channels: bool = True,
    ) -> None:
        """`with_channels=False` (`renewd serve`): no channels are built, not even on reload."""
        self.settings = settings
        self.with_channels = with_channels
        self.channels = channels
        self.health = health
        self.metrics = metrics
        self.today = today
        self.snapshot: Snapshot | None = None
        self.previous: Snapshot | None = None  # yesterday's, while night sweeps work for it
        self.watcher: RosterWatcher | StoredRoster = RosterWatcher.of(settings.roster)
        self._progress: ProgressStore | None = None
        self._db: Database | None = None
        self._to_keep: PartialRoster | None = None
        self._settle: Callable[[], None] | None = None  # `load`'s health, once it is published
        self.roster_problems: Mapping[str, Sequence[Problem]] = {}  # for HR, once (Delivery)
        self._mark: object = None
        self._recorded: Mapping[str, Progress] = {}
        self._documents: DocumentSteps | None = None
        self._holiday_store: NoticeStore | None = None
        self._holiday_mark = 0
        self._holidays: Mapping[int, YearTable] = {}

    def recorded_from(self, db: Database, leads: Callable[[], bool] = lambda: True) -> None:
        """Read recorded progress from `db` from now on (and, on a shared state, the roster
        stored there; `leads`: whether this instance feeds it `[roster] files`)."""
        self._db = db
        self._progress = ProgressStore(db)
        self._mark = self._progress.fingerprint()
        self._recorded = self._progress.load()
        self._documents = DocumentSteps(db)
        self._holiday_store = NoticeStore(db)
        self._holiday_mark = self._holiday_store.fingerprint()
        self._holidays = self._holiday_store.tables()
        if db.dialect.shared and not isinstance(self.watcher, StoredRoster):
            # One roster for every instance: the newest version stored in the database.
            zone = self.settings.timezone
            self.watcher = StoredRoster(
                db.again(),
                self.watcher,
                self.settings.state.dir,
                leads,
                lambda: now(zone).timestamp(),
                lambda: self.settings.roster.keep_versions,
            )

    def close(self) -> None:
        if isinstance(self.watcher, StoredRoster):
            self.watcher.close()

    # -- building ------------------------------------------------------------------------------

    def _build(
        self, settings: Settings, roster: Roster, channels: Mapping[str, Channel]
    ) -> Snapshot:
        snap = build_snapshot(
            settings,
            roster,
            channels,
            self.today(),
            self._recorded,
            self._holidays,
            recorded_documents=self._documents.recorded if self._documents else None,
        )
        self.metrics.full_plans.inc()
        return snap

    def _take(self, snap: Snapshot) -> None:
        self.previous = None  # planned from what was replaced; planned again if a sweep needs it
        self.snapshot = snap

    def _reject(self, reason: str, exc: RenewdError) -> None:
        # /healthz is unauthenticated: it names where the problems are, not their values.
        self.health.roster_problems = [p.location for p in exc.problems] or [exc.message]
        self.health.roster_problem_items = exc.problems or (Problem("", exc.message),)
        self.metrics.roster_errors.set(len(self.health.roster_problems))
        log.error("roster rejected (%s): %s", reason, exc.message)
        for problem in exc.problems:
            log.error("  %s", problem)
        if self.snapshot is not None:
            people = self.snapshot.roster.headcount
            log.error("keeping the last good roster of %s", people)

    def to_day(self, day: dt.date) -> bool:
        """Plan everyone for `day` if the snapshot is for another day (keeping it as yesterday's
        for the night-time sweeps). Returns whether it did."""
        snap = self.snapshot
        if snap is None or snap.day == day:
            return False
        try:
            fresh = snap.for_day(day)
        except RenewdError as exc:
            self._reject(f"day change to {day}", exc)
            return False
        self.metrics.full_plans.inc()
        self.previous, self.snapshot = snap, fresh
        return True

    def sync_progress(self) -> bool:
        """Pick up progress recorded with `renewd done` since the last look: only the people it
        concerns are planned again (and the documents', `renewd done --document`). Returns
        whether anything changed."""
        if self._progress is None:
            return False
        documents = self._sync_documents()
        mark = self._progress.fingerprint()
        if mark == self._mark:
            return documents
        self._mark, self._recorded = mark, self._progress.load()
        if self.snapshot is None:
            return False
        try:
            snap, changed = self.snapshot.with_progress(self._recorded)
            previous = self.previous.with_progress(self._recorded)[0] if self.previous else None
        except RenewdError as exc:
            self._reject("recorded progress", exc)
            return False
        self.metrics.person_plans.inc(len(changed))
        self.previous, self.snapshot = previous, snap
        return bool(changed) or documents

    def _sync_documents(self) -> bool:
        """The documents' recorded steps, replanned into the snapshots when they changed."""
        if self._documents is None or not self._documents.changed() or self.snapshot is None:
            return False
        recorded = self._documents.recorded
        try:
            snap, changed = self.snapshot.with_documents(recorded)
            previous = self.previous.with_documents(recorded)[0] if self.previous else None
        except RenewdError as exc:
            self._reject("recorded document steps", exc)
            return False
        self.previous, self.snapshot = previous, snap
        return changed

    def sync_notices(self) -> bool:
        """Pick up a holiday notice imported since the last look: a new calendar, so everyone is
        planned again. Returns whether it swapped a snapshot in."""
        store = self._holiday_store
        if store is None or store.fingerprint() == self._holiday_mark:
            return False
        self._holiday_mark, self._holidays = store.fingerprint(), store.tables()
        if self.snapshot is None:
            return False
        try:
            snap = self._build(self.settings, self.snapshot.roster, self.channels)
        except RenewdError as exc:
            self._reject("imported holiday notice", exc)
            return False
        self._take(snap)
        log.info("holiday notices changed: replanned on the new calendar")
        return True

    # -- reading -------------------------------------------------------------------------------

    def plans_for(self, day: dt.date) -> tuple[PersonPlan, ...]:
        """The plans of `day`: the snapshot's, or yesterday's for a night-time sweep (planned once
        if the daemon started at night, then kept)."""
        snap = self.snapshot
        if snap is None:
            return ()
        if day == snap.day:
            return snap.plans
        if self.previous is None or self.previous.day != day:
            self.previous = snap.for_day(day)
            self.metrics.full_plans.inc()
        return self.previous.plans

    def owed(self, db: Database | None) -> Owed:
        """Retries waiting and dead deliveries, for /healthz."""
        return Owed() if db is None else owed(DeliveryLog(db))
