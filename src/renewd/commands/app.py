"""The CLI's composition root: builds settings, calendar, planner and roster for the commands.

Only `renewd.commands` imports it (the daemon has its own root, `renewd.daemon.runtime`).
`now()` and `today()` read the wall clock through `renewd.clock`: `today()` gives the date in
the configured zone (Asia/Shanghai by default), whatever the server's own zone is.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from renewd import clock, redaction
from renewd.calendar.snapshot import Snapshot, build_snapshot, calendar_of
from renewd.channels.base import Channel
from renewd.channels.factory import build_channels
from renewd.core.errors import EX_CONFIG, EX_DATAERR
from renewd.core.model import Person, PersonPlan, Progress
from renewd.core.plan import Planner
from renewd.core.policy import YearTable
from renewd.core.progress import merge_progress
from renewd.core.workdays import WorkdayCalendar
from renewd.roster.assemble import PartialRoster
from renewd.roster.reader import Roster
from renewd.roster.stream import RosterStream
from renewd.roster_read import read_roster, stream_roster
from renewd.settings import Settings, config_path, load_settings
from renewd.store.database import Database
from renewd.store.document_progress import DocumentProgressStore
from renewd.store.notices import NoticeStore
from renewd.store.progress import ProgressStore
from renewd.store.records import RosterRecords
from renewd.store.rosters import RosterVersions


def now(settings: Settings) -> dt.datetime:
    return clock.now(settings.timezone)


def today(settings: Settings) -> dt.date:
    return now(settings).date()


@dataclass
class App:
    """Everything a command needs, built lazily from one configuration file. Its plans come from
    a `Snapshot`, built as the daemon builds its own."""

    settings: Settings

    @classmethod
    def load(cls, config: str | Path | None) -> App:
        path = config if isinstance(config, Path) else config_path(config)
        return cls(load_settings(path))  # its secrets are scrubbed from every log line

    @cached_property
    def notices(self) -> Mapping[int, YearTable]:
        """The imported holiday notices in force (none if the state database does not exist)."""
        if not Database.there(self.settings.state):  # nothing imported; don't create a state dir
            return {}
        db = Database.of(self.settings.state)
        try:
            return NoticeStore(db).tables()
        finally:
            db.close()

    @cached_property
    def calendar(self) -> WorkdayCalendar:
        return calendar_of(self.settings, self.notices)

    def with_calendar(self, notices: Mapping[int, YearTable]) -> App:
        """The same settings, roster and channels, on a calendar with these imported notices."""
        app = App(self.settings)
        app.__dict__["notices"] = notices
        for kept in ("partial", "roster", "channels"):
            if kept in self.__dict__:
                app.__dict__[kept] = self.__dict__[kept]
        return app

    @cached_property
    def planner(self) -> Planner:
        return Planner(self.settings.policy.core(), self.calendar)

    @cached_property
    def roster_files(self) -> tuple[Path, ...]:
        """The roster's files: on a shared state holding a stored roster (`renewd roster
        import`), the newest version's, which every instance plans from; else `[roster] files`."""
        if not self.settings.state.database:
            return self.settings.roster.files
        db = Database.of(self.settings.state)
        try:
            versions = RosterVersions(db)
            newest = versions.newest()
            if newest is None:
                return self.settings.roster.files
            return versions.materialize(newest, self.settings.state.dir)
        finally:
            db.close()

    @cached_property
    def partial(self) -> PartialRoster:
        """The roster as the daemon serves it (`renewd.roster_read`): a bad row holds back only
        its own person, who keeps the last good record of the state database if it exists (a
        command that only reads creates no state directory); so does a person whose feed would
        take an extra feed's name. Each problem is said on stderr."""
        if not Database.there(self.settings.state):
            partial = read_roster(self.settings, hold_clashes=True)
        else:
            files = self.roster_files
            db = Database.of(self.settings.state)
            try:
                partial = read_roster(
                    self.settings, RosterRecords(db), files=files, hold_clashes=True
                )
            finally:
                db.close()
        for problem in partial.problems:  # no personal number, as in the log
            print(f"renewd: warning: {redaction.scrub(str(problem))}", file=sys.stderr)
        return partial

    @contextmanager
    def roster_stream(self) -> Iterator[RosterStream]:
        """`partial` as a stream (`renewd.roster.stream`), over the same files and last good
        records; the caller says its problems once the people are read."""
        if not Database.there(self.settings.state):
            yield stream_roster(self.settings)
            return
        files = self.roster_files
        db = Database.of(self.settings.state)
        try:
            yield stream_roster(self.settings, RosterRecords(db), files=files)
        finally:
            db.close()

    @cached_property
    def roster(self) -> Roster:
        return self.partial.roster

    def strict_roster(self) -> Roster:
        """All or nothing, as `renewd check` reports: one RosterError lists every problem."""
        return read_roster(self.settings, strict=True, files=self.roster_files).roster

    @cached_property
    def channels(self) -> dict[str, Channel]:
        return build_channels(self.settings)

    def recorded(self, db: Database | None = None) -> dict[str, Progress]:
        """The progress recorded with `renewd done`. Without `db`, the state database is read if
        it exists (a command that only reads creates no state directory)."""
        if db is not None:
            return ProgressStore(db).load()
        if not Database.there(self.settings.state):
            return {}
        own = Database.of(self.settings.state)
        try:
            return ProgressStore(own).load()
        finally:
            own.close()

    def recorded_documents(self) -> dict[tuple[str, str], dict[str, dt.date]]:
        """The steps of other documents than Shanghai points recorded with `renewd done
        --document` (docs/packs.md), by (person, document); read only if the database exists."""
        if not Database.there(self.settings.state):
            return {}
        own = Database.of(self.settings.state)
        try:
            return DocumentProgressStore(own).load()
        finally:
            own.close()

    def people(self, db: Database | None = None) -> list[Person]:
        """The roster's people with the progress recorded by `renewd done` merged in (the later
        date wins)."""
        return merge_progress(self.roster.people, self.recorded(db))

    def snapshot(self, day: dt.date, db: Database | None = None) -> Snapshot:
        """Everyone planned on `day`, progress included, with the channels: what the CLI's feeds
        and reminders use, built as the daemon builds its own; a person who cannot be planned
        is held back (`Snapshot.held`, each said on stderr), the others are planned."""
        snap = build_snapshot(
            self.settings,
            self.roster,
            self.channels,
            day,
            self.recorded(db),
            self.notices,
            hold_back=True,
            recorded_documents=self.recorded_documents() if self.roster.documents else None,
        )
        for problem in snap.held:
            print(f"renewd: warning: held back: {redaction.scrub(str(problem))}", file=sys.stderr)
        return snap

    def plans(self, day: dt.date, db: Database | None = None) -> list[PersonPlan]:
        return list(self.snapshot(day, db).plans)

    def held_back(self, snap: Snapshot) -> int:
        """The exit status of a command that served everyone it could: 0; 65 when a bad row held
        back its person; 78 when someone could not be planned (a `[calendar.years]` table or
        an imported notice is missing), as `renewd check` says them."""
        if snap.held:
            return EX_CONFIG
        return EX_DATAERR if self.partial.problems else 0
