"""`renewd roster import FILE…` and `renewd roster versions`: the roster of record in a shared
(PostgreSQL) state database (issue 21; `renewd.store.rosters` keeps the versions).

The files are read and planned first, as the daemon reads a stored version
(`renewd.roster_read.read_roster`: a bad row holds back only its own person): files that cannot
be read, or in which no row at all is good, are refused with every problem (file, row, field;
exit 65) and nothing is stored; otherwise they are stored as a new version with who loaded it,
each bad row said on stderr, and every instance plans from the newest version within seconds.
Versions beyond `[roster] keep_versions` are deleted in the same transaction. On the SQLite
state the command is refused with exit 78 (a configuration matter, not a mistyped command: the
same command works once `[state] database` names a PostgreSQL database); there `[roster] files`
is the roster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from renewd import redaction
from renewd.commands.app import App, now, today
from renewd.core.errors import ConfigError, RosterError
from renewd.core.wording import say
from renewd.roster.assemble import PartialRoster
from renewd.roster_read import read_roster
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.rosters import RosterVersions


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "roster",
        parents=[parent],
        help="the roster stored in a shared state database",
        description="The roster of record when the state is shared (PostgreSQL, [state]"
        " database): `renewd roster import FILE` stores a new version every instance plans"
        " from; `renewd roster versions` lists them. With the SQLite state, [roster] files is"
        " the roster and these are refused (exit 78).",
    )
    actions = parser.add_subparsers(dest="roster_action", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import",
        parents=[parent],
        help="store a roster as the new version every instance plans from",
        description="Read and plan FILE (CSV or XLSX, several files as one roster) as the"
        " daemon reads [roster] files: a file that cannot be read, or without one good row, is"
        " refused with every problem listed (exit 65) and nothing is stored. Otherwise store it"
        " in the shared state database as a new version, with who loaded it, each bad row said"
        " (it holds back only its own person); every instance plans from it within seconds."
        " Versions beyond [roster] keep_versions are deleted. Refused on the SQLite state (exit"
        " 78): there [roster] files is the roster.",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
    load.add_argument(
        "--by", metavar="NAME", help="who loads it, as the version records it (default: you)"
    )
    load.set_defaults(handler=run_import)
    versions = actions.add_parser(
        "versions",
        parents=[parent],
        help="list the stored roster versions, newest first",
        description="The roster versions stored in the shared state database, newest first:"
        " number, when, who loaded it, how, and its files; every one kept ([roster]"
        " keep_versions: the newest and that many before it).",
    )
    versions.set_defaults(handler=run_versions)


def _shared(settings: Settings) -> Database:
    if not settings.state.database:
        raise ConfigError(
            f"{settings.config_file}: `renewd roster import` stores the roster in a shared"
            " state database, and this state is the SQLite file in [state] dir: copy the file"
            " over one of [roster] files instead (the daemon picks it up), or set [state]"
            " database to a PostgreSQL URL (README: Two instances on one PostgreSQL)"
        )
    return Database.of(settings.state)


def run_import(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    settings = app.settings
    db = _shared(settings)  # refused before reading anything on SQLite
    try:
        paths = tuple(Path(p).absolute() for p in args.files)
        for path in paths:
            if not path.is_file():
                raise ConfigError(f"{path}: no such file")
        partial = planned(app, paths)  # RosterError (65): nothing stored
        roster = partial.roster
        files = [(path.name, path.read_bytes()) for path in paths]
        by = str(args.by or _who())
        keep = settings.roster.keep_versions
        stored = RosterVersions(db).store(files, by, now(settings).timestamp(), "command", keep)
    finally:
        db.close()
    for problem in partial.problems:  # stored all the same: each holds back its own person
        print(f"renewd: warning: {redaction.scrub(str(problem))}", file=sys.stderr)
    lang = settings.language
    count = roster.headcount.words(lang)
    names = ", ".join(stored.names)
    print(
        say(
            lang,
            "cli.roster.stored",
            version=stored.version,
            by=stored.loaded_by,
            count=count,
            names=names,
        )
    )
    return 0


def planned(app: App, paths: Sequence[Path]) -> PartialRoster:
    """`paths` read and planned as the daemon reads a stored version; a RosterError with every
    problem when a file cannot be read or no row at all is good (nobody would be planned)."""
    partial = read_roster(app.settings, files=paths)  # a feed-name clash refuses it: 65
    if partial.stale_files:
        raise RosterError(
            f"{', '.join(partial.stale_files)}: cannot be read; nothing was stored",
            partial.problems,
        )
    if not partial.people and not partial.roster.documents:
        raise RosterError("no row of the roster is good; nothing was stored", partial.problems)
    app.planner.plan_all(partial.people, today(app.settings))  # as the daemon plans them
    return partial


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def run_versions(args: argparse.Namespace) -> int:
    settings = App.load(args.config).settings
    db = _shared(settings)
    try:
        listed = RosterVersions(db).history(limit=None)  # what is kept, all of it
    finally:
        db.close()
    if not listed:
        print("no roster version stored yet: [roster] files is read")
    else:
        print(
            f"# {len(listed)} kept: the newest and up to {settings.roster.keep_versions} before"
            " it ([roster] keep_versions), and the last one [roster] files fed",
            file=sys.stderr,
        )
    zone = settings.timezone
    for item in listed:
        at = dt.datetime.fromtimestamp(item.loaded_at, dt.UTC).astimezone(ZoneInfo(zone))
        print(
            f"{item.version}\t{at:%Y-%m-%d %H:%M}\t{item.loaded_by}\t{item.source}"
            f"\t{', '.join(item.names)}"
        )
    return 0
