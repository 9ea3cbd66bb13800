"""`renewd notify`, `renewd done` and `renewd log`: delivery passes, progress, delivery history."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from zoneinfo import ZoneInfo

from renewd import redaction
from renewd.calendar.snapshot import build_snapshot
from renewd.channels.formatting import render
from renewd.commands.app import App, now, today
from renewd.commands.args import iso_date, person_id, roster_date
from renewd.commands.done_documents import document_name, document_step, run_document_done
from renewd.commands.history import hidden_addresses, print_log, print_report
from renewd.core.errors import EX_TEMPFAIL, UsageError
from renewd.core.messages import test_letter
from renewd.core.model import Lang, MilestoneKind
from renewd.core.progress import check_record, kind_of, parse_step
from renewd.core.wording import say, short_name, step_name
from renewd.delivery.owed import owed
from renewd.delivery.run import deliver
from renewd.roster_read import read_roster
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.document_progress import recorded_steps
from renewd.store.progress import ProgressStore
from renewd.store.records import RosterRecords, keep

# `renewd done`'s help names steps as the product shows them (the catalogue's short labels).
_NAME = short_name(MilestoneKind.PERMIT_RENEWAL, Lang.ZH)
_NAMES = f"{_NAME}, {short_name(MilestoneKind.POINTS_APPLICATION, Lang.ZH)}"


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:

    parser = sub.add_parser(
        "notify",
        parents=[parent],
        help="send due reminders, or test the channels",
        description="--due: one delivery pass (what the daemon runs at send_at; usable from"
        " cron): issue the reminders due today and retry failed deliveries whose wait is over."
        " --test: send a test message on each channel. After a pass it reports what is still owed"
        " (retries waiting and dead deliveries, from any pass). Exit 0 when nothing failed, 75"
        " when a delivery failed or died in this pass or a retry from any pass is still"
        " waiting (dead deliveries of earlier passes are reported, not a reason for 75).",
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
        help="--test: recipient for a personal channel (email, chat id, WeCom userid, Bark"
        " device key, PushPlus friend token)",
    )
    parser.set_defaults(handler=run_notify)

    done = sub.add_parser(
        "done",
        parents=[parent],
        help="record that a person did a step",
        description="Record progress in the state database so reminders for that step stop."
        " STEP is a milestone kind as in `plan --json` (permit_renewal, points_application,"
        " employer_submission, points_approval, collect_notice), a short name (permit, applied,"
        f" submitted, approved, collected) or the step's name ({_NAMES} ...)."
        f" Dates in any roster format ({say(Lang.ZH, 'cli.date_formats')}), never in"
        " the future nor before the step this one waits for. Merged with the roster's progress"
        " columns: the later date wins. --undo removes a record.",
    )
    done.add_argument("person", type=person_id, metavar="PERSON", help="the person's roster id")
    done.add_argument("step", metavar="STEP", help=f"permit_renewal | permit | {_NAME} | ...")
    done.add_argument("--on", type=roster_date, metavar="DATE", help="when (default: today)")
    done.add_argument(
        "--new-expiry", type=roster_date, metavar="DATE", help="the renewed permit's expiry"
    )
    done.add_argument("--undo", action="store_true", help="remove the record of STEP")
    done.add_argument(
        "--document",
        type=document_name,
        metavar="D",
        help="the document (policy pack) STEP belongs to, e.g. foreign-work-permit; needed only"
        " when the step's name is in several of the person's documents (docs/packs.md)",
    )
    done.set_defaults(handler=run_done)

    history = sub.add_parser(
        "log",
        parents=[parent],
        help="show the delivery history and recorded progress",
        description="Show delivery log rows and recorded progress, newest first: what was sent"
        " (each message with the steps it carried and their leads in words), failed or is"
        " waiting, and who recorded which step.",
    )
    history.add_argument("--person", type=person_id, metavar="ID", help="only this person")
    history.add_argument("--limit", type=int, default=200, help="at most this many rows")
    history.add_argument(
        "--failed", action="store_true", help="only deliveries that failed (will retry) or died"
    )
    history.set_defaults(handler=run_log)


def run_notify(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    if args.test:
        return send_tests(app, args.channel, args.to)
    if args.channel or args.to:
        raise UsageError("--channel and --to go with --test")
    day: dt.date = args.today or today(app.settings)
    db = Database.of(app.settings.state)
    try:
        # As the daemon: a bad row holds back only its own person (its last good record).
        roster = read_roster(app.settings, RosterRecords(db), files=app.roster_files)
        for problem in roster.problems:
            print(f"renewd: warning: {redaction.scrub(str(problem))}", file=sys.stderr)
        documents = recorded_steps(db) if roster.roster.documents else None
        snap = build_snapshot(
            app.settings,
            roster.roster,
            app.channels,
            day,
            app.recorded(db),
            app.notices,
            recorded_documents=documents,
        )
        if not args.dry_run:
            keep(db, roster)
        at = now(app.settings)
        report = deliver(
            db, snap, snap.plans, day, at, problems=roster.by_group, dry_run=args.dry_run
        )
        log = DeliveryLog(db)
        print_report(report, log, app.settings.language, hidden_addresses(app.settings))
        still = owed(log)
    finally:
        db.close()
    print(still.describe(app.settings.language, ZoneInfo(app.settings.timezone)))
    if args.dry_run:
        return 0
    # 75 while anything failed or died in this pass, or a retry of any pass still waits.
    return 0 if report.ok and not still.waiting else EX_TEMPFAIL


def send_tests(app: App, only: str | None, to: str | None) -> int:
    """`notify --test`: a test message on each channel (`only` that one); a personal channel
    only with a recipient `to`. 0, or 75 when a channel failed."""
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
        message = render(test_letter(name, app.settings.language), channel.format)[0]
        try:
            result = channel.send(message, recipient)
        finally:
            channel.close()  # no SMTP session left open behind a test (nor in `renewd init`)
        if result.ok:
            print(f"{name}: ok")
        else:
            failures += 1
            print(f"{name}: FAILED: {result.reason}")
    return 0 if not failures else EX_TEMPFAIL


def run_done(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    found = document_step(app, args)  # a step of another document than Shanghai points
    if found is not None:
        return run_document_done(app, args, found)
    step = parse_step(args.step)
    person = app.roster.by_id().get(args.person)
    if person is None:
        raise UsageError(f"no person with id {args.person!r} in the roster")
    lang = app.settings.language
    name = step_name(kind_of(step), lang)
    db = Database.of(app.settings.state)
    try:
        store = ProgressStore(db)
        if args.undo:
            if args.on:
                raise UsageError("--undo removes the record; it takes no --on")
            removed = store.undo(args.person, step, new_expiry=args.new_expiry is not None)
            what = {"person": args.person, "field": step.value, "step": name}
            print(say(lang, "cli.done.removed" if removed else "cli.done.nothing", **what))
            in_roster = person.progress.get(step)
            if in_roster is not None:
                print(
                    say(
                        lang,
                        "cli.done.in_roster",
                        source=person.source,
                        field=step.value,
                        day=in_roster.isoformat(),
                    )
                )
            return 0
        day: dt.date = args.on or today(app.settings)
        limits = app.settings.roster.limits()  # the years a roster may hold: plannable ones
        for given in (day, args.new_expiry):
            problem = given and limits.date_problem(given)
            if problem:
                raise UsageError(problem)
        merged = app.people(db)
        current = next(p for p in merged if p.id == args.person)
        window = app.settings.policy.window_days
        check_record(current, step, day, today(app.settings), window, args.new_expiry)
        store.record(
            args.person, step, day, new_expiry=args.new_expiry, now=now(app.settings), by="cli"
        )
    finally:
        db.close()
    extra = say(lang, "cli.done.expiry", day=args.new_expiry.isoformat()) if args.new_expiry else ""
    print(
        say(
            lang,
            "cli.done.recorded",
            person=args.person,
            field=step.value,
            step=name,
            day=day.isoformat(),
        )
        + extra
    )
    return 0


def run_log(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    db = Database.of(app.settings.state)
    try:
        found = print_log(
            DeliveryLog(db),
            ProgressStore(db),
            args.person,
            args.limit,
            args.failed,
            app.settings.language,
            ZoneInfo(app.settings.timezone),
            hidden_addresses(app.settings),
        )
    finally:
        db.close()
    if not found:
        print(say(app.settings.language, "cli.no_rows"), file=sys.stderr)
    return 0
