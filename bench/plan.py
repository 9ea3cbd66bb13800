"""Benchmark: load a 100,000-person CSV roster and plan everyone. Prints time and peak memory.

Planning merges the progress recorded in the state (`renewd done`, the console, links): with
`--database URL` (an empty PostgreSQL database; its password, if any, from
RENEWD_STATE_DATABASE_PASSWORD) or `--with-postgres` (a throw-away PostgreSQL started for the run,
`bench/pgserver.py`) one person in ten gets two recorded steps, and load + read the recorded
progress + plan is measured with the state on SQLite and on PostgreSQL side by side, in one run.

.venv/bin/python bench/plan.py [--people N] [--database URL | --with-postgres]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from renewd.core.model import Step
from renewd.core.plan import Planner
from renewd.core.policy import Policy
from renewd.core.progress import merge_progress
from renewd.core.workdays import WorkdayCalendar
from renewd.roster.reader import load_roster
from renewd.store.database import Database
from renewd.store.progress import ProgressStore

HEADER = ["工号", "姓名", "部门", "居住证到期日", "变更事项", "积分", "邮箱", "居住证续签日期"]
CHANGES = ["", "", "", "", "单位", "学历", "子女、配偶"]


def write_roster(path: Path, people: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = dt.date(2026, 12, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(people):
            expires = start + dt.timedelta(days=rng.randrange(0, 540))
            renewed = ""
            if rng.random() < 0.1:
                renewed = (expires - dt.timedelta(days=rng.randrange(5, 25))).strftime("%Y/%m/%d")
            writer.writerow(
                [
                    f"E{i:06d}",
                    f"员工{i}",
                    f"部门{i % 40}",
                    expires.strftime("%Y年%m月%d日"),
                    rng.choice(CHANGES),
                    "是" if rng.random() < 0.9 else "否",
                    f"e{i}@example.com",
                    renewed,
                ]
            )


def record_progress(db: Database, people: int) -> int:
    """One person in ten has two steps recorded in the state; how many facts."""
    rows = []
    for i in range(0, people, 10):
        for step, day in (
            (Step.POINTS_APPLIED, "2026-11-02"),
            (Step.POINTS_SUBMITTED, "2026-11-20"),
        ):
            rows.append((f"E{i:06d}", step.value, day, "2026-11-20T10:00:00+08:00", "bench"))
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO progress_fact (person, field, day, recorded_at, recorded_by)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def with_state(path: Path, people: int, db: Database) -> dict[str, float]:
    """Load + read the recorded progress + plan, the state in `db`; the timings."""
    ProgressStore(db)  # its table
    facts = record_progress(db, people)
    t0 = time.perf_counter()
    roster = load_roster([path])
    t1 = time.perf_counter()
    recorded = ProgressStore(db).load()
    merged = merge_progress(roster.people, recorded)
    t2 = time.perf_counter()
    plans = Planner(Policy(), WorkdayCalendar()).plan_all(merged, dt.date(2026, 11, 27))
    t3 = time.perf_counter()
    db.close()
    return {
        "facts recorded": facts,
        "load roster, s": t1 - t0,
        "read progress + merge, s": t2 - t1,
        "plan everyone, s": t3 - t2,
        "total, s": t3 - t0,
        "people planned": len(plans),
    }


def _cell(value: float) -> str:
    return f"{value:>12,}" if isinstance(value, int) else f"{value:>12,.2f}"


def side_by_side(people: int, database: str | None) -> None:
    from pgserver import fresh_database, running_postgres

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        write_roster(path, people)
        lite = with_state(path, people, Database.in_dir(Path(tmp) / "state"))
        password = os.environ.get("RENEWD_STATE_DATABASE_PASSWORD")
        if database:
            pg = with_state(path, people, Database.postgresql(database, password))
        else:
            with running_postgres() as server:
                url = fresh_database(server, "bench_plan")
                pg = with_state(path, people, Database.postgresql(url, None))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"people: {people:,}, state: SQLite beside PostgreSQL ({database or 'throw-away'})")
    print(f"{'':28}{'SQLite':>12}{'PostgreSQL':>12}")
    for name, value in lite.items():
        print(f"{name:28}{_cell(value)}{_cell(pg[name])}")
    print(f"peak memory: {peak / 2**20:.0f} MiB (max RSS of the whole process, both runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--with-postgres", action="store_true", help="a throw-away PostgreSQL")
    args = parser.parse_args()
    if args.database or args.with_postgres:
        side_by_side(args.people, args.database)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        write_roster(path, args.people)
        size = path.stat().st_size
        t0 = time.perf_counter()
        roster = load_roster([path])
        t1 = time.perf_counter()
        planner = Planner(Policy(), WorkdayCalendar())
        plans = planner.plan_all(roster.people, dt.date(2026, 11, 27))
        t2 = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    infeasible = sum(not p.feasible for p in plans)
    print(f"people:        {len(plans):,} ({size / 1e6:.1f} MB CSV)")
    print(f"load roster:   {t1 - t0:.2f} s")
    print(f"plan everyone: {t2 - t1:.2f} s ({(t2 - t1) / len(plans) * 1e6:.0f} µs/person)")
    print(f"total:         {t2 - t0:.2f} s")
    print(f"peak memory:   {peak / 2**20:.0f} MiB (max RSS of the whole process)")
    print(f"infeasible:    {infeasible:,}")


if __name__ == "__main__":
    main()
