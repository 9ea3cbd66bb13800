"""A person's other documents on the console (docs/packs.md): one section per document after the
points', each with its timeline (`timeline.document_svg`), its step list for narrow screens
(`steplist.document_step_list`) and its steps' table (who, due day, hard cut-off, status), and
the forms that record a document's step done or undo it.

The person page's "record done" and "undo" forms post to the same routes as the points'; a
`document` field names the pack, and `step` its step's kind. Recording writes the documents'
progress (`store.document_progress`) with the console account as `by`; the source replans the
person's documents at once, and the daemon's next sweep the feeds.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from renewd.core.documents import DocumentPlan
from renewd.core.errors import UsageError
from renewd.core.model import Lang, Status
from renewd.core.pack import StepType
from renewd.core.wording import say
from renewd.web.console.app import CONSOLE, SESSION, redirect
from renewd.web.console.i18n import document_step_name, status_name, word
from renewd.web.console.index import Row
from renewd.web.console.source import PlansView
from renewd.web.console.steplist import document_step_list
from renewd.web.console.timeline import document_svg


def document_sections(row: Row, view: PlansView, lang: Lang) -> list[dict[str, Any]]:
    """What the person page shows of each of the row's other documents, in roster order."""
    return [_section(doc, view, lang) for doc in row.documents]


def _section(doc: DocumentPlan, view: PlansView, lang: Lang) -> dict[str, Any]:
    steps = []
    for s in doc.plan.steps:
        passed = s.status is Status.DONE and not s.done
        steps.append(
            {
                "kind": s.kind,
                "name": document_step_name(doc.pack, s.kind, lang),
                "owner": say(lang, f"owner.{s.owner.value}"),
                "due": s.due.isoformat() + ("*" if s.provisional else ""),
                "cutoff": s.cutoff.isoformat() if s.cutoff else "",
                "status": s.status.value,
                "status_text": word("passed", lang) if passed else status_name(s.status, lang),
                "done_on": s.done_on.isoformat() if s.done_on else "",
                "implied": (
                    document_step_name(doc.pack, s.implied_by, lang) if s.implied_by else ""
                ),
                "recordable": doc.pack.step(s.kind).type is not StepType.HEADS_UP,
            }
        )
    worst = [s.status for s in doc.plan.steps if s.status is not Status.DONE]
    warning = ""
    if doc.plan.cut_off:
        warning = say(lang, "packs.note.cut_off")
    elif not doc.plan.feasible:
        warning = word("gap", lang, days=doc.plan.gap_days)
    return {
        "pack": doc.pack.name,
        "title": doc.pack.title[lang],
        "cycle": doc.plan.cycle.isoformat(),
        "overdue": Status.OVERDUE in worst,
        "warning": warning,
        "svg": document_svg(doc, view.today, view.calendar, lang),
        "steplist": document_step_list(doc, view.today, lang),
        "steps": steps,
    }


def document_step(row: Row, form: MultiDictProxy[Any]) -> tuple[str, str] | None:
    """The (pack, step kind) a form names among the row's documents, or None when the form names
    no document (a points step). Raises 400 for a document or step the person does not hold."""
    pack = str(form.get("document", ""))
    if not pack:
        return None
    doc = next((d for d in row.documents if d.pack.name == pack), None)
    kind = str(form.get("step", ""))
    if doc is None or kind not in doc.pack.kinds:
        raise web.HTTPBadRequest()
    return pack, kind


def done_on(doc_step: tuple[str, str], row: Row) -> dt.date | None:
    """The day a document's step is recorded as done, if it is."""
    pack, kind = doc_step
    doc = next(d for d in row.documents if d.pack.name == pack)
    return doc.plan.step(kind).done_on


def _back(row: Row, msg: str) -> str:
    return f"/people/{urllib.parse.quote(row.id, safe='')}?msg={msg}"


async def record_document(
    request: web.Request, row: Row, doc_step: tuple[str, str], day: dt.date
) -> web.StreamResponse:
    """Record a document's step done on `day` (the person page's form), audited as the points'
    steps are: `done` or `changed` with the old day beside the new."""
    console = request.app[CONSOLE]
    pack, kind = doc_step
    by = f"console:{request[SESSION].account.name}"
    before = done_on(doc_step, row)
    try:
        console.source.record_document(row.id, pack, kind, day, by=by)
    except UsageError as exc:  # a day in the future
        back = _back(row, "")
        return console.render(request, "message.html", status=400, message_text=str(exc), back=back)
    action, detail = "done", f"{pack}.{kind}={day}"
    if before is not None and before != day:
        action, detail = "changed", f"{pack}.{kind}={before} → {day}"
    console.accounts.audit(by, row.id, action, detail, console.source.now())
    return redirect(_back(row, "recorded"))


def undo_document(request: web.Request, row: Row, doc_step: tuple[str, str]) -> web.StreamResponse:
    console = request.app[CONSOLE]
    pack, kind = doc_step
    by = f"console:{request[SESSION].account.name}"
    console.source.undo_document(row.id, pack, kind, by=by)
    console.accounts.audit(by, row.id, "undo", f"{pack}.{kind}", console.source.now())
    return redirect(_back(row, "undone"))
