"""What the delivery log still owes, whatever pass left it: retries waiting and dead deliveries.

`renewd notify --due` reports it after its pass (and exits 75 while a retry is waiting, so cron
and monitoring notice a failure that the next pass did not fix); `renewd log --failed` lists
the rows (`DeliveryLog.failed`) with their reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd.store.deliveries import DeliveryLog, DeliveryStatus


@dataclass(frozen=True)
class Owed:
    """Deliveries not (yet) sent: `waiting` will be retried, `dead` gave up."""

    waiting: int = 0
    dead: int = 0
    next_retry: dt.datetime | None = None  # the earliest waiting retry

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


def owed(log: DeliveryLog) -> Owed:
    counts = log.counts()
    first = log.next_retry()
    return Owed(
        counts.get(DeliveryStatus.FAILED, 0),
        counts.get(DeliveryStatus.DEAD, 0),
        None if first is None else dt.datetime.fromtimestamp(first, dt.UTC),
    )
