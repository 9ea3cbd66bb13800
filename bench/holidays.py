"""Benchmark: what a holiday notice costs. Parse the notice, then, for a roster of N people, the
per-pass check that the calendar did not change, and an import that moves dates (replan on the
old calendar, diff, note every move). Prints times.

.venv/bin/python bench/holidays.py [--people N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from types import MappingProxyType

from plan import write_roster  # bench/plan.py: the same roster
from renewd.calendar.changes import note_calendar_changes
from renewd.commands.app import App
from renewd.core.notices import parse_notice
from renewd.settings import load_settings
from renewd.store.database import Database

NOTICE = Path(__file__).parent.parent / "tests" / "fixtures" / "notices" / "2027-synthetic.txt"
TODAY = dt.date(2026, 12, 1)
AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    text = NOTICE.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    for _ in range(100):
        notice = parse_notice(text)
    parse_ms = (time.perf_counter() - t0) * 10
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_roster(root / "people.csv", args.people)
        config = root / "config.toml"
        config.write_text('[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')
        app = App(load_settings(config))
        db = Database.in_dir(root / "state")
        snap = app.snapshot(TODAY, db)
        t1 = time.perf_counter()
        note_calendar_changes(snap, db, snap.plans, TODAY, AT)  # first pass: records the years
        t2 = time.perf_counter()
        note_calendar_changes(snap, db, snap.plans, TODAY, AT)  # every later pass
        t3 = time.perf_counter()
        after = app.with_calendar(MappingProxyType({2027: notice.table()})).snapshot(TODAY, db)
        t4 = time.perf_counter()
        moves = note_calendar_changes(after, db, after.plans, TODAY, AT)
        t5 = time.perf_counter()
        plans = snap.plans
        db.close()
    print(f"parse the notice:        {parse_ms:.2f} ms")
    print(f"people:                  {len(plans):,}")
    print(f"first check (records):   {t2 - t1:.2f} s")
    print(f"check, nothing changed:  {t3 - t2:.2f} s per pass")
    print(f"replan on the notice:    {t4 - t3:.2f} s")
    print(f"diff and note the moves: {t5 - t4:.2f} s ({len(moves):,} moves)")


if __name__ == "__main__":
    main()
