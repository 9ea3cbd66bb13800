"""Benchmark: `renewd run` on generated rosters (10,000 and 100,000 people by default): time to
READY=1, to the first plans (/healthz no longer `starting`), to the end of the start-up pass,
RSS at READY and idle, beside a baseline (by default the `main` branch, checked out once at
/tmp/renewd-bench-base with `git worktree add --detach`) measured in the same run, and the load
average while it ran (the machine is shared: compare within one run, not across runs).

    .venv/bin/python bench/daemon.py [--people 10000,100000] [--base main | --base ""]
                                     [--breakdown]

The daemon starts as systemd would start it (a NOTIFY_SOCKET of our own), on 127.0.0.1, with no
channels, so the numbers are about reading, planning, feeds and the server, not about sending.
The baseline runs the same interpreter with PYTHONPATH at the base checkout's src/.
`--breakdown` then repeats the start-up steps in this process at the first size, with
tracemalloc: what each step keeps and its peak, and where the kept memory is, by file and by
type (the figures behind the compact records of issue 20).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from plan import write_roster

BASE_DIR = Path("/tmp/renewd-bench-base")
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def metric(port: int, name: str) -> float | None:
    found = re.search(rf"^{name} (\S+)$", fetch(port, "/metrics")[1], re.MULTILINE)
    return float(found.group(1)) if found else None


@dataclass
class Run:
    ready: float
    planned: float
    first_pass: float
    rss_ready: float
    rss_idle: float


def make_roster(root: Path, people: int) -> None:
    write_roster(root / "people.csv", people)
    # A roster saved an hour ago, as on a real start: a file written just now would first
    # wait `[roster] settle_seconds` (10 s) to be sure it is whole.
    hour_ago = time.time() - 3600
    os.utime(root / "people.csv", (hour_ago, hour_ago))


def measure(root: Path, src: Path | None) -> Run:
    """One start of the daemon on the roster in `root` (state from scratch)."""
    port = free_port()
    state = root / f"state-{port}"
    config = root / f"config-{port}.toml"
    config.write_text(
        f'[roster]\nfiles = ["people.csv"]\n[state]\ndir = "{state.name}"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\n[notify]\nsweep_seconds = 1\n',
        encoding="utf-8",
    )
    notify = root / f"notify-{port}.sock"
    env = {**os.environ, "NOTIFY_SOCKET": str(notify)}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock,
        (root / f"daemon-{port}.log").open("w") as log,
    ):
        sock.bind(str(notify))
        sock.settimeout(300)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "renewd", "run", "-c", str(config)],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            while b"READY=1" not in sock.recv(65536):
                pass
            ready = time.perf_counter() - t0
            rss_ready = rss_mib(proc.pid)
            while json.loads(fetch(port, "/healthz")[1])["status"] == "starting":
                time.sleep(0.05)
            planned = time.perf_counter() - t0
            while not metric(port, "renewd_last_sweep_timestamp_seconds"):
                time.sleep(0.05)
            first_pass = time.perf_counter() - t0
            time.sleep(5)  # a first idle moment (sweeps every second find nothing new)
            rss_idle = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=120)
    return Run(ready, planned, first_pass, rss_ready, rss_idle)


def base_checkout(ref: str) -> Path:
    """The base ref's src/, checked out once beside this one (never touching this checkout)."""
    if not BASE_DIR.exists():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(BASE_DIR), ref],
            check=True,
            capture_output=True,
        )
    else:
        subprocess.run(["git", "-C", str(BASE_DIR), "checkout", "-q", "--detach", ref], check=True)
    return BASE_DIR / "src"


def breakdown(root: Path) -> None:
    """The daemon's start-up steps in this process: tracemalloc's kept and peak memory for each
    step (what the allocator cannot give back shows in RSS), then where the kept memory is."""
    import gc
    import tracemalloc

    rss = rss_mib(os.getpid())
    import renewd.daemon.runtime  # noqa: F401  (what `renewd run` imports)
    from renewd.calendar.snapshot import build_snapshot
    from renewd.commands.app import App
    from renewd.roster_read import read_roster
    from renewd.store.database import Database
    from renewd.store.tokens import load_key
    from renewd.web.publisher import FeedCache

    print(f"imports:         RSS {rss:.0f} → {rss_mib(os.getpid()):.0f} MiB")
    config = root / "breakdown.toml"
    config.write_text('[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state-breakdown"\n')
    tracemalloc.start()
    app = App.load(config)

    def step(name: str, work: Callable[[], object]) -> object:
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = work()
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
        print(
            f"{name + ':':<16} keeps {(kept - base) / 2**20:5.1f} MiB,"
            f" peak {(peak - base) / 2**20:5.1f} MiB"
        )
        return result

    roster: Any = step("roster", lambda: read_roster(app.settings, strict=True).roster)
    db = Database.in_dir(app.settings.state.dir)
    day = dt.date(2026, 12, 7)
    snap: Any = step("plans", lambda: build_snapshot(app.settings, roster, {}, day, {}, {}))
    feeds = FeedCache(app.settings, db, load_key(app.settings.state.dir))
    now = dt.datetime.now(dt.UTC)
    step("feed refresh", lambda: feeds.refresh(snap.people, snap.plans, day, now))
    gc.collect()
    shot = tracemalloc.take_snapshot()
    print("kept, by file:")
    for stat in shot.statistics("filename")[:12]:
        name = stat.traceback[0].filename.split("site-packages/")[-1].split("src/")[-1]
        print(f"  {stat.size / 2**20:6.1f} MiB {stat.count:>9,} blocks  {name}")
    sizes: dict[str, list[int]] = {}
    for obj in gc.get_objects():
        entry = sizes.setdefault(type(obj).__name__, [0, 0])
        entry[0] += sys.getsizeof(obj)
        entry[1] += 1
    print("kept, by type (gc-tracked objects, shallow size; str and int are inside these):")
    for name, (size, count) in sorted(sizes.items(), key=lambda kv: -kv[1][0])[:12]:
        print(f"  {size / 2**20:6.1f} MiB {count:>9,} objects  {name}")
    db.close()


def main() -> None:
    global BASE_DIR
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--base", default="main", help='git ref for the baseline; "" for none')
    parser.add_argument("--base-dir", default="/tmp/renewd-bench-base", help="base checkout")
    parser.add_argument("--breakdown", action="store_true", help="where the memory goes")
    args = parser.parse_args()
    BASE_DIR = Path(args.base_dir)
    sizes = [int(n) for n in args.people.split(",")]
    base = base_checkout(args.base) if args.base else None
    load_before = os.getloadavg()
    results: list[tuple[int, str, Run]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for people in sizes:
            root = Path(tmp) / str(people)
            root.mkdir()
            make_roster(root, people)
            results.append((people, "this", measure(root, None)))
            if base is not None:
                results.append((people, f"base {args.base}", measure(root, base)))
        if args.breakdown:
            breakdown(Path(tmp) / str(sizes[0]))
    load_after = os.getloadavg()
    print(
        f"{'people':>8} {'version':<12} {'READY':>7} {'planned':>8} {'1st pass':>9}"
        f" {'RSS READY':>10} {'RSS idle':>9}"
    )
    for people, version, run in results:
        print(
            f"{people:>8,} {version:<12} {run.ready:>6.1f}s {run.planned:>7.1f}s"
            f" {run.first_pass:>8.1f}s {run.rss_ready:>7.0f}MiB {run.rss_idle:>6.0f}MiB"
        )
    print(
        f"load average: {load_before[0]:.1f} before, {load_after[0]:.1f} after"
        f" ({os.cpu_count()} CPUs)"
    )
    print("READY: config, state and roster read, server listening; planned: /healthz no longer")
    print("`starting` (the base has no such state: the same as READY); RSS idle: 5 s after the")
    print("start-up pass. Times are from the process start, interpreter start-up included.")


if __name__ == "__main__":
    main()
