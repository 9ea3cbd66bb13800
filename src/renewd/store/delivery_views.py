"""What the console reads and asks of the delivery log: the owed deliveries, a person's history,
and "retry now". The console holds no SQL of the delivery table; statuses are `DeliveryStatus`.

Every read answers empty before the first delivery pass has made the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from renewd.store.database import Database, no_table
from renewd.store.delivery_rows import DeliveryStatus

OWED = (DeliveryStatus.FAILED, DeliveryStatus.DEAD)  # what the console shows and retries


@dataclass(frozen=True)
class OwedRow:
    id: int
    person: str
    kind: str
    channel: str
    recipient: str
    status: DeliveryStatus
    attempts: int
    reason: str
    next_at: float
    updated_at: float


@dataclass(frozen=True)
class HistoryRow:
    id: int
    kind: str
    channel: str
    recipient: str
    status: DeliveryStatus
    attempts: int
    reason: str
    at: float  # when it was sent, else when it last changed
    late: bool
    kinds: tuple[str, ...]  # a message's steps, in order


class DeliveryViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    def owed(self, statuses: Sequence[DeliveryStatus] = OWED) -> list[OwedRow]:
        """The deliveries in `statuses` (failed and dead by default), newest change first."""
        marks = ",".join("?" * len(statuses))
        try:
            rows = self.db.conn.execute(
                "SELECT id, person, kind, channel, recipient, status, attempts, reason, next_at,"
                f" updated_at FROM delivery WHERE status IN ({marks}) ORDER BY updated_at DESC",
                [str(s) for s in statuses],
            ).fetchall()
        except no_table():  # no delivery pass has run yet
            return []
        return [
            OwedRow(
                r["id"],
                r["person"],
                r["kind"],
                r["channel"],
                r["recipient"],
                DeliveryStatus(r["status"]),
                r["attempts"],
                r["reason"] or "",
                float(r["next_at"]),
                float(r["updated_at"]),
            )
            for r in rows
        ]

    def status(self, number: int) -> tuple[str, DeliveryStatus] | None:
        """(person, status) of delivery `number`, or None."""
        try:
            row = self.db.conn.execute(
                "SELECT person, status FROM delivery WHERE id = ?", (number,)
            ).fetchone()
        except no_table():
            return None
        return (row["person"], DeliveryStatus(row["status"])) if row else None

    def retry_now(self, ids: Sequence[int], at: float) -> None:
        """Make `ids` due at `at` (renewd's clock): a dead delivery starts its attempts again,
        a failed one keeps counting."""
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE delivery SET status = ?, next_at = ?,"
                " attempts = CASE status WHEN ? THEN 0 ELSE attempts END WHERE id = ?",
                [(DeliveryStatus.FAILED, at, DeliveryStatus.DEAD, n) for n in ids],
            )

    def history(self, person: str, limit: int = 50) -> list[HistoryRow]:
        """The person's last `limit` deliveries, newest first, each message with its steps."""
        conn = self.db.conn
        try:
            rows = conn.execute(
                "SELECT id, kind, channel, recipient, status, attempts, reason, updated_at,"
                " sent_at, late FROM delivery WHERE person = ? ORDER BY id DESC LIMIT ?",
                (person, limit),
            ).fetchall()
            carried: dict[int, list[str]] = {}
            ids = [r["id"] for r in rows if r["kind"] == "message"]
            if ids:
                marks = ",".join("?" * len(ids))
                for item in conn.execute(
                    f"SELECT delivery, kind FROM delivery_item WHERE delivery IN ({marks})"
                    " ORDER BY rowid",
                    ids,
                ):
                    carried.setdefault(item["delivery"], []).append(item["kind"])
        except no_table():  # no delivery pass has run yet
            return []
        return [
            HistoryRow(
                r["id"],
                r["kind"],
                r["channel"],
                r["recipient"],
                DeliveryStatus(r["status"]),
                r["attempts"],
                r["reason"] or "",
                float(r["sent_at"] or r["updated_at"]),
                bool(r["late"]),
                tuple(dict.fromkeys(carried.get(r["id"], []))),
            )
            for r in rows
        ]
