"""`renewd run` (and `renewd serve`, the same daemon with delivery off): one asyncio loop holds the
scheduler, the feed server and reloads.

The daemon's state is one `Snapshot` (settings, roster, calendar, channels, the day's plans),
built in a worker thread and swapped in with one assignment; feeds and delivery passes read it.
READY comes once the roster is read and the server listens; the first plans follow
(`renewd.daemon.startup`). Everyone is planned once per day change, roster, configuration or
calendar change (an imported holiday notice too; `renewd_full_plans_total` in /metrics); progress
recorded with `renewd done` replans only the people it concerns. A roster that cannot be read or
cannot be planned keeps the last good snapshot and turns /healthz to 503 with the reason.

APScheduler only wakes us up; the state database is the source of truth for what was sent. Its
jobs call the job functions (`renewd.daemon.jobs`), which tests call directly with an injected
clock:
- `run_pass`: the delivery pass, daily at `notify.send_at` in the configured zone (misfire
  grace: the whole day, coalesced) and every `notify.sweep_seconds` as the safety sweep (catch-up
  after downtime, retries whose backoff is over, roster changes a file watcher might miss);
- `day_change` at 00:00:05 local time: plan the new day and rebuild the feeds.
`poll_roster` runs every two seconds in a supervised task (`poll_roster_forever`), `reload` on
SIGHUP. Work runs one at a time (an asyncio lock), in worker threads so the feed server stays
responsive. Background tasks are supervised: one that crashes is logged, shown on /healthz and
started again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from renewd import redaction
from renewd.calendar.changes import estimate_warning
from renewd.calendar.snapshot import Snapshot
from renewd.channels.factory import build_channels
from renewd.core.model import PersonPlan
from renewd.core.schedule import reminder_day
from renewd.daemon.console_port import DaemonSource, attach_console
from renewd.daemon.health import Health, Metrics
from renewd.daemon.jobs import DaemonJobs
from renewd.daemon.leader import Leadership
from renewd.daemon.refresh import Refresher
from renewd.daemon.reloads import Reloads
from renewd.daemon.scheduling import schedule_jobs
from renewd.daemon.startup import FirstPlans
from renewd.daemon.statelock import StateLock
from renewd.daemon.supervisor import Supervisor
from renewd.daemon.systemd import Notifier, keep_watchdog
from renewd.delivery.holders import HolderKind, this_process
from renewd.delivery.run import Claims, deliver
from renewd.settings import Settings, load_settings
from renewd.store.database import Database
from renewd.store.feedkey import open_feed_key
from renewd.web.health import add_health_routes, count_requests
from renewd.web.limits import RateLimitedLog, quiet_exception_handler
from renewd.web.publisher import FeedCache
from renewd.web.server import build_app, start_configured

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


class Daemon(DaemonJobs):
    """The service. `deliver=False` is `renewd serve`: feeds, health and reloads, no passes."""

    def __init__(
        self,
        config: Path,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        notifier: Notifier | None = None,
        deliver: bool = True,
        restart_seconds: float = 5.0,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.config = config
        redaction.install()  # every log record scrubbed, also when not started by the CLI
        settings = load_settings(config)  # an invalid configuration refuses to start (exit 78)
        self.deliver_enabled = deliver
        self.poll_seconds = poll_seconds
        self._clock = clock
        self.notifier = notifier or Notifier()
        self.health = Health(sweep_seconds=settings.notify.sweep_seconds, delivery=deliver)
        self.metrics = Metrics()
        # Built once per configuration and kept: a WeCom app's access token outlives a pass.
        channels = build_channels(settings) if deliver else {}
        self.state = Refresher(
            settings, channels, self.health, self.metrics, self.today, with_channels=deliver
        )
        self.reloads = Reloads(self.state, self.health, lambda: self.publish(), self._retake)
        self.lock = StateLock(settings.state.dir)
        self.db: Database | None = None
        self.leadership: Leadership | None = None  # who runs passes on a shared database
        self._pass_lock = asyncio.Lock()
        self._unrecorded: dict[int, Callable[[], None]] = {}  # sends a full disk left unwritten
        self._stop = asyncio.Event()
        self._stopping = threading.Event()  # seen by worker threads: finish the current delivery
        self.supervisor = Supervisor(self.health, self._stop, restart_seconds)
        self.first = FirstPlans(self.health, self._stop)  # built after READY (`start`)
        self.scheduler: AsyncIOScheduler | None = None
        self.runner: web.AppRunner | None = None
        self.feeds: FeedCache | None = None
        self.console_source: DaemonSource | None = None  # the console's view of this daemon
        self.reconfigured: list[Callable[[Settings], None]] = []  # told of a config SIGHUP took
        self.listeners: list[Callable[[Snapshot], None]] = []  # told of each snapshot, feeds first
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wanted = asyncio.Event()  # a pass was requested (`request_pass`)
        self._wanted_why = "requested"

    def deliver(self, now: dt.datetime, sweep: bool = False) -> dict[str, int]:
        """One delivery pass, in a worker thread. Before `send_at` it works for yesterday, so a
        night-time sweep retries and catches up but never sends today's reminders early; a
        `sweep` issues nothing new once `day` has had its pass (see `Delivery.run_pass`)."""
        if self.db is None:
            raise RuntimeError("the daemon has not started")
        if not self.first.done.is_set():  # `run_pass` waits; nothing may run before
            raise RuntimeError("the first plans are still being built")
        day = reminder_day(now, self.settings.notify.send_at)
        snap = self.snapshot
        plans: tuple[PersonPlan, ...] = self.state.plans_for(day) if snap else ()
        # Under the state lock, any other daemon's claims are a dead one's (delivery.holders).
        # On SIGTERM the pass stops submitting, records what is in flight, and leaves the rest
        # pending for the next start: nothing is left "sending", so nothing repeats.
        report = deliver(
            self.db,
            snap,
            plans,
            day,
            now,
            settings=self.settings,
            channels=self.state.channels,
            claims=Claims(this_process(HolderKind.DAEMON), True, self._unrecorded),
            problems=self.state.roster_problems,
            should_stop=self._stopping.is_set,
            catch_up_only=sweep,
        )
        self.metrics.observe_pass(report)
        for line in report.skipped:
            log.warning("not deliverable: %s", line)
        counts = {
            "issued": report.issued,
            "messages": report.messages,
            "sent": len(report.sent),
            "failed": len(report.failed),
            "dead": len(report.dead),
            "cancelled": len(report.cancelled),
        }
        return {k: v for k, v in counts.items() if v}

    # -- publishing snapshots ------------------------------------------------------------------

    def publish(self) -> None:
        snap = self.snapshot
        if snap is not None:  # from `[calendar] warn_from`, an estimated year is a warning
            warning = estimate_warning(snap, snap.plans, snap.day)
            self.health.calendar_warning = str(warning) if warning else None
        if self.feeds is not None and snap is not None:
            self.metrics.observe_plans(snap.plans, snap.headcount.people)
            self.feeds.refresh_from(snap, self.now())
        if snap is not None:
            for listener in self.listeners:
                listener(snap)

    # -- lifecycle -----------------------------------------------------------------------------

    def _retake(self, settings: Settings) -> None:
        """A configuration SIGHUP took: the jobs and the console follow it."""
        self._reschedule()
        for listener in self.reconfigured:
            listener(settings)

    def _reschedule(self) -> None:
        if self.scheduler is not None:
            schedule_jobs(self.scheduler, self, self.settings.notify, self.zone)

    def _web_app(self, feeds: FeedCache) -> web.Application:
        application = build_app(feeds, starting=lambda: self.first.building)
        application.middlewares.append(count_requests(self.metrics))
        add_health_routes(application, self.health, self.metrics, lambda: self.snapshot)
        self.console_source = attach_console(self, application, feeds)
        return application

    async def start(self, *, wait: bool = True) -> None:
        """Read the configuration, the state and the roster, listen, say READY, then plan
        everyone in the background (`renewd.daemon.startup`). With `wait` (tests) return once
        the first plans are out; `serve` does not wait."""
        if self.deliver_enabled:  # two senders on one state would send everything twice
            self.lock.acquire()
        self._loop = asyncio.get_running_loop()
        self.db = Database.of(self.settings.state)
        self.leadership = await Leadership.started(  # on a shared database: leader or standby
            self.db, self.health, self.request_pass, self.deliver_enabled, self.supervisor
        )
        key = open_feed_key(self.db, self.settings.state.dir)  # a lost key refuses (78)
        self.feeds = FeedCache(self.settings, self.db, key)
        self.state.recorded_from(self.db, lambda: bool(self.leadership and self.leadership.leads))
        await self.state.watcher.settle()  # a file written just now may not be whole yet
        first = await asyncio.to_thread(self.state.read, "start-up")
        self.first.expect(first)  # None: nothing to plan (a roster refused: said on /healthz)
        self.runner = await start_configured(self._web_app(self.feeds), self.settings.server)
        self.scheduler = AsyncIOScheduler(timezone=self.zone)
        self._reschedule()
        self.scheduler.start()
        log.info("listening on %s", self.settings.server.listen)
        self.notifier.notify(READY=1)
        self._status()
        if first is not None:
            plan = self.first.build  # under the pass lock: reloads and day changes wait for it
            self.supervisor.start(
                "plans", lambda: plan(self._pass_lock, self.reloads, first, self._status)
            )
        self.supervisor.start("requested passes", self._requested_passes)
        if wait:
            await self.first.wait()

    async def stop(self) -> None:
        self.notifier.notify(STOPPING=1)
        self._stop.set()
        self._stopping.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        async with self._pass_lock:  # let an in-flight pass finish its current delivery
            pass
        await self.supervisor.cancel()
        if self.runner is not None:
            await self.runner.cleanup()
        if self.leadership is not None:
            self.leadership.give_up()
        self.state.close()  # the stored roster's connection, on a shared state
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
        await self.start(wait=False)
        self.supervisor.start("roster watcher", self.poll_roster_forever)
        self.supervisor.start("watchdog", lambda: keep_watchdog(self.notifier, self._stop))
        self.supervisor.start("start-up pass", lambda: self.run_pass("start-up"))
        await self._stop.wait()
        log.info("stopping")
        await self.stop()
        return 0

    async def _hup(self) -> None:
        try:
            await self.reload()
        except Exception:  # a reload bug must not kill the loop's signal handling
            log.exception("SIGHUP reload failed")
