"""Feed benchmarks: render time by feed size, and warm GET throughput beside a bare handler.

    .venv/bin/python bench/feeds.py [--quick]

HR's feed: the all-people feed of 20,000 people as the server publishes it (masked names with
ids, short descriptions, HR's events only, `[feeds] window_days`), at the default window (120)
and at 400 days (the default before issue 20).
Render: events built from plans of synthetic people, stamped from an in-memory store, written by
renewd's writer (and, for reference, by icalendar at 1,000 events). Memory: what a FeedCache
refreshed for 10,000 people keeps (RSS and tracemalloc, each in a fresh process). Serve: a
1,000-event feed from a server process on 127.0.0.1, fetched by 1 and 8 concurrent clients for
at most N requests or T seconds each, beside a bare aiohttp handler returning the same bytes
from memory, and one person's own feed of 10,000 people the same way. Person feeds: the first
(cold) request of 500 people's own feeds in a cache refreshed for 10,000 people (issue 20: they
are made on demand).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp
import icalendar
from aiohttp import web

from renewd.core.events import Stamp, plan_events
from renewd.core.feeds import FeedKind, FeedSpec
from renewd.core.ics import render_feed
from renewd.core.model import Change, CriticalDate, Lang, Person, Progress
from renewd.core.plan import Planner
from renewd.core.workdays import WorkdayCalendar
from renewd.settings import FeedsSettings, Settings
from renewd.store.database import Database
from renewd.store.tokens import uid_key
from renewd.web.publisher import FeedCache
from renewd.web.server import bound_port, build_app, start

UID_KEY = uid_key(b"k" * 32)

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"


def crowd(n: int) -> list[Person]:
    out = []
    for i in range(n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)]
        out.append(
            Person(
                id=f"E{i:06d}",
                name=name,
                permit_expires=dt.date(2027, 1, 1) + dt.timedelta(days=i % 365),
                group=f"部门{i % 20}",
                changes=frozenset({Change.EMPLOYER}) if i % 5 == 0 else frozenset(),
                lang=Lang.EN if i % 10 == 0 else None,
                critical_dates=(CriticalDate(dt.date(2027, 4, 20), "子女入学登记"),)
                if i % 4 == 0
                else (),
            )
        )
    return out


def settings(state: Path | None = None) -> Settings:
    data: dict[str, object] = {"roster": {"files": ["people.toml"]}}
    if state:
        data["state"] = {"dir": str(state)}
    return Settings(**data)  # type: ignore[arg-type]


def planner() -> Planner:
    s = settings()
    return Planner(s.policy.core(), WorkdayCalendar.from_options(s.calendar.core()))


def people_for(events: int) -> list[Person]:
    """Enough people for about `events` events (9.25 events a person on average)."""
    return crowd(max(1, round(events / 9.25)))


def bench_render(sizes: list[int]) -> None:
    pl = planner()
    print("render (cold: plan → events → ICS bytes; stamps in memory)")
    for size in sizes:
        people = people_for(size)
        plans = pl.plan_all(people, TODAY)
        t0 = time.perf_counter()
        events = [e for plan in plans for e in plan_events(plan, Lang.ZH, uid_key=UID_KEY)]
        stamps = {e.uid: Stamp(0, NOW) for e in events}
        t1 = time.perf_counter()
        spec = FeedSpec("all", FeedKind.ALL, "全部", tuple(p.id for p in people), True, False)
        body = render_feed(spec, events, stamps, 12)
        t2 = time.perf_counter()
        print(
            f"  {len(events):>7,} events  {len(body) / 1e6:7.2f} MB  content {t1 - t0:6.3f} s"
            f"  write {t2 - t1:6.3f} s  total {t2 - t0:6.3f} s"
        )
    # the same 1,000 events through icalendar, for reference
    plans = pl.plan_all(people_for(1000), TODAY)
    events = [e for plan in plans for e in plan_events(plan, Lang.ZH, uid_key=UID_KEY)]
    t0 = time.perf_counter()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//renewd//bench//ZH")
    cal.add("version", "2.0")
    for e in events:
        ev = icalendar.Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", NOW)
        ev.add("sequence", 0)
        ev.add("dtstart", e.day)
        ev.add("dtend", e.day + dt.timedelta(days=1))
        ev.add("summary", e.masked_summary)
        ev.add("description", e.description)
        cal.add_component(ev)
    cal.to_ical()
    print(f"  icalendar reference, {len(events):,} events: {time.perf_counter() - t0:.3f} s")


def bench_cache(events: int) -> None:
    """The whole refresh with the SQLite store, first run and unchanged re-run."""
    pl = planner()
    people = people_for(events)
    with tempfile.TemporaryDirectory() as tmp:
        cache = FeedCache(settings(Path(tmp)), Database.in_dir(Path(tmp)), b"k" * 32)
        for label in ("first refresh", "next day, unchanged data"):
            t0 = time.perf_counter()
            plans = pl.plan_all(people, TODAY)
            cache.refresh(people, plans, TODAY, NOW)
            body = cache.published("all").body
            print(
                f"  FeedCache {label}: {len(people):,} people, {body.count(b'BEGIN:VEVENT'):,}"
                f" events, {len(cache.specs):,} feeds: {time.perf_counter() - t0:.3f} s"
            )
            cache._gen = None  # force a rebuild (as a new day would)


def bench_one_change(people_count: int) -> None:
    """One person's step recorded (the daemon keeps everyone else's plan object), then a roster
    reload that plans everyone again with one row changed, beside the first full refresh."""
    pl = planner()
    people = crowd(people_count)
    plans = pl.plan_all(people, TODAY)
    with tempfile.TemporaryDirectory() as tmp:
        cache = FeedCache(settings(Path(tmp)), Database.in_dir(Path(tmp)), b"k" * 32)
        t0 = time.perf_counter()
        cache.refresh(people, plans, TODAY, NOW)
        full = time.perf_counter() - t0
        done = replace(people[0], progress=Progress(permit_renewed_on=people[0].permit_expires
                                                    - dt.timedelta(days=20)))  # fmt: skip
        kept = [pl.plan(done, TODAY), *plans[1:]]
        t0 = time.perf_counter()
        cache.refresh([done, *people[1:]], kept, TODAY, NOW)
        one = time.perf_counter() - t0
        renamed = [done, replace(people[1], name="改名"), *people[2:]]
        t0 = time.perf_counter()
        cache.refresh(renamed, pl.plan_all(renamed, TODAY), TODAY, NOW)
        reload = time.perf_counter() - t0
    print(
        f"  feeds after one change, {people_count:,} people: full refresh {full:.2f} s;"
        f" one step recorded {one:.2f} s; roster reload with one row changed {reload:.2f} s"
    )


def bench_hr_feed(people_count: int) -> None:
    """The all-people feed as served: size, events, gzip, time to render."""
    pl = planner()
    people = crowd(people_count)
    plans = pl.plan_all(people, TODAY)
    for window in (FeedsSettings().window_days, 400):  # the default; the old default
        with tempfile.TemporaryDirectory() as tmp:
            conf = settings(Path(tmp)).model_copy(
                update={"feeds": FeedsSettings(window_days=window)}
            )
            cache = FeedCache(conf, Database.in_dir(Path(tmp)), b"k" * 32)
            cache.refresh(people, plans, TODAY, NOW)
            t0 = time.perf_counter()
            published = cache.published("all")
            seconds = time.perf_counter() - t0
            body = published.body
            print(
                f"  all-people feed, {people_count:,} people, window_days {window}:"
                f" {body.count(b'BEGIN:VEVENT'):,} events, {len(body) / 1e6:.1f} MB"
                f" ({len(published.gzipped()[0]) / 1e6:.1f} MB gzip), rendered in {seconds:.2f} s"
            )


def _rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _measure_cache(people_count: int, trace: bool, pipe: Connection) -> None:
    """In a fresh process: plan, then refresh a cache; report memory before and after."""
    pl = planner()
    people = crowd(people_count)
    plans = pl.plan_all(people, TODAY)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.in_dir(Path(tmp))
        gc.collect()
        if trace:
            tracemalloc.start()
        before = _rss_mib()
        t0 = time.perf_counter()
        cache = FeedCache(settings(Path(tmp)), db, b"k" * 32)
        cache.refresh(people, plans, TODAY, NOW)
        seconds = time.perf_counter() - t0
        gc.collect()
        if trace:
            kept, peak = tracemalloc.get_traced_memory()
            pipe.send((kept / 2**20, peak / 2**20, seconds))
        else:
            pipe.send((before, _rss_mib(), seconds))
        del cache


def bench_memory(people_count: int) -> None:
    """What a refreshed cache keeps between refreshes (no feed rendered yet)."""
    ctx = mp.get_context("spawn")
    figures = []
    for trace in (False, True):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_measure_cache, args=(people_count, trace, child), daemon=True)
        proc.start()
        figures.append(parent.recv())
        proc.join(30)
    (before, after, seconds), (kept, peak, _) = figures
    print(
        f"  FeedCache memory, {people_count:,} people: RSS {before:.0f} → {after:.0f} MiB"
        f" (+{after - before:.0f}) over a {seconds:.2f} s refresh;"
        f" tracemalloc kept {kept:.1f} MiB, peak {peak:.1f} MiB"
    )


# -- serving ------------------------------------------------------------------------------------


def _serve(kind: str, pipe: Connection) -> None:
    async def main() -> None:
        tmp = tempfile.mkdtemp()
        cache = FeedCache(settings(Path(tmp)), Database.in_dir(Path(tmp)), b"k" * 32)
        # the all-people feed of 1,000 events, or one person's own feed among 10,000 people
        people = crowd(10_000) if kind == "person" else people_for(1000)
        cache.refresh(people, planner().plan_all(people, TODAY), TODAY, NOW)
        name = f"person-{people[0].id}" if kind == "person" else "all"
        body = cache.published(name).body
        if kind in ("renewd", "person"):
            app = build_app(cache)
            path = f"/feeds/{cache.token(name)}.ics"
        else:

            async def bare(request: web.Request) -> web.Response:
                return web.Response(body=body, content_type="text/calendar")

            app = web.Application()
            app.router.add_get("/bare", bare)
            path = "/bare"
        runner = await start(app, "127.0.0.1:0")
        pipe.send((bound_port(runner), path, len(body)))
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        await runner.cleanup()

    asyncio.run(main())


async def _load(url: str, clients: int, max_requests: int, max_seconds: float) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + max_seconds
    connector = aiohttp.TCPConnector(limit=clients)
    headers = {"Accept-Encoding": "identity"}
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:

        async def worker() -> None:
            while len(latencies) < max_requests and time.perf_counter() < deadline:
                t0 = time.perf_counter()
                async with session.get(url, headers=headers) as resp:
                    await resp.read()
                    assert resp.status == 200
                latencies.append(time.perf_counter() - t0)

        await worker()  # warm up the connection and the cache
        latencies.clear()
        deadline = time.perf_counter() + max_seconds
        start_time = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        latencies.append(time.perf_counter() - start_time)  # the last item is the wall time
    return latencies


def bench_serve(max_requests: int, max_seconds: float) -> None:
    print(
        f"warm GET of a 1,000-event feed over 127.0.0.1 (≤{max_requests} requests, ≤{max_seconds}s)"
    )
    ctx = mp.get_context("spawn")
    results: dict[tuple[str, int], float] = {}
    for kind in ("bare", "renewd", "person"):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(kind, child), daemon=True)
        proc.start()
        port, path, size = parent.recv()
        try:
            for clients in (1, 8):
                lat = asyncio.run(
                    _load(f"http://127.0.0.1:{port}{path}", clients, max_requests, max_seconds)
                )
                wall, lat = lat[-1], sorted(lat[:-1])
                rate = len(lat) / wall
                results[kind, clients] = rate
                p50 = statistics.median(lat) * 1000
                p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
                plural = "s" if clients > 1 else " "
                print(
                    f"  {kind:>6}  {clients} client{plural}  {size / 1e3:.0f} KB"
                    f"  {rate:7.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
                )
        finally:
            parent.send("stop")
            proc.join(10)
    for clients in (1, 8):
        share = results["renewd", clients] / results["bare", clients]
        print(f"  renewd / bare with {clients} client(s): {share:.0%}")


def bench_person_feeds(people_count: int, requests: int = 500) -> None:
    """The first request of `requests` people's own feeds (each made then, issue 20)."""
    tmp = tempfile.mkdtemp()
    cache = FeedCache(settings(Path(tmp)), Database.in_dir(Path(tmp)), b"k" * 32)
    people = crowd(people_count)
    cache.refresh(people, planner().plan_all(people, TODAY), TODAY, NOW)
    times = []
    for person in people[:requests]:
        t0 = time.perf_counter()
        cache.feed_name(cache.token(f"person-{person.id}"))
        cache.published(f"person-{person.id}")
        times.append(time.perf_counter() - t0)
    times.sort()
    p50, p99 = statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000
    print(
        f"person feeds, first request of {requests} of {people_count:,} people's own feeds"
        f" (token lookup and render): p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter runs")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    bench_hr_feed(20_000)
    bench_one_change(10_000 if args.quick else 100_000)
    bench_render(sizes)
    bench_cache(10_000)
    bench_memory(10_000)
    bench_serve(1000 if args.quick else 5000, 2.0 if args.quick else 5.0)
    bench_person_feeds(10_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
