"""The leader lease (component "leader"): which of the instances sharing a state database runs the
delivery passes and sweeps.

One row: the holder, an epoch and the end of its lease on the database's clock. An instance
renews it every few seconds while it holds it (`LeaderLease.hold`); once it has run out any
instance takes it, with the epoch one higher. Every instance serves feeds, `/healthz` and the
console whatever its role; only the leader plans passes and sends. A row lease and not a session
advisory lock, which a connection pooler in transaction mode (PgBouncer) would break.

Two leaders at once (a leader paused past its lease) cannot send a message twice: each delivery
row is still claimed by compare-and-set and completed under its claim's epoch
(`renewd.store.deliveries`).
"""

from __future__ import annotations

from dataclasses import dataclass

from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE leader_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        lease_until REAL NOT NULL
    )
    """,
]


@dataclass(frozen=True)
class Lead:
    """Who leads now, as the database says."""

    holder: str
    epoch: int
    left: float  # seconds until the lease runs out (negative: it ran out)


class LeaderLease:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("leader", SCHEMA)

    def hold(self, holder: str, seconds: float) -> int | None:
        """Take or renew the lease for `holder`, `seconds` long on the database's clock: its
        epoch while `holder` leads, None while another's lease runs."""
        now = self.db.dialect.now
        with self.db.transaction() as conn:
            row = conn.execute(
                f"SELECT holder, epoch, lease_until - {now} FROM leader_lease WHERE id = 1"
                + self.db.dialect.for_update
            ).fetchone()
            if row is None:
                won = conn.execute(
                    "INSERT OR IGNORE INTO leader_lease (id, holder, epoch, lease_until)"
                    f" VALUES (1, ?, 1, {now} + ?) RETURNING epoch",
                    (holder, seconds),
                ).fetchone()
                return None if won is None else 1  # None: another instance was first
            current, epoch, left = str(row[0]), int(row[1]), float(row[2])
            if current != holder:
                if left > 0:
                    return None
                epoch += 1
            conn.execute(
                f"UPDATE leader_lease SET holder = ?, epoch = ?, lease_until = {now} + ?"
                " WHERE id = 1",
                (holder, epoch, seconds),
            )
            return epoch

    def give_up(self, holder: str) -> None:
        """End `holder`'s lease now (a clean stop): another instance takes over at once."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE leader_lease SET lease_until = 0 WHERE holder = ?", (holder,))

    def lead(self) -> Lead | None:
        row = self.db.conn.execute(
            f"SELECT holder, epoch, lease_until - {self.db.dialect.now} FROM leader_lease"
        ).fetchone()
        return None if row is None else Lead(str(row[0]), int(row[1]), float(row[2]))
