"""Benchmark: load a 100,000-person CSV roster and plan everyone. Prints time and peak memory.

.venv/bin/python bench/plan.py [--people N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import tempfile
import time
from pathlib import Path

from renewd.core.plan import Planner
from renewd.core.policy import Policy
from renewd.core.workdays import WorkdayCalendar
from renewd.roster.reader import load_roster

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
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
