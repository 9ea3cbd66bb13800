"""The roster of record on a shared (PostgreSQL) state (component "roster_versions", issue 21).

When several instances share one state database, the roster they plan from lives there too, so
every instance serves the same feeds from the same roster version. Each version is the roster's
files as they were loaded (their bytes and names: the same reader reads them, by suffix, as it
reads `[roster] files`), numbered in the order they were stored, with who loaded it and when.
`renewd roster import FILE`, a console upload and (on the leader) a changed `[roster] files`
each store a new version; every instance plans from the newest (`latest`).

A SQLite state has no such tables: its roster of record is `[roster] files` (one machine).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from renewd.core.errors import ConfigError
from renewd.store.database import Database
from renewd.store.dialect import Connection

SCHEMA = [
    """
    CREATE TABLE roster_versions (
        version INTEGER PRIMARY KEY,
        loaded_by TEXT NOT NULL,
        loaded_at REAL NOT NULL,
        source TEXT NOT NULL
    );
    CREATE TABLE roster_version_files (
        version INTEGER NOT NULL REFERENCES roster_versions (version),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (version, position)
    )
    """,
]

CACHE_DIR = "roster-versions"  # under [state] dir: the files of the version in force


@dataclass(frozen=True)
class RosterVersion:
    """One stored version of the roster (without its bytes)."""

    version: int
    loaded_by: str
    loaded_at: float  # epoch seconds, renewd's clock
    source: str  # "command", "console" or "files"
    names: tuple[str, ...]  # its files' names, in order
    digest: str  # of every file's name and bytes: the same files give the same digest


def _digest(files: Sequence[tuple[str, bytes]]) -> str:
    whole = hashlib.sha256()
    for name, content in files:
        whole.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return whole.hexdigest()


def _prune(conn: Connection, oldest_kept: int) -> None:
    """Delete the versions before `oldest_kept`, but the newest one `[roster] files` fed."""
    fed = "(SELECT COALESCE(MAX(version), 0) FROM roster_versions WHERE source = 'files')"
    for table in ("roster_version_files", "roster_versions"):
        conn.execute(f"DELETE FROM {table} WHERE version < ? AND version <> {fed}", (oldest_kept,))


class RosterVersions:
    """The stored roster versions of a shared state database."""

    def __init__(self, db: Database) -> None:
        if not db.dialect.shared:
            raise ConfigError(
                f"{db.where()}: the roster is stored in the state database only when it is"
                " shared (PostgreSQL, [state] database); with the SQLite state, [roster] files"
                " is the roster: copy the file there instead"
            )
        self.db = db
        db.ensure_schema("roster_versions", SCHEMA)

    def store(
        self,
        files: Sequence[tuple[str, bytes]],
        loaded_by: str,
        at: float,
        source: str,
        keep: int | None = None,
    ) -> RosterVersion:
        """A new version holding `files` (name, bytes; names without folders). Stored whole in
        one transaction: an instance sees all of it or none. With `keep` (`[roster]
        keep_versions`), versions older than the new one and the `keep` before it are deleted in
        the same transaction, except the newest `[roster] files` fed (`last_fed` compares with
        it: kept, a restart would store the files again)."""
        if not files:
            raise ValueError("a roster version holds at least one file")
        with self.db.transaction() as conn:
            row = conn.execute(
                "INSERT INTO roster_versions (loaded_by, loaded_at, source) VALUES (?, ?, ?)"
                " RETURNING version",
                (loaded_by, at, source),
            ).fetchone()
            version = int(row[0])
            conn.executemany(
                "INSERT INTO roster_version_files (version, position, name, sha256, content)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (version, i, Path(name).name, hashlib.sha256(content).hexdigest(), content)
                    for i, (name, content) in enumerate(files)
                ],
            )
            if keep is not None:
                _prune(conn, version - keep)
        return RosterVersion(
            version, loaded_by, at, source, tuple(Path(n).name for n, _ in files), _digest(files)
        )

    def newest(self) -> int | None:
        """The newest version's number (cheap: the daemons ask every few seconds)."""
        row = self.db.conn.execute("SELECT MAX(version) FROM roster_versions").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def describe(self, version: int) -> RosterVersion | None:
        head = self.db.conn.execute(
            "SELECT loaded_by, loaded_at, source FROM roster_versions WHERE version = ?",
            (version,),
        ).fetchone()
        if head is None:
            return None
        files = self.files(version)
        return RosterVersion(
            version,
            str(head[0]),
            float(head[1]),
            str(head[2]),
            tuple(name for name, _ in files),
            _digest(files),
        )

    def latest(self) -> RosterVersion | None:
        version = self.newest()
        return None if version is None else self.describe(version)

    def last_fed(self) -> str | None:
        """The digest of the newest version `[roster] files` fed (source "files"): whether the
        files changed since, whatever was imported or uploaded meanwhile."""
        row = self.db.conn.execute(
            "SELECT MAX(version) FROM roster_versions WHERE source = 'files'"
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return _digest(self.files(int(row[0])))

    @staticmethod
    def digest(files: Sequence[tuple[str, bytes]]) -> str:
        return _digest([(Path(name).name, content) for name, content in files])

    def history(self, limit: int | None = 20) -> list[RosterVersion]:
        """The stored versions, newest first (all of them without `limit`)."""
        sql = "SELECT version FROM roster_versions ORDER BY version DESC"
        rows = self.db.conn.execute(
            sql + (" LIMIT ?" if limit is not None else ""), (limit,) if limit is not None else ()
        ).fetchall()
        return [v for row in rows if (v := self.describe(int(row[0]))) is not None]

    def files(self, version: int) -> list[tuple[str, bytes]]:
        rows = self.db.conn.execute(
            "SELECT name, content FROM roster_version_files WHERE version = ? ORDER BY position",
            (version,),
        ).fetchall()
        return [(str(row[0]), bytes(row[1])) for row in rows]

    def materialize(self, version: int, state_dir: Path) -> tuple[Path, ...]:
        """The files of `version` on disk (under `[state] dir`/roster-versions/VERSION, owner
        only), for the roster reader to read as it reads `[roster] files`. Written once, each
        through a temporary file renamed into place: a reader never sees half a file."""
        folder = state_dir / CACHE_DIR / str(version)
        paths: list[Path] = []
        for position, (name, content) in enumerate(self.files(version)):
            path = folder / str(position) / name  # its own name: problems name the file
            paths.append(path)
            if path.exists() and path.stat().st_size == len(content):
                continue
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            part = path.with_name(f".{path.name}.part")
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(part, path)
        _prune_cache(state_dir / CACHE_DIR, version)
        return tuple(paths)


def _prune_cache(cache: Path, version: int) -> None:
    """Keep the files of `version` and of the newest one before it (a read of it may still be
    under way); older versions' files go, as the database prunes them (`[roster]
    keep_versions`): a roster file holds personal data, kept no longer than it serves."""
    numbered = sorted(
        (int(folder.name) for folder in cache.iterdir() if folder.name.isdigit()), reverse=True
    )
    older = [n for n in numbered if n < version]
    for number in older[1:]:
        shutil.rmtree(cache / str(number), ignore_errors=True)
