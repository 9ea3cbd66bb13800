"""The calendar as a service: import a notice, tell which years are official, notice changes.

- `import_notice` (`renewd calendar import`) and `store_notice` (a paste form, with the
  daemon's snapshot, after `parse_notice`): show what moves, store (unless a dry run), and note
  the moves for the next delivery pass.
- `calendar_status` answers "which years are provisional" for the years the plans touch.
- `note_calendar_changes` runs before every delivery pass: a year whose working-day table differs
  from the one the plans were last made on (an import, a config table, a new `chinese-calendar`)
  gets its plans remade on the old table, and every moved open milestone becomes a pending note.
- `estimate_warning` is the "ask for the notice before it is needed" text, from `warn_from`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from renewd.core.errors import RosterError
from renewd.core.model import Lang, PersonPlan
from renewd.core.moves import Move, moved_milestones, newly_infeasible
from renewd.core.notices import Notice, parse_notice
from renewd.core.plan import Planner
from renewd.core.policy import YearTable
from renewd.core.workdays import WorkdayCalendar, YearInfo
from renewd.service.app import App, now
from renewd.service.snapshot import Snapshot, build_snapshot
from renewd.store.database import Database
from renewd.store.moves import MoveStore
from renewd.store.notices import NoticeStore

FIX_COMMAND = "renewd calendar import NOTICE.txt"
_WEEKDAY = "一二三四五六日"


@dataclass(frozen=True)
class ImportResult:
    notice: Notice
    stored: bool  # False on a dry run, or when the year already had exactly these days
    moves: tuple[Move, ...] = ()
    infeasible: tuple[PersonPlan, ...] = ()
    roster_problem: str | None = None  # the roster could not be read: moves not computed


def touched_years(plans: Iterable[PersonPlan], today: dt.date) -> list[int]:
    """Years a plan has a date in, and the current one."""
    years = {today.year}
    for plan in plans:
        for m in plan.milestones:
            years.add(m.due.year)
            if m.opens is not None:
                years.add(m.opens.year)
    return sorted(years)


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


def import_notice(
    app: App,
    text: str,
    year: int | None = None,
    dry_run: bool = False,
    *,
    name: str = "-",
    at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Parse `text` (notice text or holiday-cn JSON), compute what it moves, and unless
    `dry_run` store it and note the moves for the next pass. Raises NoticeError (exit 65) for a
    refused input, before anything is stored. (`renewd calendar import`.)"""
    notice = parse_notice(text, year=year, name=name)
    at = at or now(app.settings)
    today = today or at.date()
    db = None if dry_run else Database.in_dir(app.settings.state.dir)
    try:
        try:
            snap = app.snapshot(today, db)
        except RosterError as exc:  # store the notice anyway; the next pass notes the moves
            stored = NoticeStore(db).save(notice, at) if db is not None else False
            return ImportResult(notice, stored, roster_problem=exc.message)
        return store_notice(snap, db, notice, at)
    finally:
        if db is not None:
            db.close()


def store_notice(
    snap: Snapshot, db: Database | None, notice: Notice, at: dt.datetime
) -> ImportResult:
    """What `notice` moves for the people of `snap`, and unless `db` is None (a dry run) store
    it and note the moves for the next pass: what a form calls with the daemon's snapshot and
    database, as `parse_notice(text)` gave it the notice. Plans everyone once more (slow for a
    large roster: call it in a worker thread)."""
    notices = dict(snap.notices) | {notice.year: notice.table()}
    try:
        new = build_snapshot(snap.settings, snap.roster, snap.channels, snap.day, snap.recorded,
                             notices)  # fmt: skip
    except RosterError as exc:  # the new calendar cannot plan someone: stored all the same
        stored = NoticeStore(db).save(notice, at) if db is not None else False
        return ImportResult(notice, stored, roster_problem=exc.message)
    moves = tuple(moved_milestones(snap.plans, new.plans))
    infeasible = tuple(newly_infeasible(snap.plans, new.plans))
    stored = False
    if db is not None:
        note_calendar_changes(snap, db, snap.plans, snap.day, at)  # what was true before
        stored = NoticeStore(db).save(notice, at)
        note_calendar_changes(new, db, new.plans, snap.day, at)
    return ImportResult(notice, stored, moves, infeasible)


def _day(day: dt.date) -> str:
    return f"{day.isoformat()}（周{_WEEKDAY[day.weekday()]}）"


def describe_notice(notice: Notice) -> list[str]:
    """What an import understood, one line per holiday: for the command and a form."""
    lines = [f"{notice.year}: {notice.source}"]
    for h in notice.holidays:
        span = _day(h.start) if h.start == h.end else f"{_day(h.start)} – {_day(h.end)}"
        count = (h.end - h.start).days + 1
        work = [_day(m.date) for m in notice.makeup if m.name == h.name]
        extra = f"; 上班 {', '.join(work)}" if work else ""
        lines.append(f"  {h.name}: {span}, {count} day{'s' if count != 1 else ''}{extra}")
    lines.append(f"  {len(notice.off)} rest days, {len(notice.makeup)} make-up working days")
    return lines


@dataclass(frozen=True)
class YearStatus:
    year: int
    official: bool
    layer: str
    source: str
    rest_days: int
    makeup_days: int
    imported_at: dt.datetime | None = None
    plans: int = 0  # plans with a date in this year

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "official": self.official,
            "layer": self.layer,
            "source": self.source,
            "rest_days": self.rest_days,
            "makeup_days": self.makeup_days,
            "imported_at": self.imported_at.isoformat() if self.imported_at else None,
            "plans": self.plans,
        }


@dataclass
class CalendarReport:
    today: dt.date
    years: list[YearStatus] = field(default_factory=list)
    roster_problem: str | None = None

    @property
    def provisional(self) -> list[int]:
        return [y.year for y in self.years if not y.official]


def calendar_status(app: App, today: dt.date, db: Database | None = None) -> CalendarReport:
    """Every year the plans touch (and the current one): official or provisional, and why."""
    report = CalendarReport(today)
    plans: Sequence[PersonPlan] = ()
    try:
        plans = app.snapshot(today, db).plans
    except RosterError as exc:
        report.roster_problem = exc.message
    counts: dict[int, int] = {}
    for plan in plans:
        for year in {m.due.year for m in plan.milestones}:
            counts[year] = counts.get(year, 0) + 1
    imported: dict[int, dt.datetime] = {}
    if db is not None:
        imported = {y: s.imported_at for y, s in NoticeStore(db).load().items()}
    for year in touched_years(plans, today):
        info = app.calendar.describe(year)
        report.years.append(
            YearStatus(
                year,
                info.official,
                info.layer.value,
                info.source,
                sum(1 for d in info.holidays if d.year == year),
                sum(1 for d in info.makeup if d.year == year),
                imported.get(year) if info.layer.value == "notice" else None,
                counts.get(year, 0),
            )
        )
    return report


def warn_day(warn_from: str, year: int) -> dt.date:
    """From this day an estimated `year` is a warning: `warn_from` (MM-DD) of the year before."""
    month, day = (int(part) for part in warn_from.split("-"))
    return dt.date(year - 1, month, day)


@dataclass(frozen=True)
class Estimate:
    """Plans that rest on estimated years: `str()` is the operator's text (/healthz, `check`,
    the log); `line(lang)` what the escalation channel reads, pointing at the console."""

    affected: int
    years: tuple[int, ...]

    def __str__(self) -> str:
        names = ", ".join(map(str, self.years))
        return (
            f"{self.affected} plan{'s' if self.affected != 1 else ''} rest on an estimated"
            f" holiday calendar for {names}: when the State Council notice is published, run"
            f" `{FIX_COMMAND}` (see `renewd calendar status`)"
        )

    def line(self, lang: Lang, console: str) -> str:
        years = (
            "、".join(map(str, self.years)) if lang is Lang.ZH else ", ".join(map(str, self.years))
        )
        if lang is Lang.ZH:
            return (
                f"{self.affected} 人的续签日期依据的是估算的 {years} 年节假日安排（暂定）。"
                f"国务院公布放假通知当天，请在控制台“工作日历”页粘贴通知全文导入（{console}calendar），"
                f"或由管理员运行 `{FIX_COMMAND}`；导入后日期如有变化会逐一告知。"
            )
        return (
            f"The dates of {self.affected} people rest on an estimated holiday calendar for"
            f" {years} (provisional). The day the State Council notice appears, paste it on the"
            f" console's Calendar page ({console}calendar), or have an admin run"
            f" `{FIX_COMMAND}`; whatever moves is then told once."
        )


def estimate_warning(
    snap: Snapshot, plans: Sequence[PersonPlan], today: dt.date
) -> Estimate | None:
    """From `[calendar] warn_from` of the year before an estimated year (1 November 2026 for
    2027) on: a warning naming the estimated years that plans depend on, with the command that
    fixes it; None when no plan rests on an estimate that is due to be asked for."""
    official: dict[int, bool] = {}

    def estimated(year: int) -> bool:
        if year not in official:
            official[year] = snap.calendar.describe(year).official
        return not official[year] and today >= warn_day(snap.settings.calendar.warn_from, year)

    years: set[int] = set()
    affected = 0
    for plan in plans:
        if not plan.provisional:
            continue
        # A date in 2026 may rest on 2027's days (counted back from an expiry in 2027).
        dues = [m.due.year for m in plan.milestones if m.provisional] or [plan.cycle.year]
        span = range(min(dues), max(*dues, plan.cycle.year) + 1)
        found = {year for year in span if estimated(year)}
        years |= found
        affected += bool(found)
    if not years:
        return None
    return Estimate(affected, tuple(sorted(years)))
