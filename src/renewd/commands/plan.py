"""`renewd plan`: the renewal plan as a table, or as JSON for other tools (a stable contract)."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from renewd import redaction
from renewd.commands.app import App, today
from renewd.commands.args import iso_date, person_id
from renewd.commands.plan_documents import (
    document_json,
    document_plans,
    document_rows,
    next_steps,
)
from renewd.commands.plan_stream import plan_json as plan_json  # the shape, for tests and tools
from renewd.commands.plan_stream import stream_json, stream_people
from renewd.core.documents import DocumentPlan
from renewd.core.errors import EX_DATAERR, Problem, UsageError
from renewd.core.model import Lang, Person, PersonPlan, Status
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


def run(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    day: dt.date = args.today or today(app.settings)
    if args.json and args.person is None:
        return _stream(app, day, args.pretty)
    partial = app.partial  # a bad row holds back only its own person, named on stderr
    status = EX_DATAERR if partial.problems else 0  # everyone else is planned
    people = merge_progress(partial.people, app.recorded())
    documents, bad = document_plans(app, partial.roster.documents, day, args.person)
    status = EX_DATAERR if bad else status
    if args.person is not None:
        people = [p for p in people if p.id == args.person]
        if not people and not documents:
            raise UsageError(f"no person with id {args.person!r} in the roster")
    if args.json:  # one person
        plans = (app.planner.plan(person, day) for person in people)
        stream_json(day, plans, sys.stdout, map(document_json, documents), pretty=args.pretty)
        return status
    _table(app.planner.plan_all(people, day), day, app.settings.language, documents)
    if args.person is not None:  # one person: each document's next step and its checklist
        for line in next_steps(documents, app.settings.language):
            print(line)
    return status


def _stream(app: App, day: dt.date, pretty: bool) -> int:
    """Everyone, each planned and written as his row is read (`renewd.roster.stream`): the
    roster's problems are said once its people are out, then the other documents are planned
    and written after them, as `App.partial` and `document_plans` say and order them."""
    recorded = app.recorded()
    plan = functools.partial(app.planner.plan, today=day)
    bad: list[Problem] = []
    with app.roster_stream() as roster, _few_collections():

        def merged(people: Iterator[Person]) -> Iterator[Person]:
            for person in people:
                extra = recorded.get(person.id)
                yield replace(person, progress=person.progress.merged(extra)) if extra else person

        def others() -> Iterator[dict[str, Any]]:
            for problem in roster.problems:  # no personal number, as in the log
                print(f"renewd: warning: {redaction.scrub(str(problem))}", file=sys.stderr)
            documents, found = document_plans(app, roster.documents, day)
            bad.extend(found)
            yield from map(document_json, documents)

        people = merged(roster.people()) if recorded else roster.people()
        stream_people(day, people, plan, sys.stdout, others(), pretty=pretty)
    return EX_DATAERR if roster.problems or bad else 0


@contextmanager
def _few_collections() -> Iterator[None]:
    """A million people make hundreds of millions of short-lived objects, freed as they go
    (nothing of a person outlives his line): the cycle collector's default pace would sweep the
    modules and the planner's memos again and again (a tenth of the CPU at 100,000). What lives
    now is set aside and the youngest generation is swept less often, until the plan is out."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _table(
    plans: list[PersonPlan], day: dt.date, lang: Lang, documents: Iterable[DocumentPlan] = ()
) -> None:
    from rich.console import Console  # the table only: `plan --json` starts without rich
    from rich.table import Table
    from rich.text import Text

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
