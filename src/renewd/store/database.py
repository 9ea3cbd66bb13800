"""The state database: one SQLite file under the state directory, shared by every component.

Each component owns its tables and declares them with `Database.ensure_schema(component, steps)`:
a list of SQL scripts applied in order, tracked per component, so components evolve their schema
independently and an old database upgrades in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from renewd.core.errors import EX_TEMPFAIL, ConfigError, RenewdError

DB_NAME = "renewd.sqlite3"


class StateUnwritable(RenewdError):
    """The state database refused a write: the disk is full, a file size limit was reached, or
    it became read-only. Temporary (exit 75): the next pass tries again."""

    exit_code = EX_TEMPFAIL


_UNWRITABLE = ("disk is full", "disk i/o error", "readonly database", "read-only")


def _unwritable(exc: sqlite3.OperationalError) -> bool:
    return any(words in str(exc).lower() for words in _UNWRITABLE)


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
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"{path}: cannot open the state database: {exc}") from None
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives process crashes
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version"
            " (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )

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
        written (full disk, file size limit, read-only) raises StateUnwritable: nothing of the
        transaction was kept."""
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
            if not _unwritable(exc):
                raise
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise StateUnwritable(
                f"{self.path}: the state database cannot be written ({exc}); free disk space"
                " or fix its permissions; the next pass tries again"
            ) from None

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
