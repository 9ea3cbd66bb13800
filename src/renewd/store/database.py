"""The state database: one SQLite file under the state directory, shared by every component.

Each component owns its tables and declares them with `Database.ensure_schema(component, steps)`:
a list of SQL scripts applied in order, tracked per component, so components evolve their schema
independently and an old database upgrades in place.

A state database that fails is a clean error with its own exit code, in every command and at the
daemon's start (`state_failure` turns what SQLite or the file system raised into one; the CLI's
one handler and the daemon's passes use it): 73 when the disk is full (or a file size limit was
reached), 74 when the file is corrupt, 75 when another process holds it locked (or it is
read-only for now).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from renewd.core.errors import EX_CANTCREAT, EX_IOERR, EX_TEMPFAIL, ConfigError, RenewdError

DB_NAME = "renewd.sqlite3"


class StateUnwritable(RenewdError):
    """The state database refused a write: it became read-only, or (the subclasses) the disk is
    full or another process holds it locked. Temporary (exit 75): the next pass tries again."""

    exit_code = EX_TEMPFAIL


class DiskFull(StateUnwritable):
    """The disk under the state (or a file size limit) has no room for a write (exit 73)."""

    exit_code = EX_CANTCREAT


class StateLocked(StateUnwritable):
    """Another process holds the state database locked longer than we wait (exit 75)."""

    exit_code = EX_TEMPFAIL


class StateCorrupt(RenewdError):
    """The state database is not a database, or damaged (exit 74): restore a backup."""

    exit_code = EX_IOERR


# SQLite's primary result codes (sqlite3 names them from Python 3.11 on; these are stable).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _NOTADB = 5, 6, 8, 10, 11, 13, 26
_IOERR_READS = {_IOERR | (1 << 8), _IOERR | (2 << 8)}  # SQLITE_IOERR_READ, _SHORT_READ
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_opened: list[Path] = []  # the state database this process opened last: named in errors


def state_failure(exc: BaseException, path: Path | None = None) -> RenewdError | None:
    """The clean error `exc` is, when the state database (or the disk under it) failed: a
    `DiskFull`, `StateCorrupt`, `StateLocked` or `StateUnwritable` naming the file and what to
    do. None for anything else (it keeps its traceback)."""
    if isinstance(exc, StateUnwritable | StateCorrupt):
        return exc
    if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
        where = exc.filename or path or (_opened[-1] if _opened else "the state directory")
        return DiskFull(
            f"{where}: no room to write ({exc.strerror}): the disk is full or a file size limit"
            " was reached; free some space and start again"
        )
    if not isinstance(exc, sqlite3.Error):
        return None
    where = path or (_opened[-1] if _opened else "the state database")
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_BUSY, _LOCKED) or "database is locked" in text:
        return StateLocked(
            f"{where}: the state database is locked by another process ({exc}); try again when"
            " it is done (a running daemon holds it only for moments)"
        )
    if primary in (_CORRUPT, _NOTADB) or code in _IOERR_READS or "malformed" in text:
        return StateCorrupt(
            f"{where}: the state database is damaged ({exc}); stop renewd and restore the last"
            " backup of it (README: Back up)"
        )
    if primary in (_FULL, _IOERR) or "disk is full" in text:
        return DiskFull(
            f"{where}: the state database cannot be written ({exc}): the disk is full or a file"
            " size limit was reached; free some space, and the next pass tries again"
        )
    if primary == _READONLY or "readonly" in text or "read-only" in text:
        return StateUnwritable(
            f"{where}: the state database cannot be written ({exc}); fix its permissions, and"
            " the next pass tries again"
        )
    return None


class Database:
    """A SQLite connection in WAL mode with per-component schema versions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # The database holds names, addresses and message bodies: owner only, whoever
            # creates it (the daemon under systemd, or a CLI run by hand).
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            old = os.umask(0o077)
            try:
                self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA user_version").fetchone()  # creates the file now
            finally:
                os.umask(old)
            _opened.append(path)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout=5000")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives crashes
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
        except (OSError, sqlite3.Error) as exc:
            clean = state_failure(exc, path)
            if clean is not None:
                raise clean from None
            raise ConfigError(f"{path}: cannot open the state database: {exc}") from None

    @classmethod
    def in_dir(cls, state_dir: Path) -> Database:
        return cls(state_dir / DB_NAME)

    def ensure_schema(self, component: str, steps: Sequence[str]) -> None:
        """Apply the scripts of `steps` this database has not seen yet, each in a transaction."""
        row = self.conn.execute(
            "SELECT version FROM schema_version WHERE component = ?", (component,)
        ).fetchone()
        version = row["version"] if row else 0
        for number, script in enumerate(steps[version:], start=version + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_version (component, version) VALUES (?, ?)"
                    " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                    (component, number),
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error. A database that cannot be
        written raises a StateUnwritable (`DiskFull`, `StateLocked`, read-only) or StateCorrupt:
        nothing of the transaction was kept."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            clean = state_failure(exc, self.path)
            if clean is None:
                raise
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise clean from None

    def close(self) -> None:
        self.conn.close()


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of the state database `source` at `target` (a new file), through
    SQLite's backup: what a running daemon committed is in it, its WAL included. Reading leaves
    `source` as it was (bytes, modification time, no -wal or -shm left behind). A database this
    user may not open for writing is copied file by file instead."""
    try:
        with (
            contextlib.closing(sqlite3.connect(source, isolation_level=None)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error:
        target.unlink(missing_ok=True)
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
