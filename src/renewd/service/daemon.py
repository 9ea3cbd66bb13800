"""`renewd run`: the service. One asyncio loop holds the scheduler, the feed server and reloads.

APScheduler only wakes us up; the state database is the source of truth for what was sent. Jobs:
- the delivery pass, daily at `notify.send_at` in the configured zone (misfire grace: the whole day,
  coalesced, so a late start still sends today's reminders once);
- the safety sweep every `notify.sweep_seconds`, and once at start-up: catch-up after downtime,
  retries whose backoff is over, roster changes that a file watcher might miss;
- the day change at 00:00:05 local time: replan and rebuild the feeds.
Passes run one at a time (an asyncio lock), in a worker thread so the feed server stays responsive.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from renewd.channels.base import Channel
from renewd.channels.factory import build_channels
from renewd.core.errors import RenewdError, RosterError
from renewd.core.model import PersonPlan
from renewd.core.schedule import reminder_day
from renewd.roster.reader import Roster
from renewd.roster.watcher import RosterWatcher
from renewd.service.app import App, read_roster
from renewd.service.delivery import Delivery, workday_move
from renewd.service.statelock import AlreadyRunning, StateLock
from renewd.service.systemd import Notifier, watchdog_interval
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryStatus
from renewd.store.feedkey import open_feed_key
from renewd.store.progress import ProgressStore
from renewd.web.health import Health, Metrics, add_health_routes, count_requests
from renewd.web.limits import RateLimitedLog, quiet_exception_handler
from renewd.web.publisher import FeedCache
from renewd.web.server import build_app, start_configured

log = logging.getLogger("renewd.service.daemon")


__all__ = ["AlreadyRunning", "Daemon", "RosterWatcher", "StateLock"]


class Daemon:
    def __init__(
        self,
        config: Path,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.config = config
        self.app = App.load(config)  # an invalid configuration refuses to start (exit 78)
        # Built once per configuration and kept: a WeCom app's access token outlives a pass.
        self.channels: dict[str, Channel] = build_channels(self.settings)
        self._clock = clock
        self.notifier = notifier or Notifier()
        self.health = Health(sweep_seconds=self.settings.notify.sweep_seconds)
        self.metrics = Metrics()
        self.lock = StateLock(self.settings.state.dir)
        self.roster: Roster | None = None
        self.watcher = RosterWatcher.of(self.settings.roster)
        self.db: Database | None = None
        self.delivery: Delivery | None = None
        self._plans: list[PersonPlan] = []
        self._aside: tuple[dt.date, object, list[PersonPlan]] | None = None
        self._pass_lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._stopping = threading.Event()  # seen by worker threads: finish the current delivery
        self._day: dt.date | None = None
        self._progress_seen: object = None
        self.scheduler: AsyncIOScheduler | None = None
        self.runner: web.AppRunner | None = None
        self.feeds: FeedCache | None = None

    # -- time --------------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> dt.datetime:
        return self._clock() if self._clock else dt.datetime.now(self.zone)

    def today(self) -> dt.date:
        return self.now().astimezone(self.zone).date()

    # -- roster and config ---------------------------------------------------------------------

    def load_roster(self, reason: str) -> bool:
        """Load and validate; swap in only if valid. Returns whether the roster changed."""
        snapshot = self.watcher.snapshot()
        try:
            roster = read_roster(self.settings)
        except Exception as caught:  # nothing in a roster may stop the watcher
            exc = RosterError.of(caught)
            if exc is not caught:
                log.error("roster unreadable (%s)", reason, exc_info=caught)
            # /healthz is unauthenticated: it names where the problems are, not their values.
            self.health.roster_problems = [p.location for p in exc.problems] or [exc.message]
            self.metrics.roster_errors.set(len(self.health.roster_problems))
            for line in exc.problems or [exc.message]:
                log.error("roster rejected (%s): %s", reason, line)
            if self.roster is not None:
                log.error("keeping the last good roster of %d people", len(self.roster.people))
            self.watcher.mark_loaded(snapshot)
            return False
        for warning in roster.warnings:
            log.warning("%s", warning)
        self.roster = roster
        self.app.use_roster(roster)
        self.health.roster_problems = []
        self.metrics.roster_errors.set(0)
        self.watcher.mark_loaded(snapshot)
        log.info("roster loaded (%s): %d people", reason, len(roster.people))
        return True

    def reload_config(self) -> bool:
        """SIGHUP: re-read the configuration; keep the running one if it is invalid. `[state]` and
        `[server]` stay as they are until a restart: the lock, the delivery log and the listening
        socket belong to them. Returns whether the new configuration was taken."""
        try:
            app = App.load(self.config)
        except Exception as exc:  # any failure keeps the running configuration
            self.health.config_problem = str(exc) if isinstance(exc, RenewdError) else repr(exc)
            log.error("configuration reload rejected, keeping the running one: %s", exc)
            return False
        kept = {"state": self.settings.state, "server": self.settings.server}
        for section, value in kept.items():
            if getattr(app.settings, section) != value:
                log.warning("[%s] changes take effect after a restart", section)
        app = App(app.settings.model_copy(update=kept))
        if self.roster is not None:  # the last good roster serves until a new one loads
            app.use_roster(self.roster)
        self.health.config_problem = None
        if app.settings.channels != self.settings.channels:
            self.channels = build_channels(app.settings)
        self.app = app
        self._open_delivery()
        self.watcher = RosterWatcher.of(self.settings.roster)
        self._reschedule()
        return True

    # -- work ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Replan and rebuild the feed cache for the current roster, day and recorded progress.
        Slow for a large roster: the daemon runs it in a worker thread (`_refresh`)."""
        if self.roster is None:
            return
        day = self.today()
        self._progress_seen = self._progress_key()
        plans = self.app.plans(day, self.db)  # progress from `renewd done` included
        self._day = day
        self._plans = plans
        self._aside = None
        self.metrics.observe_plans(plans)
        self.publish(plans, day)

    def _progress_key(self) -> object:
        """A cheap fingerprint of the progress recorded with `renewd done`."""
        return None if self.db is None else ProgressStore(self.db).fingerprint()

    def _open_delivery(self) -> None:
        if self.db is not None:
            move = workday_move(self.settings, self.app.calendar)
            self.delivery = Delivery(self.db, self.settings, self.channels, move=move)

    def plans_for(self, day: dt.date) -> list[PersonPlan]:
        """The plans of `day`: the ones the feeds were built from, or (a night-time sweep works
        for yesterday) yesterday's, planned once and kept while the progress stays the same."""
        if self.roster is None:
            return []
        if day == self._day:
            return self._plans
        key = self._progress_key()
        if self._aside is None or self._aside[:2] != (day, key):
            self._aside = (day, key, self.app.plans(day, self.db))
        return self._aside[2]

    async def _refresh(self, *, roster_changed: bool = False, force: bool = False) -> None:
        """Refresh off the event loop when the roster, the day or the recorded progress changed.
        Callers hold the pass lock."""
        if (
            force
            or roster_changed
            or self.today() != self._day
            or self._progress_key() != self._progress_seen
        ):
            await asyncio.to_thread(self.refresh)

    async def _load_roster(self, reason: str) -> bool:
        return await asyncio.to_thread(self.load_roster, reason)

    def publish(self, plans: list[PersonPlan], day: dt.date) -> None:
        if self.feeds is not None and self.roster is not None:
            people = [plan.person for plan in plans]
            self.feeds.refresh(people, plans, day, self.now(), settings=self.settings)

    def deliver(self, now: dt.datetime) -> dict[str, int]:
        """One delivery pass, in a worker thread. Before `send_at` it works for yesterday, so a
        night-time sweep retries and catches up but never sends today's reminders early."""
        day = reminder_day(now, self.settings.notify.send_at)
        # On SIGTERM the pass stops submitting, records what is in flight, and leaves the rest
        # pending for the next start: nothing is left "sending", so nothing repeats.
        if self.delivery is None:
            raise RuntimeError("the daemon has not started")
        report = self.delivery.run_pass(
            self.plans_for(day), day, now, should_stop=self._stopping.is_set
        )
        self.metrics.observe_pass(report)
        for line in report.skipped:
            log.warning("not deliverable: %s", line)
        return report.counts()

    def _dead_letters(self) -> tuple[int, int]:
        """(dead, failed and waiting for a retry) deliveries."""
        if self.delivery is None:
            return 0, 0
        counts = self.delivery.log.counts()
        return counts.get(DeliveryStatus.DEAD, 0), counts.get(DeliveryStatus.FAILED, 0)

    async def run_pass(self, why: str) -> None:
        async with self._pass_lock:
            if self._stop.is_set():
                return
            changed = self.watcher.changed() and await self._load_roster("file changed")
            await self._refresh(roster_changed=changed)
            started = time.monotonic()
            try:
                counts = await asyncio.to_thread(self.deliver, self.now())
            except Exception as exc:  # a RenewdError says it in words: no traceback
                self.health.last_sweep_error = f"{why} failed; see the log"
                known = isinstance(exc, RenewdError)
                log.error("delivery pass (%s) failed: %s", why, exc, exc_info=not known)
                return
            self.health.last_sweep_ok = time.monotonic()
            self.health.last_sweep_error = None
            self.health.dead_letters, self.health.failing = self._dead_letters()
            self.metrics.dead.set(self.health.dead_letters)
            self.metrics.last_sweep.set(time.time())
            log.info(
                "delivery pass (%s) done in %.1fs: %s",
                why,
                time.monotonic() - started,
                counts or "nothing due",
            )
            self._status()

    async def _watch_roster(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.watcher.poll_seconds)
            if not self._stop.is_set() and self.watcher.changed():
                async with self._pass_lock:
                    try:
                        if await self._load_roster("file changed"):
                            await self._refresh(roster_changed=True)
                    except Exception:  # the watcher must outlive any one bad reload
                        self.health.last_sweep_error = "rebuilding the feeds failed; see the log"
                        log.exception("rebuilding the feeds after a roster change failed")

    async def _watchdog(self, interval: float) -> None:
        while not self._stop.is_set():
            self.notifier.notify(WATCHDOG=1)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), interval)

    def _status(self) -> None:
        people = len(self.roster.people) if self.roster else 0
        job = self.scheduler.get_job("send") if self.scheduler else None
        nxt = job.next_run_time.strftime("%Y-%m-%d %H:%M") if job and job.next_run_time else "-"
        text = f"{people} 人 / people; 下次发送 next send {nxt}"
        if self.health.roster_problems:
            text += f"; 名单错误 roster errors: {len(self.health.roster_problems)}"
        self.notifier.notify(STATUS=text)

    # -- lifecycle -------------------------------------------------------------------------------

    def _reschedule(self) -> None:
        if self.scheduler is None:
            return
        send_at, sweep = self.settings.notify.send_at, self.settings.notify.sweep_seconds
        self.scheduler.add_job(
            self.run_pass,
            CronTrigger(hour=send_at.hour, minute=send_at.minute, timezone=self.zone),
            args=["send_at"],
            id="send",
            replace_existing=True,
            misfire_grace_time=24 * 3600,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.add_job(
            self.run_pass,
            IntervalTrigger(seconds=sweep, timezone=self.zone),
            args=["sweep"],
            id="sweep",
            replace_existing=True,
            misfire_grace_time=sweep,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.add_job(
            self._day_change,
            CronTrigger(hour=0, minute=0, second=5, timezone=self.zone),
            id="day",
            replace_existing=True,
            misfire_grace_time=24 * 3600,
            coalesce=True,
        )

    async def _day_change(self) -> None:
        async with self._pass_lock:
            await self._refresh()

    async def start(self) -> None:
        self.lock.acquire()
        self.db = Database.in_dir(self.settings.state.dir)
        self._open_delivery()
        key = open_feed_key(self.db, self.settings.state.dir)  # a lost key refuses (78)
        self.feeds = FeedCache(self.settings, self.db, key)
        await self.watcher.settle()
        if not await self._load_roster("start-up") and self.roster is None:
            log.error("starting without a roster; fix it and it will be picked up")
        await self._refresh(force=True)
        application = build_app(self.feeds)
        application.middlewares.append(count_requests(self.metrics))
        add_health_routes(application, self.health, self.metrics, lambda: self.roster)
        self.runner = await start_configured(application, self.settings.server)
        self.scheduler = AsyncIOScheduler(timezone=self.zone)
        self._reschedule()
        self.scheduler.start()
        log.info("listening on %s", self.settings.server.listen)
        self.notifier.notify(READY=1)
        self._status()

    async def stop(self) -> None:
        self.notifier.notify(STOPPING=1)
        self._stop.set()
        self._stopping.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        async with self._pass_lock:  # let an in-flight pass finish its current delivery
            pass
        if self.runner is not None:
            await self.runner.cleanup()
        if self.db is not None:
            self.db.close()
        self.lock.release()

    async def serve(self) -> int:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(quiet_exception_handler(RateLimitedLog()))
        # Handlers first: a SIGTERM right after READY must still stop us cleanly.
        loop.add_signal_handler(signal.SIGTERM, self._stop.set)
        loop.add_signal_handler(signal.SIGINT, self._stop.set)
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(self._hup()))
        await self.start()
        tasks = [asyncio.create_task(self._watch_roster())]
        interval = watchdog_interval()
        if interval:
            tasks.append(asyncio.create_task(self._watchdog(interval)))
        tasks.append(asyncio.create_task(self.run_pass("start-up")))
        self.health.watch(*tasks[:-1])  # a long-running task that ends is a crash: unhealthy
        await self._stop.wait()
        log.info("stopping")
        await self.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return 0

    async def _hup(self) -> None:
        log.info("SIGHUP: reloading configuration and roster")
        async with self._pass_lock:
            try:
                taken = self.reload_config()
                loaded = await self._load_roster("SIGHUP")
                await self._refresh(force=taken or loaded)
            except Exception:
                self.health.last_sweep_error = "the SIGHUP reload failed; see the log"
                log.exception("the SIGHUP reload failed; the running configuration is kept")
