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
import fcntl
import logging
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from renewd.channels.transports import build_channels
from renewd.core.errors import EX_TEMPFAIL, ConfigError, RenewdError, RosterError
from renewd.core.model import PersonPlan
from renewd.core.schedule import reminder_day
from renewd.roster.reader import Roster
from renewd.roster.watcher import RosterWatcher
from renewd.service.app import App, read_roster
from renewd.service.delivery import run_pass as run_delivery_pass
from renewd.service.systemd import Notifier, watchdog_interval
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.feedkey import open_feed_key
from renewd.web.health import Health, Metrics, add_health_routes, count_requests
from renewd.web.limits import RateLimitedLog, quiet_exception_handler
from renewd.web.publisher import FeedCache
from renewd.web.server import build_app, start_configured

log = logging.getLogger("renewd.service.daemon")


class AlreadyRunning(RenewdError):
    exit_code = EX_TEMPFAIL


class StateLock:
    """An exclusive flock on `<state dir>/renewd.lock`: two daemons on one state double-send."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "renewd.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        try:
            # The state holds names, addresses and the feed key: owner only (SPEC: 0700).
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle = self.path.open("a+")
        except OSError as exc:
            raise ConfigError(
                f"{self.path.parent}: cannot use the state directory: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunning(
                f"another renewd is already running on the state directory {self.path.parent}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Daemon:
    def __init__(
        self,
        config: Path,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.config = config
        self.app = App.load(config)
        build_channels(self.settings)  # a channel missing its secret refuses to start (exit 78)
        self._clock = clock
        self.notifier = notifier or Notifier()
        self.health = Health(sweep_seconds=self.settings.notify.sweep_seconds)
        self.metrics = Metrics()
        self.lock = StateLock(self.settings.state.dir)
        self.roster: Roster | None = None
        self.watcher = RosterWatcher(
            self.settings.roster.files, self.settings.roster.settle_seconds
        )
        self.db: Database | None = None
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
            exc = caught if isinstance(caught, RosterError) else None
            if exc is None:
                log.error("roster unreadable (%s)", reason, exc_info=caught)
                exc = RosterError(f"roster unreadable ({type(caught).__name__}); see the log")
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
            build_channels(app.settings)
        except RenewdError as exc:
            self.health.config_problem = str(exc)
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
        self.app = app
        self.watcher = RosterWatcher(
            self.settings.roster.files, self.settings.roster.settle_seconds
        )
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
        self.metrics.observe_plans(plans)
        self.publish(plans, day)

    def _progress_key(self) -> object:
        """A cheap fingerprint of the progress recorded with `renewd done`."""
        if self.db is None:
            return None
        try:
            row = self.db.conn.execute(
                "SELECT COUNT(*), MAX(recorded_at), TOTAL(length(day)) FROM progress_fact"
            ).fetchone()
        except sqlite3.OperationalError:  # `renewd done` never ran
            return None
        return tuple(row)

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
        report = run_delivery_pass(self.app, day, now, should_stop=self._stopping.is_set)
        for outcome in report.sent:
            self.metrics.deliveries.labels(channel=outcome.channel, result="sent").inc()
            if outcome.attempts > 1:
                self.metrics.retries.inc()
        for outcome in report.failed:
            self.metrics.deliveries.labels(channel=outcome.channel, result="failed").inc()
        for outcome in report.dead:
            self.metrics.deliveries.labels(channel=outcome.channel, result="dead").inc()
        for line in report.skipped:
            log.warning("not deliverable: %s", line)
        counts = {
            "issued": report.issued,
            "sent": len(report.sent),
            "failed": len(report.failed),
            "dead": len(report.dead),
            "cancelled": len(report.cancelled),
        }
        return {k: v for k, v in counts.items() if v}

    def _dead_letters(self) -> tuple[int, int]:
        """(dead, failed and waiting for a retry) deliveries."""
        if self.db is None:
            return 0, 0
        try:
            row = self.db.conn.execute(
                "SELECT TOTAL(status = 'dead'), TOTAL(status = 'failed') FROM delivery"
            ).fetchone()
        except sqlite3.OperationalError:  # no delivery table before the first pass
            return 0, 0
        return int(row[0]), int(row[1])

    async def run_pass(self, why: str) -> None:
        async with self._pass_lock:
            if self._stop.is_set():
                return
            changed = self.watcher.changed() and await self._load_roster("file changed")
            await self._refresh(roster_changed=changed)
            started = time.monotonic()
            try:
                counts = await asyncio.to_thread(self.deliver, self.now())
            except Exception:
                self.health.last_sweep_error = f"{why} failed; see the log"
                log.exception("delivery pass (%s) failed", why)
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

    def _web_app(self, feeds: FeedCache) -> web.Application:
        application = build_app(feeds)
        application.middlewares.append(count_requests(self.metrics))
        add_health_routes(application, self.health, self.metrics, lambda: self.roster)
        return application

    async def start(self) -> None:
        self.lock.acquire()
        self.db = Database.in_dir(self.settings.state.dir)
        key = open_feed_key(self.db, self.settings.state.dir)  # a lost key refuses (78)
        self.feeds = FeedCache(self.settings, self.db, key)
        await self._settle()
        if not await self._load_roster("start-up") and self.roster is None:
            log.error("starting without a roster; fix it and it will be picked up")
        await self._refresh(force=True)
        self.runner = await start_configured(self._web_app(self.feeds), self.settings.server)
        self.scheduler = AsyncIOScheduler(timezone=self.zone)
        self._reschedule()
        self.scheduler.start()
        log.info("listening on %s", self.settings.server.listen)
        self.notifier.notify(READY=1)
        self._status()

    async def _settle(self) -> None:
        """At start-up, wait for roster files written just now to settle (at most three quiet
        periods: a file that never stops changing is read anyway, and validated)."""
        deadline = time.monotonic() + 3 * self.watcher.settle_seconds
        young = self.watcher.young()
        if not young:
            return
        log.info("waiting for %d roster file(s) to settle", len(young))
        self.watcher.mark_loaded({})
        while time.monotonic() < deadline and not self.watcher.changed():
            await asyncio.sleep(self.watcher.poll_seconds)

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
            taken = self.reload_config()
            loaded = await self._load_roster("SIGHUP")
            await self._refresh(force=taken or loaded)
