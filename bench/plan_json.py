"""Benchmark: `renewd plan --json` on a generated roster, streamed (the default) beside
`--pretty` (the indented document, as every release before issue 20 wrote it) in the same run,
each with and without PYTHONUNBUFFERED=1. Prints wall time, CPU time and peak RSS.

.venv/bin/python bench/plan_json.py [--people N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan import write_roster


def run(config: Path, pretty: bool, unbuffered: bool) -> tuple[float, float, float]:
    args = [sys.executable, "-m", "renewd", "plan", "-c", str(config), "--json"]
    args += ["--today", "2026-12-07", *(["--pretty"] if pretty else [])]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    people = parser.parse_args().people
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_roster(folder / "people.csv", people)
        config = folder / "config.toml"
        config.write_text('[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n', "utf-8")
        print(f"plan --json, {people:,} people (load average {os.getloadavg()[0]:.1f})")
        for pretty in (True, False):
            for unbuffered in (False, True):
                wall, cpu, rss = run(config, pretty, unbuffered)
                name = "--pretty (baseline)" if pretty else "streamed"
                flag = " PYTHONUNBUFFERED=1" if unbuffered else ""
                print(f"  {name + flag:<40} {wall:6.1f} s wall {cpu:6.1f} s CPU  {rss:6.0f} MiB*")
        print("  * peak RSS of the largest child so far (ru_maxrss)")


if __name__ == "__main__":
    main()
