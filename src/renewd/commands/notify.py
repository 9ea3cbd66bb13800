"""`renewd notify`, `renewd done` and `renewd log`: delivery passes, progress, delivery history."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from zoneinfo import ZoneInfo

from renewd.commands.args import iso_date, person_id
from renewd.core.errors import EX_TEMPFAIL, UsageError
from renewd.core.messages import test_message
from renewd.service.app import App, now, today
from renewd.service.delivery import Delivery, PassReport, workday_move
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog, columns
from renewd.store.progress import ProgressStore, parse_step


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:

    parser = sub.add_parser(
        "notify",
        parents=[parent],
        help="send due reminders, or test the channels",
        description="--due: one delivery pass (what the daemon runs at send_at; usable from"
        " cron): issue the reminders due today and retry failed deliveries whose wait is over."
        " --test: send a test message on each channel. Exit 0 when nothing failed, 75 when a"
        " delivery failed (it will be retried) or died.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--due", action="store_true", help="run one delivery pass")
    mode.add_argument("--test", action="store_true", help="send a test message per channel")
    parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="pass as of this day")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; send and record nothing"
    )
    parser.add_argument("--channel", metavar="NAME", help="--test: only this channel")
    parser.add_argument(
        "--to",
        metavar="ADDRESS",
        help="--test: recipient for a personal channel (email, chat id, WeCom userid)",
    )
    parser.set_defaults(handler=run_notify)

    done = sub.add_parser(
        "done",
        parents=[parent],
        help="record that a person did a step",
        description="Record progress in the state database so reminders for that step stop."
        " STEP is one of permit, applied, submitted, approved, collected (or the milestone"
        " name). Merged with the roster's progress columns: the later date wins.",
    )
    done.add_argument("person", type=person_id, metavar="PERSON", help="the person's roster id")
    done.add_argument("step", metavar="STEP", help="permit | applied | submitted | approved | ...")
    done.add_argument("--on", type=iso_date, metavar="YYYY-MM-DD", help="when (default: today)")
    done.add_argument(
        "--new-expiry", type=iso_date, metavar="YYYY-MM-DD", help="the renewed permit's expiry"
    )
    done.set_defaults(handler=run_done)

    history = sub.add_parser(
        "log",
        parents=[parent],
        help="show the delivery history",
        description="Show delivery log rows, newest first: what was sent, failed or is waiting.",
    )
    history.add_argument("--person", type=person_id, metavar="ID", help="only this person")
    history.add_argument("--limit", type=int, default=200, help="at most this many rows")
    history.set_defaults(handler=run_log)


def print_report(report: PassReport) -> None:
    head = "dry run" if report.dry_run else "pass"
    print(f"{head} {report.today.isoformat()}: {report.issued} new reminders")
    for outcome in report.planned:
        print(f"  would send  {outcome.describe()}")
    for outcome in report.sent:
        print(f"  sent        {outcome.describe()}")
    for outcome in report.failed:
        print(f"  failed      {outcome.describe()} (attempt {outcome.attempts}, will retry)")
    for outcome in report.dead:
        print(f"  dead        {outcome.describe()} (gave up after {outcome.attempts} attempts)")
    for outcome in report.cancelled:
        print(f"  cancelled   {outcome.describe()}")
    for text in report.skipped:
        print(f"  skipped     {text}")
    print(
        f"sent {len(report.sent)}, failed {len(report.failed)}, dead {len(report.dead)},"
        f" skipped {len(report.skipped)}, cancelled {len(report.cancelled)}"
    )


def run_notify(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    if args.test:
        return _test(app, args.channel, args.to)
    if args.channel or args.to:
        raise UsageError("--channel and --to go with --test")
    day: dt.date = args.today or today(app.settings)
    db = Database.in_dir(app.settings.state.dir)
    try:
        snap = app.snapshot(day, db)
        move = workday_move(snap.settings, snap.calendar)
        delivery = Delivery(db, snap.settings, snap.channels, move=move)
        report = delivery.run_pass(snap.plans, day, now(app.settings), dry_run=args.dry_run)
    finally:
        db.close()
    print_report(report)
    return 0 if report.ok else EX_TEMPFAIL


def _test(app: App, only: str | None, to: str | None) -> int:
    channels = app.channels
    if only is not None:
        if only not in channels:
            raise UsageError(f"no channel named {only!r}")
        channels = {only: channels[only]}
    failures = 0
    for name, channel in channels.items():
        recipient = to or ""
        if not recipient and not channel.fixed:
            print(f"{name}: skipped (a personal channel: give --to ADDRESS)")
            continue
        message = test_message(name, app.settings.language, channel.format)
        result = channel.send(message, recipient)
        if result.ok:
            print(f"{name}: ok")
        else:
            failures += 1
            print(f"{name}: FAILED: {result.reason}")
    return 0 if not failures else EX_TEMPFAIL


def run_done(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    step = parse_step(args.step)
    if args.person not in app.roster.by_id():
        raise UsageError(f"no person with id {args.person!r} in the roster")
    day: dt.date = args.on or today(app.settings)
    limits = app.settings.roster.limits()  # the same years a roster may hold: plannable ones
    for given in (day, args.new_expiry):
        problem = given and limits.date_problem(given)
        if problem:
            raise UsageError(problem)
    db = Database.in_dir(app.settings.state.dir)
    try:
        ProgressStore(db).record(
            args.person, step, day, new_expiry=args.new_expiry, now=now(app.settings)
        )
    finally:
        db.close()
    extra = f", new expiry {args.new_expiry.isoformat()}" if args.new_expiry else ""
    print(f"recorded: {args.person} {step.value} = {day.isoformat()}{extra}")
    return 0


def run_log(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    db = Database.in_dir(app.settings.state.dir)
    try:
        rows = DeliveryLog(db).history(args.person, args.limit)
    finally:
        db.close()
    if not rows:
        print("no deliveries recorded", file=sys.stderr)
        return 0
    zone = ZoneInfo(app.settings.timezone)
    for row in rows:
        created = dt.datetime.fromtimestamp(row.created_at, dt.UTC)
        when = created.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        late = " late" if row.late else ""
        reason = f"  {row.reason}" if row.reason else ""
        who, _, kind, lead = columns(row.subject)
        print(
            f"{when}  {row.status:<9} {who} {kind} {lead:+d}"
            f" part {row.part + 1} via {row.channel}"
            f" to {row.recipient or '(configured)'} attempts {row.attempts}{late}{reason}"
        )
    return 0
