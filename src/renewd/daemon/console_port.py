"""The daemon's side of the console: a `ConsoleSource` over what the daemon holds.

The daemon calls `publish(plans, day)` after every refresh; the console reads the last snapshot.
Recording progress writes the state database on the console's own connection, replans that one
person at once (so the page shows it), and asks the daemon to refresh feeds and reminders.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from aiohttp import web

from renewd.calendar.notices import store_notice
from renewd.calendar.preview import Readers, Received, preview
from renewd.calendar.snapshot import Snapshot
from renewd.core.documents import DocumentPlan
from renewd.core.errors import Problem, RosterError
from renewd.core.model import Person, PersonPlan, Step
from renewd.core.notices import NoticeError, parse_notice
from renewd.core.progress import check_record
from renewd.core.rosterdiff import diff
from renewd.core.wording import say
from renewd.daemon.console_documents import record_document_step, undo_document_step
from renewd.daemon.health import Health
from renewd.daemon.uploads import NO_ROW, UPLOADS, PendingUploads, ServedFirst, keep_lent, named
from renewd.delivery.actionlinks import ActionLinks
from renewd.roster_read import read_roster
from renewd.settings import Settings
from renewd.store.accounts import Accounts
from renewd.store.database import DB_NAME, Database
from renewd.store.progress import Fact, ProgressStore
from renewd.store.records import RosterRecords
from renewd.store.rosters import RosterVersions
from renewd.web.console.app import Console
from renewd.web.console.routes import mount
from renewd.web.console.source import NoticeImport, PlansView, RosterCheck
from renewd.web.publisher import FeedCache


class Running(Protocol):
    """What the console needs of the running daemon (`renewd.daemon.runtime.Daemon` is one):
    a port, so this module never imports the daemon that mounts it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def snapshot(self) -> Snapshot | None: ...

    @property
    def health(self) -> Health: ...

    @property
    def feeds(self) -> FeedCache | None: ...

    @property
    def reconfigured(self) -> list[Callable[[Settings], None]]: ...

    @property
    def listeners(self) -> list[Callable[[Snapshot], None]]: ...

    def now(self) -> dt.datetime: ...

    def request_pass(self, why: str) -> None: ...


__all__ = ["DaemonSource", "Running", "attach_console"]


class DaemonSource:
    """A ConsoleSource over a running daemon and its snapshot."""

    def __init__(self, daemon: Running, db: Database) -> None:
        self.daemon = daemon
        self.db = db
        self.progress = ProgressStore(db)
        self._view: PlansView | None = None
        self.uploads = PendingUploads(daemon.settings.state.dir / UPLOADS, daemon.now)
        self.uploads.clear()  # left by a run that ended: nobody can confirm them now
        self._upcoming: dict[tuple[object, ...], tuple[Received, ...]] = {}
        self._upcoming_of: Snapshot | None = None
        self._upcoming_lock = threading.Lock()
        self.on_change: Callable[[], None] = lambda: None

    # -- reading -------------------------------------------------------------------------------

    def publish(
        self, plans: Sequence[PersonPlan], day: dt.date, documents: Sequence[DocumentPlan] = ()
    ) -> None:
        """A refresh of the feeds: the new plans. Called in the refresh's worker thread, so the
        index (seconds at 100,000 people) is built here and no request waits for it."""
        snap = self.daemon.snapshot
        if snap is None:
            return
        problems = self.daemon.health.roster_problem_items
        self._view = PlansView.indexed(day, tuple(plans), snap.calendar, problems, tuple(documents))

    def view(self) -> PlansView | None:
        """The plans last published, with the roster's problems as /healthz has them now (they
        settle after the feeds are out, so after the publish that made the view)."""
        view, problems = self._view, self.daemon.health.roster_problem_items
        if view is None or view.roster_problems is problems:
            return view
        return dataclasses.replace(view, roster_problems=problems)

    def building(self) -> bool:
        return self._view is None and self.daemon.health.starting is not None

    def now(self) -> dt.datetime:
        return self.daemon.now()

    @property
    def feeds(self) -> FeedCache | None:
        return self.daemon.feeds

    def upcoming(self, readers: Readers, days: int) -> tuple[Received, ...]:
        """The coming days' messages (`renewd.calendar.preview`), from the snapshot's day. Kept
        for the snapshot in force, per (readers, days) and state database version (its files'
        modification times): a new snapshot (a recorded step, a roster reload, a new day) or a
        write, such as a pass's, computes them again."""
        snap = self.daemon.snapshot
        if snap is None:
            return ()
        key = (readers, days, _version(snap.settings.state.dir / DB_NAME))
        with self._upcoming_lock:
            if self._upcoming_of is not snap:
                self._upcoming_of, self._upcoming = snap, {}
            found = self._upcoming.get(key)
        if found is None:
            found = tuple(
                preview(
                    snap.settings,
                    snap.roster,
                    snap.channels,
                    snap.notices,
                    snap.day,
                    days,
                    readers=readers,
                )
            )
            with self._upcoming_lock:
                if self._upcoming_of is snap:
                    self._upcoming[key] = found
        return found

    # -- recording -----------------------------------------------------------------------------

    def _replan(self, person: str) -> PersonPlan | None:
        """Plan one person again at once, so the next page shows the change; the daemon's own
        pass (asked for by `on_change`) replans him in its snapshot and feeds."""
        view, snap = self._view, self.daemon.snapshot
        if view is None or snap is None:
            return None
        base = next((p for p in snap.roster.people if p.id == person), None)
        if base is None:
            return None
        recorded = self.progress.load_person(person)
        merged = replace(base, progress=base.progress.merged(recorded)) if recorded else base
        plan = snap.planner.plan(merged, view.today)
        self._view = view.with_plan(plan)
        self.on_change()
        return plan

    def record(
        self,
        person: str,
        step: Step | None,
        day: dt.date | None,
        *,
        new_expiry: dt.date | None = None,
        by: str,
    ) -> PersonPlan | None:
        view = self._view
        row = view.index.by_id.get(person) if view and view.index else None
        if view is not None and row is not None and row.plan is not None:
            # As `renewd done`: never in the future, never before the step it waits for.
            window = self.daemon.settings.policy.window_days
            lang = self.daemon.settings.language  # the console's words, not the CLI's
            check_record(row.plan.person, step, day, view.today, window, new_expiry, lang)
        self.progress.record(person, step, day, new_expiry=new_expiry, now=self.now(), by=by)
        return self._replan(person)

    def undo(self, person: str, step: Step, *, by: str) -> PersonPlan | None:
        self.progress.undo(person, step)
        return self._replan(person)

    def record_document(
        self, person: str, document: str, step: str, day: dt.date, *, by: str
    ) -> None:
        record_document_step(self, person, document, step, day, by=by)

    def undo_document(self, person: str, document: str, step: str, *, by: str) -> bool:
        return undo_document_step(self, person, document, step)

    def recorded(self, person: str) -> Sequence[Fact]:
        return self.progress.facts(person)

    def import_notice(self, text: str, year: int | None, dry_run: bool) -> NoticeImport:
        snap = self.daemon.snapshot
        notice = parse_notice(text, year=year, name="console")
        if snap is None:
            raise NoticeError(say(self.daemon.settings.language, "console.notice_no_roster"))
        result = store_notice(snap, None if dry_run else self.db, notice, self.daemon.now())
        if result.stored:
            self.on_change()  # the daemon picks the notice up and replans
        return NoticeImport(notice, tuple(result.moves), result.stored)

    def kick(self) -> None:
        self.on_change()

    # -- roster upload -------------------------------------------------------------------------

    def roster_files(self) -> Sequence[Path]:
        """The files of the roster in force: on a shared state, the stored version's (an upload
        replaces one of them in a new version, `_swap`); else `[roster] files`."""
        version = self.daemon.health.roster_version
        if version is None or not self.db.dialect.shared:
            return self.daemon.settings.roster.files
        return RosterVersions(self.db).materialize(version, self.daemon.settings.state.dir)

    def roster_people(self) -> Sequence[Person]:
        snap = self.daemon.snapshot
        # with the other documents' rows (docs/packs.md), so the file uploads back whole
        return (*snap.roster.people, *snap.roster.documents) if snap is not None else ()

    def check_roster(
        self, target: Path, data: bytes, suffix: str, *, account: str = ""
    ) -> RosterCheck:
        if suffix != target.suffix.lower():
            wanted = f"upload a {target.suffix} file to replace it"
            return RosterCheck("", target, 0, (Problem(target.name, wanted),))
        pending = self.uploads.store(account, data, suffix)
        check = self._check(pending.upload, pending.path, target)
        if check.problems:  # it can never be swapped in: not kept, not counted
            self.uploads.discard(pending.upload)
        else:
            self.uploads.keep(pending.upload, check)
        return check

    def _in_force(self) -> Sequence[Person]:
        snap = self.daemon.snapshot
        return snap.roster.people if snap is not None else ()

    def _check(self, upload: str, path: Path, target: Path) -> RosterCheck:
        return self._read(upload, path, target)[0]

    def _read(self, upload: str, path: Path, target: Path) -> tuple[RosterCheck, list[Person]]:
        """The whole roster with the upload in place of `target`, read as the daemon will read
        it (a bad row holds back only its own person): why it cannot be swapped in, or what it
        changes against the roster in force and which rows it holds back; and the people held
        back on the record the daemon serves them by, which the state has not kept yet."""
        files = [path if f == target else f for f in self.roster_files()]
        served = ServedFirst(RosterRecords(self.db), self._in_force())
        try:
            read = read_roster(self.daemon.settings, served, files=files)
        except RosterError as exc:
            problems = tuple(named(p, path, target) for p in exc.problems)
            refused = problems or (Problem(target.name, exc.message),)
            return RosterCheck(upload, target, 0, refused), []
        problems = tuple(named(p, path, target) for p in read.problems)
        if str(path) in read.stale_files:  # unreadable, or not one good row: never swapped in
            return RosterCheck(upload, target, 0, problems or (Problem(target.name, NO_ROW),)), []
        snap = self.daemon.snapshot  # the people now and after: each person once (core.headcount)
        now = snap.roster.headcount.people if snap is not None else 0
        titles = {name: pack.title for name, pack in self.daemon.settings.pack_set().items()}
        after = (*read.roster.people, *read.roster.documents)  # every person, every document
        changes = replace(diff(self.roster_people(), after, titles), current=now)
        held = len(read.kept), read.left_out
        people = read.roster.headcount.people
        check = RosterCheck(upload, target, people, (), changes, problems, *held)
        return check, served.lent

    def swap_roster(self, upload: str, *, account: str = "") -> RosterCheck:
        pending = self.uploads.take(upload, account)
        gone = "the upload is gone; upload it again"
        if pending is None or pending.check is None:  # unknown, expired, or already swapped
            return RosterCheck(upload, Path("?"), 0, (Problem("?", gone),))
        try:
            return self._swap(pending.path, pending.check, account)
        finally:
            pending.path.unlink(missing_ok=True)

    def _swap(self, path: Path, check: RosterCheck, account: str = "") -> RosterCheck:
        if not path.exists():
            gone = "the upload is gone; upload it again"
            return RosterCheck(check.upload, check.target, 0, (Problem(check.target.name, gone),))
        again, lent = self._read(check.upload, path, check.target)
        if again.problems:
            return again
        if lent:  # kept now, so the daemon's read of the new file holds them back as shown
            keep_lent(RosterRecords(self.db), check.target, lent)
        if self.db.dialect.shared:  # a new version every instance plans from, no file written
            in_force = self.roster_files()
            if check.target not in in_force:  # another version came meanwhile
                gone = "the roster changed meanwhile; upload it again"
                problem = Problem(check.target.name, gone)
                return RosterCheck(check.upload, check.target, 0, (problem,))
            files = [(f.name, (path if f == check.target else f).read_bytes()) for f in in_force]
            by, at = account or "console", self.daemon.now().timestamp()
            keep = self.daemon.settings.roster.keep_versions
            RosterVersions(self.db).store(files, by, at, "console", keep)
            self.on_change()
            return again
        # Write next to the target and rename over it: the watcher never sees half a file.
        try:
            fd, tmp = tempfile.mkstemp(dir=check.target.parent, suffix=check.target.suffix)
            with os.fdopen(fd, "wb") as out:
                out.write(path.read_bytes())
            os.replace(tmp, check.target)
        except OSError as exc:
            hint = (
                f"cannot be replaced ({exc.strerror}); under systemd only the state directory"
                " is writable: keep the roster in /var/lib/renewd/roster (as `make install`"
                " does) or replace the file by hand"
            )
            problem = Problem(str(check.target), hint)
            return RosterCheck(check.upload, check.target, again.people, (problem,), again.diff)
        self.on_change()
        return again


def _version(db: Path) -> tuple[int, ...]:
    """The state database's files' modification times: any commit changes one of them."""
    times = []
    for path in (db, Path(f"{db}-wal")):
        try:
            times.append(path.stat().st_mtime_ns)
        except FileNotFoundError:
            times.append(0)
    return tuple(times)


def attach_console(daemon: Running, application: web.Application, feeds: FeedCache) -> DaemonSource:
    """Mount the console on the daemon's application. It hears of every refresh of `feeds` and
    has its own connection to the state database, closed with the application."""
    settings = daemon.settings
    db = Database.of(settings.state)
    source = DaemonSource(daemon, db)
    links = ActionLinks.of(settings.state.dir, settings.server.base_url)
    console = Console(settings, source, Accounts(db), links, db)
    mount(application, console)
    daemon.reconfigured.append(console.reconfigure)
    if daemon.snapshot is not None:  # the first snapshot is out already
        snap = daemon.snapshot
        source.publish(snap.plans, snap.day, snap.documents)
    daemon.listeners.append(lambda snap: source.publish(snap.plans, snap.day, snap.documents))

    async def close(_: web.Application) -> None:
        db.close()

    async def sweep_uploads(_: web.Application) -> AsyncIterator[None]:
        async def sweep() -> None:
            while True:  # unconfirmed uploads expire even when nobody uploads again
                await asyncio.sleep(60)
                source.uploads.sweep()

        task = asyncio.create_task(sweep())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    application.on_cleanup.append(close)
    application.cleanup_ctx.append(sweep_uploads)
    source.on_change = lambda: daemon.request_pass("console")
    return source
