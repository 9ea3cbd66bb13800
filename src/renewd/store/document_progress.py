"""Steps recorded for the documents beside Shanghai points (docs/packs.md), one row per (person,
document, step): `renewd done PERSON STEP --document D`. A component of its own
(`document_progress`), so a database of any earlier release gains the table on open and nothing
else changes.

    store = DocumentProgressStore(db)
    store.record("1001", "foreign-work-permit", "extension_filing", day, now=now, by="cli")
    store.undo("1001", "foreign-work-permit", "extension_filing")   # True if one was there
    store.load()            # {("1001", "foreign-work-permit"): {"extension_filing": day}}
"""

from __future__ import annotations

import datetime as dt

from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE document_fact (
        person TEXT NOT NULL,
        document TEXT NOT NULL,
        step TEXT NOT NULL,
        day TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (person, document, step)
    )
    """,
]


class DocumentProgressStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("document_progress", SCHEMA)

    def record(
        self, person: str, document: str, step: str, day: dt.date, *, now: dt.datetime, by: str
    ) -> None:
        """Record that `person` did `step` of `document` on `day`; `by` is who recorded it."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO document_fact (person, document, step, day, recorded_at,"
                " recorded_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person, document, step)"
                " DO UPDATE SET day = excluded.day, recorded_at = excluded.recorded_at,"
                " recorded_by = excluded.recorded_by",
                (person, document, step, day.isoformat(), now.isoformat(timespec="seconds"), by),
            )

    def undo(self, person: str, document: str, step: str) -> bool:
        """Remove the record of `step`; True if one was there."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM document_fact WHERE person = ? AND document = ? AND step = ?",
                (person, document, step),
            )
        return cur.rowcount > 0

    def fingerprint(self) -> tuple[object, ...]:
        """Cheap to compute, and different after every `record` or `undo`: the daemon's cue."""
        row = self.db.conn.execute(
            "SELECT COUNT(*), MAX(recorded_at), COALESCE(SUM(length(day)), 0) FROM document_fact"
        ).fetchone()
        return tuple(row)

    def load(self) -> dict[tuple[str, str], dict[str, dt.date]]:
        """Every recorded step, by (person, document)."""
        out: dict[tuple[str, str], dict[str, dt.date]] = {}
        for row in self.db.conn.execute("SELECT person, document, step, day FROM document_fact"):
            key = (row["person"], row["document"])
            out.setdefault(key, {})[row["step"]] = dt.date.fromisoformat(row["day"])
        return out


def recorded_steps(db: Database) -> dict[tuple[str, str], dict[str, dt.date]]:
    """`load`, without creating the component where nothing was ever recorded (a pass reads
    it; only `renewd done --document` and the daemon add the table)."""
    if db.version("document_progress") == 0:
        return {}
    return DocumentProgressStore(db).load()


def recorded_by(db: Database, person: str, document: str, step: str) -> tuple[dt.date, str] | None:
    """The day `step` of `person`'s `document` is recorded done and who recorded it, or None
    (read only: nothing is created where nothing was ever recorded)."""
    if db.version("document_progress") == 0:
        return None
    row = db.conn.execute(
        "SELECT day, recorded_by FROM document_fact WHERE person = ? AND document = ? AND step = ?",
        (person, document, step),
    ).fetchone()
    return (dt.date.fromisoformat(row["day"]), row["recorded_by"]) if row else None
