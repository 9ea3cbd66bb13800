"""Benchmark: `renewd plan --json` on a generated roster (`bench/plan.py`), beside its baselines in
one run: a bare Python loop over the same CSV (each row read by `csv` and written back as JSON,
in the same chunks: the floor the issue measures against), the base ref (by default `main`,
checked out once at /tmp/renewd-bench-plan-base with `git worktree add --detach`, run by the same
interpreter with PYTHONPATH at its src/), and with `--pretty` the indented document. Prints CPU
(user + system of that process), wall time, its own peak RSS (`wait4`), and the load average.

    .venv/bin/python bench/plan_json.py [--people 100000,1000000] [--base main | --base ""]
                                        [--pretty] [--unbuffered] [--repeat N] [--instructions]

`--instructions` counts each run's instructions under valgrind instead (Debian's `valgrind`):
a figure that does not move with the machine's load, for changes of a few per cent.

A million rows need `[roster] max_rows`, `max_cells` and `max_file_mb` raised: the generated
configuration raises them for every size.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan import write_roster

REPO = Path(__file__).resolve().parent.parent
BASE_DIR = Path("/tmp/renewd-bench-plan-base")
CONFIG = """[roster]
files = ["people.csv"]
max_rows = 2000000
max_cells = 20000000
max_file_mb = 500
[state]
dir = "state"
"""
# The floor: read the same CSV, write each row as a JSON object in chunks of 500, nothing else.
BARE = """
import csv, itertools, json, sys
encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    entries = (encode(dict(zip(header, row))) for row in rows)
    sys.stdout.write('{"people":[')
    first = True
    while chunk := list(itertools.islice(entries, 500)):
        sys.stdout.write(("" if first else ",") + ",".join(chunk))
        first = False
    sys.stdout.write("]}\\n")
"""


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


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(CPU s, wall s, peak RSS MiB) of one child, its output thrown away."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 65):
        raise SystemExit(f"{args} failed with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


VALGRIND = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]


def instructions(args: list[str], env: dict[str, str]) -> int:
    """The instructions one child runs, counted by valgrind's cachegrind (no cache simulation):
    the same count run after run whatever else the machine does (hash seed fixed), where CPU
    time on a shared machine varies by a fifth. About 50 times slower than the run itself."""
    proc = subprocess.run(
        [*VALGRIND, *args],
        env={**env, "PYTHONHASHSEED": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if proc.returncode not in (0, 65) or found is None:
        raise SystemExit(f"{args} under valgrind failed with {proc.returncode}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", default="100000", help="sizes, comma-separated")
    parser.add_argument("--base", default="main", help='git ref for the baseline; "" for none')
    parser.add_argument("--pretty", action="store_true", help="also --pretty (slow at 1M)")
    parser.add_argument("--unbuffered", action="store_true", help="also PYTHONUNBUFFERED=1")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each, taken in turn; the least CPU is printed (on a shared machine the"
        " others' load only ever adds)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions under valgrind instead of timing (steady on a busy machine;"
        " 100,000 people take a few minutes a run)",
    )
    args = parser.parse_args()
    base = base_checkout(args.base) if args.base else None
    # Byte code cached, as an installed renewd has it (a run that compiles every module pays
    # about half a second more): each version imported once before it is measured.
    drop = ("PYTHONUNBUFFERED", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    for path in ([] if base is None else [{"PYTHONPATH": str(base)}]) + [{}]:
        subprocess.run([sys.executable, "-c", "import renewd.cli"], env={**env, **path}, check=True)
    for people in (int(n) for n in args.people.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            roster = folder / "people.csv"
            write_roster(roster, people)
            config = folder / "config.toml"
            config.write_text(CONFIG, "utf-8")
            plan = [sys.executable, "-m", "renewd", "plan", "-c", str(config), "--json"]
            plan += ["--today", "2026-12-07"]
            runs: list[tuple[str, list[str], dict[str, str]]] = [
                ("bare loop over the CSV", [sys.executable, "-c", BARE, str(roster)], env),
                ("plan --json", plan, env),
            ]
            if base is not None:
                runs.append((f"plan --json ({args.base})", plan, {**env, "PYTHONPATH": str(base)}))
            if args.unbuffered:
                runs.append(
                    ("plan --json PYTHONUNBUFFERED=1", plan, {**env, "PYTHONUNBUFFERED": "1"})
                )
            if args.pretty:
                runs.append(("plan --json --pretty", [*plan, "--pretty"], env))
            print(
                f"plan --json, {people:,} people"
                + (f", best of {args.repeat}" * bool(args.repeat > 1))
            )
            if args.instructions:
                for name, command, environ in runs:
                    count = instructions(command, environ)
                    print(f"  {name:<34} {count / 1e9:6.2f} G instructions")
                continue
            best: dict[str, tuple[float, float, float, float]] = {}
            for _ in range(args.repeat):
                for name, command, environ in runs:
                    load = os.getloadavg()[0]
                    cpu, wall, rss = measure(command, environ)
                    if name not in best or cpu < best[name][0]:
                        best[name] = (cpu, wall, rss, load)
            for name, (cpu, wall, rss, load) in best.items():
                print(
                    f"  {name:<34} {cpu:6.2f} s CPU {wall:6.2f} s wall {rss:6.0f} MiB peak"
                    f"  (load {load:.1f})"
                )


if __name__ == "__main__":
    main()
