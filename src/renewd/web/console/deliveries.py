"""The deliveries page: the failed and dead ones this account may see, grouped by reason, and
"retry now" for one or for all of them shown."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict
from zoneinfo import ZoneInfo

from aiohttp import web

from renewd.store.delivery_rows import DeliveryStatus
from renewd.store.delivery_views import OWED, DeliveryViews, OwedRow
from renewd.web.console.app import CONSOLE, SESSION, Console, redirect


def _visible_delivery(console: Console, request: web.Request, person: str) -> bool:
    account = request[SESSION].account
    if account.admin:
        return True
    index = console.index()
    row = index.by_id.get(person) if index else None
    return row is not None and account.sees(row.group)


PER_PAGE = 50
_YEAR_9000 = 221845392000.0  # a "next try" beyond it is no time to show


def _owed(console: Console, request: web.Request, status: str) -> list[OwedRow]:
    """The failed and dead deliveries (or one of the two) this account may see, newest first."""
    wanted = [s for s in OWED if s == status] or list(OWED)
    rows = DeliveryViews(console.db).owed(wanted)
    return [r for r in rows if _visible_delivery(console, request, r.person)]


async def deliveries(request: web.Request) -> web.StreamResponse:
    """What is owed, a page at a time: grouped by reason first (an SMTP server down fails
    hundreds for one reason, retried in one click), then each row with the person's name and
    when it is tried next."""
    console = request.app[CONSOLE]
    status = request.query.get("status", "")
    owed = _owed(console, request, status)
    reasons = Counter(r.reason or "—" for r in owed).most_common(10)
    pages = max(1, -(-len(owed) // PER_PAGE))
    try:
        page = min(max(1, int(request.query.get("page", "1"))), pages)
    except ValueError:
        page = 1
    index = console.index()
    zone = ZoneInfo(console.settings.timezone)
    shown = []
    for r in owed[(page - 1) * PER_PAGE : page * PER_PAGE]:
        row = index.by_id.get(r.person) if index else None
        nxt = ""
        if r.status is DeliveryStatus.FAILED and r.next_at < _YEAR_9000:  # else: waits a pass
            nxt = dt.datetime.fromtimestamp(r.next_at, zone).strftime("%m-%d %H:%M")
        shown.append({**asdict(r), "name": row.person.name if row else "", "next": nxt})
    return console.render(
        request,
        "deliveries.html",
        rows=shown,
        shown_status=status,
        reasons=reasons,
        total=len(owed),
        page=page,
        pages=pages,
    )


def _retry(console: Console, ids: list[int]) -> None:
    """Due now, on renewd's clock (the one the passes read)."""
    DeliveryViews(console.db).retry_now(ids, console.source.now().timestamp())
    console.source.kick()


async def retry(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    try:
        number = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    found = DeliveryViews(console.db).status(number)
    if found is None or found[1] not in OWED:
        raise web.HTTPNotFound()
    if not _visible_delivery(console, request, found[0]):
        raise web.HTTPNotFound()
    _retry(console, [number])
    return redirect("/deliveries")


async def retry_all(request: web.Request) -> web.StreamResponse:
    """Retry every delivery shown (of one status and one reason, if given) in one step."""
    console = request.app[CONSOLE]
    form = await request.post()
    status, reason = str(form.get("status", "")), form.get("reason")
    ids = [
        r.id
        for r in _owed(console, request, status)
        if reason is None or (r.reason or "—") == str(reason)
    ]
    if ids:
        _retry(console, ids)
    return redirect("/deliveries")


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/deliveries", deliveries)
    router.add_post("/deliveries/retry", retry_all)
    router.add_post("/deliveries/{id}/retry", retry)
