"""What the calendar does in every delivery pass: notice what a calendar change moved, and warn
before an estimated year is needed.

- `note_calendar_changes` runs before every delivery pass: a year whose working-day table differs
  from the one the plans were last made on (an import, a config table, a new `chinese-calendar`)
  gets its plans remade on the old table, and every moved open milestone becomes a pending note.
- `estimate_warning` is the "ask for the notice before it is needed" text, from `warn_from`
  (`renewd.core.estimate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from renewd.calendar.snapshot import Snapshot
from renewd.core.estimate import Estimate, estimate, touched_years
from renewd.core.model import PersonPlan
from renewd.core.moves import Move, moved_milestones
from renewd.core.plan import Planner
from renewd.core.policy import YearTable
from renewd.core.workdays import WorkdayCalendar, YearInfo
from renewd.store.database import Database
from renewd.store.moves import MoveStore


def _table(info: YearInfo) -> tuple[str, frozenset[dt.date], frozenset[dt.date]]:
    return info.source, frozenset(info.holidays), frozenset(info.makeup)


def note_calendar_changes(
    snap: Snapshot, db: Database, plans: Sequence[PersonPlan], today: dt.date, at: dt.datetime
) -> list[Move]:
    """Compare the calendar of the years `plans` touch (planned on `snap`'s calendar) with what
    was seen last; note the moves.

    Years never seen are recorded without notes (the first pass after an upgrade tells nobody
    anything). Returns the moves noted."""
    store = MoveStore(db)
    seen = store.seen()
    current = {y: snap.calendar.describe(y) for y in touched_years(plans, today)}
    changed = {
        y: seen[y]
        for y, info in current.items()
        if y in seen
        and (seen[y].off, seen[y].on) != (frozenset(info.holidays), frozenset(info.makeup))
    }
    moves: list[Move] = []
    cause = ", ".join(f"{y}: {current[y].source}" for y in sorted(changed))
    if changed:
        options = snap.settings.calendar.core(snap.notices)
        before = dict(options.years) | {
            y: YearTable(complete=True, off=s.off, on=s.on) for y, s in changed.items()
        }
        old_calendar = WorkdayCalendar(before, options.fallback, options.notices)
        old_plans = Planner(snap.settings.policy.core(), old_calendar).plan_all(
            [p.person for p in plans], today
        )
        moves = moved_milestones(old_plans, plans)
    updates = {y: _table(info) for y, info in current.items() if y not in seen or y in changed}
    if updates or moves:
        with db.transaction() as conn:
            # Another process (an import beside the daemon) may have recorded these years
            # since we read them: then it noted the moves, and we note nothing.
            if store.digests(conn, updates) != {y: seen[y].digest for y in updates if y in seen}:
                return []
            store.record(conn, updates, moves, cause, at)
    return moves


def calendar_pass(
    snap: Snapshot,
    db: Database,
    plans: Sequence[PersonPlan],
    today: dt.date,
    at: dt.datetime,
    note: bool = True,
) -> Estimate | None:
    """What a delivery pass does about the calendar before it sends: note what a change moved
    (unless `note` is False: a dry run), and return the estimate warning."""
    if note:
        note_calendar_changes(snap, db, plans, today, at)
    return estimate_warning(snap, plans, today)


def estimate_warning(
    snap: Snapshot, plans: Sequence[PersonPlan], today: dt.date
) -> Estimate | None:
    """From `[calendar] warn_from` of the year before an estimated year (1 November 2026 for
    2027) on: a warning naming the estimated years that plans depend on, with the command that
    fixes it; None when no plan rests on an estimate that is due to be asked for."""
    return estimate(plans, snap.calendar, snap.settings.calendar.warn_from, today)
