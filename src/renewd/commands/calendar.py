"""`renewd calendar import` and `renewd calendar status`: the holiday notices, and which years are
official or provisional."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from renewd import redaction
from renewd.calendar.notices import ImportResult, describe_notice, import_notice
from renewd.calendar.status import calendar_status
from renewd.commands.app import App, today
from renewd.commands.args import iso_date
from renewd.core.errors import Problem, UsageError
from renewd.core.model import Lang
from renewd.core.moves import Move
from renewd.core.notices import NoticeError
from renewd.store.database import Database


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "calendar",
        parents=[parent],
        help="import a holiday notice; show which years are official",
        description="The working-day calendar's years: import the State Council holiday notice"
        " the day it is published (`renewd calendar import`), and see which years are still"
        " provisional (`renewd calendar` or `renewd calendar status`).",
    )
    _status_options(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    imp = actions.add_parser(
        "import",
        parents=[parent],
        help="validate and store a year's official holiday arrangement",
        description="Read the State Council notice text as published (pasted into a file, or on"
        " stdin with -) or a holiday-cn JSON file; print what was understood and which dates"
        " move; store it in the state database. The year comes from the notice's title (also"
        " when the page broke it over two lines), its opening sentence or the JSON file, else"
        " --year. A weekday note or a stated day count that disagrees with the calendar refuses"
        " the notice. A refused input stores nothing and exits 65.",
    )
    imp.add_argument("file", metavar="FILE", help="the notice text or holiday-cn JSON; - for stdin")
    imp.add_argument("--year", type=int, metavar="YEAR", help="the year, if the text names none")
    imp.add_argument(
        "--dry-run", action="store_true", help="show what it understood; store nothing"
    )
    imp.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="replan as of this day")
    imp.set_defaults(handler=run_import)
    status = actions.add_parser(
        "status",
        parents=[parent],
        help="which years are official, which provisional",
        description="For each year a plan touches: official (a config table, an imported notice,"
        " or the chinese-calendar package) or provisional (estimated), its source, and its rest"
        " and make-up working day counts.",
    )
    _status_options(status)


def _status_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="as of this day")
    parser.set_defaults(handler=run_status)


def _move_line(move: Move) -> str:
    return f"  {move.person} {move.kind.value}: {move.old} → {move.new}"


def print_import(result: ImportResult, dry_run: bool) -> None:
    for line in describe_notice(result.notice, Lang.EN):
        print(line)
    if result.roster_problem:
        print(
            f"renewd: warning: moves not computed: {redaction.scrub(str(result.roster_problem))}",
            file=sys.stderr,
        )
    elif result.moves:
        print(f"{len(result.moves)} due date{'s' if len(result.moves) != 1 else ''} move:")
        for move in result.moves:
            print(_move_line(move))
    else:
        print("no due date moves")
    for plan in result.infeasible:
        print(f"  {plan.person.id}: the plan becomes infeasible (gap {plan.gap_days} days)")
    if dry_run:
        print("dry run: nothing stored")
    elif result.stored:
        print(f"stored {result.notice.year}; the owners hear what moved in the next pass")
    else:
        print(f"{result.notice.year} already has exactly this arrangement; nothing changed")


def run_import(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    if args.file == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        path = Path(args.file)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NoticeError(
                f"{path}: not UTF-8 text, nothing was stored",
                [Problem(str(path), f"invalid UTF-8 at byte {exc.start} (a cut or GBK file?)")],
            ) from None
        name = str(path)
    result = import_notice(app, text, args.year, args.dry_run, name=name, today=args.today)
    print_import(result, args.dry_run)
    return 0


def run_status(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    day: dt.date = args.today or today(app.settings)
    where = app.settings.state
    db = Database.of(where) if Database.there(where) else None
    try:
        report = calendar_status(app, day, db)
    finally:
        if db is not None:
            db.close()
    if report.roster_problem:
        print(f"renewd: warning: {redaction.scrub(str(report.roster_problem))}", file=sys.stderr)
    if args.json:
        doc = {
            "today": day.isoformat(),
            "provisional": report.provisional,
            "years": [y.as_json() for y in report.years],
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for y in report.years:
        state = "official" if y.official else "PROVISIONAL"
        when = f", imported {y.imported_at:%Y-%m-%d %H:%M} UTC" if y.imported_at else ""
        print(
            f"{y.year}  {state:<11}  {y.layer:<13}  {y.rest_days:>3} rest  {y.makeup_days:>2}"
            f" make-up  {y.plans:>5} plans  {y.source}{when}"
        )
    if report.provisional:
        years = ", ".join(map(str, report.provisional))
        print(f"provisional: {years} — when the notice is published: renewd calendar import FILE")
    return 0
