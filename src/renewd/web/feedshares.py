"""What a feed refresh keeps of each plan between refreshes (`renewd.web.publisher`): its events'
stamps and their shares of each feed's digest, so that a refresh on the same day and settings
writes again only the events of plans that changed.

A feed holds a plan's events up to its window's last day, all of them (a person's feed) or only
those HR acts on or watches (HR's feeds: `EventContent.hr`); a `Done` keeps the share of each
window that leaves some of them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from renewd.core.docevents import AnyPlan
from renewd.core.events import Stamp
from renewd.core.ics import combine, event_hash

Window = tuple[dt.date, bool]  # a feed's last day held, and whether it holds only HR's events


@dataclass(frozen=True, slots=True)
class Done:
    """One plan as the last refresh stamped it: its events' stamps, the sum of their digest
    shares and their count, and the same for each window (a last day held, HR's events only or
    not) that leaves some of them out (`cut`: last day, HR's only, sum, count, then the next
    window's, flat: one tuple, not one a window; empty when every event falls in every window)."""

    plan: AnyPlan
    stamps: tuple[Stamp, ...]
    total: int
    count: int
    last: dt.date  # its last event's day
    every: bool  # whether HR's feeds hold every one of its events (up to their window end)
    cut: tuple[Any, ...]

    def share(self, window: Window) -> tuple[int, int] | None:
        """(sum, count) of its events in `window`; None for a window it was not made for."""
        until, hr_only = window
        if until >= self.last and (self.every or not hr_only):
            return self.total, self.count
        cut = self.cut
        for at in range(0, len(cut), 4):
            if cut[at] == until and cut[at + 1] == hr_only:
                return cut[at + 2], cut[at + 3]
        return None


def done_plan(
    plan: AnyPlan,
    keys: Sequence[Any],
    hrs: Sequence[bool],
    stamps: tuple[Stamp, ...],
    windows: Any,
) -> Done:
    shares = [(k.day, hr, event_hash(k, s)) for k, hr, s in zip(keys, hrs, stamps, strict=True)]
    last = max((day for day, _, _ in shares), default=dt.date.min)
    every = all(hrs)

    def upto(until: dt.date, hr_only: bool) -> tuple[int, int]:
        total, n = 0, 0
        for day, hr, share in shares:
            if day <= until and (hr or not hr_only):
                total, n = combine(total, share), n + 1
        return total, n

    cut = tuple(
        field
        for u, h in sorted(windows)
        if u < last or (h and not every)
        for field in (u, h, *upto(u, h))
    )
    return Done(plan, stamps, *upto(dt.date.max, False), last, every, cut)


def still(entry: Done | None, plan: AnyPlan, feeds: Iterable[tuple[str, Window]]) -> bool:
    """Whether `entry` stands for `plan` in this refresh: the same plan, the same windows (`feeds`:
    the HR feeds that hold its person, with their windows; his own feed's window holds all)."""
    if entry is None or not (entry.plan is plan or entry.plan == plan):
        return False
    return all(entry.share(w) is not None for _, w in feeds)
