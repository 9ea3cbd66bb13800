"""The daemon's time, state and job functions: what APScheduler, signals, the console and tests
call (`poll_roster`, `day_change`, `reload`, `run_pass`, `scheduled`, `request_pass`) and the
background tasks the supervisor keeps running. `renewd.daemon.runtime.Daemon` is built on it: it
holds the state named below, the delivery pass's wiring (`deliver`) and the lifecycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from renewd import clock
from renewd.calendar.snapshot import Snapshot
from renewd.core.errors import RenewdError
from renewd.daemon.health import Health, Metrics
from renewd.daemon.leader import Leadership
from renewd.daemon.memory import release
from renewd.daemon.refresh import Refresher
from renewd.daemon.reloads import Reloads
from renewd.daemon.startup import FirstPlans
from renewd.daemon.systemd import Notifier, status_line
from renewd.settings import Settings
from renewd.store.database import Database, state_failure

log = logging.getLogger("renewd.daemon.runtime")  # the daemon's log, as before the split


class DaemonJobs:
    """The job functions of `renewd.daemon.runtime.Daemon`, which sets everything named here."""

    config: Path
    deliver_enabled: bool
    poll_seconds: float
    _clock: Callable[[], dt.datetime] | None
    notifier: Notifier
    health: Health
    metrics: Metrics
    state: Refresher
    reloads: Reloads
    db: Database | None
    leadership: Leadership | None
    first: FirstPlans
    scheduler: AsyncIOScheduler | None
    _pass_lock: asyncio.Lock
    _stop: asyncio.Event
    _stopping: threading.Event
    _loop: asyncio.AbstractEventLoop | None
    _wanted: asyncio.Event
    _wanted_why: str
    deliver: Callable[[dt.datetime, bool], dict[str, int]]  # the pass itself (`Daemon.deliver`)

    # -- time and state ------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def snapshot(self) -> Snapshot | None:
        return self.state.snapshot

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> dt.datetime:
        return self._clock() if self._clock else clock.now(self.zone)

    def today(self) -> dt.date:
        return self.now().astimezone(self.zone).date()

    # -- job functions (APScheduler, signals and tests call these) -----------------------------

    async def poll_roster(self) -> bool:
        """One look at the roster files; reload once a change has settled. Returns whether a new
        snapshot was swapped in."""
        if self._stop.is_set() or not await asyncio.to_thread(self.state.watcher.changed):
            return False
        async with self._pass_lock:
            return await self.reloads.take(None, "file changed")

    async def day_change(self) -> bool:
        """Plan the new day (once) and rebuild the feeds. Returns whether it did."""
        async with self._pass_lock:
            return await self.reloads.catch_up(self.today())

    async def reload(self) -> bool:
        """SIGHUP: re-read the configuration and the roster, checked as `renewd check` checks
        them; what fails keeps the last good state (`Reloads.take`). Returns whether anything
        changed."""
        log.info("SIGHUP: reloading configuration and roster")
        async with self._pass_lock:
            return await self.reloads.take(self.config, "SIGHUP")

    async def run_pass(self, why: str) -> None:
        """The delivery pass (send_at, sweep, start-up); first catches up with the roster files,
        the day and recorded progress. It waits for the first plans (on none, nobody is due)."""
        await self.first.wait()
        async with self._pass_lock:
            if self._stop.is_set():
                return
            if await asyncio.to_thread(self.state.watcher.changed):
                await self.reloads.take(None, "file changed")
            await self.reloads.catch_up(self.today())
            await asyncio.to_thread(self.state.keep_records)  # off the start-up path
            if not self.deliver_enabled or (self.leadership and not self.leadership.leads):
                return  # a standby: the leader runs the passes (`renewd.daemon.leader`)
            started = time.monotonic()
            try:
                # Reminders and digests go out at send_at; other passes only retry and catch up.
                counts = await asyncio.to_thread(self.deliver, self.now(), why != "send_at")
            except Exception as exc:  # a RenewdError says it in words: no traceback
                self.health.last_sweep_error = f"{why} failed; see the log"
                said = state_failure(exc) or exc  # the state database locked, full, corrupt
                known = isinstance(said, RenewdError)
                log.error("delivery pass (%s) failed: %s", why, said, exc_info=not known)
                return
            await asyncio.to_thread(release)  # the pass's peak, back to the system
            self.health.last_sweep_ok = time.monotonic()
            self.health.last_sweep_error = None
            owed = self.state.owed(self.db)
            self.health.dead_letters, self.health.retries_waiting = owed.dead, owed.waiting
            self.metrics.dead.set(self.health.dead_letters)
            self.metrics.last_sweep.set(time.time())
            log.info(
                "delivery pass (%s) done in %.1fs: %s",
                why,
                time.monotonic() - started,
                counts or "nothing due",
            )
            self._status()

    async def scheduled(self, job: str) -> None:
        """What APScheduler runs: `send_at`, `sweep` (a pass) or `day` (the day change). A job
        that raises is logged and shown on /healthz until it next succeeds; the scheduler runs it
        again at its next time."""
        name = f"scheduled job {job!r}"
        work = asyncio.ensure_future(self.day_change() if job == "day" else self.run_pass(job))
        try:
            # Shielded: on SIGTERM the scheduler's shutdown cancels its running jobs, which
            # would free the pass lock while the worker thread still sends; `stop` waits for
            # the lock instead, so the pass finishes its current delivery first.
            await asyncio.shield(work)
        except asyncio.CancelledError:
            if not self._stop.is_set():
                raise
            return  # stopping: the shielded work ends under the pass lock
        except Exception as exc:
            log.exception("%s failed", name)
            self.health.task_failed(name, f"{name} failed ({type(exc).__name__}); see the log")
            return
        self.health.task_ok(name)

    def request_pass(self, why: str) -> None:
        """Ask for a delivery pass soon (the console: progress recorded, a roster swapped, a
        retry). A request, not a call: it returns at once, from any thread; requests made while
        one waits are one; the pass runs like a scheduled one, under the pass lock and the
        supervisor (a pass that raises shows on /healthz)."""
        if self._loop is None or self._loop.is_closed():
            return
        self._wanted_why = why
        self._loop.call_soon_threadsafe(self._wanted.set)

    async def _requested_passes(self) -> None:
        while not self._stop.is_set():
            await self._wanted.wait()
            self._wanted.clear()
            await self.run_pass(self._wanted_why)

    # -- background tasks ----------------------------------------------------------------------

    async def poll_roster_forever(self) -> None:
        """The roster watcher task: `poll_roster` every `poll_seconds` until the daemon stops."""
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                poll = min(self.poll_seconds, self.state.watcher.poll_seconds)
                await asyncio.wait_for(self._stop.wait(), poll)
            await self.poll_roster()
            self.health.task_ok("roster watcher")

    def _status(self) -> None:
        people = self.snapshot.headcount.people if self.snapshot else self.health.starting or 0
        job = self.scheduler.get_job("send") if self.scheduler else None
        nxt = job.next_run_time if job else None
        problems = len(self.health.roster_problems)
        self.notifier.notify(STATUS=status_line(people, nxt, self.deliver_enabled, problems))
