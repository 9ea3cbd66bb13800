"""Feeds (subscribe page, rotate), the working-day calendar by year, roster upload (check, then
swap on an admin's confirmation). (Accounts: `accounts`; deliveries: `deliveries`; exports:
`exports`.)"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from renewd.calendar.notices import describe_notice, move_line
from renewd.core.feeds import FeedKind
from renewd.core.model import Lang
from renewd.core.notices import NoticeError, NoticeYearMissing
from renewd.web.console.app import CONSOLE, LANG, SESSION, Console, redirect
from renewd.web.console.pages import visible_groups
from renewd.web.console.source import UploadQuotaFull
from renewd.web.feedsize import large_feed_words

UPLOAD_LIMIT = 100 * 1024 * 1024
ROSTER_SUFFIXES = (".csv", ".xlsx", ".toml")


def _admin(request: web.Request) -> None:
    if not request[SESSION].account.admin:
        raise web.HTTPNotFound()


# -- feeds ---------------------------------------------------------------------------------------


async def feeds_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    cache = console.source.feeds
    groups = visible_groups(request)
    shown = []
    if cache is not None:
        for spec in cache.hr_specs:  # a person's own feed is on his page
            if groups is not None and not (
                spec.kind is FeedKind.GROUP and spec.name.removeprefix("group-") in groups
            ):
                continue
            shown.append((spec, cache.urls(spec.name)))
    lang = request.get(LANG, console.settings.language)
    names = {spec.name for spec, _ in shown}
    large = large_feed_words(cache, lang, names) if cache is not None else []
    return console.render(
        request,
        "feeds.html",
        feeds=shown,
        large=large,
        flash=request.query.get("msg") == "rotated",
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
    if cache is None or not allowed or not cache.exists(name):
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
    refused: dict[str, Any] = {"years": _years(console), "pasted": text, "year_value": year_text}
    try:
        year = int(year_text) if year_text else None
    except ValueError:
        return console.render(request, "calendar.html", 400, year_invalid=year_text, **refused)
    try:
        result = await asyncio.to_thread(console.source.import_notice, text, year, dry_run)
    except NoticeYearMissing:  # the console asks for 年份 in its own words, not for --year
        return console.render(request, "calendar.html", 400, year_missing=True, **refused)
    except NoticeError as exc:
        # the page words each problem in its language; the form is not a file to name
        problems = [replace(p, file="") for p in exc.problems]
        message = None if problems else exc.message
        return console.render(
            request, "calendar.html", 400, problems=problems, message=message, **refused
        )
    lang: Lang = request[LANG]
    return console.render(
        request,
        "calendar.html",
        years=_years(console),
        understood=describe_notice(result.notice, lang),
        moves=[move_line(move, lang) for move in result.moves],
        stored=result.stored,
        dry_run=dry_run,
    )


# -- roster upload and export ----------------------------------------------------------------


async def roster_page(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    files = list(await asyncio.to_thread(console.source.roster_files))  # may read the db
    return console.render(
        request,
        "roster.html",
        files=files,
        check=None,
        flash=request.query.get("msg") == "roster_swapped",
    )


async def roster_upload(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    files = list(await asyncio.to_thread(console.source.roster_files))  # may read the db
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
        return console.render(
            request,
            "roster.html",
            status=400,
            files=files,
            check=None,
            flash=False,
            bad_upload=True,
        )
    # Reading a big roster and comparing it with the one in force takes a second or more.
    account = request[SESSION].account.name
    check_roster = functools.partial(console.source.check_roster, account=account)
    try:
        check = await asyncio.to_thread(check_roster, target, data, suffix)
    except UploadQuotaFull as full:  # uploads waiting for confirmation: an hour each at most
        return console.render(
            request, "roster.html", 429, files=files, check=None, flash=False, quota=full.waiting
        )
    return console.render(request, "roster.html", files=files, check=check, flash=False)


async def roster_swap(request: web.Request) -> web.StreamResponse:
    _admin(request)
    console = request.app[CONSOLE]
    form = await request.post()
    # The swap checks the upload again: a spreadsheet is read in a child process, off the loop.
    swap = functools.partial(console.source.swap_roster, account=request[SESSION].account.name)
    check = await asyncio.to_thread(swap, str(form.get("upload", "")))
    if check.problems:
        files = list(await asyncio.to_thread(console.source.roster_files))  # may read the db
        return console.render(
            request, "roster.html", status=400, files=files, check=check, flash=False
        )
    await asyncio.to_thread(
        console.accounts.audit,
        f"console:{request[SESSION].account.name}",
        "",
        "roster",
        str(check.target),
        console.source.now(),
    )
    return redirect("/roster?msg=roster_swapped")


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/subscriptions", feeds_page)
    router.add_post("/subscriptions/rotate", rotate)
    router.add_get("/calendar", calendar_page)
    router.add_post("/calendar/import", calendar_import)
    router.add_get("/roster", roster_page)
    router.add_post("/roster/check", roster_upload)
    router.add_post("/roster/swap", roster_swap)
