"""`renewd check`, the daemon's start-up and SIGHUP refuse the same configurations (issue 18,
defect 4): every configuration-error fixture of the suite (`configkit`), and a configuration whose
extra feed takes the name of a feed the roster defines.

SIGHUP keeps the last good state on any failure and says so on /healthz: the running
configuration and the roster in force stay, feeds keep refreshing, a later roster edit is taken
in (not blamed on the roster), and fixing the file clears the warning. On main, an extra feed
named `person-1001` was taken on SIGHUP and then raised inside every publish.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from configkit import CLASHES, CONFIG_ERRORS, MINIMAL, ROSTER, BadConfig, Clash
from daemonkit import Daemon as Process
from netkit import free_port
from renewd.cli import build_parser
from renewd.core.errors import EX_CONFIG, EX_DATAERR, ConfigError, RenewdError
from renewd.daemon.runtime import Daemon

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CONSOLE = '[[channels]]\nname = "console"\ntype = "console"\n'
NEW_PERSON = "1003,王五,研发部,2027-05-01\n"


@pytest.fixture(autouse=True)
def _no_settling(monkeypatch: pytest.MonkeyPatch) -> None:
    """No production wait for a roster being written (tests write theirs at once): 10 s a
    daemon start otherwise. From the environment, so the configurations compared stay as is."""
    monkeypatch.setenv("RENEWD_ROSTER__SETTLE_SECONDS", "0")


def running_config(write: Write, text: str = MINIMAL) -> Path:
    """`text` with a state directory, a free port and a console channel: a daemon can run it."""
    port = free_port()
    return write(
        "config.toml",
        f'{text}\n[state]\ndir = "state"\n[server]\nlisten = "127.0.0.1:{port}"\n'
        f'base_url = "http://127.0.0.1:{port}"\n{CONSOLE}',
    )


def check(config: Path) -> int:
    """`renewd check -c CONFIG` in this process: its exit code, as the CLI's handler gives it."""
    args = build_parser().parse_args(["check", "-c", str(config)])
    try:
        code: int = args.handler(args)
    except RenewdError as exc:
        return exc.exit_code
    return code


def healthz(daemon: Daemon) -> tuple[int, dict[str, Any]]:
    url = f"http://{daemon.settings.server.listen}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


async def sighup_keeps_the_last_good_state(daemon: Daemon, config: Path, bad: str) -> str:
    """Replace the running configuration by `bad`, reload: everything stays as it was, /healthz
    says the configuration was refused, and a roster edit is still taken in. Returns the
    warning."""
    good, settings = config.read_text(encoding="utf-8"), daemon.settings
    snapshot = daemon.snapshot
    assert snapshot is not None
    config.write_text(bad, encoding="utf-8")
    assert not await daemon.reload()
    assert daemon.settings is settings
    assert daemon.snapshot is snapshot
    status, body = await asyncio.to_thread(healthz, daemon)
    assert (status, body["status"]) == (200, "degraded"), body
    (warning,) = [w for w in body["warnings"] if "configuration reload rejected" in w]
    assert "kept" in warning
    (config.parent / "people.csv").write_text(ROSTER + NEW_PERSON, encoding="utf-8")
    assert await daemon.reload()  # the roster edit comes in under the running configuration
    assert daemon.settings is settings
    assert daemon.snapshot is not None
    assert [p.id for p in daemon.snapshot.people] == ["1001", "1002", "1003"]
    assert daemon.health.roster_problems == []  # nothing blamed on the roster
    assert daemon.feeds is not None
    assert "person-1003" in {spec.name for spec in daemon.feeds.specs}  # the feeds follow
    config.write_text(good, encoding="utf-8")
    await daemon.reload()
    assert daemon.health.config_problem is None
    return str(warning)


@pytest.mark.parametrize("bad", CONFIG_ERRORS, ids=[b.id for b in CONFIG_ERRORS])
def test_check_start_up_and_sighup_refuse_a_bad_configuration(write: Write, bad: BadConfig) -> None:
    write("people.csv", ROSTER)
    config = write("config.toml", bad.text)
    assert check(config) == EX_CONFIG
    with pytest.raises(ConfigError) as refused:  # start-up: `renewd run` exits 78
        Daemon(config, clock=lambda: NOW)
    assert refused.value.exit_code == EX_CONFIG
    good = running_config(write)

    async def scenario() -> None:
        daemon = Daemon(good, clock=lambda: NOW)
        await daemon.start()
        try:
            warning = await sighup_keeps_the_last_good_state(daemon, good, bad.text)
            if bad.field is not None:
                assert bad.field in warning  # where, on /healthz; never a value
        finally:
            await daemon.stop()

    asyncio.run(scenario())


@pytest.mark.parametrize("clash", CLASHES, ids=[c.id for c in CLASHES])
def test_check_start_up_and_sighup_refuse_an_extra_feed_named_like_the_rosters(
    write: Write, clash: Clash
) -> None:
    write("people.csv", ROSTER)
    config = running_config(write, clash.text)
    assert check(config) == EX_DATAERR  # the pair is refused, naming the row

    async def start_up() -> None:  # serves no roster: 503, naming where the clash is
        daemon = Daemon(config, clock=lambda: NOW)
        await daemon.start()
        try:
            assert daemon.snapshot is None
            status, body = await asyncio.to_thread(healthz, daemon)
            assert (status, body["status"]) == (503, "unhealthy"), body
            assert clash.row in json.dumps(body, ensure_ascii=False)
        finally:
            await daemon.stop()

    asyncio.run(start_up())
    good = running_config(write)
    bad = clash.text + good.read_text(encoding="utf-8").removeprefix(MINIMAL)

    async def reload() -> None:
        daemon = Daemon(good, clock=lambda: NOW)
        await daemon.start()
        try:
            warning = await sighup_keeps_the_last_good_state(daemon, good, bad)
            assert clash.row in warning
        finally:
            await daemon.stop()

    asyncio.run(reload())


def until(process: Process, holds: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """/healthz's body once `holds` is true of it (20 s at most)."""
    deadline = time.monotonic() + 20
    while True:
        body = process.health()[1]
        if holds(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def rejected(body: dict[str, Any]) -> bool:
    return any("reload rejected" in w for w in body["warnings"])


def test_sighup_with_a_clashing_extra_feed_keeps_the_daemon_whole(write: Write) -> None:
    """The issue's report, as a process: SIGHUP with an extra feed `person-1001`, then a roster
    edit. Before, the reload raised inside publish, the roster reload was skipped, feeds stopped
    refreshing, the console's passes died ("Task exception was never retrieved"), every later
    roster edit was blamed on the roster and /healthz said nothing."""
    write("people.csv", ROSTER)
    config = running_config(write, MINIMAL + "settle_seconds = 0\n")
    port = int(config.read_text(encoding="utf-8").split("127.0.0.1:")[1].split('"')[0])
    process = Process(config, port).start()
    try:
        assert process.read_notify("READY=1"), process.output()
        good = config.read_text(encoding="utf-8")
        extra = '[[feeds.extra]]\nname = "person-1001"\ngroups = ["研发部"]\n'
        config.write_text(good + extra, encoding="utf-8")
        process.signal(signal.SIGHUP)
        body = until(process, rejected)
        assert rejected(body), body
        assert "row 2" in json.dumps(body, ensure_ascii=False)
        (config.parent / "people.csv").write_text(ROSTER + NEW_PERSON, encoding="utf-8")
        body = until(process, lambda b: b["counts"]["people"] == 3)
        assert body["counts"]["people"] == 3, body  # the watcher took the edit in
        assert body["counts"]["roster_problems"] == 0, body  # not blamed on the roster
        config.write_text(good, encoding="utf-8")
        process.signal(signal.SIGHUP)
        body = until(process, lambda b: not rejected(b))
        assert not rejected(body), body
    finally:
        _, output = process.stop()
    assert "Traceback" not in output
    assert "Task exception was never retrieved" not in output


def test_feeds_that_cannot_be_written_are_said_and_published_at_the_next_sweep(
    write: Write,
) -> None:
    """A reload whose feeds cannot be written (the state database full or locked) escaped into
    the loop before; now the new snapshot stays in force, /healthz says the feeds are behind,
    and the next sweep publishes them."""
    write("people.csv", ROSTER)
    config = running_config(write)

    async def scenario() -> None:
        daemon = Daemon(config, clock=lambda: NOW)
        await daemon.start()
        try:
            feeds = daemon.feeds
            assert feeds is not None
            refresh = feeds.refresh

            def full(*args: Any, **kwargs: Any) -> bool:
                raise sqlite3.OperationalError("database or disk is full")

            feeds.refresh = full  # type: ignore[method-assign]
            (config.parent / "people.csv").write_text(ROSTER + NEW_PERSON, encoding="utf-8")
            assert await daemon.reload()
            assert daemon.snapshot is not None
            assert len(daemon.snapshot.people) == 3  # in force for the passes
            assert "person-1003" not in {spec.name for spec in feeds.specs}  # the old feeds
            status, body = await asyncio.to_thread(healthz, daemon)
            assert (status, body["status"]) == (200, "degraded"), body
            assert any("feeds not refreshed" in w for w in body["warnings"]), body
            feeds.refresh = refresh  # type: ignore[method-assign]
            await daemon.run_pass("sweep")
            assert "person-1003" in {spec.name for spec in feeds.specs}
            status, body = await asyncio.to_thread(healthz, daemon)
            assert not any("feeds not refreshed" in w for w in body["warnings"]), body
        finally:
            await daemon.stop()

    asyncio.run(scenario())
