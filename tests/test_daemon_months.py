"""Flat memory over months (issue 20): one daemon process, its injected clock driven over 60 days
at a few thousand people, a day change, the send_at pass and a sweep each day, feeds and the
console's upcoming view read as HR would. What stays allocated after the first days must not grow
with the days (caches keyed by the day are dropped when it changes, or bounded)."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import random
import tracemalloc
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from netkit import free_port
from renewd.calendar.preview import Readers
from renewd.daemon.runtime import Daemon

pytestmark = [pytest.mark.slow, pytest.mark.integration]

Write = Callable[[str, str], Path]
ZONE = dt.timezone(dt.timedelta(hours=8))
PEOPLE = 600  # 2,000 took 40 s a simulated day on a loaded machine
DAYS = 60
SETTLED = 10  # the first days fill what is filled once (caches, the state database's pages)
MiB = 2**20


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def roster(people: int) -> str:
    rng = random.Random(5)
    start = dt.date(2026, 12, 1)
    rows = ["工号,姓名,部门,居住证到期日,变更事项,邮箱"]
    for i in range(people):
        expires = start + dt.timedelta(days=rng.randrange(0, 365))
        change = "单位" if rng.random() < 0.15 else ""
        rows.append(f"E{i:05d},员工{i},部门{i % 20},{expires},{change},e{i}@example.com")
    return "\n".join(rows) + "\n"


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return int(response.status)


def test_memory_stays_flat_over_sixty_days(write: Write) -> None:
    write("people.csv", roster(PEOPLE))
    port = free_port()
    config = write(
        "config.toml",
        f'[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
    )
    clock = Clock(dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZONE))

    async def scenario() -> list[float]:
        daemon = Daemon(config, clock=clock)
        await daemon.start()
        sizes: list[float] = []
        try:
            assert daemon.feeds is not None
            assert daemon.listeners
            feeds = daemon.feeds
            group = feeds.urls("group-部门1").https
            for n in range(DAYS):
                clock.now = dt.datetime(2026, 12, 1, 9, 30, tzinfo=ZONE) + dt.timedelta(days=n)
                await daemon.day_change()
                await daemon.run_pass("send_at")
                await daemon.run_pass("sweep")
                assert await asyncio.to_thread(get, group) == 200
                source = daemon.console_source
                assert source is not None
                await asyncio.to_thread(source.upcoming, Readers(), 7)
                if n == SETTLED:
                    gc.collect()
                    tracemalloc.start()
                if n >= SETTLED:
                    gc.collect()
                    sizes.append(tracemalloc.get_traced_memory()[0] / MiB)
        finally:
            tracemalloc.stop()
            await daemon.stop()
        return sizes

    sizes = asyncio.run(scenario())
    # tracemalloc counts from its start: the first samples are what the days after fill once.
    # Then the growth of the last ten days over days five to ten: a cache kept per day would
    # add well over 0.1 MiB a day at this size (some 5 MiB over the 45 days).
    settled = sizes[5:]
    assert max(settled[-10:]) - min(settled[:5]) < 3, [round(s, 1) for s in sizes]
