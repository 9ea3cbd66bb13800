"""Benchmark: what measuring an XLSX sheet before reading it costs (issue 11), on a roster of N
people, and the peak memory of refusing a 5 KB sheet with one value at XFD1048576.

.venv/bin/python bench/roster_bounds.py [--people N]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from renewd.roster.limits import RosterLimits, measure_xlsx
from renewd.roster.reader import load_roster


def write_xlsx(path: Path, people: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["工号", "姓名", "部门", "居住证到期日", "邮箱"])
    for i in range(people):
        sheet.append([f"E{i:06d}", f"员工{i}", f"部门{i % 40}", "2027-03-15", f"e{i}@example.com"])
    book.save(path)


def far_cell_rss(folder: Path) -> int:
    path = folder / "far.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "居住证到期日"])
    sheet["XFD1048576"] = "x"
    book.save(path)
    code = (
        "import sys\n"
        "from renewd.roster.reader import load_roster\n"
        "from renewd.core.errors import RosterError\n"
        "try:\n    load_roster([__import__('pathlib').Path(sys.argv[1])])\n"
        "except RosterError as e:\n    print(e.problems[0].message[:60])\n"
        # VmHWM is this process's own peak (ru_maxrss would include the parent's, pre-exec).
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    return int(out.stdout.split()[-1]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "people.xlsx"
        write_xlsx(path, args.people)
        started = time.perf_counter()
        size = measure_xlsx(path, RosterLimits())
        measured = time.perf_counter() - started
        started = time.perf_counter()
        roster = load_roster([path])
        loaded = time.perf_counter() - started
        print(f"xlsx of {len(roster.people):,} people ({path.stat().st_size / 1e6:.1f} MB):")
        print(f"  measure the sheet: {measured:.2f} s ({size.rows:,} rows x {size.columns} cols)")
        print(f"  load_roster (measure + read + parse): {loaded:.2f} s")
        print(f"  peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
        print(f"far-cell 5 KB sheet refused with peak RSS {far_cell_rss(folder)} MB")


if __name__ == "__main__":
    main()
