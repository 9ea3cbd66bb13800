"""What the delivery log still owes, whatever pass left it: retries waiting and dead deliveries.

`renewd notify --due` reports it after its pass (and exits 75 while a retry is waiting, so cron
and monitoring notice a failure the next pass did not fix); `renewd log --failed` lists the rows
with their reasons. Reads the `delivery` table of `renewd.service.delivery`; writes nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from renewd.store.database import Database

WAITING = ("failed",)  # a retry is due when its wait is over
DEAD = "dead"


@dataclass(frozen=True)
class Owed:
    """Deliveries not (yet) sent: `waiting` will be retried, `dead` gave up."""

    waiting: int = 0
    dead: int = 0
    next_retry: dt.datetime | None = None  # UTC: the earliest waiting retry

    def describe(self, zone: dt.tzinfo) -> str:
        if not self.waiting and not self.dead:
            return "nothing owed: every delivery was sent"
        parts = []
        if self.waiting:
            text = f"{self.waiting} retr{'y' if self.waiting == 1 else 'ies'} waiting"
            if self.next_retry is not None:
                text += f" (next at {self.next_retry.astimezone(zone):%Y-%m-%d %H:%M})"
            parts.append(text)
        if self.dead:
            parts.append(f"{self.dead} dead (gave up; send them by hand)")
        return "owed: " + ", ".join(parts) + "; see `renewd log --failed`"


def owed(db: Database) -> Owed:
    try:
        rows = db.conn.execute(
            "SELECT status, COUNT(*), MIN(next_at) FROM delivery"
            " WHERE status IN (?, ?) GROUP BY status",
            (*WAITING, DEAD),
        ).fetchall()
    except sqlite3.OperationalError:  # no delivery table: no pass ever ran
        return Owed()
    counts = {row[0]: (int(row[1]), row[2]) for row in rows}
    waiting = sum(counts.get(s, (0, None))[0] for s in WAITING)
    first = counts.get("failed", (0, None))[1]
    next_retry = dt.datetime.fromtimestamp(float(first), dt.UTC) if first is not None else None
    return Owed(waiting, counts.get(DEAD, (0, None))[0], next_retry)


def failed_rows(db: Database, person: str | None, limit: int) -> list[dict[str, object]]:
    """Waiting and dead rows, newest first, with their reasons (for `renewd log --failed`)."""
    sql = (
        "SELECT person, cycle, kind, lead, part, channel, recipient, status, attempts,"
        " late, reason, title, created_at, updated_at, sent_at, next_at FROM delivery"
        " WHERE status IN (?, ?)"
    )
    args: list[object] = [*WAITING, DEAD]
    if person is not None:
        sql += " AND person = ?"
        args.append(person)
    sql += " ORDER BY id DESC LIMIT ?"
    try:
        return [dict(row) for row in db.conn.execute(sql, (*args, limit))]
    except sqlite3.OperationalError:
        return []
