"""Calendar changes and the "dates moved" notes they cause (component "moves", tables `calendar_*`,
`moved_*`).

- `calendar_seen`: per year, the working-day table the plans were last made on (rest days and
  make-up days as JSON, and a digest). When a year's table differs from what was seen, the
  plans are remade on the old table too, and what moved is noted; then the new table is recorded.
  Keeping the tables (a few hundred days) rather than every plan is what lets a config or
  package change, not only an import, be compared against what people were told.
- `moved_note`: one row per moved milestone, pending
  until a delivery pass claims it (`claimed_on`), in the same transaction that writes the
  message's delivery rows: so each note is sent once, and a crash sends it on the next pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from renewd.core.model import MilestoneKind
from renewd.core.moves import Move
from renewd.store.database import Database
from renewd.store.dialect import Connection

SCHEMA = [
    """
    CREATE TABLE calendar_seen (
        year INTEGER PRIMARY KEY,
        digest TEXT NOT NULL,
        source TEXT NOT NULL,
        off TEXT NOT NULL,
        work TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE TABLE moved_note (
        id INTEGER PRIMARY KEY,
        person TEXT NOT NULL,
        cycle TEXT NOT NULL,
        kind TEXT NOT NULL,
        old_due TEXT NOT NULL,
        new_due TEXT NOT NULL,
        provisional INTEGER NOT NULL,
        cause TEXT NOT NULL,
        noted_at TEXT NOT NULL,
        claimed_on TEXT
    );
    CREATE INDEX moved_note_pending ON moved_note (claimed_on, person)
    """,
    # The weekly "import the holiday notice" ask may ride in an escalation digest: which
    # channels were asked in which week (its Monday), whatever message carried it.
    """
    CREATE TABLE calendar_asked (
        channel TEXT NOT NULL,
        week TEXT NOT NULL,
        PRIMARY KEY (channel, week)
    )
    """,
]


@dataclass(frozen=True)
class SeenYear:
    digest: str
    source: str
    off: frozenset[dt.date]
    on: frozenset[dt.date]


@dataclass(frozen=True)
class Note:
    """A pending note: one move, and the calendar change that caused it."""

    id: int
    move: Move
    cause: str


def year_digest(off: Iterable[dt.date], on: Iterable[dt.date]) -> str:
    text = json.dumps([sorted(map(str, off)), sorted(map(str, on))])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _dates(text: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(d) for d in json.loads(text))


class MoveStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("moves", SCHEMA)

    def seen(self) -> dict[int, SeenYear]:
        return {
            row["year"]: SeenYear(
                row["digest"], row["source"], _dates(row["off"]), _dates(row["work"])
            )
            for row in self.db.conn.execute("SELECT * FROM calendar_seen")
        }

    def digests(self, conn: Connection, years: Iterable[int]) -> dict[int, str]:
        """The recorded digest of each of `years` that was seen, read on `conn`."""
        wanted = set(years)
        return {
            row["year"]: row["digest"]
            for row in conn.execute("SELECT year, digest FROM calendar_seen")
            if row["year"] in wanted
        }

    def record(
        self,
        conn: Connection,
        years: Mapping[int, tuple[str, frozenset[dt.date], frozenset[dt.date]]],
        moves: Iterable[Move],
        cause: str,
        now: dt.datetime,
    ) -> None:
        """Inside the caller's transaction: remember `years` (source, off, on) as seen and add
        a pending note for each move."""
        at = now.astimezone(dt.UTC).replace(microsecond=0).isoformat()
        conn.executemany(
            "INSERT INTO calendar_seen (year, digest, source, off, work, seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET digest = excluded.digest,"
            " source = excluded.source, off = excluded.off, work = excluded.work,"
            " seen_at = excluded.seen_at",
            [
                (
                    year,
                    year_digest(off, on),
                    source,
                    json.dumps(sorted(map(str, off))),
                    json.dumps(sorted(map(str, on))),
                    at,
                )
                for year, (source, off, on) in years.items()
            ],
        )
        rows = [
            (
                m.person,
                m.cycle.isoformat(),
                m.kind.value,
                m.old.isoformat(),
                m.new.isoformat(),
                int(m.provisional),
                cause,
                at,
            )
            for m in moves
        ]
        conn.executemany(
            "INSERT INTO moved_note (person, cycle, kind, old_due, new_due, provisional, cause,"
            " noted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def asked(self, week: dt.date, conn: Connection | None = None) -> set[str]:
        """The channels asked to import the holiday notice in the week of Monday `week`."""
        rows = (conn or self.db.conn).execute(
            "SELECT channel FROM calendar_asked WHERE week = ?", (week.isoformat(),)
        )
        return {row[0] for row in rows}

    def mark_asked(self, conn: Connection, week: dt.date, channels: Iterable[str]) -> None:
        """Inside the caller's transaction (the one that claims the messages carrying it)."""
        conn.executemany(
            "INSERT OR IGNORE INTO calendar_asked (channel, week) VALUES (?, ?)",
            [(channel, week.isoformat()) for channel in channels],
        )

    def pending(self, conn: Connection | None = None) -> list[Note]:
        conn = conn or self.db.conn
        return [
            Note(
                row["id"],
                Move(
                    row["person"],
                    dt.date.fromisoformat(row["cycle"]),
                    MilestoneKind(row["kind"]),
                    dt.date.fromisoformat(row["old_due"]),
                    dt.date.fromisoformat(row["new_due"]),
                    bool(row["provisional"]),
                ),
                row["cause"],
            )
            for row in conn.execute(
                "SELECT * FROM moved_note WHERE claimed_on IS NULL ORDER BY person, cycle, id"
            )
        ]

    def claim(self, conn: Connection, ids: Iterable[int], today: dt.date) -> None:
        conn.executemany(
            "UPDATE moved_note SET claimed_on = ? WHERE id = ? AND claimed_on IS NULL",
            [(today.isoformat(), i) for i in ids],
        )
