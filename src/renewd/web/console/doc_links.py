"""The page behind a one-click link of a document's step (docs/packs.md), as `links` for the
points: GET shows the step and changes nothing, POST records it into the documents' progress
(`store.document_progress`) with "link" as who, on the day chosen (not in the future, not before
the step it waits for: `core.documents.after_what_it_waits_for`, through the source).

Refused with the same plain "invalid or expired" page (404), nothing recorded: a person no longer
in the roster or no longer holding the document, a plan of that document on another cycle (the
document was renewed), a step its pack does not have or that is not the holder's to do. Once the
step is done (by the link, HR, the command line, or implied by a later step) the page says so and
POST changes nothing (409): the state database decides, not only the plans on view.
"""

from __future__ import annotations

from aiohttp import web

from renewd.core.documents import DocumentPlan
from renewd.core.errors import UsageError
from renewd.core.pack import StepType
from renewd.core.policy import Owner
from renewd.delivery.actionlinks import ActionClaim
from renewd.store.document_progress import recorded_by
from renewd.web.console.app import LANG, Console
from renewd.web.console.i18n import actor_name
from renewd.web.console.pages import parse_day


def resolve(console: Console, claim: ActionClaim) -> DocumentPlan | None:
    """The person's current plan of the claim's document, if the link still belongs to it."""
    index = console.index()
    row = index.by_id.get(claim.person) if index is not None else None
    if row is None or claim.document is None:
        return None
    doc = next((d for d in row.documents if d.pack.name == claim.document), None)
    if doc is None or doc.cycle != claim.cycle or str(claim.step) not in doc.pack.kinds:
        return None
    own = doc.pack.step(str(claim.step))
    if own.owner is not Owner.HOLDER or own.type is not StepType.ACT:
        return None
    return doc


def _page(
    console: Console,
    request: web.Request,
    token: str,
    claim: ActionClaim,
    doc: DocumentPlan,
    *,
    status: int = 200,
    done: bool = False,
) -> web.Response:
    snap = console.view()
    assert snap is not None
    lang = request[LANG]
    kind = str(claim.step)
    step = doc.plan.step(kind)
    stored = recorded_by(console.db, claim.person, doc.pack.name, kind)
    if stored is None and step.implied_by is not None:  # done, said by a later step's record
        stored = recorded_by(console.db, claim.person, doc.pack.name, step.implied_by)
    day, by = stored if stored else (step.done_on, "roster")
    return console.render(
        request,
        "doc_action.html",
        status=status,
        token=token,
        person=doc.person,
        document=doc.pack.title[lang],
        step_title=doc.pack.step(kind).words[lang].title,
        due=step.due.isoformat(),
        recorded=step.done or stored is not None,
        recorded_on=day.isoformat() if day else "",
        recorded_by=actor_name(by, lang) if by else "",
        done=done,
        max_day=snap.today.isoformat(),
    )


def _invalid(console: Console, request: web.Request) -> web.Response:
    return console.plain(request, "link_invalid", 404)


def document_page(
    console: Console, request: web.Request, token: str, claim: ActionClaim
) -> web.Response:
    doc = resolve(console, claim)
    if doc is None:
        return _invalid(console, request)
    return _page(console, request, token, claim, doc)


def document_confirm(
    console: Console, request: web.Request, token: str, claim: ActionClaim, on: str
) -> web.Response:
    """The POST of a document's link, its form read (`on`: the day chosen, empty for today)."""
    doc = resolve(console, claim)
    if doc is None:
        return _invalid(console, request)
    kind = str(claim.step)
    if doc.plan.step(kind).done or recorded_by(console.db, claim.person, doc.pack.name, kind):
        return _page(console, request, token, claim, doc, status=409)
    snap = console.view()
    assert snap is not None
    day = parse_day(on or snap.today.isoformat(), snap.today)
    if day is None:
        return console.plain(request, "forbidden", 400)
    try:
        console.source.record_document(claim.person, doc.pack.name, kind, day, by="link")
    except UsageError as exc:  # before the step it waits for
        back = f"/a/{token}"
        return console.render(request, "message.html", status=400, message_text=str(exc), back=back)
    now = console.source.now()
    console.accounts.audit("link", claim.person, "done", f"{doc.pack.name}.{kind}={day}", now)
    return _page(console, request, token, claim, resolve(console, claim) or doc, done=True)
