"""The overview, the people list and a person's page, with the forms that record progress.

A group-limited account that asks for another group's person (by URL or by form) gets the same
404 as for a person who does not exist, and nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import asdict, replace
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

import segno
from aiohttp import web

from renewd.calendar.preview import Readers, in_order
from renewd.core import critical
from renewd.core.errors import UsageError
from renewd.core.materials import Reader
from renewd.core.model import MilestoneKind, Status, Step
from renewd.delivery.actionlinks import HOLDER_STEPS
from renewd.redaction import MASK
from renewd.store.delivery_views import OWED, DeliveryViews
from renewd.web.console.app import CONSOLE, LANG, SESSION, Console, redirect
from renewd.web.console.documents import (
    document_sections,
    document_step,
    record_document,
    undo_document,
)
from renewd.web.console.index import Flag, PeopleIndex, Query, Row
from renewd.web.console.steplist import step_list
from renewd.web.console.timeline import timeline_svg
from renewd.web.console.upcoming import OVERVIEW_DAYS, PERSON_DAYS, rows, upcoming

E = TypeVar("E", bound=StrEnum)
PER_PAGE = 50
FLAG_WORDS = {
    Flag.WEEK.value: "due_week",
    Flag.INFEASIBLE.value: "infeasible",
    Flag.RISK.value: "at_risk",
    Flag.PROVISIONAL.value: "provisional",
}
MESSAGES = ("recorded", "undone", "roster_value", "rotated", "roster_swapped")


def visible_groups(request: web.Request) -> frozenset[str] | None:
    """None for an admin (every group), else the account's groups."""
    account = request[SESSION].account
    return None if account.admin else account.groups


def _enum(kind: type[E], value: str | None) -> E | None:
    """`kind(value)`, or None for an empty or unknown value (a filter left out)."""
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _row_or_404(console: Console, request: web.Request, person: str) -> Row:
    index = console.index()
    row = index.by_id.get(person) if index else None
    if row is None or not request[SESSION].account.sees(row.group):
        raise web.HTTPNotFound()
    return row


def _flash(request: web.Request) -> str | None:
    msg = request.query.get("msg")
    return msg if msg in MESSAGES else None


async def overview(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    index = console.index()
    snap = console.view()
    groups = visible_groups(request)
    counts = index.counts(groups) if index else None
    if counts is not None and snap is not None:  # of those, the ones the calendar estimates
        estimated = [y for y in counts.provisional_years if not snap.calendar.describe(y).official]
        counts = replace(counts, provisional_years=tuple(estimated))
    deliveries = delivery_counts(console, index, groups)
    coming = await upcoming(console.source, Readers(groups=groups), OVERVIEW_DAYS)
    if coming is not None:
        coming = in_order(coming, [c.name for c in console.settings.channels])
    people = index.by_id if index else {}
    names = {pid: people[pid].person.name for r in coming or () if (pid := r.person) in people}
    return console.render(
        request,
        "overview.html",
        counts=counts,
        deliveries=deliveries,
        upcoming=rows(coming, names, request[LANG], hidden_channels(console)),
        upcoming_days=OVERVIEW_DAYS,
        roster_problems=len(snap.roster_problems) if snap and groups is None else None,
        admin=groups is None,
    )


def delivery_counts(
    console: Console, index: PeopleIndex | None, groups: frozenset[str] | None
) -> dict[str, int]:
    """Failed and dead deliveries, of the account's groups' people (all of them for None)."""
    counts = {str(status): 0 for status in OWED}
    for row in DeliveryViews(console.db).owed():
        if groups is not None:
            seen = index.by_id.get(row.person) if index else None
            if seen is None or seen.group not in groups:
                continue
        counts[row.status] += 1
    return counts


def people_query(request: web.Request) -> Query:
    q = request.query
    try:
        page = int(q.get("page", "1"))
    except ValueError:
        page = 1
    return Query(
        q=q.get("q", "")[:100],
        group=q.get("group", ""),
        status=_enum(Status, q.get("status")),
        step=_enum(MilestoneKind, q.get("step")),
        flag=_enum(Flag, q.get("flag")),
        page=page,
        per_page=PER_PAGE,
    )


async def people(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    index = console.index()
    query = people_query(request)
    groups = visible_groups(request)
    page = index.query(query, groups) if index else None
    shown_groups = [g for g in index.groups if groups is None or g in groups] if index else []
    params = {k: v for k, v in request.query.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return "/people?" + urllib.parse.urlencode({**params, "page": number})

    return console.render(
        request,
        "people.html",
        page=page,
        query=query,
        groups=shown_groups,
        statuses=list(Status),
        steps=[k for k in MilestoneKind if k in HOLDER_STEPS or k is MilestoneKind.PREPARE],
        page_url=page_url,
        export_query=urllib.parse.urlencode(params),
        flag_words=FLAG_WORDS,
    )


def qr_svg(text: str) -> str:
    return str(segno.make(text, error="m").svg_inline(scale=3, title="QR"))


async def person_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    row = _row_or_404(console, request, request.match_info["person"])
    snap = console.view()
    assert snap is not None
    plan, person = row.plan, row.person  # plan: None for someone with only other documents
    lang = request[LANG]
    feeds = console.source.feeds
    urls = None
    if feeds is not None:
        try:
            urls = feeds.urls(f"person-{person.id}")
        except Exception:  # a feed cache built before this person arrived
            urls = None
    coming = await upcoming(console.source, Readers(person=person.id), PERSON_DAYS)
    if coming is not None:
        coming = in_order(coming, [c.name for c in console.settings.channels])
    return console.render(
        request,
        "person.html",
        upcoming=rows(coming, {person.id: person.name}, lang, hidden_channels(console)),
        upcoming_days=PERSON_DAYS,
        row=row,
        plan=plan,
        person=person,
        svg=timeline_svg(plan, snap.today, snap.calendar, lang) if plan else "",
        steplist=step_list(plan, snap.today, lang) if plan else None,
        documents=document_sections(row, snap, lang),
        steps=HOLDER_STEPS,
        history=_history(console, person.id),
        changes=console.accounts.changes(person.id),
        recorded={f.field: f for f in console.source.recorded(person.id)},
        urls=urls,
        qr=qr_svg(urls.https) if urls else "",
        flash=_flash(request),
        max_day=snap.today.isoformat(),
        # at risk, with what to do
        critical=critical.lines(plan, snap.today, lang, Reader.HR) if plan else [],
    )


def _history(console: Console, person: str) -> list[dict[str, object]]:
    """The person's last 50 deliveries: when, what (a message: the steps it carried), where."""
    zone = ZoneInfo(console.settings.timezone)
    hidden = hidden_channels(console)
    return [
        {
            **asdict(r),
            "recipient": MASK if r.recipient and r.channel in hidden else r.recipient,
            "at": dt.datetime.fromtimestamp(r.at, zone).strftime("%Y-%m-%d %H:%M"),
        }
        for r in DeliveryViews(console.db).history(person)
    ]


def hidden_channels(console: Console) -> frozenset[str]:
    """The channels whose recipients are secrets (Bark device keys, PushPlus tokens): shown ***."""
    return frozenset(c.name for c in console.settings.channels if c.hides_addresses)


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """A date from a form: ISO, not in the future."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if day <= today else None


def actor(request: web.Request) -> str:
    return f"console:{request[SESSION].account.name}"


async def record_done(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    row = _row_or_404(console, request, request.match_info["person"])
    form = await request.post()
    step = _enum(Step, str(form.get("step", "")))
    snap = console.view()
    assert snap is not None
    day = parse_day(str(form.get("on", "")) or snap.today.isoformat(), snap.today)
    document = document_step(row, form)
    if document is not None and day is not None:
        return await record_document(request, row, document, day)
    if step is None or day is None or row.plan is None:
        return console.plain(request, "forbidden", 400)
    by = actor(request)
    before = row.plan.person.progress.get(step)
    try:
        console.source.record(row.id, step, day, by=by)
    except UsageError as exc:  # before the step it waits for
        back = _person_url(row.id, "")
        return console.render(request, "message.html", status=400, message_text=str(exc), back=back)
    # Changing a recorded date is HR's to do, here (an action link never changes it): the
    # change log keeps the old date beside the new one.
    action, detail = "done", f"{step.value}={day}"
    if before is not None and before != day:
        action, detail = "changed", f"{step.value}={before} → {day}"
    console.accounts.audit(by, row.id, action, detail, console.source.now())
    return redirect(_person_url(row.id, "recorded"))


async def undo_done(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    row = _row_or_404(console, request, request.match_info["person"])
    form = await request.post()
    step = _enum(Step, str(form.get("step", "")))
    document = document_step(row, form)
    if document is not None:
        return undo_document(request, row, document)
    if step is None:
        return console.plain(request, "forbidden", 400)
    plan = console.source.undo(row.id, step, by=actor(request))
    console.accounts.audit(actor(request), row.id, "undo", step.value, console.source.now())
    still = plan is not None and plan.person.progress.get(step) is not None
    return redirect(_person_url(row.id, "roster_value" if still else "undone"))


async def new_expiry(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    row = _row_or_404(console, request, request.match_info["person"])
    form = await request.post()
    try:
        day = dt.date.fromisoformat(str(form.get("expires", "")).strip())
    except ValueError:
        return console.plain(request, "forbidden", 400)
    try:
        console.source.record(row.id, None, None, new_expiry=day, by=actor(request))
    except UsageError as exc:  # not after the expiry in force
        return console.render(
            request, "message.html", status=400, message_text=str(exc), back=_person_url(row.id, "")
        )
    console.accounts.audit(
        actor(request), row.id, "new_expiry", day.isoformat(), console.source.now()
    )
    return redirect(_person_url(row.id, "recorded"))


def _person_url(person: str, msg: str) -> str:
    return f"/people/{urllib.parse.quote(person, safe='')}?msg={msg}"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", overview)
    router.add_get("/people", people)
    router.add_get("/people/{person}", person_page)
    router.add_post("/people/{person}/done", record_done)
    router.add_post("/people/{person}/undo", undo_done)
    router.add_post("/people/{person}/expiry", new_expiry)
