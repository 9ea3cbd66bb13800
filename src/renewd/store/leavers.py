"""People who left the roster: when they were last seen, and purging their data later.

A person missing from a roster that loaded (a roster that fails to load changes nothing) is a
leaver from that day: his waiting deliveries are cancelled by the pass (`Delivery`), his feed
is gone with his roster row (404), and after `[state] retain_days` his delivery log (with what
each message carried), issued reminders, recorded progress, calendar-move notes, console audit
lines and first-contact mark are deleted (his last good roster record went with his row).
Someone who comes back before then is simply a person again, his history intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE leaver (
        person TEXT PRIMARY KEY,
        left_on TEXT NOT NULL
    )
    """,
]

# Tables holding one person's data, by their `person` column: who he is known by (a person
# renewd has written to is in `person_seen`), then all that is purged with him. Not his feed's
# rotation counter: a token he rotated must stay dead if he comes back.
KNOWN_BY = ("delivery", "reminder", "progress_fact", "person_seen")
PERSON_TABLES = (*KNOWN_BY, "delivery_item", "moved_note", "console_audit")


class Leavers:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("leavers", SCHEMA)

    def _tables(self, names: tuple[str, ...] = PERSON_TABLES) -> list[str]:
        present = self.db.tables()
        return [t for t in names if t in present]

    def update(self, present: Collection[str], today: dt.date, retain_days: int) -> list[str]:
        """Note who left and who came back; purge those gone for `retain_days`. Returns the
        purged ids."""
        tables = self._tables()
        known: set[str] = set()
        for table in self._tables(KNOWN_BY):
            known.update(
                row[0]
                for row in self.db.conn.execute(f"SELECT DISTINCT person FROM {table}")
                if not str(row[0]).startswith("@")  # digests and escalations are no person
            )
        gone = known - set(present)
        horizon = (today - dt.timedelta(days=retain_days)).isoformat()
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO leaver (person, left_on) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(person, today.isoformat()) for person in sorted(gone)],
            )
            listed = {row[0] for row in conn.execute("SELECT person FROM leaver")}
            conn.executemany("DELETE FROM leaver WHERE person = ?", [(p,) for p in listed - gone])
            purged = [
                row[0]
                for row in conn.execute(
                    "SELECT person FROM leaver WHERE left_on <= ? ORDER BY person", (horizon,)
                )
            ]
            for person in purged:
                for table in tables:
                    conn.execute(f"DELETE FROM {table} WHERE person = ?", (person,))
                conn.execute("DELETE FROM leaver WHERE person = ?", (person,))
        return purged
