"""Progress recorded with `renewd done`, the console or a one-click link, kept in the state
database and merged into the roster.

The roster's progress columns and the database's facts are two sources of the same truth; for
each step the later date wins (`renewd.core.progress.merge_progress`), so `done` never needs the
roster file to be edited, and an HR sheet that later carries the same fact changes nothing.

This module is the SQL only. What a step may be called, which days are refused and how facts
merge are the core's (`renewd.core.progress`). API for every writer (the CLI, the console,
links), once `renewd.core.progress.check_record` accepted the record:

    store = ProgressStore(db)
    store.record("1001", Step.PERMIT_RENEWED, day, now=now, by="console:li.hr")
    store.undo("1001", Step.PERMIT_RENEWED)          # True if a record was removed
    store.facts("1001")                              # [Fact(...)], newest first

`by` says who recorded it: "cli", "console:<account>" or "link" (any short text; shown in
`renewd log`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd.core.model import Progress, Step
from renewd.core.progress import NEW_EXPIRY
from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE progress_fact (
        person TEXT NOT NULL,
        field TEXT NOT NULL,
        day TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (person, field)
    )
    """,
    # Who recorded a fact; 0.1.0 only had the CLI.
    "ALTER TABLE progress_fact ADD COLUMN recorded_by TEXT NOT NULL DEFAULT 'cli'",
]


@dataclass(frozen=True)
class Fact:
    """One recorded fact, as stored."""

    person: str
    field: str  # a Step value or "new_permit_expires"
    day: dt.date
    recorded_at: str  # ISO timestamp with its zone
    recorded_by: str


class ProgressStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("progress", SCHEMA)

    def record(
        self,
        person: str,
        step: Step | None,
        day: dt.date | None,
        *,
        new_expiry: dt.date | None = None,
        now: dt.datetime,
        by: str = "cli",
    ) -> None:
        """Record that `person` did `step` on `day` (and/or the renewed permit's new expiry);
        `by` is who recorded it ("cli", "console:<account>", "link")."""
        rows = []
        stamp = now.isoformat(timespec="seconds")
        if step is not None and day is not None:
            rows.append((person, step.value, day.isoformat(), stamp, by))
        if new_expiry is not None:
            rows.append((person, NEW_EXPIRY, new_expiry.isoformat(), stamp, by))
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO progress_fact (person, field, day, recorded_at, recorded_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (person, field) DO UPDATE SET"
                " day = excluded.day, recorded_at = excluded.recorded_at,"
                " recorded_by = excluded.recorded_by",
                rows,
            )

    def undo(self, person: str, step: Step, *, new_expiry: bool = False) -> bool:
        """Remove the record of `step` (and the new expiry if asked); True if one was there."""
        fields = [step.value, *([NEW_EXPIRY] if new_expiry else [])]
        with self.db.transaction() as conn:
            cur = conn.execute(
                f"DELETE FROM progress_fact WHERE person = ? AND field IN"
                f" ({', '.join('?' for _ in fields)})",
                (person, *fields),
            )
        return cur.rowcount > 0

    def facts(self, person: str | None = None) -> list[Fact]:
        """Recorded facts, newest first (all people, or one)."""
        sql = "SELECT person, field, day, recorded_at, recorded_by FROM progress_fact"
        args: tuple[str, ...] = ()
        if person is not None:
            sql += " WHERE person = ?"
            args = (person,)
        return [
            Fact(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4])
            for r in self.db.conn.execute(sql + " ORDER BY recorded_at DESC, field", args)
        ]

    def load_person(self, person: str) -> Progress | None:
        """One person's recorded progress, or None when nothing is recorded for him."""
        rows = self.db.conn.execute(
            "SELECT field, day FROM progress_fact WHERE person = ?", (person,)
        ).fetchall()
        if not rows:
            return None
        return Progress(**{r["field"]: dt.date.fromisoformat(r["day"]) for r in rows})

    def fingerprint(self) -> tuple[object, ...]:
        """Cheap to compute, and different after every `record`: the daemon's cue to replan."""
        row = self.db.conn.execute(
            "SELECT COUNT(*), MAX(recorded_at), COALESCE(SUM(length(day)), 0) FROM progress_fact"
        ).fetchone()
        return tuple(row)

    def load(self) -> dict[str, Progress]:
        facts: dict[str, dict[str, dt.date]] = {}
        for row in self.db.conn.execute("SELECT person, field, day FROM progress_fact"):
            facts.setdefault(row["person"], {})[row["field"]] = dt.date.fromisoformat(row["day"])
        return {person: Progress(**fields) for person, fields in facts.items()}
