"""`renewd check`: validate the configuration and every roster file, reporting all problems."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from renewd.calendar.changes import estimate_warning
from renewd.calendar.snapshot import build_snapshot
from renewd.commands.app import App, today
from renewd.commands.args import iso_date
from renewd.core.documents import document_problems, plan_documents
from renewd.core.errors import RosterError
from renewd.core.wording import say
from renewd.store.database import Database
from renewd.store.feedkey import verify_feed_key


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "check",
        parents=[parent],
        help="validate config and roster",
        description="Validate the configuration (channels and their secrets included) and the"
        " roster, and plan everyone. Exit 0 when all is valid, 78 for a configuration error"
        " (or people no working-day calendar covers), 65 for roster errors (all of them listed"
        " on stderr). From [calendar] warn_from, a plan resting on an estimated holiday calendar"
        " is a warning (still exit 0).",
    )
    parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="check as of this day")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    app = App.load(args.config)  # every channel has its keys, every route a destination
    roster = app.strict_roster()  # raises RosterError with every problem, feed names included
    # What the daemon does at start-up and on SIGHUP, so that `check` refuses what it refuses:
    # every channel built (none is called), everyone planned (a calendar for every year).
    day: dt.date = args.today or today(app.settings)
    snap = build_snapshot(app.settings, roster, app.channels, day, app.recorded(), app.notices)
    packs = app.settings.pack_set()  # every other document's row names a pack and is planned
    bad = document_problems(packs, roster.documents)
    if bad:
        raise RosterError(f"{len(bad)} roster row(s) name a document no pack plans", bad)
    plan_documents(packs, roster.documents, app.calendar, day, app.recorded_documents())
    if Database.there(app.settings.state):  # the key the daemon would refuse, refused here
        own = Database.of(app.settings.state)
        try:
            verify_feed_key(own, app.settings.state.dir)
        finally:
            own.close()
    for warning in roster.warnings:
        print(f"renewd: warning: {warning}", file=sys.stderr)
    calendar = estimate_warning(snap, snap.plans, day)  # from [calendar] warn_from
    if calendar:
        print(f"renewd: warning: {calendar}", file=sys.stderr)
    if app.settings.server.loopback:
        print(
            f"renewd: warning: server.base_url {app.settings.server.base_url} is a loopback"
            " address: no phone can open the feed, subscribe or action links; set it to an"
            " address the phones reach (https behind a proxy)",
            file=sys.stderr,
        )
    console = app.settings.console
    if console.trusted_proxy_header and not console.trusted_proxies:
        print(
            f"renewd: warning: console.trusted_proxy_header {console.trusted_proxy_header} is"
            " set but console.trusted_proxies is empty: the header is never believed; list the"
            " reverse proxy's address in trusted_proxies",
            file=sys.stderr,
        )
    files = len(app.roster_files)  # a shared state: the stored version's
    lang = app.settings.language
    print(say(lang, "cli.check.ok", count=roster.headcount.words(lang), files=files))
    return 0
