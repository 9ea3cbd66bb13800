"""`renewd plan`: the renewal plan as a table, or as JSON for other tools (a stable contract)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from renewd.commands.app import App, today
from renewd.commands.args import iso_date, person_id
from renewd.commands.plan_documents import (
    document_json,
    document_plans,
    document_rows,
    next_steps,
)
from renewd.commands.plan_stream import stream_json
from renewd.core.documents import DocumentPlan
from renewd.core.errors import EX_DATAERR, UsageError
from renewd.core.model import Lang, PersonPlan, Status
from renewd.core.progress import merge_progress
from renewd.core.wording import say, status_name, step_name

STATUS_STYLE = {
    Status.UPCOMING: "dim",
    Status.OPEN: "cyan",
    Status.DUE: "bold yellow",
    Status.OVERDUE: "bold red",
    Status.DONE: "green",
}


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:

    parser = sub.add_parser(
        "plan",
        parents=[parent],
        help="show the renewal plan",
        description="Show each person's renewal plan: milestones, due dates, status.",
    )
    parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="plan as of this day")
    parser.add_argument("--person", type=person_id, metavar="ID", help="only this person")
    parser.add_argument("--json", action="store_true", help="print JSON (see README for the shape)")
    parser.add_argument(
        "--pretty", action="store_true", help="with --json: indented, for reading (slower)"
    )
    parser.set_defaults(handler=run)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def plan_json(plan: PersonPlan) -> dict[str, Any]:
    """One person's plan in the `plan --json` shape. Keys may be added, never renamed: add
    each to `plan_stream.PlanEncoder` too (the streamed path; tests check they agree)."""
    person = plan.person
    return {
        "id": person.id,
        "name": person.name,
        "group": person.group,
        "cycle": plan.cycle.isoformat(),
        "profile": plan.profile.value,
        "feasible": plan.feasible,
        "gap_days": plan.gap_days,
        "provisional": plan.provisional,
        "expiry_estimated": plan.expiry_estimated,
        "escalate": plan.escalate,
        "projected_approval": _iso(plan.projected_approval),
        "critical_dates_at_risk": [c.date.isoformat() for c in plan.critical_at_risk],
        "milestones": [
            {
                "kind": m.kind.value,
                "due": m.due.isoformat(),
                "opens": _iso(m.opens),
                "status": m.status.value,
                "provisional": m.provisional,
                "done_on": _iso(m.done_on),
                "implied_by": m.implied_by.value if m.implied_by else None,
            }
            for m in plan.milestones
        ],
    }


def run(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    day: dt.date = args.today or today(app.settings)
    partial = app.partial  # a bad row holds back only its own person, named on stderr
    status = EX_DATAERR if partial.problems else 0  # everyone else is planned
    people = merge_progress(partial.people, app.recorded())
    documents, bad = document_plans(app, partial.roster.documents, day, args.person)
    status = EX_DATAERR if bad else status
    if args.person is not None:
        people = [p for p in people if p.id == args.person]
        if not people and not documents:
            raise UsageError(f"no person with id {args.person!r} in the roster")
    if args.json:
        plans = (app.planner.plan(person, day) for person in people)  # one at a time
        others = [document_json(d) for d in documents]  # after the points, one per document
        if args.pretty:
            entries = [*(plan_json(p) for p in plans), *others]
            doc = {"today": day.isoformat(), "people": entries}
            json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            stream_json(day, plans, sys.stdout, others)
        return status
    _table(app.planner.plan_all(people, day), day, app.settings.language, documents)
    if args.person is not None:  # one person: each document's next step and its checklist
        for line in next_steps(documents, app.settings.language):
            print(line)
    return status


def _table(
    plans: list[PersonPlan], day: dt.date, lang: Lang, documents: Iterable[DocumentPlan] = ()
) -> None:
    # A pipe or a log gets full lines rather than 80 columns of ellipses.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"renewd plan — {day.isoformat()}", show_lines=False)
    for column in ("id", "name", "group", "expiry", "profile", "next", "due", "status", "note"):
        table.add_column(say(lang, f"cli.col.{column}"))
    for plan in plans:
        pending = [m for m in plan.milestones if m.status is not Status.DONE]
        step = min(pending, key=lambda m: m.due) if pending else None
        notes = []
        if not plan.feasible:
            notes.append(say(lang, "cli.note.gap", gap=plan.gap_days))
        if plan.critical_at_risk:
            notes.append(say(lang, "cli.alert.critical_date"))
        if plan.provisional:
            notes.append(say(lang, "cli.note.provisional"))
        style = STATUS_STYLE[step.status] if step else "green"
        table.add_row(
            plan.person.id,
            plan.person.name,
            plan.person.group,
            plan.cycle.isoformat(),
            say(lang, f"cli.profile.{plan.profile.value}"),
            step_name(step.kind, lang) if step else "—",
            step.due.isoformat() if step else "—",
            Text(status_name(step.status if step else Status.DONE, lang), style=style),
            Text(", ".join(notes), style="bold red" if not plan.feasible else ""),
        )
    for row in document_rows(documents, lang):
        *cells, status, style, note = row
        table.add_row(*cells, Text(status, style=style), Text(note, style="bold red"))
    console.print(table)
