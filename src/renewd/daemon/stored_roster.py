"""The roster watcher of a shared (PostgreSQL) state: the newest stored roster version, which
every instance plans from (issue 21 item 4; `renewd.store.rosters` keeps the versions).

It answers as `renewd.roster.watcher.RosterWatcher` does, so the daemon's reloads need not know
which they have: `changed()` once another version was stored (by `renewd roster import`, an
upload or the leader's import of `[roster] files`, on any instance), `stamps()` the version to
read, whose files `files` names once written under `[state] dir` (the roster reader reads them
as it reads `[roster] files`, so the same limits and checks apply). A version is stored whole in
one transaction, so it needs no settling. Until a version is stored, `[roster] files` are read
and watched as on one machine (`fallback`).

The database is asked in a worker thread (the daemon's polls), on a connection of its own, so a
pass's long transaction never holds up the look; a database that does not answer keeps the
version in force (said in the log) and is asked again at the next poll.

When `[roster] files` are set, they feed the database: the leader (`leads`) stores them as a
new version once a change to them has settled and their bytes differ from the version they last
fed (so a restart, or a version imported meanwhile, stores nothing again). Each instance reads a
version as it reads files, a bad row holding back only its own person.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from renewd.roster.watcher import FileStamps, RosterWatcher
from renewd.store.database import Database, state_failure
from renewd.store.rosters import RosterVersions

FEEDER = "roster files"  # who loaded a version `[roster] files` fed

log = logging.getLogger(__name__)

_MARK = "roster-version"  # the key of `stamps()` for a stored version


def version_of(stamps: FileStamps) -> int | None:
    """The stored version `stamps` stands for (None: the `[roster] files`)."""
    for path, stamp in stamps.items():
        if path.parent == Path(_MARK) and stamp is not None:
            return stamp[0]
    return None


class StoredRoster:
    def __init__(
        self,
        db: Database,
        fallback: RosterWatcher,
        state_dir: Path,
        leads: Callable[[], bool] = lambda: False,
        at: Callable[[], float] = lambda: 0.0,
        keep: Callable[[], int] = lambda: 20,
    ) -> None:
        self.db = db
        self.leads, self.at = leads, at  # whether this instance leads; renewd's clock
        self.keep = keep  # `[roster] keep_versions`, as configured now
        self.versions = RosterVersions(db)
        self.fallback = fallback  # `[roster] files`, read until a version is stored
        self.state_dir = state_dir
        self.loaded: int | None = None  # the version last read (None: the files were)
        self._written: int | None = None  # the version whose files `files` names
        self._paths: tuple[Path, ...] = ()
        self._feeder = RosterWatcher.of(fallback)  # the files as last fed (none yet: look)

    @property
    def files(self) -> tuple[Path, ...]:
        return self._paths if self._written is not None else self.fallback.files

    @property
    def settle_seconds(self) -> float:
        return self.fallback.settle_seconds

    @property
    def poll_seconds(self) -> float:
        return min(2.0, self.fallback.poll_seconds)

    def _newest(self) -> int | None:
        """The newest stored version; on a database that does not answer, the one in force."""
        try:
            return self.versions.newest()
        except Exception as exc:
            clean = state_failure(exc)
            if clean is None:
                raise
            log.warning("cannot look for a new roster version: %s", clean)
            return self._written

    def stamps(self) -> FileStamps:
        newest = self._newest()
        if newest is None:
            self._written = None
            return self.fallback.stamps()
        if newest != self._written:
            self._paths = self.versions.materialize(newest, self.state_dir)
            self._written = newest
        return {Path(_MARK) / str(newest): (newest, 0)}

    def mark_loaded(self, stamps: FileStamps | None = None) -> None:
        seen = stamps if stamps is not None else self.stamps()
        self.loaded = version_of(seen)
        if self.loaded is None:
            self.fallback.mark_loaded(seen)

    def changed(self) -> bool:
        self._feed()
        newest = self._newest()
        if newest is None:
            return self.fallback.changed()
        return newest != self.loaded

    def _feed(self) -> None:
        """On the leader: store `[roster] files` as a new version once a change has settled."""
        if (self._feeder.files, self._feeder.settle_seconds) != (
            self.fallback.files,
            self.fallback.settle_seconds,
        ):  # a configuration SIGHUP took named other files
            self._feeder = RosterWatcher.of(self.fallback)
        files = self._feeder
        if not files.files or not self.leads() or not files.changed():
            return
        seen = files.stamps()
        try:
            loaded = [(path.name, path.read_bytes()) for path in files.files]
        except OSError as exc:  # a file gone or unreadable: the version in force stays
            log.warning("roster files not stored: %s", exc)
            files.mark_loaded(seen)
            return
        try:
            if self.versions.last_fed() != RosterVersions.digest(loaded):
                stored = self.versions.store(loaded, FEEDER, self.at(), "files", self.keep())
                log.info("roster files stored as roster version %d", stored.version)
        except Exception as exc:
            clean = state_failure(exc)
            if clean is None:
                raise
            log.warning("roster files not stored (tried again at the next change): %s", clean)
        files.mark_loaded(seen)

    async def settle(self) -> None:
        """At start-up: roster files written just now settle, unless a version is stored."""
        if await asyncio.to_thread(self._newest) is None:
            await self.fallback.settle()

    def young(self) -> list[Path]:
        return [] if self._written is not None else self.fallback.young()

    def close(self) -> None:
        self.db.close()
