"""Benchmark: the console's overview and people pages at 100,000 people, warm, over the loopback.

.venv/bin/python bench/console.py [--people N] [--requests R]

Builds a roster and plans (as bench/plan.py), mounts the console on a real aiohttp server on
127.0.0.1, signs in as an admin and as a one-group account, then times R requests per page
after a warm-up. Prints p50 and p99 per page. Goal: p99 under 100 ms for a page of 50 people.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from aiohttp import web

sys.path.insert(0, str(Path(__file__).parent))
from plan import write_roster
from renewd.core.model import PersonPlan, Step
from renewd.core.plan import Planner
from renewd.core.policy import Policy
from renewd.core.workdays import WorkdayCalendar
from renewd.delivery.actionlinks import ActionLinks
from renewd.roster.reader import load_roster
from renewd.settings import Settings
from renewd.store.accounts import Accounts
from renewd.store.database import Database
from renewd.store.progress import Fact
from renewd.web.console.app import Console
from renewd.web.console.routes import mount
from renewd.web.console.source import PlansView, RosterCheck
from renewd.web.publisher import FeedCache

TODAY = dt.date(2026, 11, 27)
PASSWORD = "bench-password"


class BenchSource:
    """A ConsoleSource holding one snapshot; recording is not benchmarked."""

    def __init__(self, snapshot: PlansView) -> None:
        self._snapshot = snapshot

    def view(self) -> PlansView:
        return self._snapshot

    def now(self) -> dt.datetime:
        return dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)

    @property
    def feeds(self) -> FeedCache | None:
        return None

    def record(self, person: str, step: Step | None, day: dt.date | None, *,
               new_expiry: dt.date | None = None, by: str) -> PersonPlan | None:  # fmt: skip
        return None

    def undo(self, person: str, step: Step, *, by: str) -> PersonPlan | None:
        return None

    def recorded(self, person: str) -> list[Fact]:
        return []

    def roster_files(self) -> list[Path]:
        return []

    def check_roster(self, target: Path, data: bytes, suffix: str) -> RosterCheck:
        raise NotImplementedError

    def swap_roster(self, upload: str) -> RosterCheck:
        raise NotImplementedError

    def kick(self) -> None:
        pass


def serve(app: web.Application) -> int:
    ready: list[int] = []
    loop = asyncio.new_event_loop()

    async def start() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ready.append(int(runner.addresses[0][1]))

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    while not ready:
        time.sleep(0.01)
    return ready[0]


def sign_in(base: str, name: str) -> requests.Session:
    web_session = requests.Session()
    web_session.get(base + "/signin")
    csrf = web_session.cookies["renewd_presign"]
    response = web_session.post(
        base + "/signin", data={"name": name, "password": PASSWORD, "csrf": csrf}
    )
    response.raise_for_status()
    return web_session


def timed(session: requests.Session, url: str, count: int) -> tuple[float, float]:
    session.get(url).raise_for_status()  # warm: the index and per-account caches exist
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        response = session.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        response.raise_for_status()
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        write_roster(path, args.people)
        roster = load_roster([path])
        calendar = WorkdayCalendar()
        plans = tuple(Planner(Policy(), calendar).plan_all(roster.people, TODAY))
        db = Database(Path(tmp) / "state" / "renewd.sqlite3")
        accounts = Accounts(db)
        now = dt.datetime.now(dt.UTC)
        accounts.add("admin", PASSWORD, groups=frozenset(), admin=True, now=now)
        accounts.add("hr7", PASSWORD, groups=frozenset({"部门7"}), admin=False, now=now)
        settings = Settings(roster={"files": [str(path)]})
        source = BenchSource(PlansView(TODAY, plans, calendar))
        t0 = time.perf_counter()
        console = Console(settings, source, accounts, ActionLinks(b"k" * 32, "http://x"), db)
        app = web.Application()
        mount(app, console)
        base = f"http://127.0.0.1:{serve(app)}"
        admin = sign_in(base, "admin")
        admin.get(base + "/").raise_for_status()
        print(f"people:              {len(plans):,}")
        took = (time.perf_counter() - t0) * 1000
        print(f"index, first page:   {took:.0f} ms (once per refresh, in the refresh thread)")
        hr = sign_in(base, "hr7")
        pages = [
            ("admin  /", admin, "/"),
            ("admin  /people", admin, "/people"),
            ("admin  /people?page=1000", admin, "/people?page=1000"),
            ("admin  /people?status=overdue", admin, "/people?status=overdue"),
            ("admin  /people?q=员工4242", admin, "/people?q=%E5%91%98%E5%B7%A54242"),
            ("hr7    /", hr, "/"),
            ("hr7    /people", hr, "/people"),
            ("admin  /people/E000042", admin, "/people/E000042"),
        ]
        print(f"{'page':36} {'p50 ms':>8} {'p99 ms':>8}  ({args.requests} warm requests each)")
        for label, session, url in pages:
            p50, p99 = timed(session, base + url, args.requests)
            print(f"{label:36} {p50:8.1f} {p99:8.1f}")
        db.close()


if __name__ == "__main__":
    main()
