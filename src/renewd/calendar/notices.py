"""Import a holiday notice: show what it moves, store it, and note the moves for the next pass.

- `import_notice` (`renewd calendar import`) and `store_notice` (a paste form, with the
  daemon's snapshot, after `parse_notice`): show what moves, store (unless a dry run), and note
  the moves for the next delivery pass.
- `describe_notice`: what an import understood, one line per holiday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renewd import clock
from renewd.calendar.changes import note_calendar_changes
from renewd.calendar.snapshot import Planned, Snapshot, build_snapshot
from renewd.core.errors import RosterError
from renewd.core.model import Lang, PersonPlan
from renewd.core.moves import Move, moved_milestones, newly_infeasible
from renewd.core.notices import Notice, parse_notice
from renewd.core.wording import date, say
from renewd.store.database import Database
from renewd.store.notices import NoticeStore


@dataclass(frozen=True)
class ImportResult:
    notice: Notice
    stored: bool  # False on a dry run, or when the year already had exactly these days
    moves: tuple[Move, ...] = ()
    infeasible: tuple[PersonPlan, ...] = ()
    roster_problem: str | None = None  # the roster could not be read: moves not computed


def import_notice(
    app: Planned,
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
    at = at or clock.now(app.settings.timezone)
    today = today or at.date()
    db = None if dry_run else Database.of(app.settings.state)
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
        new = build_snapshot(
            snap.settings, snap.roster, snap.channels, snap.day, snap.recorded, notices
        )
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


def describe_notice(notice: Notice, lang: Lang = Lang.ZH) -> list[str]:
    """What an import understood, one line per holiday, in `lang`: for the command and a form."""
    lines = [f"{notice.year}: {notice.source}"]
    for h in notice.holidays:
        start, end = date(h.start, lang), date(h.end, lang)
        span = start if h.start == h.end else f"{start} – {end}"
        count = (h.end - h.start).days + 1
        work = [date(m.date, lang) for m in notice.makeup if m.name == h.name]
        extra = f"; {say(lang, 'notice.makeup')} {', '.join(work)}" if work else ""
        lines.append(say(lang, "notice.understood", name=h.name, span=span, count=count) + extra)
    off, makeup = len(notice.off), len(notice.makeup)
    lines.append(say(lang, "notice.understood_total", off=off, makeup=makeup))
    return lines


def move_line(move: Move, lang: Lang = Lang.ZH) -> str:
    """One due date a notice moves, in `lang`: who, which step, from and to."""
    step = say(lang, f"shanghai-points.{move.kind.value}.title")
    return f"{move.person} {step}: {date(move.old, lang)} → {date(move.new, lang)}"
