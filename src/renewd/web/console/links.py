"""The page behind a one-click action link: GET shows it and changes nothing, POST records.

A forged, altered or malformed token, a person no longer in the roster, a cycle that is over
(the plan moved to the next permit expiry) or a step the plan does not have: the same plain page
saying the link is invalid or expired, with status 404, and nothing recorded.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from renewd.core.errors import UsageError
from renewd.core.model import Milestone, PersonPlan, Step
from renewd.delivery.actionlinks import HOLDER_STEPS, ActionClaim
from renewd.web.console.app import CONSOLE, Console
from renewd.web.console.pages import parse_day


def _resolve(console: Console, token: str) -> tuple[ActionClaim, PersonPlan, Milestone] | None:
    claim = console.links.claim(token)
    index = console.index()
    if claim is None or index is None:
        return None
    row = index.by_id.get(claim.person)
    if row is None or row.plan.cycle != claim.cycle:
        return None
    kinds = [k for k, s in HOLDER_STEPS.items() if s is claim.step]
    milestone = next((m for m in row.plan.milestones if m.kind in kinds), None)
    if milestone is None:
        return None
    return claim, row.plan, milestone


def _invalid(console: Console, request: web.Request) -> web.Response:
    return console.plain(request, "link_invalid", 404)


async def action_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    token = request.match_info["token"]
    found = _resolve(console, token)
    if found is None:
        return _invalid(console, request)
    claim, plan, milestone = found
    snap = console.view()
    assert snap is not None
    return console.render(
        request,
        "action.html",
        token=token,
        plan=plan,
        milestone=milestone,
        claim=claim,
        asks_expiry=claim.step is Step.PERMIT_RENEWED,
        done=False,
        max_day=snap.today.isoformat(),
    )


async def action_confirm(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    token = request.match_info["token"]
    found = _resolve(console, token)
    if found is None:
        return _invalid(console, request)
    claim, plan, milestone = found
    snap = console.view()
    assert snap is not None
    form = await request.post()
    day = parse_day(str(form.get("on", "")) or snap.today.isoformat(), snap.today)
    if day is None:
        return console.plain(request, "forbidden", 400)
    expiry_text = str(form.get("expires", "")).strip()
    new_expiry = None
    if expiry_text and claim.step is Step.PERMIT_RENEWED:
        try:
            new_expiry = dt.date.fromisoformat(expiry_text)
        except ValueError:
            return console.plain(request, "forbidden", 400)
    try:
        console.source.record(claim.person, claim.step, day, new_expiry=new_expiry, by="link")
    except UsageError as exc:  # before the step it waits for
        return console.render(
            request, "message.html", status=400, message_text=str(exc), back=f"/a/{token}"
        )
    detail = f"{claim.step.value}={day}" + (f", new expiry {new_expiry}" if new_expiry else "")
    console.accounts.audit("link", claim.person, "done", detail, console.source.now())
    return console.render(
        request,
        "action.html",
        token=token,
        plan=plan,
        milestone=milestone,
        claim=claim,
        asks_expiry=False,
        done=True,
        max_day=snap.today.isoformat(),
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/a/{token}", action_page)
    router.add_post("/a/{token}", action_confirm)
