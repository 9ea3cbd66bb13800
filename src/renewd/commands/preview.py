"""`renewd preview`: what each reader would receive on each coming day if nobody acts.

A dry run over a date range on the real delivery pass (`renewd.calendar.preview`): it changes
nothing (no state written or created, no channel called, no feed stamp touched).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import replace

from renewd.calendar.preview import Readers, Received, in_order, preview
from renewd.commands.app import App, today
from renewd.commands.args import iso_date, person_id
from renewd.commands.history import hidden_addresses
from renewd.core.errors import UsageError
from renewd.core.model import Lang
from renewd.core.wording import date, say

MAX_DAYS = 366


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "preview",
        parents=[parent],
        help="show what each reader would receive in the coming days",
        description="A dry run over a date range: one delivery pass a day at send_at, in order"
        " (each day knows what the days before would have sent), on a copy of the state, as if"
        " nobody acts. Shows, by day and by reader (channel and recipient), each message's title"
        " and body as the channel would render it. Changes nothing: no state is written or"
        " created, no channel is called.",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day (default: today)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=28,
        metavar="N",
        help=f"how many days (default 28, at most {MAX_DAYS})",
    )
    parser.add_argument(
        "--person",
        type=person_id,
        metavar="ID",
        help="only this person: his own messages and the digest lines that name him",
    )
    parser.add_argument(
        "--group",
        metavar="GROUP",
        help="only this group: its people's messages and its HR's digests (its lines only)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="a list of {day, channel, recipient, person, title, body}",
    )
    parser.set_defaults(handler=run_preview)


def run_preview(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(f"--days must be between 1 and {MAX_DAYS}")
    app = App.load(args.config)
    settings = app.settings
    partial = app.partial  # the one roster read; a bad row holds back only its own person
    people = [*partial.roster.people, *partial.roster.documents]  # a document's holder too
    if args.person is not None and all(p.id != args.person for p in people):
        raise UsageError(f"no person with id {args.person!r} in the roster")
    group = args.group
    if group is not None and group not in settings.groups and all(p.group != group for p in people):
        raise UsageError(f"no group named {args.group!r} in the roster or the configuration")
    start: dt.date = args.start or today(settings)
    readers = Readers(args.person, None if args.group is None else frozenset({args.group}))
    received = preview(
        settings,
        partial.roster,
        app.channels,
        app.notices,
        start,
        args.days,
        problems=partial.by_group,
        readers=readers,
    )
    received = in_order(received, list(app.channels))
    hidden = hidden_addresses(settings)  # a Bark key or PushPlus token is shown as ***
    received = [
        replace(r, recipient="***") if r.channel in hidden and r.recipient else r for r in received
    ]
    if args.json:
        print(json.dumps([r.as_json() for r in received], ensure_ascii=False, indent=2))
        return 0
    names = {p.id: p.name for p in people}
    print(describe(received, start, args.days, settings.language, names))
    return 0


def describe(
    received: Sequence[Received], start: dt.date, days: int, lang: Lang, names: dict[str, str]
) -> str:
    """The preview in words: a heading, then each day with its readers and their messages."""
    lines = [say(lang, "cli.preview.head", day=start.isoformat(), days=days)]
    by_day: dict[dt.date, list[Received]] = {}
    for r in received:
        by_day.setdefault(r.day, []).append(r)
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        today_s = by_day.get(day, [])
        if not today_s:
            lines.append(say(lang, "cli.preview.nothing", day=date(day, lang)))
            continue
        lines += ["", say(lang, "cli.preview.day", day=date(day, lang), n=len(today_s))]
        for r in today_s:
            lines.append("  " + _reader(r, lang, names))
            lines.append("    " + r.title)
            lines += [f"    │ {line}".rstrip() for line in r.body.splitlines()]
    return "\n".join(lines)


def _reader(r: Received, lang: Lang, names: dict[str, str]) -> str:
    to = r.recipient or say(lang, "cli.configured")
    if r.person is None:
        whose = say(lang, "cli.preview.digest", people=len(r.people))
    else:
        whose = say(lang, "cli.preview.message", person=names.get(r.person, r.person))
    return say(lang, "cli.preview.reader", channel=r.channel, to=to, whose=whose)
