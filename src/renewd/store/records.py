"""The last good record of each person, per roster file (component "roster" of the state DB).

What `renewd.roster.assemble` stands in for a bad row (that person's record) or for a file that
cannot be read (every record of that file), so that a restart keeps them too. A record is the
person as the roster last gave him, as JSON (pydantic's adapter for the `Person` dataclass);
only records that changed are written, so a reload of an unchanged roster writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from pydantic import TypeAdapter

from renewd.core.errors import Problem
from renewd.core.model import Person
from renewd.roster.assemble import FileRecords, PartialRoster
from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE roster_record (
        id TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        digest TEXT NOT NULL,
        data BLOB NOT NULL
    );
    CREATE INDEX roster_record_file ON roster_record (file)
    """,
    # Which roster problems HR has been told about, so each is in one notice only.
    """
    CREATE TABLE roster_notice (
        grp TEXT NOT NULL,
        problem TEXT NOT NULL,
        noticed_on TEXT NOT NULL,
        PRIMARY KEY (grp, problem)
    )
    """,
]

_PERSON = TypeAdapter(Person)
_CHUNK = 500  # ids per `IN (...)`: below SQLite's variable limit


class RosterRecords:
    """Implements `renewd.roster.assemble.LastGood` over the state database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("roster", SCHEMA)

    def of_file(self, file: str) -> list[Person]:
        rows = self.db.conn.execute(
            "SELECT data FROM roster_record WHERE file = ? ORDER BY rowid", (file,)
        )
        return [_PERSON.validate_json(row[0]) for row in rows]

    def of_ids(self, ids: Sequence[str]) -> Mapping[str, Person]:
        found: dict[str, Person] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self.db.conn.execute(
                f"SELECT id, data FROM roster_record WHERE id IN ({marks})",
                chunk,
            )
            found.update((row[0], _PERSON.validate_json(row[1])) for row in rows)
        return found

    def save(self, files: Iterable[FileRecords]) -> int:
        """Make each readable file's good rows its last good records, in one transaction.
        Records of ids no longer in a file are dropped, unless a row of it had no readable id
        (it may be one of them). Returns how many records were written or dropped."""
        changed = 0
        with self.db.transaction() as conn:
            for records in files:
                stored = dict(
                    conn.execute(
                        "SELECT id, digest FROM roster_record WHERE file = ?", (records.file,)
                    ).fetchall()
                )
                writes = []
                for person in records.people:
                    data = _PERSON.dump_json(person)
                    digest = hashlib.sha256(data).hexdigest()[:32]
                    if stored.get(person.id) != digest:
                        writes.append((person.id, records.file, digest, data))
                conn.executemany(
                    "INSERT INTO roster_record (id, file, digest, data) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET file = excluded.file,"
                    " digest = excluded.digest, data = excluded.data",
                    writes,
                )
                changed += len(writes)
                if records.complete:
                    present = {p.id for p in records.people} | records.held
                    gone = [(pid,) for pid in stored if pid not in present]
                    conn.executemany("DELETE FROM roster_record WHERE id = ?", gone)
                    changed += len(gone)
        return changed


def problem_key(problem: Problem) -> str:
    """A roster problem as HR was told of it: where it is and what is wrong (not the value)."""
    return f"{problem.file}\x1f{problem.row}\x1f{problem.field}\x1f{problem.message}"


def unnoticed(db: Database, by_group: Mapping[str, Sequence[Problem]]) -> dict[str, list[Problem]]:
    """The problems of each group that no notice has told HR of yet."""
    told = {(g, p) for g, p in db.conn.execute("SELECT grp, problem FROM roster_notice")}
    fresh: dict[str, list[Problem]] = {}
    for group, problems in by_group.items():
        new = [p for p in problems if (group, problem_key(p)) not in told]
        if new:
            fresh[group] = new
    return fresh


def told_on(db: Database, by_group: Mapping[str, Sequence[Problem]]) -> list[tuple[Problem, str]]:
    """The problems of `by_group` HR has been told of, each with the day it was (ISO), the
    oldest first: how long a row has waited to be fixed (the escalation's weekly summary)."""
    rows = db.conn.execute("SELECT grp, problem, noticed_on FROM roster_notice")
    told = {(group, key): day for group, key, day in rows}
    found = [
        (problem, told[(group, problem_key(problem))])
        for group, problems in by_group.items()
        for problem in problems
        if (group, problem_key(problem)) in told
    ]
    return sorted(found, key=lambda pair: pair[1])


def mark_noticed(db: Database, group: str, problems: Iterable[Problem], day: str) -> None:
    """Record that HR of `group` was told of `problems`. Runs inside the caller's transaction
    (the one that claims the notice), so a notice and its record commit together."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO roster_notice (grp, problem, noticed_on) VALUES (?, ?, ?)",
        [(group, problem_key(p), day) for p in problems],
    )


def forget_fixed(db: Database, by_group: Mapping[str, Sequence[Problem]]) -> None:
    """Drop the records of problems that are gone, so that one coming back is noticed again."""
    current = {(g, problem_key(p)) for g, ps in by_group.items() for p in ps}
    stale = [
        row
        for row in db.conn.execute("SELECT grp, problem FROM roster_notice")
        if (row[0], row[1]) not in current
    ]
    if stale:
        with db.transaction() as conn:
            conn.executemany("DELETE FROM roster_notice WHERE grp = ? AND problem = ?", stale)


def keep(db: Database, roster: PartialRoster) -> None:
    """Make `roster`'s good rows the last good records (once it is known to be usable: the
    daemon keeps them only after everyone in it could be planned)."""
    RosterRecords(db).save(roster.save)
    forget_fixed(db, roster.by_group)
