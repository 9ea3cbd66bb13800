"""READY before everyone is planned (issue 20; docs/design.md §13).

The start-up reads the configuration, the state and the roster, listens and says READY; planning
everyone (seconds at 10,000 people, tens of seconds at 100,000 on a busy machine) follows in the
background, in a worker thread under the pass lock, so a reload or a day change waits for it.
Meanwhile /healthz says `starting` (HTTP 200), feeds answer 503 with Retry-After and the console
says the plans are being built; a delivery pass waits for them (`wait`): on an empty plan set it
would find nobody due.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from renewd.daemon.health import Health
from renewd.daemon.memory import release
from renewd.daemon.refresh import RosterRead
from renewd.daemon.reloads import Reloads

log = logging.getLogger(__name__)


class FirstPlans:
    """The daemon's first plans: whether they are being built, and a way to wait for them."""

    def __init__(self, health: Health, stop: asyncio.Event) -> None:
        self.health = health
        self._stop = stop
        self.done = asyncio.Event()  # built, refused, or there was nothing to build

    def expect(self, first: RosterRead | None) -> None:
        """After the start-up read: `first` is to be planned (/healthz says `starting` until it
        is), or there is nothing to plan."""
        if first is None:
            log.error("starting without a roster; fix it and it will be picked up")
            self.done.set()
        else:
            self.health.starting = first.partial.roster.headcount.people

    @property
    def building(self) -> bool:
        return self.health.starting is not None

    async def build(
        self, lock: asyncio.Lock, reloads: Reloads, first: RosterRead, then: Callable[[], None]
    ) -> None:
        """Plan and publish `first` under `lock`, then call `then` (the daemon's status)."""
        started = time.monotonic()
        try:
            async with lock:
                await reloads.first(first)
        finally:  # planned or refused (said on /healthz): either way nothing is building now
            self.health.starting = None
            self.done.set()
        if reloads.state.snapshot is None:
            log.error("starting without a roster; fix it and it will be picked up")
        else:
            log.info("everyone planned in %.1fs", time.monotonic() - started)
        await asyncio.to_thread(release)  # the planning's peak, back to the system
        then()

    async def wait(self) -> None:
        """Until the first plans are out (or the daemon stops)."""
        if self.done.is_set():
            return
        waits = [asyncio.ensure_future(e.wait()) for e in (self.done, self._stop)]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
