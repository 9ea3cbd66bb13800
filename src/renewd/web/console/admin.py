"""Deliveries (failed and dead, retry now), feeds (subscribe page, rotate), the working-day
calendar by year, roster upload (check, then swap on an admin's confirmation) and export."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import sqlite3
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import BodyPartReader, web

from renewd.core.feeds import FeedKind
from renewd.core.model import Lang
from renewd.core.notices import NoticeError
from renewd.web.console.app import CONSOLE, LANG, SESSION, Console, redirect
from renewd.web.console.i18n import status_name, step_name
from renewd.web.console.index import Row
from renewd.web.console.pages import people_query, visible_groups

UPLOAD_LIMIT = 100 * 1024 * 1024
ROSTER_SUFFIXES = (".csv", ".xlsx", ".toml")


def _admin(request: web.Request) -> None:
    if not request[SESSION].account.admin:
        raise web.HTTPNotFound()


# -- deliveries ------------------------------------------------------------------------------


def _visible_delivery(console: Console, request: web.Request, person: str) -> bool:
    account = request[SESSION].account
    if account.admin:
        return True
    index = console.index()
    row = index.by_id.get(person) if index else None
    return row is not None and account.sees(row.group)


PER_PAGE = 50
_YEAR_9000 = 221845392000.0  # a "next try" beyond it is no time to show
_SHOWN = ("failed", "dead")


def _owed(console: Console, request: web.Request, status: str) -> list[sqlite3.Row]:
    """The failed and dead deliveries (or one of the two) this account may see, newest first."""
    wanted = (status,) if status in _SHOWN else _SHOWN
    marks = ",".join("?" * len(wanted))
    try:
        rows = console.db.conn.execute(
            "SELECT id, person, kind, channel, recipient, status, attempts, reason, next_at,"
            f" updated_at FROM delivery WHERE status IN ({marks}) ORDER BY updated_at DESC",
            wanted,
        ).fetchall()
    except sqlite3.OperationalError:  # no delivery pass has run yet
        return []
    return [r for r in rows if _visible_delivery(console, request, r["person"])]


async def deliveries(request: web.Request) -> web.StreamResponse:
    """What is owed, a page at a time: grouped by reason first (an SMTP server down fails
    hundreds for one reason, retried in one click), then each row with the person's name and
    when it is tried next."""
    console = request.app[CONSOLE]
    status = request.query.get("status", "")
    owed = _owed(console, request, status)
    reasons = Counter(r["reason"] or "—" for r in owed).most_common(10)
    pages = max(1, -(-len(owed) // PER_PAGE))
    try:
        page = min(max(1, int(request.query.get("page", "1"))), pages)
    except ValueError:
        page = 1
    index = console.index()
    zone = ZoneInfo(console.settings.timezone)
    shown = []
    for r in owed[(page - 1) * PER_PAGE : page * PER_PAGE]:
        row = index.by_id.get(r["person"]) if index else None
        nxt = ""
        if r["status"] == "failed" and r["next_at"] < _YEAR_9000:  # else: waits for a pass
            nxt = dt.datetime.fromtimestamp(r["next_at"], zone).strftime("%m-%d %H:%M")
        shown.append({**dict(r), "name": row.plan.person.name if row else "", "next": nxt})
    return console.render(request, "deliveries.html", rows=shown, shown_status=status,
                          reasons=reasons, total=len(owed), page=page, pages=pages)  # fmt: skip


def _retry(conn: sqlite3.Connection, ids: list[int]) -> None:
    # A dead delivery starts its attempts again; a failed one keeps counting.
    conn.executemany(
        "UPDATE delivery SET status = 'failed', next_at = ?,"
        " attempts = CASE status WHEN 'dead' THEN 0 ELSE attempts END WHERE id = ?",
        [(time.time(), number) for number in ids],
    )


async def retry(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    try:
        number = int(request.match_info["id"])
        row = console.db.conn.execute(
            "SELECT person, status FROM delivery WHERE id = ?", (number,)
        ).fetchone()
    except (ValueError, sqlite3.OperationalError):
        row = None
    if row is None or row["status"] not in _SHOWN:
        raise web.HTTPNotFound()
    if not _visible_delivery(console, request, row["person"]):
        raise web.HTTPNotFound()
    with console.db.transaction() as conn:
        _retry(conn, [number])
    console.source.kick()
    return redirect("/deliveries")


async def retry_all(request: web.Request) -> web.StreamResponse:
    """Retry every delivery shown (of one status and one reason, if given) in one step."""
    console = request.app[CONSOLE]
    form = await request.post()
    status, reason = str(form.get("status", "")), form.get("reason")
    ids = [r["id"] for r in _owed(console, request, status)
           if reason is None or (r["reason"] or "—") == str(reason)]  # fmt: skip
    if ids:
        with console.db.transaction() as conn:
            _retry(conn, ids)
        console.source.kick()
    return redirect("/deliveries")


# -- feeds ---------------------------------------------------------------------------------------


async def feeds_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    cache = console.source.feeds
    groups = visible_groups(request)
    shown = []
    if cache is not None:
        for spec in cache.specs:
            if spec.kind is FeedKind.PERSON:
                continue  # a person's feed is on his page
            if groups is not None and not (
                spec.kind is FeedKind.GROUP and spec.name.removeprefix("group-") in groups
            ):
                continue
            shown.append((spec, cache.urls(spec.name)))
    return console.render(
        request, "feeds.html", feeds=shown, flash=request.query.get("msg") == "rotated"
    )


async def rotate(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    form = await request.post()
    name = str(form.get("name", ""))
    cache = console.source.feeds
    groups = visible_groups(request)
    allowed = groups is None or (
        name.startswith("group-") and name.removeprefix("group-") in groups
    )
    if name.startswith("person-"):
        index = console.index()
        row = index.by_id.get(name.removeprefix("person-")) if index else None
        allowed = row is not None and request[SESSION].account.sees(row.group)
    if cache is None or not allowed or name not in {s.name for s in cache.specs}:
        raise web.HTTPNotFound()
    cache.rotate(name)
    back = str(form.get("back", ""))
    return redirect(back if back.startswith("/people/") else "/subscriptions?msg=rotated")


# -- calendar --------------------------------------------------------------------------------


def _years(console: Console) -> list[tuple[int, bool, str]]:
    snap = console.view()
    years: list[tuple[int, bool, str]] = []
    if snap is not None:
        last = max((m.due.year for p in snap.plans for m in p.milestones), default=snap.today.year)
        for year in range(snap.today.year, max(last, snap.today.year + 1) + 1):
            info = snap.calendar.describe(year)  # config table, imported notice, package, estimate
            years.append((year, not info.official, info.source))
    return years


async def calendar_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    return console.render(request, "calendar.html", years=_years(console))


async def calendar_import(request: web.Request) -> web.StreamResponse:
    """The pasted notice (or holiday-cn JSON): `renewd calendar import`, from a form."""
    _admin(request)
    console = request.app[CONSOLE]
    form = await request.post()
    text = str(form.get("notice", ""))
    year_text = str(form.get("year", "")).strip()
    dry_run = form.get("dry_run") is not None
    try:
        year = int(year_text) if year_text else None
        result = await asyncio.to_thread(console.source.import_notice, text, year, dry_run)
    except ValueError:
        problems = [f"year: {year_text!r} is not a year"]
        return console.render(request, "calendar.html", status=400, years=_years(console),
                              problems=problems, pasted=text)  # fmt: skip
    except NoticeError as exc:
        problems = [str(p) for p in exc.problems] or [exc.message]
        return console.render(request, "calendar.html", status=400, years=_years(console),
                              problems=problems, pasted=text)  # fmt: skip
    return console.render(request, "calendar.html", years=_years(console),
                          understood=result.understood, moves=result.moves,
                          stored=result.stored, dry_run=dry_run)  # fmt: skip


# -- roster upload and export ----------------------------------------------------------------


async def roster_page(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    files = list(console.source.roster_files())
    return console.render(request, "roster.html", files=files, check=None,
                          flash=request.query.get("msg") == "roster_swapped")  # fmt: skip


async def roster_upload(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    files = list(console.source.roster_files())
    reader = await request.multipart()
    target: Path | None = None
    data = b""
    suffix = ""
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "target":
            chosen = (await part.text()).strip()
            target = next((f for f in files if str(f) == chosen), None)
        elif part.name == "file":
            suffix = Path(part.filename or "").suffix.lower()
            chunks, size = [], 0
            while chunk := await part.read_chunk():
                size += len(chunk)
                if size > UPLOAD_LIMIT:  # refused before it is all in memory
                    raise web.HTTPRequestEntityTooLarge(UPLOAD_LIMIT, size)
                chunks.append(chunk)
            data = b"".join(chunks)
    if target is None and len(files) == 1:
        target = files[0]
    if target is None or suffix not in ROSTER_SUFFIXES or not data:
        return console.render(request, "roster.html", status=400, files=files, check=None,
                              flash=False, bad_upload=True)  # fmt: skip
    # Reading a big roster and comparing it with the one in force takes a second or more.
    check = await asyncio.to_thread(console.source.check_roster, target, data, suffix)
    return console.render(request, "roster.html", files=files, check=check, flash=False)


async def roster_swap(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    form = await request.post()
    check = console.source.swap_roster(str(form.get("upload", "")))
    if check.problems:
        files = list(console.source.roster_files())
        return console.render(request, "roster.html", status=400, files=files, check=check,
                              flash=False)  # fmt: skip
    console.accounts.audit(
        f"console:{request[SESSION].account.name}", "", "roster", str(check.target),
        console.source.now(),
    )  # fmt: skip
    return redirect("/roster?msg=roster_swapped")


EXPORT_COLUMNS = ("id", "name", "group", "expires", "status", "next_step", "due", "feasible")


def _export_rows(request: web.Request) -> list[list[str]]:
    console = request.app[CONSOLE]
    index = console.index()
    lang: Lang = request[LANG]
    if index is None:
        return []
    query = people_query(request)
    rows: list[Row] = []
    page = 1
    while True:  # every page of the same query the people list shows
        got = index.query(query.__class__(**{**query.__dict__, "page": page, "per_page": 5000}),
                          visible_groups(request))  # fmt: skip
        rows.extend(got.rows)
        if page >= got.pages:
            break
        page += 1
    return [
        [
            r.id,
            r.plan.person.name,
            r.group,
            r.plan.cycle.isoformat(),
            status_name(r.status, lang),
            step_name(r.next_kind, lang) if r.next_kind else "",
            r.next_due.isoformat() if r.next_due else "",
            "yes" if r.plan.feasible else "no",
        ]
        for r in rows
    ]


async def export_csv(request: web.Request) -> web.StreamResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(_export_rows(request))
    body = ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM: Excel reads it as UTF-8
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="renewd-people.csv"'},
    )


async def export_xlsx(request: web.Request) -> web.StreamResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")
    sheet.append(list(EXPORT_COLUMNS))
    for line in _export_rows(request):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return web.Response(
        body=out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="renewd-people.xlsx"'},
    )


async def accounts_page(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    return console.render(request, "accounts.html", accounts=console.accounts.all())


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/accounts", accounts_page)
    router.add_get("/deliveries", deliveries)
    router.add_post("/deliveries/retry", retry_all)
    router.add_post("/deliveries/{id}/retry", retry)
    router.add_get("/subscriptions", feeds_page)
    router.add_post("/subscriptions/rotate", rotate)
    router.add_get("/calendar", calendar_page)
    router.add_post("/calendar/import", calendar_import)
    router.add_get("/roster", roster_page)
    router.add_post("/roster/check", roster_upload)
    router.add_post("/roster/swap", roster_swap)
    router.add_get("/export.csv", export_csv)
    router.add_get("/export.xlsx", export_xlsx)
