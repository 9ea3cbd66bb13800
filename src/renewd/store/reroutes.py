"""Re-routing a waiting delivery whose channel was renamed or removed (see
`renewd.delivery.passes`): the old row cancelled and its replacements inserted, one
transaction."""

from __future__ import annotations

from collections.abc import Sequence

from renewd.store.database import Database
from renewd.store.delivery_rows import (
    INSERT,
    DeliveryRow,
    DeliveryStatus,
    NewDelivery,
    insert_values,
)


def reroute(
    db: Database, row: DeliveryRow, deliveries: Sequence[NewDelivery], at: float, reason: str
) -> None:
    """Cancel `row` and insert `deliveries` in its place, pending, with its items. One that
    exists already (same subject, channel, recipient) is left alone, so nobody gets the message
    twice on a channel he already had."""
    with db.transaction() as conn:
        cur = conn.execute(
            "UPDATE delivery SET status = ?, updated_at = ?, reason = ? WHERE id = ?"
            " AND status = ?",
            (DeliveryStatus.CANCELLED, at, reason, row.id, row.status),
        )
        for d in deliveries if cur.rowcount == 1 else ():
            new = conn.execute(INSERT, insert_values(d, at)).fetchone()
            if new is not None:
                conn.execute(
                    "INSERT INTO delivery_item (delivery, person, cycle, kind, lead) SELECT"
                    " ?, person, cycle, kind, lead FROM delivery_item WHERE delivery = ?",
                    (int(new[0]), row.id),
                )
