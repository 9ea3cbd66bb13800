"""Copying a SQLite state into an empty PostgreSQL database (`renewd state migrate`, issue 21).

Every component's schema is brought to this release on both sides first (`COMPONENTS`; an old
SQLite state upgrades in place as any command would upgrade it), then every table of the SQLite
state is copied whole, in one transaction, with its rows' insertion order (`rowid`) and ids:
deliveries with their outcomes and claims, progress, feed tokens and feed stamps (so no feed URL
changes and Last-Modified never moves backwards), accounts and sessions, notices, first-contact
marks. Identity counters continue after the copied ids. The copy is checked table by table by
row counts; anything short of that rolls back and drops what was made, so the database is
empty again.

A database that already holds renewd's tables (or anything else) is refused: the copy never
merges two states, which would send what one of them had sent.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from itertools import islice

from renewd.core.errors import ConfigError
from renewd.store.components import COMPONENTS, SHARED_ONLY
from renewd.store.database import Database
from renewd.store.dialect import Connection

__all__ = ["COMPONENTS", "SHARED_ONLY", "Copied", "TargetNotEmpty", "copy_state"]
_BATCH = 5000


class TargetNotEmpty(ConfigError):
    """The PostgreSQL database already holds tables: migrating would merge two states."""


@dataclass(frozen=True)
class Copied:
    """What was copied: rows per table (the same on both sides, or nothing was kept)."""

    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def copy_state(source: Database, target: Database) -> Copied:
    """Copy the SQLite state `source` into the empty PostgreSQL database `target`."""
    if source.dialect.shared or not target.dialect.shared:
        raise ConfigError("a state is copied from a SQLite file into a PostgreSQL database")
    there = sorted(target.tables() - {"schema_version"})
    versions = target.conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0]
    if there or versions:
        shown = ", ".join(there[:5]) + (" …" if len(there) > 5 else "")
        raise TargetNotEmpty(
            f"{target.where()} is not empty ({shown or 'schema_version'}): renewd copies a state"
            " only into an empty database, never over another state"
        )
    for component, steps in COMPONENTS.items():
        source.ensure_schema(component, steps)
    try:
        for component, steps in {**COMPONENTS, **SHARED_ONLY}.items():
            target.ensure_schema(component, steps)
        return _copy_rows(source, target)
    except BaseException:
        _drop_all(target)
        raise


def _source_tables(source: Database) -> list[str]:
    """The SQLite state's tables, in the order they were made (parents before children)."""
    rows = source.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != 'schema_version' ORDER BY rowid"
    )
    return [str(row[0]) for row in rows]


def _columns(source: Database, table: str) -> list[str]:
    return [str(row["name"]) for row in source.conn.execute(f"PRAGMA table_info({table})")]


def _copy_rows(source: Database, target: Database) -> Copied:
    tables = _source_tables(source)
    missing = set(tables) - target.tables()
    if missing:
        raise ConfigError(f"tables this release does not make: {', '.join(sorted(missing))}")
    counts: dict[str, int] = {}
    with target.transaction() as conn:
        for table in reversed(tables):  # rows the schema steps put there: children first
            conn.execute(f"DELETE FROM {table}")
        for table in tables:
            names = _columns(source, table)
            listed = ", ".join(["rowid", *names])
            marks = ", ".join("?" for _ in range(len(names) + 1))
            insert = f"INSERT INTO {table} ({listed}) VALUES ({marks})"
            rows = iter(source.conn.execute(f"SELECT {listed} FROM {table} ORDER BY rowid"))
            while batch := list(islice(rows, _BATCH)):
                conn.executemany(insert, [tuple(row) for row in batch])
            mine = int(source.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            theirs = int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            if mine != theirs:
                raise ConfigError(f"{table}: {mine} rows in the SQLite state, {theirs} copied")
            counts[table] = theirs
        _continue_counters(conn, tables)
    return Copied(counts)


def _continue_counters(conn: Connection, tables: list[str]) -> None:
    """Identity columns (`rowid`, and `id INTEGER PRIMARY KEY`) go on after the copied ids."""
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall()
    for table, column in rows:
        if table not in tables:
            continue
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        )


def _drop_all(target: Database) -> None:
    """Leave the database as empty as it was found: it held no table before the copy."""
    with contextlib.suppress(Exception), target.transaction() as conn:
        for table in sorted(target.tables()):
            conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
