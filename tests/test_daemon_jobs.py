"""The daemon in-process: its job functions called directly with an injected clock (APScheduler
only wakes them up), /healthz and /metrics over a real socket."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import responses

from conftest import EXPIRES, PERMIT_DUE
from netkit import free_port
from renewd.core.model import MilestoneKind, Step
from renewd.core.reminders import MessageKey, ReminderKey
from renewd.daemon.runtime import Daemon
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import DeliveryStatus
from renewd.store.progress import ProgressStore

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
ZONE = dt.timezone(dt.timedelta(hours=8))
API = "https://wecom.test"
HEADER = "工号,姓名,部门,居住证到期日,企业微信\n"
ROSTER = HEADER + "1001,张三,研发部,2026-06-30,zhangsan\n1002,李四,研发部,2026-06-30,lisi\n"
CONSOLE = '[[channels]]\nname = "console"\ntype = "console"\n'
WECOM_APP = (
    '[[channels]]\nname = "app"\ntype = "wecom"\ncorp_id = "ww1"\nagent_id = 1000002\n'
    f'secret = "S3CRET"\napi_url = "{API}"\n'
)


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE)


class Clock:
    """The daemon's clock, moved by the test."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def make_config(write: Write) -> Callable[..., Path]:
    def make(channels: str = CONSOLE, extra: str = "", roster: str = ROSTER) -> Path:
        write("people.csv", roster)
        port = free_port()
        return write(
            "config.toml",
            f'[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
            f'[server]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n'
            f"{extra}{channels}",
        )

    return make


@asynccontextmanager
async def running(config: Path, clock: Clock, **kw: Any) -> AsyncIterator[Daemon]:
    daemon = Daemon(config, clock=clock, **kw)
    await daemon.start()
    try:
        yield daemon
    finally:
        await daemon.stop()


def get(daemon: Daemon, path: str) -> tuple[int, bytes]:
    url = f"http://{daemon.settings.server.listen}{path}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


async def health(daemon: Daemon) -> tuple[int, dict[str, Any]]:
    status, body = await asyncio.to_thread(get, daemon, "/healthz")
    return status, json.loads(body)


async def metric(daemon: Daemon, name: str) -> float:
    _, body = await asyncio.to_thread(get, daemon, "/metrics")
    found = re.search(rf"^{name} (\S+)$", body.decode(), re.MULTILINE)
    assert found, name
    return float(found.group(1))


def sent_rows(daemon: Daemon) -> list[str]:
    assert daemon.db is not None
    return [f"{r.subject} {r.status}" for r in DeliveryLog(daemon.db).history()]


@responses.activate
def test_the_wecom_access_token_outlives_passes_and_a_reload(
    make_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    gettoken = responses.get(
        f"{API}/cgi-bin/gettoken",
        json={"errcode": 0, "errmsg": "ok", "access_token": "TOKEN", "expires_in": 7200},
    )
    send = responses.post(f"{API}/cgi-bin/message/send", json={"errcode": 0, "errmsg": "ok"})
    config = make_config(WECOM_APP)
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3)))

    async def scenario() -> list[dict[str, int]]:
        async with running(config, clock) as daemon:
            channel = daemon.state.channels["app"]
            opened: list[object] = []
            connect = sqlite3.connect

            def counting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
                opened.append(args)
                connection: sqlite3.Connection = connect(*args, **kwargs)
                return connection

            monkeypatch.setattr(sqlite3, "connect", counting)
            counts = [await asyncio.to_thread(daemon.deliver, clock.now)]
            config.write_text(config.read_text() + "[feeds]\nalarms = true\n", encoding="utf-8")
            assert await daemon.reload()
            assert daemon.state.channels["app"] is channel  # unchanged channels are kept
            clock.now = at(PERMIT_DUE - dt.timedelta(days=1))
            await daemon.day_change()
            counts.append(await asyncio.to_thread(daemon.deliver, clock.now))
            assert opened == []  # passes use the daemon's own connection
            return counts

    counts = asyncio.run(scenario())
    assert all(c.get("sent") for c in counts), counts
    assert send.call_count == sum(c["sent"] for c in counts) >= 2
    assert gettoken.call_count == 1


def test_one_full_plan_per_day_change_and_none_for_a_sweep(
    make_config: Callable[..., Path],
) -> None:
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 23, 59))

    async def scenario() -> None:
        async with running(make_config(), clock) as daemon:
            assert await metric(daemon, "renewd_full_plans_total") == 1  # start-up
            await daemon.run_pass("sweep")
            await daemon.run_pass("sweep")
            assert not await daemon.day_change()
            assert await metric(daemon, "renewd_full_plans_total") == 1
            clock.now = at(PERMIT_DUE - dt.timedelta(days=2), 0, 0)
            assert await daemon.day_change()
            assert daemon.snapshot is not None
            assert daemon.snapshot.day == PERMIT_DUE - dt.timedelta(days=2)
            await daemon.run_pass("sweep")  # before send_at it works for yesterday: kept plans
            assert await metric(daemon, "renewd_full_plans_total") == 2

    asyncio.run(scenario())


def test_send_at_sends_today_and_a_night_sweep_does_not(
    make_config: Callable[..., Path],
) -> None:
    day = PERMIT_DUE - dt.timedelta(days=3)
    clock = Clock(at(day, 3, 0))

    async def scenario() -> None:
        async with running(make_config(), clock) as daemon:
            await daemon.run_pass("sweep")
            # A new install sends nothing before its first send_at: no back-dated catch-up.
            assert sent_rows(daemon) == []
            clock.now = at(day, 9, 30)
            await daemon.run_pass("send_at")
            assert daemon.db is not None
            rows = DeliveryLog(daemon.db).history()
            permit = [
                r
                for r in rows
                if isinstance(r.subject, MessageKey)
                and ReminderKey(r.subject.person, EXPIRES, MilestoneKind.PERMIT_RENEWAL, 3)
                in r.items
            ]
            assert len(permit) == 2, rows  # 1001 and 1002: one message each, lead 3 in it
            assert all(r.status is DeliveryStatus.SENT for r in permit)
            await daemon.run_pass("sweep")
            assert len(sent_rows(daemon)) == len(rows)  # nothing twice, nothing new
            clock.now = at(day + dt.timedelta(days=1), 3, 0)
            await daemon.run_pass("sweep")  # yesterday had its pass: nothing to catch up
            assert len(sent_rows(daemon)) == len(rows)

    asyncio.run(scenario())


def test_recorded_progress_replans_only_that_person(make_config: Callable[..., Path]) -> None:
    config = make_config()
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(config, clock) as daemon:
            other = Database.in_dir(config.parent / "state")
            try:
                ProgressStore(other).record("1001", Step.PERMIT_RENEWED, clock.now.date(),
                                            now=clock.now)  # fmt: skip
            finally:
                other.close()
            await daemon.run_pass("sweep")
            assert await metric(daemon, "renewd_person_replans_total") == 1
            assert await metric(daemon, "renewd_full_plans_total") == 1
            assert daemon.snapshot is not None
            done = {p.person.id: p.person.progress.permit_renewed_on for p in daemon.snapshot.plans}
            assert done == {"1001": clock.now.date(), "1002": None}

    asyncio.run(scenario())


def test_reload_plans_once_and_an_unchanged_reload_not_at_all(
    make_config: Callable[..., Path],
) -> None:
    config = make_config()
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(config, clock) as daemon:
            assert not await daemon.reload()
            assert await metric(daemon, "renewd_full_plans_total") == 1
            (config.parent / "people.csv").write_text(
                ROSTER + "1003,王五,市场部,2026-07-31,wangwu\n", encoding="utf-8"
            )
            assert await daemon.reload()
            assert await metric(daemon, "renewd_full_plans_total") == 2
            assert await metric(daemon, "renewd_people") == 3

    asyncio.run(scenario())


def test_a_roster_that_cannot_be_planned_keeps_the_last_good_one(
    make_config: Callable[..., Path],
) -> None:
    config = make_config(extra='[calendar]\nfallback = "error"\n')
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(config, clock) as daemon:
            await daemon.run_pass("sweep")
            status, body = await health(daemon)
            assert (status, body["status"], body["problems"], body["warnings"]) == (
                200, "ok", [], []
            )  # fmt: skip
            assert body["counts"]["dead_letters"] == 0
            roster = config.parent / "people.csv"
            roster.write_text(ROSTER + "1003,王五,市场部,2028-03-31,\n", encoding="utf-8")
            assert not await daemon.reload()
            status, body = await health(daemon)
            assert (status, body["status"]) == (200, "degraded")  # the last good one serves
            assert "people.csv, row 4" in body["warnings"][0]
            assert "王五" not in json.dumps(body, ensure_ascii=False)
            assert daemon.snapshot is not None
            assert len(daemon.snapshot.plans) == 2  # the last good roster serves
            assert await metric(daemon, "renewd_people") == 2
            roster.write_text(ROSTER, encoding="utf-8")
            assert not await daemon.reload()  # the same roster as the one in force
            assert (await health(daemon))[0] == 200

    asyncio.run(scenario())


def test_a_crashing_background_task_shows_on_healthz_and_is_restarted(
    make_config: Callable[..., Path],
) -> None:
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(make_config(), clock, restart_seconds=0.05, poll_seconds=0.01) as daemon:
            await daemon.run_pass("sweep")
            calls = 0

            def changed() -> bool:
                nonlocal calls
                calls += 1
                if calls <= 3:
                    raise OSError("disk on fire")
                return False

            daemon.state.watcher.changed = changed  # type: ignore[method-assign]
            daemon.supervisor.start("roster watcher", daemon.poll_roster_forever)
            for _ in range(100):
                if daemon.supervisor.restarts.get("roster watcher"):
                    break
                await asyncio.sleep(0.02)
            status, body = await health(daemon)
            assert status == 503
            assert body["problems"] == ["background task 'roster watcher' crashed (OSError);"
                                        " restarted"]  # fmt: skip
            for _ in range(200):
                if calls > 4:
                    break
                await asyncio.sleep(0.02)
            assert daemon.supervisor.restarts["roster watcher"] == 3
            assert (await health(daemon))[0] == 200  # it works again: the problem is gone

    asyncio.run(scenario())


def test_serve_is_the_daemon_with_delivery_off(make_config: Callable[..., Path]) -> None:
    config = make_config()
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 9, 30))

    async def scenario() -> None:
        async with running(config, clock, deliver=False) as daemon:
            await daemon.run_pass("send_at")
            assert sent_rows(daemon) == []  # nothing claimed, nothing sent
            (config.parent / "people.csv").write_text(
                ROSTER + "1003,王五,市场部,2026-07-31,\n", encoding="utf-8"
            )
            assert await daemon.reload()  # roster reloads as in `renewd run`
            assert await metric(daemon, "renewd_people") == 3
            clock.now = at(PERMIT_DUE - dt.timedelta(days=2), 0, 0)
            assert await daemon.day_change()
            status, body = await health(daemon)
            assert (status, body["problems"]) == (200, [])

    asyncio.run(scenario())


def test_a_scheduled_job_that_raises_shows_on_healthz_until_it_works(
    make_config: Callable[..., Path],
) -> None:
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(make_config(), clock) as daemon:
            real = daemon.state.sync_progress

            def broken() -> bool:
                raise RuntimeError("database on fire")

            daemon.state.sync_progress = broken  # type: ignore[method-assign]
            await daemon.scheduled("sweep")
            status, body = await health(daemon)
            assert status == 503
            assert "scheduled job 'sweep' failed (RuntimeError); see the log" in body["problems"]
            daemon.state.sync_progress = real  # type: ignore[method-assign]
            await daemon.scheduled("sweep")
            assert (await health(daemon))[0] == 200

    asyncio.run(scenario())


def test_a_reload_that_changes_the_channels_builds_them_anew(
    make_config: Callable[..., Path],
) -> None:
    config = make_config(channels="")
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(config, clock) as daemon:
            assert daemon.state.channels == {}
            config.write_text(config.read_text() + CONSOLE, encoding="utf-8")
            assert await daemon.reload()
            assert list(daemon.state.channels) == ["console"]
            assert daemon.snapshot is not None
            assert list(daemon.snapshot.channels) == ["console"]  # what the passes use

    asyncio.run(scenario())


def test_a_broken_roster_on_sighup_keeps_serving_and_delivering(
    make_config: Callable[..., Path],
) -> None:
    """Moved from the process tests, where it waited 2.5 s of real sweeps."""
    config = make_config()
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))

    async def scenario() -> None:
        async with running(config, clock) as daemon:
            await daemon.run_pass("sweep")
            assert daemon.feeds is not None
            feed = daemon.feeds.urls("all").https.split(daemon.settings.server.listen, 1)[1]
            code, before = await asyncio.to_thread(get, daemon, feed)
            assert code == 200
            roster = config.parent / "people.csv"
            roster.write_text(ROSTER + "1003,王五,研发部,not a date,\n", encoding="utf-8")
            assert not await daemon.reload()
            for minutes in (5, 10):  # sweeps meanwhile must not fail on the broken file
                clock.now = at(PERMIT_DUE - dt.timedelta(days=3), 10, minutes)
                await daemon.scheduled("sweep")
            status, body = await health(daemon)
            assert (status, body["status"], body["problems"]) == (200, "degraded", [])
            assert len(body["warnings"]) == 1
            assert "people.csv, row 4" in body["warnings"][0]
            assert body["counts"]["left_out"] == 1  # the new id, until his row is fixed
            assert daemon.health.last_sweep_error is None
            assert await metric(daemon, "renewd_people") == 2
            assert await asyncio.to_thread(get, daemon, feed) == (200, before)  # the last good

    asyncio.run(scenario())


def test_healthz_speaks_of_a_roster_only_once_its_feeds_are_published(
    make_config: Callable[..., Path],
) -> None:
    """/healthz said "ok" for a fixed roster while the old feeds were still being served (CI saw
    it): a feed reader that trusted it read yesterday's calendar. Now health follows the feeds."""
    bad = ROSTER + "1003,王五,市场部,2026-09-31,wangwu\n"  # HR's steps inside 120 days
    config = make_config(roster=bad)
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))
    seen: list[str] = []

    async def scenario() -> None:
        async with running(config, clock) as daemon:
            assert (await health(daemon))[1]["status"] == "degraded"
            assert daemon.feeds is not None
            path = "/feeds/" + daemon.feeds.urls("all").https.rsplit("/feeds/", 1)[1]
            publish = daemon.publish

            def observed() -> None:  # runs in the worker thread, with the loop free to answer
                seen.append(json.loads(get(daemon, "/healthz")[1])["status"])
                publish()
                seen.append(json.loads(get(daemon, "/healthz")[1])["status"])

            daemon.publish = observed  # type: ignore[method-assign]
            roster = config.parent / "people.csv"
            roster.write_text(ROSTER + "1003,王五,市场部,2026-09-30,wangwu\n", encoding="utf-8")
            assert await daemon.reload()
            status, body = await health(daemon)
            assert (status, body["status"]) == (200, "ok")
            assert "王*（1003）".encode() in (await asyncio.to_thread(get, daemon, path))[1]

    asyncio.run(scenario())
    assert seen == ["degraded", "degraded"]  # the old roster's word until its feeds are out


def test_a_pass_the_scheduler_cancels_at_shutdown_finishes_before_the_state_closes(
    make_config: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    """SIGTERM during a scheduled pass: APScheduler's shutdown cancels its running jobs. The
    pass is shielded, so `stop` waits for it under the pass lock and closes the state database
    only after its worker thread is done; nothing is logged as a crash."""
    clock = Clock(at(PERMIT_DUE - dt.timedelta(days=3), 10))
    seen: list[str] = []

    async def scenario() -> None:
        async with running(make_config(), clock) as daemon:
            real = daemon.deliver
            started = threading.Event()

            def slow(now: dt.datetime, sweep: bool = False) -> dict[str, int]:
                started.set()
                time.sleep(0.5)  # the worker thread is still sending when the loop stops
                counts = real(now, sweep)
                assert daemon.db is not None
                daemon.db.conn.execute("SELECT 1")  # the state is still open
                seen.append("finished")
                return counts

            daemon.deliver = slow  # type: ignore[method-assign]
            job = asyncio.ensure_future(daemon.scheduled("sweep"))
            await asyncio.to_thread(started.wait, 10)
            daemon._stop.set()  # SIGTERM, then the scheduler's shutdown cancels the job
            job.cancel()
            await asyncio.gather(job, return_exceptions=True)
        # `running` has stopped the daemon: it waited for the pass

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    assert seen == ["finished"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
