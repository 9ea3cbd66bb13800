"""READY before everyone is planned (issue 20): the daemon reads its configuration, state and
roster, listens and says READY, then builds the plans in the background. Meanwhile feeds answer
503 with Retry-After, /healthz says `starting` (HTTP 200), the console says the plans are being
built, and the first delivery pass waits for them. Building is made slow by a planner that waits
for the test (`gate`), so every "meanwhile" is checked while it really is meanwhile."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import PERMIT_DUE
from netkit import free_port
from renewd.calendar import snapshot as snapshots
from renewd.daemon import snapshots as daemon_snapshots
from renewd.daemon.runtime import Daemon
from renewd.daemon.systemd import Notifier
from renewd.store.deliveries import DeliveryLog

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
ZONE = dt.timezone(dt.timedelta(hours=8))
ROSTER = (
    "工号,姓名,部门,居住证到期日,邮箱\n"
    "1001,张三,研发部,2026-06-30,zhangsan@example.com\n"
    "1002,李四,研发部,2026-06-30,lisi@example.com\n"
)


class Recorder(Notifier):
    """sd_notify as systemd would see it: every message, in order."""

    def __init__(self) -> None:
        super().__init__({})
        self.sent: list[dict[str, str | int]] = []

    def notify(self, **fields: str | int) -> bool:
        self.sent.append(fields)
        return True


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def config(write: Write) -> Path:
    write("people.csv", ROSTER)
    port = free_port()
    return write(
        "config.toml",
        f'[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
    )


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Planning everyone waits until the test opens the gate (a slow planner)."""
    opened = threading.Event()
    build = snapshots.build_snapshot

    def slow(*args: Any, **kwargs: Any) -> snapshots.Snapshot:
        assert opened.wait(30), "the test never opened the gate"
        return build(*args, **kwargs)

    monkeypatch.setattr(daemon_snapshots, "build_snapshot", slow)
    return opened


def all_feed_path(config: Path) -> str:
    """The all-people feed's path, as `renewd feeds --json` gives it (its real token)."""
    out = subprocess.run(
        [sys.executable, "-m", "renewd", "feeds", "-c", str(config), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    url = next(f["https"] for f in json.loads(out)["feeds"] if f["name"] == "all")
    return "/feeds/" + str(url).split("/feeds/", 1)[1]


def test_ready_before_the_plans_then_feeds_and_health_follow_them(
    config: Path, gate: threading.Event
) -> None:
    feed = all_feed_path(config)
    port = int(config.read_text().split("127.0.0.1:")[1].split('"')[0])
    day = PERMIT_DUE - dt.timedelta(days=3)
    now = dt.datetime.combine(day, dt.time(9, 30), ZONE)

    async def scenario() -> None:
        notifier = Recorder()
        daemon = Daemon(config, clock=lambda: now, notifier=notifier)
        await daemon.start(wait=False)
        try:
            assert {"READY": 1} in notifier.sent  # said before anyone is planned
            assert daemon.snapshot is None
            assert not daemon.first.done.is_set()
            status, headers, body = await asyncio.to_thread(get, port, feed)
            assert status == 503, body
            assert int(headers["Retry-After"]) > 0
            status, headers, _ = await asyncio.to_thread(get, port, "/feeds/unknown.ics")
            assert status == 503  # every token alike: none is known, none refused yet
            status, _, body = await asyncio.to_thread(get, port, "/healthz")
            health = json.loads(body)
            assert status == 200  # a HEALTHCHECK must not count the start against it
            assert health["status"] == "starting"
            assert health["counts"]["people"] == 2
            assert "no roster" not in json.dumps(health)
            status, _, page = await asyncio.to_thread(get, port, "/signin")
            assert status == 200
            assert b'id="building"' in page
            # The first pass waits for the plans: on none it would find nobody due.
            first = asyncio.ensure_future(daemon.run_pass("send_at"))
            await asyncio.sleep(0.5)
            assert not first.done()
            assert daemon.db is not None
            assert DeliveryLog(daemon.db).history() == []
            with pytest.raises(RuntimeError, match="still being built"):
                daemon.deliver(now)

            gate.set()
            await asyncio.wait_for(first, 30)
            assert daemon.first.done.is_set()
            assert daemon.snapshot is not None
            assert len(DeliveryLog(daemon.db).history()) == 2  # 1001 and 1002, one each
            status, headers, body = await asyncio.to_thread(get, port, feed)
            assert status == 200
            assert b"BEGIN:VCALENDAR" in body
            assert "Retry-After" not in headers
            status, _, body = await asyncio.to_thread(get, port, "/feeds/unknown.ics")
            assert status == 404
            status, _, body = await asyncio.to_thread(get, port, "/healthz")
            assert status == 200
            assert json.loads(body)["status"] == "ok", body
            status, _, page = await asyncio.to_thread(get, port, "/signin")
            assert b'id="building"' not in page
        finally:
            gate.set()
            await daemon.stop()

    asyncio.run(scenario())


def test_a_roster_that_cannot_be_planned_ends_the_start_without_a_roster(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning that fails leaves no `starting` behind: the last good roster (none) stands,
    /healthz says so, and the passes are not held back forever."""

    def broken(*args: Any, **kwargs: Any) -> snapshots.Snapshot:
        raise snapshots.UnplannableRoster("the roster cannot be planned: 2 of 2 people")

    monkeypatch.setattr(daemon_snapshots, "build_snapshot", broken)
    port = int(config.read_text().split("127.0.0.1:")[1].split('"')[0])

    async def scenario() -> None:
        daemon = Daemon(config, clock=lambda: dt.datetime(2026, 6, 8, 9, 30, tzinfo=ZONE))
        await daemon.start()
        try:
            assert daemon.first.done.is_set()
            assert daemon.snapshot is None
            status, _, body = await asyncio.to_thread(get, port, "/healthz")
            assert status == 503
            assert json.loads(body)["status"] == "unhealthy", body
            status, _, _ = await asyncio.to_thread(get, port, "/feeds/unknown.ics")
            assert status == 404
        finally:
            await daemon.stop()

    asyncio.run(scenario())
