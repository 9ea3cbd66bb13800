"""What the delivery log still owes, whatever pass left it: retries waiting and dead deliveries.

`renewd notify --due` reports it after its pass (and exits 75 while a retry is waiting, so cron
and monitoring notice a failure that the next pass did not fix); `renewd log --failed` lists
the rows (`DeliveryLog.history(only=...)`) with their reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.store.claims import Claims
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import DeliveryStatus


@dataclass(frozen=True)
class Owed:
    """Deliveries not (yet) sent: `waiting` will be retried, `dead` gave up."""

    waiting: int = 0
    dead: int = 0
    next_retry: dt.datetime | None = None  # the earliest waiting retry

    def describe(self, lang: Lang, zone: dt.tzinfo) -> str:
        if not self.waiting and not self.dead:
            return say(lang, "cli.owed.none")
        parts = []
        if self.waiting:
            text = say(lang, "cli.owed.waiting", n=self.waiting)
            if self.next_retry is not None:
                at = f"{self.next_retry.astimezone(zone):%Y-%m-%d %H:%M}"
                text += say(lang, "cli.owed.next", at=at)
            parts.append(text)
        if self.dead:
            parts.append(say(lang, "cli.owed.dead", n=self.dead))
        return say(lang, "cli.owed", parts=say(lang, "p.semi").join(parts))


def owed(log: DeliveryLog) -> Owed:
    counts = log.counts()
    first = Claims(log.db).next_retry()
    return Owed(
        counts.get(DeliveryStatus.FAILED, 0),
        counts.get(DeliveryStatus.DEAD, 0),
        None if first is None else dt.datetime.fromtimestamp(first, dt.UTC),
    )
