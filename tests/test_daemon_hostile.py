"""A running daemon facing hostile roster edits (issue 11, defects 1, 2, 3 and 8): it stays up,
keeps serving the last good roster, and says why on /healthz."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from daemonkit import Daemon
from netkit import free_port

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
HEADER = "工号,姓名,部门,居住证到期日\n"
GOOD = HEADER + "1001,张三,研发部,2027-03-15\n1002,李四,研发部,2027-04-20\n"


def people_metric(daemon: Daemon) -> bytes:
    _, metrics = daemon.get("/metrics")
    line = next(x for x in metrics.splitlines() if x.startswith(b"renewd_people "))
    return line.split()[1]


def start(write: Write, roster: str, *, settle: float = 0.5, extra: str = "") -> Daemon:
    port = free_port()
    config = write(
        "config.toml",
        f"""\
        [roster]
        files = ["{roster}"]
        settle_seconds = {settle}
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
        {extra}
        """,
    )
    daemon = Daemon(config, port).start()
    assert daemon.read_notify("READY=1"), daemon.kill()
    return daemon


@pytest.fixture
def stop() -> Iterator[list[Daemon]]:
    started: list[Daemon] = []
    yield started
    for daemon in started:
        daemon.stop()


def assert_kept(daemon: Daemon, where: str) -> dict[str, object]:
    # Other warnings (an estimated holiday year) may make it degraded first: wait for the reason.
    body = daemon.wait_health_status(
        "degraded", also=lambda b: where in " ".join(map(str, b.get("warnings", [])))
    )
    warnings = " ".join(map(str, body["warnings"]))
    assert where in warnings, warnings
    assert people_metric(daemon) == b"2.0"
    time.sleep(2.5)  # sweeps and the watcher go on meanwhile
    assert daemon.proc is not None
    assert daemon.proc.poll() is None
    status, again = daemon.health()
    assert (status, again["status"]) == (200, "degraded")
    return body


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_far_cell_xlsx_edit_keeps_the_last_good_roster(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in GOOD.splitlines():
        sheet.append(row.split(","))
    path = tmp_path / "people.xlsx"
    book.save(path)
    daemon = start(write, "people.xlsx")
    stop.append(daemon)
    assert people_metric(daemon) == b"2.0"
    sheet["XFD1048576"] = "x"
    book.save(tmp_path / "next.xlsx")
    (tmp_path / "next.xlsx").replace(path)  # written atomically, as the README says
    assert_kept(daemon, "people.xlsx")
    assert "XFD1048576" in daemon.output()


@pytest.mark.parametrize("day", ["2207-02-10", "0001-01-01", "9999-12-31"])
@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_date_the_calendar_cannot_plan_keeps_the_last_good_roster(
    write: Write, tmp_path: Path, stop: list[Daemon], day: str
) -> None:
    write("people.csv", GOOD)
    daemon = start(write, "people.csv")
    stop.append(daemon)
    (tmp_path / "people.csv").write_text(GOOD + f"1003,王五,研发部,{day}\n", encoding="utf-8")
    assert_kept(daemon, "row 4")
    assert daemon.get("/healthz")[0] == 200


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_gbk_toml_edit_keeps_the_last_good_roster(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    entry = '[[people]]\nid = "{}"\nname = "{}"\ngroup = "研发部"\npermit_expires = 2027-03-15\n'
    write("people.toml", entry.format("1001", "张三") + entry.format("1002", "李四"))
    daemon = start(write, "people.toml")
    stop.append(daemon)
    text = entry.format("1001", "张三") + entry.format("1002", "李四") + entry.format("3", "王五")
    (tmp_path / "people.toml").write_bytes(text.encode("gbk"))
    assert_kept(daemon, "people.toml")


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_feed_name_collision_keeps_the_last_good_roster(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    write("people.csv", GOOD)
    extra = '[[feeds.extra]]\nname = "group-市场部"\ngroups = ["研发部"]\n'
    daemon = start(write, "people.csv", extra=extra)
    stop.append(daemon)
    (tmp_path / "people.csv").write_text(GOOD + "1003,王五,市场部,2027-05-01\n", "utf-8")
    assert_kept(daemon, "row 4")
    assert "group-市场部" in daemon.output()
    (tmp_path / "people.csv").write_text(GOOD + "1003,王五,研发部,2027-05-01\n", "utf-8")
    # The watcher is alive: the fix is picked up (an estimated holiday year may still warn).
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, body = daemon.health()
        settled = not any("row" in str(w) for w in body.get("warnings", ()))
        if body.get("counts", {}).get("people") == 3 and not body["problems"] and settled:
            break  # the count and the roster's warnings are updated a moment apart
        time.sleep(0.2)
    assert status == 200, body
    assert body["status"] in ("ok", "degraded"), body
    assert not any("row" in str(w) for w in body["warnings"]), body
    assert people_metric(daemon) == b"3.0"


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_half_written_roster_is_not_loaded(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    rows = [f"{1000 + i},员工{i},研发部,2027-03-15\n" for i in range(100)]
    write("people.csv", HEADER + "".join(rows[:2]))
    daemon = start(write, "people.csv", settle=6)
    stop.append(daemon)
    assert people_metric(daemon) == b"2.0"

    def writer() -> None:  # pauses 4 s at a row boundary, like a slow export
        with (tmp_path / "people.csv").open("w", encoding="utf-8") as out:
            out.write(HEADER + "".join(rows[:50]))
            out.flush()
            time.sleep(4)
            out.write("".join(rows[50:]))

    thread = threading.Thread(target=writer)
    thread.start()
    seen = set()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen.add(people_metric(daemon))
        if b"100.0" in seen:
            break
        time.sleep(0.2)
    thread.join()
    assert b"50.0" not in seen
    assert b"100.0" in seen
    assert "50 people" not in daemon.output()


@pytest.mark.real_clock  # a file's mtime against the daemon's clock: one clock, the real one
@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_start_up_waits_for_a_roster_written_just_now(write: Write, stop: list[Daemon]) -> None:
    path = write("people.csv", GOOD)
    now = time.time()  # "just now" on the clock the daemon reads (a file system keeps the real one)
    os.utime(path, (now, now))
    started = time.monotonic()
    # 8 s: a loaded machine may take seconds to start the daemon, and the file must still be
    # young then.
    daemon = start(write, "people.csv", settle=8)
    stop.append(daemon)
    assert time.monotonic() - started >= 7.5
    assert "waiting for 1 roster file(s) to settle" in daemon.output()
