"""Imported holiday notices, in the state database (component "notices", tables `holiday_*`).

- `holiday_notice`: one row per import that changed a year: the year, where it came from
  (`source`: the notice's title or the holiday-cn paper), its format, when it was imported and a
  digest of its days. The newest row of a year is the one in force; older rows are history.
- `holiday_day`: that import's rest days (`off` = 1) and make-up working days (`off` = 0), each
  with the holiday it belongs to; a notice's days of the December before are kept with it.

Importing the same arrangement again changes nothing (same digest), so re-running the command on
the day the notice appears is harmless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from types import MappingProxyType

from renewd.core.notices import HolidayRange, MakeupDay, Notice, NoticeFormat
from renewd.core.policy import YearTable
from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE holiday_notice (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        digest TEXT NOT NULL
    );
    CREATE INDEX holiday_notice_year ON holiday_notice (year, id);
    CREATE TABLE holiday_day (
        notice INTEGER NOT NULL REFERENCES holiday_notice (id),
        day TEXT NOT NULL,
        name TEXT NOT NULL,
        off INTEGER NOT NULL,
        PRIMARY KEY (notice, day)
    )
    """,
]


@dataclass(frozen=True)
class StoredNotice:
    """A notice in force, with when it was imported."""

    notice: Notice
    imported_at: dt.datetime


def digest(notice: Notice) -> str:
    days = sorted((d.isoformat(), 1) for d in notice.off) + sorted(
        (d.isoformat(), 0) for d in notice.on
    )
    return hashlib.sha256(repr((notice.year, days)).encode()).hexdigest()[:32]


class NoticeStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("notices", SCHEMA)

    def save(self, notice: Notice, now: dt.datetime) -> bool:
        """Store `notice` as its year's arrangement. False (nothing written) if the year already
        has exactly these days."""
        key = digest(notice)
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT digest FROM holiday_notice WHERE year = ? ORDER BY id DESC LIMIT 1",
                (notice.year,),
            ).fetchone()
            if row is not None and row["digest"] == key:
                return False
            cur = conn.execute(
                "INSERT INTO holiday_notice (year, source, format, imported_at, digest)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    notice.year,
                    notice.source,
                    notice.format.value,
                    now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
                    key,
                ),
            )
            notice_id = int(cur.fetchone()[0])
            conn.executemany(
                "INSERT INTO holiday_day (notice, day, name, off) VALUES (?, ?, ?, ?)",
                [(notice_id, d.isoformat(), h.name, 1) for h in notice.holidays for d in h.days()]
                + [(notice_id, m.date.isoformat(), m.name, 0) for m in notice.makeup],
            )
        return True

    def load(self) -> dict[int, StoredNotice]:
        """The notice in force for each imported year."""
        heads = self.db.conn.execute(
            "SELECT n.* FROM holiday_notice n WHERE n.id ="
            " (SELECT MAX(id) FROM holiday_notice m WHERE m.year = n.year) ORDER BY n.year"
        ).fetchall()
        out: dict[int, StoredNotice] = {}
        for head in heads:
            rows = self.db.conn.execute(
                "SELECT day, name, off FROM holiday_day WHERE notice = ? ORDER BY day",
                (head["id"],),
            ).fetchall()
            ranges: list[HolidayRange] = []
            makeup: list[MakeupDay] = []
            for row in rows:
                day = dt.date.fromisoformat(row["day"])
                if not row["off"]:
                    makeup.append(MakeupDay(row["name"], day))
                    continue
                last = ranges[-1] if ranges else None
                if last and last.name == row["name"] and day == last.end + dt.timedelta(days=1):
                    ranges[-1] = HolidayRange(last.name, last.start, day)
                else:
                    ranges.append(HolidayRange(row["name"], day, day))
            notice = Notice(
                head["year"],
                tuple(ranges),
                tuple(makeup),
                head["source"],
                NoticeFormat(head["format"]),
            )
            out[head["year"]] = StoredNotice(notice, dt.datetime.fromisoformat(head["imported_at"]))
        return out

    def tables(self) -> MappingProxyType[int, YearTable]:
        """What `CalendarOptions.notices` takes."""
        return MappingProxyType({year: s.notice.table() for year, s in self.load().items()})

    def fingerprint(self) -> int:
        """Changes whenever a notice is imported (the daemon replans when it does)."""
        row = self.db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM holiday_notice").fetchone()
        return int(row[0])
