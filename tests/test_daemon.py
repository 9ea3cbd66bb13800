"""`renewd run` as a process: READY, health, feeds, reloads, SIGTERM, and the state lock."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from daemonkit import Daemon
from netkit import free_port

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]

GOOD = """\
工号,姓名,部门,居住证到期日
1001,张三,研发部,2027-03-15
1002,李四,研发部,2027-04-20
"""


@pytest.fixture
def config(write: Write, tmp_path: Path) -> Path:
    write("people.csv", GOOD)
    port = free_port()
    return write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        [notify]
        sweep_seconds = 1
        [[channels]]
        name = "console"
        type = "console"
        # These processes run on the real clock: an official 2027 keeps /healthz free of the
        # "import the holiday notice" warning whatever the date (test_calendar_changes has it).
        [calendar.years.2027]
        complete = true
        """,
    )


def port_of(config: Path) -> int:
    match = re.search(r"127\.0\.0\.1:(\d+)", config.read_text())
    assert match
    return int(match.group(1))


@pytest.fixture
def daemon(config: Path) -> Iterator[Daemon]:
    d = Daemon(config, port_of(config)).start()
    assert d.read_notify("READY=1"), d.kill()
    d.wait_planned()  # the feeds answer 503 until then
    yield d
    d.stop()


def feed_url(config: Path, name: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "feeds", "-c", str(config), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    feeds = json.loads(result.stdout)["feeds"]
    entry = next(f for f in feeds if f["name"] == name)
    return str(entry["https"]).split(str(port_of(config)), 1)[1]


def test_ready_health_feed_and_status(daemon: Daemon, config: Path) -> None:
    # READY comes before everyone is planned: /healthz says `starting`, then `ok`
    assert daemon.health()[1]["status"] in ("starting", "ok")
    assert daemon.wait_health_status("ok")
    assert daemon.read_notify("STATUS=")
    assert any(m.startswith("STATUS=") and "2 人" in m for m in daemon.messages)
    assert daemon.read_notify("WATCHDOG=1", timeout=5)
    code, ics = daemon.get(feed_url(config, "all"))
    assert code == 200
    assert b"BEGIN:VCALENDAR" in ics
    code, metrics = daemon.get("/metrics")
    assert b"renewd_people 2.0" in metrics


def test_a_bad_row_holds_back_only_its_own_person_and_health_degrades(
    daemon: Daemon, config: Path
) -> None:
    path = feed_url(config, "all")
    _, before = daemon.get(path)
    roster = config.parent / "people.csv"
    # A new person with a bad date: left out; everyone else is served as before.
    roster.write_text(GOOD + "1003,王五,研发部,2027-02-30\n", encoding="utf-8")
    # degraded may already be said for an estimated holiday calendar: wait for the row too
    body = daemon.wait_health_status("degraded", lambda b: b["counts"]["roster_problems"] == 1)
    assert body["problems"] == []
    warnings = " ".join(map(str, body["warnings"]))
    assert "people.csv, row 4, field '居住证到期日'" in warnings
    assert body["counts"] == {"people": 2, "roster_problems": 1, "stale_files": 0,
                              "kept_records": 0, "left_out": 1, "dead_letters": 0,
                              "retries_waiting": 0}  # fmt: skip
    code, during = daemon.get(path)
    assert code == 200
    assert during == before
    # A typo in a known person's date: his last good record stays, with his events.
    roster.write_text(GOOD.replace("2027-03-15", "2027-13-15"), encoding="utf-8")
    body = daemon.wait_health_status("degraded", lambda b: b["counts"]["kept_records"] == 1)
    assert body["counts"]["people"] == 2
    assert daemon.get(path)[1] == before
    roster.write_text(GOOD + "1003,王五,研发部,2027-02-28\n", encoding="utf-8")
    daemon.wait_health_status("ok")
    _, after = daemon.get(path)
    assert "王*（1003）".encode() in after


def test_an_unreadable_roster_file_keeps_its_last_good_version(
    daemon: Daemon, config: Path
) -> None:
    (config.parent / "people.csv").unlink()
    body = daemon.wait_health_status("degraded", lambda b: b["counts"]["stale_files"] == 1)
    assert body["counts"]["stale_files"] == 1
    assert body["counts"]["people"] == 2
    assert "cannot read file" not in json.dumps(body)  # locations only, never messages


def test_no_roster_at_all_is_unhealthy(write: Write, config: Path) -> None:
    (config.parent / "people.csv").write_text("工号,姓名,部门,居住证到期日\n", encoding="utf-8")
    d = Daemon(config, port_of(config)).start()
    try:
        assert d.read_notify("READY=1"), d.kill()
        status, body = d.health()
        assert status == 503
        assert body["status"] == "unhealthy"
        assert "no roster at all" in str(body["problems"])
    finally:
        d.stop()


def test_sighup_reloads_the_roster(daemon: Daemon, config: Path) -> None:
    roster = config.parent / "people.csv"
    roster.write_text(GOOD + "1003,王五,市场部,2027-05-01\n", encoding="utf-8")
    daemon.signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        _, metrics = daemon.get("/metrics")
        if b"renewd_people 3.0" in metrics:
            break
        time.sleep(0.2)
    else:
        pytest.fail("SIGHUP did not reload the roster")


def test_sigterm_sends_stopping_and_exits_zero(daemon: Daemon) -> None:
    daemon.signal(signal.SIGTERM)
    assert daemon.read_notify("STOPPING=1")
    code, out = daemon.stop()
    assert code == 0, out


def test_second_instance_on_the_same_state_is_refused(daemon: Daemon, config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "run", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 75
    assert "already running" in result.stderr


def test_bad_config_refuses_to_start_with_78(write: Write) -> None:
    config = write("bad.toml", '[roster]\nfiles = ["people.csv"]\n[notify]\nsend_at = "x"\n')
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "run", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 78
    assert "notify.send_at" in result.stderr


def test_done_reaches_the_running_daemon_within_a_sweep(daemon: Daemon, config: Path) -> None:
    result = subprocess.run(
        # On the real clock: a step with no window to fall outside (a permit renewal is refused
        # before its window opens, which depends on today's date).
        [sys.executable, "-m", "renewd", "done", "-c", str(config), "1001", "applied"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pattern = re.compile(rb'renewd_milestones\{kind="points_application",status="done"\} 1\.0')
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if pattern.search(daemon.get("/metrics")[1]):
            return
        time.sleep(0.2)
    pytest.fail("the daemon did not pick up `renewd done`")


def test_channel_without_its_secret_refuses_to_start(write: Write) -> None:
    write("people.csv", GOOD)
    config = write(
        "tg.toml",
        '[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "tg"\ntype = "telegram"\n',
    )
    for command in ("check", "run"):
        result = subprocess.run(
            [sys.executable, "-m", "renewd", command, "-c", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 78, (command, result.stderr)
        assert "tg" in result.stderr


def test_renewd_serve_serves_feeds_and_health_and_stops_on_sigterm(config: Path) -> None:
    served = Daemon(config, port_of(config), command="serve").start()
    try:
        assert served.read_notify("READY=1"), served.kill()
        assert served.health()[0] == 200
        code, ics = served.get(feed_url(config, "all"))
        assert code == 200
        assert b"BEGIN:VCALENDAR" in ics
        assert not (config.parent / "state" / "renewd.lock").exists()  # it sends nothing
    finally:
        code, out = served.stop()
    assert code == 0, out
