"""How the daemon takes in anything new, on the event loop's side (docs/design.md §13).

Every change runs one of the `Refresher`'s methods in a worker thread (the caller holds the
daemon's pass lock, so they run one at a time), then publishes the new snapshot: the feeds, the
console and the calendar warning follow it. There is one way in for configuration and roster,
`take` (start-up, a roster file changed, SIGHUP: `Refresher.reload`), checked as `renewd check`
checks; `catch_up` brings the day, recorded progress and imported holiday notices up to date.

Nothing a reload meets escapes into the loop: a configuration or roster refused keeps the last
good state, and a snapshot whose feeds cannot be published (the state database locked or full)
stays in force with the old feeds served; it is published again at the next sweep. /healthz
says each (`Health.config_problem`, `roster_problems`, `publish_problem`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from renewd.core.errors import RenewdError
from renewd.daemon.health import Health
from renewd.daemon.refresh import Refresher, RosterRead
from renewd.settings import Settings
from renewd.store.database import state_failure

log = logging.getLogger(__name__)


class Reloads:
    """Runs the `Refresher`'s changes off the loop and publishes what they swapped in."""

    def __init__(
        self,
        state: Refresher,
        health: Health,
        publish: Callable[[], None],
        reconfigured: Callable[[Settings], None],
    ) -> None:
        self.state = state
        self.health = health
        self.publish = publish  # the daemon's: feeds, calendar warning, console listeners
        self.reconfigured = reconfigured  # told of a configuration SIGHUP took
        self._unpublished = False  # the snapshot in force is not out yet: publish it again

    async def take(self, config: Path | None, reason: str) -> bool:
        """Configuration (when `config` is given: SIGHUP) and roster, the one way in. Returns
        whether anything new is in force."""
        before = self.state.settings
        swapped = await self._swap(self.state.reload, config, reason)
        if self.state.settings is not before:
            self.reconfigured(self.state.settings)
            return True
        return swapped

    async def first(self, read: RosterRead) -> bool:
        """The start-up's roster, read before READY, planned (slow: in a worker thread) and
        published. Returns whether a snapshot was swapped in."""
        return await self._swap(self.state.plan, read)

    async def catch_up(self, today: dt.date) -> bool:
        """The day and recorded progress brought up to date, and imported holiday notices taken
        in; a snapshot whose feeds could not be published is published again."""
        day = await self._swap(self.state.to_day, today)
        progress = await self._swap(self.state.sync_progress)
        notices = await self._swap(self.state.sync_notices)
        if self._unpublished:
            await self._swap(lambda: False)
        return day or progress or notices

    async def _swap(self, build: Callable[..., bool], *args: object) -> bool:
        """Run a state change off the loop; publish the feeds if it swapped a snapshot in (or
        the last one is not out yet). Returns whether it swapped."""
        swapped = await asyncio.to_thread(build, *args)
        if swapped or self._unpublished:
            try:
                await asyncio.to_thread(self.publish)
            except Exception as exc:  # the feeds keep their last good version meanwhile
                self._unpublished = True
                clean = state_failure(exc)
                known = clean or (exc if isinstance(exc, RenewdError) else None)
                said = str(known).splitlines()[0] if known else f"{type(exc).__name__}"
                self.health.publish_problem = f"feeds not refreshed ({said}); retried each sweep"
                log.error("feeds not refreshed: %s", said, exc_info=None if known else exc)
                return swapped
            self._unpublished = False
            self.health.publish_problem = None
        # What /healthz says of a roster follows its feeds, never leads: once they are out.
        self.state.settle()
        return swapped
