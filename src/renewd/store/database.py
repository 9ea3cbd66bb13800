"""The state database: one SQLite file under the state directory, shared by every component.

Each component owns its tables and declares them with `Database.ensure_schema(component, steps)`:
a list of SQL scripts applied in order, tracked per component, so components evolve their schema
independently and an old database upgrades in place.

A state database that fails is a clean error with its own exit code, in every command and at the
daemon's start (`state_failure` turns what SQLite or the file system raised into one; the CLI's
one handler and the daemon's passes use it): 73 when the disk is full (or a file size limit was
reached), 74 when the file is corrupt, 75 when another process holds it locked (or it is
read-only for now).

With `[state] database = "postgresql://…"` the same tables live in PostgreSQL, shared by every
instance (`Database.of`; `renewd.store.postgres` connects, `renewd.store.dialect` holds what the
two spell differently). A database that cannot be reached is temporary (75), as a locked file.

Schema versions (issue 21): an older binary refuses a state a newer one made (`Database.of` checks
every component before anything is written, `KNOWN_VERSIONS`; 78). On a
shared database the leader migrates: a schema step is applied only when no other instance holds a
live leader lease (`LeaderMigrates`, 75, after waiting `MIGRATION_WAIT_SECONDS` for a leader
that starts beside it to migrate), so a newer binary started beside an older leader, as a
standby or a command, never changes the schema under it; it starts once it can lead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from renewd.core.errors import EX_CANTCREAT, EX_IOERR, EX_TEMPFAIL, ConfigError, RenewdError
from renewd.store.dialect import POSTGRESQL, SQLITE, Connection, Dialect

DB_NAME = "renewd.sqlite3"
# Every component's count of steps in this release, filled in by `renewd.store.components`
# (which `renewd.store` imports first): what `Database.of` checks a state against.
KNOWN_VERSIONS: dict[str, int] = {}
MIGRATION_WAIT_SECONDS = 15.0  # how long a standby waits for the leader to migrate


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


class LeaderMigrates(RenewdError):
    """A newer schema is due on a shared database but another instance leads (exit 75, temporary):
    the leader migrates. Once the older instances are stopped this one leads and migrates."""

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
    if _unreachable(exc):
        return StateUnwritable(
            f"the state database cannot be reached: {exc}; the next pass tries again"
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


def no_table() -> tuple[type[Exception], ...]:
    """What reading a table not made yet raises (`except no_table():`). psycopg's only once a
    PostgreSQL state imported it: a SQLite daemon never loads psycopg (9-10 MiB of RSS)."""
    psycopg_errors = sys.modules.get("psycopg.errors")
    if psycopg_errors is None:
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, psycopg_errors.UndefinedTable)


class StateLocation(Protocol):
    """Where the state is (`renewd.settings_state.StateSettings`)."""

    @property
    def dir(self) -> Path: ...

    @property
    def database(self) -> str | None: ...

    @property
    def database_password(self) -> str | None: ...


def _unreachable(exc: BaseException) -> bool:
    """Whether `exc` is a PostgreSQL state database that failed to answer (down, restarting)."""
    psycopg = sys.modules.get("psycopg")  # not imported: no PostgreSQL state, nothing to fail
    return psycopg is not None and isinstance(exc, psycopg.OperationalError)


class Database:
    """The state database: a SQLite connection in WAL mode, or a PostgreSQL one (`of`), with
    per-component schema versions."""

    dialect: Dialect = SQLITE
    _again: tuple[str, str | None] = ("", None)
    url: str | None = None  # a PostgreSQL database's URL, without its password
    holder: str | None = None  # the daemon's leader-lease holder: it may migrate while it leads

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # The database holds names, addresses and message bodies: owner only, whoever
            # creates it (the daemon under systemd, or a CLI run by hand).
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            old = os.umask(0o077)
            try:
                conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA user_version").fetchone()  # creates the file now
            finally:
                os.umask(old)
            _opened.append(path)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives crashes
            conn.execute("PRAGMA foreign_keys=ON")
            self.conn: Connection = conn
            self._sqlite: sqlite3.Connection | None = conn
            self._lock: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
            self._bootstrap()
        except (OSError, sqlite3.Error) as exc:
            clean = state_failure(exc, path)
            if clean is not None:
                raise clean from None
            raise ConfigError(f"{path}: cannot open the state database: {exc}") from None

    @classmethod
    def in_dir(cls, state_dir: Path) -> Database:
        return cls(state_dir / DB_NAME)

    @classmethod
    def of(cls, state: StateLocation) -> Database:
        """The state database `[state]` names: PostgreSQL when `database` is set, else the
        SQLite file in `dir`."""
        if not state.database:
            db = cls.in_dir(state.dir)
        else:
            db = cls.postgresql(state.database, state.database_password, state.dir / DB_NAME)
        try:
            db.refuse_newer(KNOWN_VERSIONS)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def there(state: StateLocation) -> bool:
        """Whether there is a state database to read (a command that only reads creates none)."""
        return bool(state.database) or (state.dir / DB_NAME).exists()

    @classmethod
    def postgresql(cls, url: str, password: str | None, path: Path | None = None) -> Database:
        from renewd.store.postgres import connect, safe_url

        db = cls.__new__(cls)
        conn = connect(url, password)
        db.path = path or Path(DB_NAME)
        db.url, db.dialect = safe_url(url), POSTGRESQL
        db._again = (url, password)
        db.conn, db._sqlite, db._lock = conn, None, conn.lock
        db._bootstrap()
        return db

    def again(self) -> Database:
        """Another connection to this database (another process's, in tests)."""
        if self.dialect.shared:
            url, password = self._again
            other = Database.postgresql(url, password, self.path)
            other.holder = self.holder
            return other
        return Database(self.path)

    def where(self) -> str:
        """The database, as messages name it (never a password)."""
        return self.url or str(self.path)

    def _bootstrap(self) -> None:
        with self.transaction() as conn:
            self._one_migrator(conn)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )

    def _one_migrator(self, conn: Connection) -> None:
        """Two instances starting at once on PostgreSQL change the schema one after the other
        (a lock held until the transaction ends, so it works behind PgBouncer too)."""
        if self.dialect.shared:
            conn.execute("SELECT pg_advisory_xact_lock(2126021)")

    def tables(self) -> set[str]:
        """The names of the tables in this database."""
        return {str(row[0]) for row in self.conn.execute(self.dialect.tables)}

    def version(self, component: str) -> int:
        row = self.conn.execute(
            "SELECT version FROM schema_version WHERE component = ?", (component,)
        ).fetchone()
        return int(row["version"]) if row else 0

    def refuse_newer(self, known: Mapping[str, int]) -> None:
        """Raise a ConfigError when a component's stored version is beyond `known`'s count of
        steps (what this release knows), or the state has a component this release does not know
        at all (a newer release added it). Reads only."""
        for row in self.conn.execute("SELECT component, version FROM schema_version"):
            component, version = str(row[0]), int(row[1])
            if known and component not in known:
                raise ConfigError(
                    f"{self.where()}: the state has {component} tables, which this renewd does"
                    " not know: a newer release made this state; run that release (or newer),"
                    " this one neither writes nor sends from it"
                )
            if component in known and version > known[component]:
                raise self._newer(component, version, known[component])

    def _newer(self, component: str, version: int, known: int) -> ConfigError:
        return ConfigError(
            f"{self.where()}: the state's {component} tables are at version {version}, newer"
            f" than this renewd knows ({known}): a newer release made this state; run that"
            " release (or newer), this one neither writes nor sends from it"
        )

    def _leader_migrates(self, conn: Connection, component: str, version: int, to: int) -> None:
        """On a shared database, refuse a schema step while another instance holds a live
        leader lease (`renewd.store.leader`'s row): the leader migrates."""
        if not self.dialect.shared or self.version("leader") == 0:
            return
        row = conn.execute(
            f"SELECT holder, lease_until - {self.dialect.now} FROM leader_lease WHERE id = 1"
        ).fetchone()
        if row is None or float(row[1]) <= 0 or str(row[0]) == self.holder:
            return
        raise LeaderMigrates(
            f"{self.where()}: the state's {component} tables are at version {version} and this"
            f" renewd would migrate them to {to}, but another instance leads ({row[0]}); the"
            " leader migrates the schema: stop the older instances and this one takes the lead"
            " and migrates (README: Two instances, upgrading)"
        )

    def ensure_schema(self, component: str, steps: Sequence[str]) -> None:
        """Apply the scripts of `steps` this database has not seen yet, each in a transaction.
        A database whose schema is newer than this release knows refuses to be used; on a
        shared database only the leader (or an instance when none leads) migrates."""
        waited_until: float | None = None
        while (version := self.version(component)) < len(steps):
            try:
                self._step(component, version, steps)
            except LeaderMigrates:  # a leader starting beside us may be migrating right now
                waited_until = waited_until or time.monotonic() + MIGRATION_WAIT_SECONDS
                if time.monotonic() > waited_until:
                    raise
                time.sleep(0.25)
        if version > len(steps):
            raise self._newer(component, version, len(steps))

    def _step(self, component: str, version: int, steps: Sequence[str]) -> None:
        with self.transaction() as conn:
            self._one_migrator(conn)
            if self.version(component) != version:  # another instance migrated meanwhile
                return
            self._leader_migrates(conn, component, version, len(steps))
            for statement in steps[version].split(";"):
                if statement.strip():
                    conn.execute(self.dialect.script(statement))
            conn.execute(
                "INSERT INTO schema_version (component, version) VALUES (?, ?)"
                " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                (component, version + 1),
            )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT (BEGIN on PostgreSQL), rolled back on any error. A
        database that cannot be written raises a StateUnwritable (`DiskFull`, `StateLocked`,
        read-only, unreachable) or StateCorrupt: nothing of the transaction was kept."""
        with self._lock:
            try:
                self.conn.execute(self.dialect.begin)
                try:
                    yield self.conn
                except BaseException:
                    with contextlib.suppress(Exception):
                        self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
            except Exception as exc:
                if not isinstance(exc, sqlite3.OperationalError) and not _unreachable(exc):
                    raise
                clean = state_failure(exc, self.path)
                if clean is None:
                    raise
                with contextlib.suppress(Exception):
                    self.conn.execute("ROLLBACK")
                raise clean from None

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        else:
            from renewd.store.postgres import PgConnection

            if isinstance(self.conn, PgConnection):
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
