"""The claims on delivery rows being sent: who holds them, their leases, and what is owed.

A pass claims a row (`DeliveryLog.take`, status `sending`) in the name of its process, with a
lease it renews while the send is in flight (`renewd.delivery.holders` decides when a holder is
gone). These are the delivery log's operations on those claims; like `DeliveryLog`, every
method runs on the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable

from renewd.store.database import Database
from renewd.store.delivery_rows import INSERT, DeliveryStatus, NewDelivery, insert_values

RELEASED = "its sender stopped mid-send; sent again (it may arrive twice)"


class Claims:
    def __init__(self, db: Database) -> None:
        self.db = db

    def holders(self) -> set[str]:
        """Who holds the rows now `sending` ('' for claims of 0.1.0)."""
        rows = self.db.conn.execute(
            "SELECT DISTINCT holder FROM delivery WHERE status = ?", (DeliveryStatus.SENDING,)
        )
        return {str(row[0]) for row in rows}

    def release(self, holder: str, at: float) -> int:
        """The rows `holder` was sending when it died: failed and due at `at`, so that the next
        pass sends them again (they may have left: the one case that can repeat a message)."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE delivery SET status = ?, next_at = ?, updated_at = ?, reason = ?,"
                " holder = '' WHERE status = ? AND holder = ?",
                (DeliveryStatus.FAILED, at, at, RELEASED, DeliveryStatus.SENDING, holder),
            )
        return int(cur.rowcount)

    def renew(self, holder: str, lease_until: float, at: float) -> None:
        """Extend the lease of every row `holder` is sending (its sends are still in flight)
        to `lease_until` (on PostgreSQL: as far from the database's clock as from `at`)."""
        until, lease = self.db.dialect.until(at, lease_until)
        with self.db.transaction() as conn:
            conn.execute(
                f"UPDATE delivery SET lease_until = {until} WHERE status = ? AND holder = ?",
                (*lease, DeliveryStatus.SENDING, holder),
            )

    def add(self, build: Callable[[], list[NewDelivery]], at: float) -> int:
        """Insert `build()` as pending rows, in one transaction that `build` runs inside (so
        what it records commits with them), without issuing a reminder or marking a pass (HR's
        roster notices). Returns how many rows were new."""
        added = 0
        with self.db.transaction() as conn:
            for d in build():
                added += conn.execute(INSERT, insert_values(d, at)).fetchone() is not None
        return added

    def next_retry(self) -> float | None:
        """When the earliest waiting retry is due (epoch seconds), or None."""
        row = self.db.conn.execute(
            "SELECT MIN(next_at) FROM delivery WHERE status = ?", (DeliveryStatus.FAILED,)
        ).fetchone()
        return None if row[0] is None else float(row[0])
