"""The daemon's state in one place: the settings and channels in force, the current snapshot (and
yesterday's, for night-time sweeps), the roster watcher and the progress last read.

Every method is synchronous and slow enough to run in a worker thread; the daemon calls them one
at a time (under its pass lock) and each one that changes what is served builds a whole new
`Snapshot` and swaps it in with one assignment, or leaves everything as it was:

- `reload`: the one way configuration and roster come in (start-up, a roster file changed,
  SIGHUP): `reload_config` (SIGHUP only: a new configuration, checked and planned against the
  roster in force), then `load` (read and plan the roster files under what is in force);
- `to_day`: the day changed: plan everyone for it;
- `sync_progress`: `renewd done` recorded something: replan only those people;
- `sync_notices`: `renewd calendar import` stored a holiday notice: a new calendar, plan everyone
  (these last three, and the state, in `renewd.daemon.snapshots`).

The roster is read person by person (`renewd.roster.assemble.read_partial`): a bad row keeps its
person's last good record, an unreadable file its last good version. A roster that serves
nobody, or cannot be planned, leaves the last good snapshot in force. Either way /healthz names
where the problems are (files and rows, never values) and HR hears of each once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from renewd.calendar.snapshot import Snapshot
from renewd.channels.base import Channel
from renewd.channels.factory import build_channels
from renewd.core.errors import ConfigError, RenewdError, RosterError
from renewd.daemon.snapshots import Snapshots
from renewd.daemon.stored_roster import StoredRoster, version_of
from renewd.roster.assemble import PartialRoster
from renewd.roster.feednames import feed_name_problems
from renewd.roster.watcher import RosterWatcher
from renewd.roster_read import read_roster
from renewd.settings import Settings, load_settings
from renewd.store.records import RosterRecords, keep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterRead:
    """A roster read and accepted for planning (`Refresher.read`), not yet planned."""

    partial: PartialRoster
    reason: str
    version: int | None = None  # the stored roster version read (a shared state), if any


class Refresher(Snapshots):
    """Builds and swaps the daemon's snapshots (held by `Snapshots`, with the replans that read no
    roster) from the roster files and the configuration."""

    def _accepted(self, partial: PartialRoster, reason: str, version: int | None = None) -> None:
        self.health.roster_version = version
        for warning in partial.roster.warnings:
            log.warning("%s", warning)
        self._to_keep = partial  # planned: its good rows become the last good records
        problems = partial.problems
        kept, stale = len(partial.kept), len(partial.stale_files)
        if self.health.set_roster(problems, stale, kept, partial.left_out):
            for problem in problems:  # each set of problems is logged once
                log.error("roster problem (%s): %s", reason, problem)
        self.roster_problems = partial.by_group
        self.metrics.roster_errors.set(len(problems))
        log.info("roster loaded (%s): %s", reason, partial.roster.headcount)

    def keep_records(self) -> None:
        """Persist the roster in force as the last good records (the delivery pass does it
        first, off the start-up path: until then the previous records stand)."""
        partial, self._to_keep = self._to_keep, None
        if partial is not None and self._db is not None:
            keep(self._db, partial)

    def _read(self) -> PartialRoster:
        """The roster person by person, over the last good records of the state database (a
        bad row holds back only its own person); all or nothing before there is a database."""
        if self._db is None:
            return read_roster(self.settings, strict=True, files=self.watcher.files)
        return read_roster(self.settings, RosterRecords(self._db), files=self.watcher.files)

    # -- the changes ---------------------------------------------------------------------------

    def load(self, reason: str) -> bool:
        """Read and plan the roster files; swap in only if both work. Returns whether it did."""
        read = self.read(reason)
        return read is not None and self.plan(read)

    def read(self, reason: str) -> RosterRead | None:
        """Read the roster files (the first half of `load`): what is to be planned, or None if
        nothing is (refused, said on /healthz; or unchanged). The start-up reads here, says
        READY, and plans in the background (`plan`)."""
        seen = self.watcher.stamps()
        self._settle = None
        try:
            partial = self._read()
        except Exception as caught:  # a broken file, anything
            self._failed(reason, caught)
            return None
        finally:
            self.watcher.mark_loaded(seen)  # read: a change after this is a change again
        current = self.snapshot
        if current and current.settings is self.settings and current.roster == partial.roster:
            self._accepted(partial, f"{reason}, unchanged", version_of(seen))
            return None  # nothing to plan again
        return RosterRead(partial, reason, version_of(seen))

    def plan(self, read: RosterRead) -> bool:
        """Plan everyone of a roster `read` returned and swap the snapshot in (the second half
        of `load`; slow: a worker thread calls it). Returns whether it swapped."""
        try:
            snap = self._build(self.settings, read.partial.roster, self.channels)
        except Exception as caught:  # one that cannot be planned, anything
            self._failed(read.reason, caught)
            return False
        self._take(snap)
        self._settle = lambda: self._accepted(read.partial, read.reason, read.version)
        return True

    def _failed(self, reason: str, caught: Exception) -> None:
        exc = RosterError.of(caught)
        if exc is not caught:
            log.error("roster unreadable (%s)", reason, exc_info=caught)
        self._reject(reason, exc)

    def settle(self) -> None:
        """After the new snapshot's feeds are published: let /healthz and HR's notices speak of
        the roster just swapped in (before, "ok" could be read while the old feeds were served)."""
        pending, self._settle = self._settle, None
        if pending is not None:
            pending()

    def reload(self, config: Path | None, reason: str) -> bool:
        """The one way configuration and roster are taken in: start-up, a roster file changed,
        SIGHUP (with `config`, re-read first). Each is checked as `renewd check` checks it, and
        only what passes is swapped in: a configuration refused keeps the running one (and the
        roster is still re-read under it), a roster refused keeps the last good one; /healthz
        says which. Returns whether anything new is in force (a snapshot to publish)."""
        taken = config is not None and self.reload_config(config)
        loaded = self.load(reason)
        return taken or loaded

    def reload_config(self, config: Path) -> bool:
        """Re-read the configuration; keep the running one if it is invalid, or if the roster in
        force cannot be served under it (a feed of `[[feeds.extra]]` named like a group's or a
        person's, anyone it cannot plan), or if anything else about it fails. `[state]` and
        `[server]` stay as they are until a restart: the lock, the delivery log and the
        listening socket belong to them. Returns whether the new configuration was taken
        (unchanged counts as not taken)."""
        try:
            settings = load_settings(config)
            kept = {"state": self.settings.state, "server": self.settings.server}
            for section, value in kept.items():
                if getattr(settings, section) != value:
                    log.warning("[%s] changes take effect after a restart", section)
            settings = settings.model_copy(update=kept)
            if settings == self.settings:
                self.health.config_problem = None
                return False
            channels = self.channels
            if settings.channels != self.settings.channels and self.with_channels:
                channels = build_channels(settings)
            snap = self._candidate(settings, channels)
        except Exception as exc:  # anything at all keeps the running configuration
            self._refuse_config(exc)
            return False
        self.health.config_problem = None
        if snap is not None:
            self._take(snap)
        self.settings, self.channels = settings, channels
        files = self.watcher.fallback if isinstance(self.watcher, StoredRoster) else self.watcher
        wanted = (settings.roster.files, settings.roster.settle_seconds)
        if wanted != (files.files, files.settle_seconds):
            if isinstance(self.watcher, StoredRoster):
                self.watcher.fallback = RosterWatcher.of(settings.roster)
            else:
                self.watcher = RosterWatcher.of(settings.roster)
        return True

    def _candidate(self, settings: Settings, channels: Mapping[str, Channel]) -> Snapshot | None:
        """The roster in force planned under `settings`, checked as a roster read under them
        would be (`renewd.roster_read`): a new configuration must not break what is served."""
        if self.snapshot is None:
            return None
        roster = self.snapshot.roster
        clashes = feed_name_problems(roster, {feed.name for feed in settings.feeds.extra})
        if clashes:
            raise ConfigError(
                f"{settings.config_file}: a feed of [[feeds.extra]] takes the name of a feed the"
                " roster in force defines; rename the extra feed",
                clashes,
            )
        return self._build(settings, roster, channels)

    def _refuse_config(self, exc: Exception) -> None:
        """Keep the running configuration; /healthz says why in one line (where, not values:
        it is unauthenticated), the log says all of it."""
        if isinstance(exc, RenewdError):
            first = exc.problems[0] if exc.problems else None
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            said = f"{exc.message}: {first.location}: {first.message}{more}" if first else ""
            self.health.config_problem = said or exc.message
            log.error("configuration reload rejected, keeping the running one: %s", exc)
            return
        self.health.config_problem = f"{type(exc).__name__}; see the log"
        log.error("configuration reload rejected, keeping the running one", exc_info=exc)
