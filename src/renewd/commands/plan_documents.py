"""The documents beside Shanghai points in `renewd plan` and `renewd check` (docs/packs.md): one
entry per (person, document), planned by its pack."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from renewd import redaction
from renewd.commands.app import App
from renewd.core.documents import DocumentPlan, document_problems, plan_documents
from renewd.core.errors import Problem
from renewd.core.model import Lang, Person, Status
from renewd.core.pack_words import checklist_line
from renewd.core.wording import date, say, status_name

STATUS_STYLE = {
    Status.UPCOMING: "dim",
    Status.OPEN: "cyan",
    Status.DUE: "bold yellow",
    Status.OVERDUE: "bold red",
    Status.DONE: "green",
}


def document_plans(
    app: App, documents: Sequence[Person], day: dt.date, person: str | None = None
) -> tuple[list[DocumentPlan], list[Problem]]:
    """The plans of the roster's other documents (only `person`'s when given); a row whose pack
    is unknown or lacks what its pack needs is left out and said on stderr."""
    packs = app.settings.pack_set()
    problems = document_problems(packs, documents)
    for problem in problems:
        print(f"renewd: warning: {redaction.scrub(str(problem))}", file=sys.stderr)
    bad = {p.file for p in problems}
    rows = [d for d in documents if d.source not in bad and person in (None, d.id)]
    recorded = app.recorded_documents() if rows else {}
    due_soon = app.settings.policy.core().due_soon_days
    return plan_documents(packs, rows, app.calendar, day, recorded, due_soon), problems


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def document_json(entry: DocumentPlan) -> dict[str, Any]:
    """One (person, document) in the `plan --json` shape: the points entry's keys where they
    mean the same, and `document`, `cut_off` and each step's `owner`, `cutoff` and `materials`
    (the keys of its checklist)."""
    person, plan = entry.person, entry.plan
    return {
        "id": person.id,
        "name": person.name,
        "group": person.group,
        "document": entry.pack.name,
        "cycle": plan.cycle.isoformat(),
        "feasible": plan.feasible,
        "gap_days": plan.gap_days,
        "cut_off": plan.cut_off,
        "provisional": plan.provisional,
        "escalate": plan.escalate,
        "projected_done": _iso(plan.projected),
        "milestones": [
            {
                "kind": s.kind,
                "due": s.due.isoformat(),
                "opens": _iso(s.opens),
                "cutoff": _iso(s.cutoff),
                "owner": s.owner.value,
                "status": s.status.value,
                "provisional": s.provisional,
                "done_on": _iso(s.done_on),
                "implied_by": s.implied_by,
                "materials": list(entry.pack.step(s.kind).materials),
            }
            for s in plan.steps
        ],
    }


def _next_step(entry: DocumentPlan) -> str | None:
    pending = [s for s in entry.plan.steps if s.status is not Status.DONE]
    return min(pending, key=lambda s: s.due).kind if pending else None


def next_steps(entries: Iterable[DocumentPlan], lang: Lang) -> list[str]:
    """For `plan --person`: each document's next step, what to do and its checklist."""
    lines = []
    for entry in entries:
        kind = _next_step(entry)
        if kind is None:
            continue
        words = entry.pack.step(kind).words[lang]
        step = entry.plan.step(kind)
        lines.append(
            say(
                lang,
                "packs.next",
                person=entry.person.name,
                document=entry.pack.title[lang],
                step=words.title,
                due=date(step.due, lang),
                do=words.do,
            )
        )
        checklist = checklist_line(entry.pack, kind, lang)
        if checklist:
            lines.append("  " + checklist)
    return lines


def document_rows(
    entries: Iterable[DocumentPlan], lang: Lang
) -> list[tuple[str, str, str, str, str, str, str, str, str, str]]:
    """The plan table's rows: id, name, group, expiry, document, next step, due, status, its
    style and a note."""
    rows = []
    for entry in entries:
        plan = entry.plan
        kind = _next_step(entry)
        step = plan.step(kind) if kind else None
        words = entry.pack.step(step.kind).words.get(lang) if step else None
        note = ""
        if plan.cut_off:
            note = say(lang, "packs.note.cut_off")
        elif not plan.feasible:
            note = say(lang, "packs.note.gap", gap=plan.gap_days)
        status = step.status if step else Status.DONE
        rows.append(
            (
                entry.person.id,
                entry.person.name,
                entry.person.group,
                plan.cycle.isoformat(),
                entry.pack.title[lang],
                words.title if words else "—",
                step.due.isoformat() if step else "—",
                status_name(status, lang),
                STATUS_STYLE[status],
                note,
            )
        )
    return rows
