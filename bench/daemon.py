"""Benchmark: `renewd run` with a 10,000-person roster: time to READY=1, to the end of the
start-up delivery pass, idle RSS, and how many times everyone was planned.

    .venv/bin/python bench/daemon.py [--people N] [--breakdown]

Starts the daemon as systemd would (a NOTIFY_SOCKET of our own), on 127.0.0.1, with no channels
so that the numbers are about planning, feeds and the server, not about sending.
`--breakdown` then repeats the start-up steps in this process, with tracemalloc: where the memory
goes (imports, roster, plans, the feed refresh: what each keeps and its peak); it prints first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def metric(port: int, name: str) -> float | None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        text = response.read().decode()
    found = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


def sweep_times(log: Path, count: int, timeout: float = 300) -> list[float]:
    """The durations the daemon logs for its first `count` safety sweeps."""
    deadline = time.monotonic() + timeout
    pattern = re.compile(r"delivery pass \(sweep\) done in ([0-9.]+)s")
    while time.monotonic() < deadline:
        found = [float(t) for t in pattern.findall(log.read_text(encoding="utf-8"))]
        if len(found) >= count:
            return found[:count]
        time.sleep(0.2)
    return []


def breakdown(config: Path) -> None:
    """The daemon's start-up steps in this process: RSS after imports, then tracemalloc's kept
    and peak memory for each step (what the allocator cannot give back shows in RSS)."""
    import gc
    import tracemalloc

    rss = rss_mib(os.getpid())
    import renewd.daemon.runtime  # noqa: F401  (what `renewd run` imports)
    from renewd.calendar.snapshot import build_snapshot
    from renewd.commands.app import App
    from renewd.roster.reader import load_roster
    from renewd.store.database import Database
    from renewd.store.tokens import load_key
    from renewd.web.publisher import FeedCache

    print(f"imports:         RSS {rss:.0f} → {rss_mib(os.getpid()):.0f} MiB")
    tracemalloc.start()
    app = App.load(config)

    def step(name: str, work: Callable[[], object]) -> object:
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = work()
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
        print(f"{name + ':':<16} keeps {(kept - base) / 2**20:5.1f} MiB,"
              f" peak {(peak - base) / 2**20:5.1f} MiB")  # fmt: skip
        return result

    roster: Any = step("roster", lambda: load_roster(app.settings.roster.files))
    db = Database.in_dir(app.settings.state.dir)
    day = dt.date(2026, 12, 1)
    snap: Any = step("plans", lambda: build_snapshot(app.settings, roster, {}, day, {}, {}))
    feeds = FeedCache(app.settings, db, load_key(app.settings.state.dir))
    now = dt.datetime.now(dt.UTC)
    step("feed refresh", lambda: feeds.refresh(snap.people, snap.plans, day, now))
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--sweeps", type=int, default=3, help="safety sweeps to time (1 s apart)")
    parser.add_argument("--breakdown", action="store_true", help="where the memory goes")
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = dt.date(2026, 12, 1)
        with (root / "people.csv").open("w", encoding="utf-8") as f:
            f.write("工号,姓名,部门,居住证到期日,变更事项,邮箱\n")
            for i in range(args.people):
                expires = start + dt.timedelta(days=rng.randrange(0, 365))
                change = "单位" if rng.random() < 0.15 else ""
                f.write(f"E{i:05d},员工{i},部门{i % 50},{expires},{change},e{i}@example.com\n")
        # A roster saved an hour ago, as on a real start: a file written just now would first
        # wait `[roster] settle_seconds` (10 s) to be sure it is whole, and READY with it.
        hour_ago = time.time() - 3600
        os.utime(root / "people.csv", (hour_ago, hour_ago))
        port = free_port()
        (root / "config.toml").write_text(
            f'[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
            f'[server]\nlisten = "127.0.0.1:{port}"\n[notify]\nsweep_seconds = 1\n',
            encoding="utf-8",
        )
        notify = root / "notify.sock"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(str(notify))
            sock.settimeout(120)
            env = {**os.environ, "NOTIFY_SOCKET": str(notify)}
            t0 = time.perf_counter()
            log = (root / "daemon.log").open("w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "renewd", "run", "-c", str(root / "config.toml")],
                env=env, stdout=log, stderr=log,
            )  # fmt: skip
            try:
                while b"READY=1" not in sock.recv(65536):
                    pass
                ready = time.perf_counter() - t0
                rss_ready = rss_mib(proc.pid)
                url = f"http://127.0.0.1:{port}/healthz"
                with urllib.request.urlopen(url, timeout=30) as response:
                    assert response.status == 200
                while not metric(port, "renewd_last_sweep_timestamp_seconds"):
                    time.sleep(0.05)
                first_pass = time.perf_counter() - t0
                time.sleep(5)  # a first idle moment
                rss_idle = rss_mib(proc.pid)
                plans = metric(port, "renewd_full_plans_total")
                sweeps = sweep_times(root / "daemon.log", args.sweeps)
            finally:
                proc.terminate()
                proc.wait(timeout=60)
        if args.breakdown:  # in this process, on the same roster, after the daemon stopped
            breakdown(root / "config.toml")
    print(f"people:          {args.people:,}")
    print(f"start to READY:  {ready:.2f} s (config, roster, plan, feed index, server listening)")
    print(f"start-up pass:   {first_pass:.2f} s after start (its end)")
    print(f"RSS at READY:    {rss_ready:.0f} MiB")
    print(f"RSS idle (+5 s): {rss_idle:.0f} MiB")
    shown = "not counted by this version" if plans is None else f"{plans:.0f}"
    print(f"full plans:      {shown} (start-up, the start-up pass and 5 s of sweeps)")
    times = ", ".join(f"{t:.1f}" for t in sweeps)
    print(f"safety sweeps:   {times} s (as logged, 0.1 s resolution)")


if __name__ == "__main__":
    main()
