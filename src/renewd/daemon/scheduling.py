"""The daemon's APScheduler jobs: a thin waker that calls the daemon's job functions (through
`scheduled`, which shows a job that raised on /healthz).

- `send`: `run_pass("send_at")` daily at `notify.send_at` in the configured zone (misfire grace:
  the whole day, coalesced, so a late start still sends today's reminders once);
- `sweep`: `run_pass("sweep")` every `notify.sweep_seconds`;
- `day`: `day_change()` at 00:00:05 local time.
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from renewd.settings_notify import NotifySettings


class Jobs(Protocol):
    """What the scheduler wakes up."""

    async def scheduled(self, job: str) -> None: ...


def schedule_jobs(
    scheduler: AsyncIOScheduler, jobs: Jobs, notify: NotifySettings, zone: ZoneInfo
) -> None:
    """Add (or replace, after a reload) the daemon's three jobs."""
    send_at, sweep = notify.send_at, notify.sweep_seconds
    scheduler.add_job(
        jobs.scheduled,
        CronTrigger(hour=send_at.hour, minute=send_at.minute, timezone=zone),
        args=["send_at"],
        id="send",
        replace_existing=True,
        misfire_grace_time=24 * 3600,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        jobs.scheduled,
        IntervalTrigger(seconds=sweep, timezone=zone),
        args=["sweep"],
        id="sweep",
        replace_existing=True,
        misfire_grace_time=sweep,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        jobs.scheduled,
        CronTrigger(hour=0, minute=0, second=5, timezone=zone),
        args=["day"],
        id="day",
        replace_existing=True,
        misfire_grace_time=24 * 3600,
        coalesce=True,
    )
