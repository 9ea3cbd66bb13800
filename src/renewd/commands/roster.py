"""`renewd roster import FILE…` and `renewd roster versions`: the roster of record in a shared
(PostgreSQL) state database (issue 21; `renewd.store.rosters` keeps the versions).

The files are read as `renewd check` reads `[roster] files` (strict: one bad row refuses them
all, every problem listed, exit 65), then stored as a new version with who loaded it; every
instance plans from the newest version within seconds. On the SQLite state the command is
refused with exit 78 (a configuration matter, not a mistyped command: the same command works
once `[state] database` names a PostgreSQL database); there `[roster] files` is the roster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from pathlib import Path
from zoneinfo import ZoneInfo

from renewd.commands.app import App, now
from renewd.core.errors import ConfigError
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
        description="Read FILE (CSV or XLSX, several files as one roster) as `renewd check`"
        " reads [roster] files: any bad row refuses the whole import, every problem listed (exit"
        " 65). Otherwise store it in the shared state database as a new version, with who"
        " loaded it; every instance plans from it within seconds. Refused on the SQLite state"
        " (exit 78): there [roster] files is the roster.",
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
        " number, when, who loaded it, how, and its files.",
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
        roster = read_roster(settings, files=paths, strict=True).roster  # RosterError: 65
        files = [(path.name, path.read_bytes()) for path in paths]
        by = str(args.by or _who())
        stored = RosterVersions(db).store(files, by, now(settings).timestamp(), "command")
    finally:
        db.close()
    others = f" and {len(roster.documents)} other documents" if roster.documents else ""
    print(
        f"roster version {stored.version} stored by {stored.loaded_by}:"
        f" {len(roster.people)} people{others} from {', '.join(stored.names)};"
        " every instance plans from it within seconds"
    )
    return 0


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def run_versions(args: argparse.Namespace) -> int:
    settings = App.load(args.config).settings
    db = _shared(settings)
    try:
        listed = RosterVersions(db).history()
    finally:
        db.close()
    if not listed:
        print("no roster version stored yet: [roster] files is read")
    zone = settings.timezone
    for item in listed:
        at = dt.datetime.fromtimestamp(item.loaded_at, dt.UTC).astimezone(ZoneInfo(zone))
        print(
            f"{item.version}\t{at:%Y-%m-%d %H:%M}\t{item.loaded_by}\t{item.source}"
            f"\t{', '.join(item.names)}"
        )
    return 0
