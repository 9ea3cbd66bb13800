"""The page behind a one-click action link: GET shows it and changes nothing, POST records.

A forged, altered or malformed token, a person no longer in the roster, a cycle that is over
(the plan moved to the next permit expiry) or a step the plan does not have: the same plain page
saying the link is invalid or expired, with status 404, and nothing recorded.

A link acts once (issue 18): once its step is recorded (by the link, HR, the command line or the
roster), GET and POST say so, when and by whom, and POST changes nothing (409), whatever date it
carries: anyone holding a forwarded mail could otherwise keep rewriting the fact. The one thing
it may still add is a missing new permit expiry, once. A console undo makes the link work again,
and changing a recorded date is a console action (`pages.record_done`), in the change log.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from renewd.core.errors import UsageError
from renewd.core.model import Lang, Milestone, PersonPlan, Step
from renewd.core.progress import NEW_EXPIRY
from renewd.delivery.actionlinks import HOLDER_STEPS, ActionClaim
from renewd.web.console.app import CONSOLE, LANG, Console
from renewd.web.console.doc_links import document_confirm, document_page
from renewd.web.console.i18n import actor_name, word
from renewd.web.console.pages import parse_day


def _resolve(console: Console, token: str) -> tuple[ActionClaim, PersonPlan, Milestone] | None:
    """A points link's claim, plan and milestone (a document's link: `doc_links`)."""
    claim = console.links.claim(token)
    index = console.index()
    if claim is None or index is None or claim.document is not None:
        return None
    row = index.by_id.get(claim.person)
    if row is None or row.plan is None or row.plan.cycle != claim.cycle:
        return None
    kinds = [k for k, s in HOLDER_STEPS.items() if s is claim.step]
    milestone = next((m for m in row.plan.milestones if m.kind in kinds), None)
    if milestone is None:
        return None
    return claim, row.plan, milestone


def _invalid(console: Console, request: web.Request) -> web.Response:
    return console.plain(request, "link_invalid", 404)


def _step(claim: ActionClaim) -> Step:
    """A points claim's step (`_resolve` passes no other)."""
    assert isinstance(claim.step, Step)
    return claim.step


def _recorded_by(console: Console, claim: ActionClaim, day: object, lang: Lang) -> str:
    """Who recorded the step on `day`, in words: the recorded fact's author, else the roster."""
    for fact in console.source.recorded(claim.person):
        if fact.field == _step(claim).value and fact.day == day:
            return actor_name(fact.recorded_by, lang)
    return word("actor.roster", lang)


def _page(
    console: Console,
    request: web.Request,
    token: str,
    found: tuple[ActionClaim, PersonPlan, Milestone],
    *,
    status: int = 200,
    done: str = "",
) -> web.Response:
    """The link's page: the form, or what is recorded already (and the new-expiry form while
    the permit renewal is recorded without one), or `done` ("step", "expiry") after a POST."""
    claim, plan, milestone = found
    snap = console.view()
    assert snap is not None
    recorded = milestone.done_on is not None
    return console.render(
        request,
        "action.html",
        status=status,
        token=token,
        plan=plan,
        milestone=milestone,
        claim=claim,
        asks_expiry=claim.step is Step.PERMIT_RENEWED and not recorded,
        expiry_missing=_expiry_missing(claim, plan) and recorded,
        recorded=recorded,
        recorded_by=_recorded_by(console, claim, milestone.done_on, request[LANG])
        if recorded
        else "",
        done=done,
        max_day=snap.today.isoformat(),
    )


def _expiry_missing(claim: ActionClaim, plan: PersonPlan) -> bool:
    """A permit-renewal link whose new expiry is not recorded yet: it may still add it."""
    return claim.step is Step.PERMIT_RENEWED and plan.person.progress.new_permit_expires is None


def _document_claim(console: Console, token: str) -> ActionClaim | None:
    claim = console.links.claim(token)
    return claim if claim is not None and claim.document is not None else None


async def action_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    token = request.match_info["token"]
    doc_claim = _document_claim(console, token)
    if doc_claim is not None:
        return document_page(console, request, token, doc_claim)
    found = _resolve(console, token)
    if found is None:
        return _invalid(console, request)
    return _page(console, request, token, found)


async def action_confirm(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    token = request.match_info["token"]
    form = await request.post()
    doc_claim = _document_claim(console, token)
    if doc_claim is not None:
        return document_confirm(console, request, token, doc_claim, str(form.get("on", "")))
    # Resolved after the body is read and with no await until it is recorded: what is recorded
    # now, so of two POSTs of one link the second sees the first's record.
    found = _resolve(console, token)
    if found is None:
        return _invalid(console, request)
    claim, plan, milestone = found
    snap = console.view()
    assert snap is not None
    new_expiry = None
    expiry_text = str(form.get("expires", "")).strip()
    if expiry_text and claim.step is Step.PERMIT_RENEWED:
        try:
            new_expiry = dt.date.fromisoformat(expiry_text)
        except ValueError:
            return console.plain(request, "forbidden", 400)
    # The state database decides, not only the plans on view: a refresh that began before the
    # last record may swap in plans that do not show it yet, for a few seconds.
    stored = {fact.field for fact in console.source.recorded(claim.person)}
    if milestone.done_on is not None or _step(claim).value in stored:  # never changed from here
        if new_expiry is None or not _expiry_missing(claim, plan) or NEW_EXPIRY in stored:
            return _page(console, request, token, found, status=409)
        return _record(console, request, token, found, None, new_expiry)
    day = parse_day(str(form.get("on", "")) or snap.today.isoformat(), snap.today)
    if day is None:
        return console.plain(request, "forbidden", 400)
    return _record(console, request, token, found, day, new_expiry)


def _record(
    console: Console,
    request: web.Request,
    token: str,
    found: tuple[ActionClaim, PersonPlan, Milestone],
    day: dt.date | None,
    new_expiry: dt.date | None,
) -> web.Response:
    claim = found[0]
    step = _step(claim) if day is not None else None
    try:
        console.source.record(claim.person, step, day, new_expiry=new_expiry, by="link")
    except UsageError as exc:  # before the step it waits for; an expiry not later
        return console.render(
            request, "message.html", status=400, message_text=str(exc), back=f"/a/{token}"
        )
    now = console.source.now()
    if day is not None:
        detail = f"{_step(claim).value}={day}" + (
            f", new expiry {new_expiry}" if new_expiry else ""
        )
        console.accounts.audit("link", claim.person, "done", detail, now)
    else:
        console.accounts.audit("link", claim.person, "new_expiry", str(new_expiry), now)
    return _page(console, request, token, found, done="step" if day is not None else "expiry")


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/a/{token}", action_page)
    router.add_post("/a/{token}", action_confirm)
