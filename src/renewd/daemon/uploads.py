"""Roster uploads waiting for an admin's confirmation (the console's roster page, issue 18).

An upload is stored under `state/roster-uploads/` (owner only) while its check is on screen, and
is gone when it is confirmed, when its check found problems (it can never be swapped in), or
`EXPIRY` (an hour) after it was uploaded, by the daemon's clock. An account has at most
`PER_ACCOUNT` (5) uploads waiting; another one is refused until one is confirmed or expires, so
100 MB uploads cannot fill the state directory. The list lives in memory: whatever the folder
holds when the daemon starts is left over from a run that ended, and is deleted.

    uploads = PendingUploads(state_dir / UPLOADS, daemon.now)
    pending = uploads.store("li.hr", data, ".csv")     # raises UploadQuotaFull
    uploads.keep(pending.upload, check)                # or uploads.discard(pending.upload)
    uploads.take(pending.upload)                       # on confirmation; then delete the file
    uploads.sweep()                                    # every minute, and on each upload
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from renewd.core.errors import Problem
from renewd.core.model import Person
from renewd.roster.assemble import FileRecords
from renewd.store.records import RosterRecords
from renewd.web.console.source import RosterCheck, UploadQuotaFull

log = logging.getLogger(__name__)

UPLOADS = "roster-uploads"
EXPIRY = dt.timedelta(hours=1)
PER_ACCOUNT = 5
NO_ROW = "not one row of the file is good; nothing was swapped in"


@dataclass(frozen=True)
class Pending:
    upload: str  # the opaque id the page carries
    account: str
    path: Path
    at: dt.datetime
    check: RosterCheck | None = None


class PendingUploads:
    """The uploads waiting for confirmation, safe to use from the console's worker threads."""

    def __init__(self, folder: Path, clock: Callable[[], dt.datetime]) -> None:
        self.folder = folder
        self.clock = clock
        self._pending: dict[str, Pending] = {}
        self._lock = threading.Lock()

    def clear(self) -> int:
        """Delete every stored upload (at start: none of them can be confirmed any more)."""
        with self._lock:
            self._pending.clear()
        removed = 0
        with contextlib.suppress(FileNotFoundError):
            for path in self.folder.iterdir():
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        if removed:
            log.info("deleted %d roster upload(s) left unconfirmed by the last run", removed)
        return removed

    def store(self, account: str, data: bytes, suffix: str) -> Pending:
        """Write an upload of `account`; raises UploadQuotaFull when it has `PER_ACCOUNT`
        waiting already (after the expired ones are swept)."""
        self.sweep()
        with self._lock:
            waiting = sum(1 for p in self._pending.values() if p.account == account)
            if waiting >= PER_ACCOUNT:
                raise UploadQuotaFull(waiting)
            upload = secrets.token_urlsafe(16)
            pending = Pending(upload, account, self.folder / f"{upload}{suffix}", self.clock())
            self._pending[upload] = pending  # counted before it is written: no race past 5
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(pending.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
        except BaseException:
            self.discard(upload)
            raise
        return pending

    def keep(self, upload: str, check: RosterCheck) -> None:
        """The upload's check, kept for its confirmation."""
        with self._lock:
            found = self._pending.get(upload)
            if found is not None:
                self._pending[upload] = replace(found, check=check)

    def take(self, upload: str, account: str) -> Pending | None:
        """The upload `account` is confirming (no longer waiting), or None when it is unknown,
        has expired, or is another account's (its id was seen, say over a shoulder: only the
        admin who checked a file confirms it). The caller deletes its file when done with it."""
        self.sweep()
        with self._lock:
            found = self._pending.get(upload)
            if found is None or found.account != account:
                return None
            return self._pending.pop(upload)

    def discard(self, upload: str) -> None:
        with self._lock:
            found = self._pending.pop(upload, None)
        if found is not None:
            found.path.unlink(missing_ok=True)

    def sweep(self) -> int:
        """Delete the uploads older than `EXPIRY`; how many."""
        horizon = self.clock() - EXPIRY
        with self._lock:
            old = [p for p in self._pending.values() if p.at <= horizon]
            for pending in old:
                del self._pending[pending.upload]
        for pending in old:
            pending.path.unlink(missing_ok=True)
        return len(old)

    def waiting(self, account: str | None = None) -> int:
        with self._lock:
            return sum(1 for p in self._pending.values() if account in (None, p.account))


class ServedFirst:
    """The last good record of a bad row's id, for an upload's check: the person as the daemon
    serves him now, else the state's record. The roster in force is kept in the state by the
    next delivery pass; until then, the people this lends (`lent`) are in memory only."""

    def __init__(self, records: RosterRecords, serving: Sequence[Person]) -> None:
        self.records = records
        self.serving = {person.id: person for person in serving}
        self.lent: list[Person] = []

    def of_file(self, file: str) -> list[Person]:
        return self.records.of_file(file)

    def of_ids(self, ids: Sequence[str]) -> Mapping[str, Person]:
        found = dict(self.records.of_ids([i for i in ids if i not in self.serving]))
        for person_id in ids:
            person = self.serving.get(person_id)
            if person is not None:
                found[person_id] = person
                self.lent.append(person)
        return found


def keep_lent(records: RosterRecords, target: Path, lent: Sequence[Person]) -> None:
    """Keep the people a swap holds back on what the daemon served them by, before the new
    file is read: the daemon reads it over the state's records only."""
    if lent:
        records.save([FileRecords(str(target), tuple(lent), frozenset(), complete=False)])


def named(problem: Problem, upload: Path, target: Path) -> Problem:
    """A problem of the stored upload told as one of the file it would replace."""
    file = target.name if problem.file == str(upload) else problem.file
    text = problem.message.replace(str(upload), target.name).replace(upload.name, target.name)
    return replace(problem, file=file, message=text)
