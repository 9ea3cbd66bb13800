"""`renewd feeds` (list, rotate), `renewd export` and `renewd serve`: the feed adapters' CLI."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from renewd.commands.app import App, now, today
from renewd.commands.args import iso_date
from renewd.core.errors import ConfigError, UsageError
from renewd.settings import config_path
from renewd.store.database import Database
from renewd.store.feedkey import open_feed_key
from renewd.web.publisher import FeedCache

TOKEN_FILE = re.compile(r"^[A-Za-z0-9_-]{32}\.ics$")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:

    feeds = sub.add_parser(
        "feeds",
        parents=[parent],
        help="list feed URLs; rotate a feed's token",
        description="List every calendar feed with its https and webcal URLs, to hand out."
        " `renewd feeds rotate NAME` gives a feed a new URL; the old one stops working at once.",
    )
    feeds.add_argument("--json", action="store_true", help="print JSON")
    feeds.set_defaults(handler=run_list)
    actions = feeds.add_subparsers(dest="feeds_action", metavar="ACTION")
    rotate = actions.add_parser(
        "rotate", help="give a feed a new token", description="Give feed NAME a new URL."
    )
    rotate.add_argument(
        "name", metavar="NAME", nargs="?", help="feed name, as `renewd feeds` lists it"
    )
    rotate.add_argument(
        "--all",
        action="store_true",
        help="give every feed a new URL (and, if feed.key was lost, a new key: calendar clients"
        " then see every event replaced once)",
    )
    rotate.add_argument("-c", "--config", metavar="FILE", default=argparse.SUPPRESS)
    rotate.set_defaults(handler=run_rotate)

    export = sub.add_parser(
        "export",
        parents=[parent],
        help="write the feeds as .ics files",
        description="Write every feed into DIR as <token>.ics (the same paths the server"
        " uses, for nginx to serve), atomically; token files no longer valid are removed.",
    )
    export.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    export.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD", help="plan as of this day")
    export.add_argument(
        "--names", action="store_true", help="name files <feed name>.ics instead (not to publish)"
    )
    export.set_defaults(handler=run_export)

    serve = sub.add_parser(
        "serve",
        parents=[parent],
        help="run the feed server",
        description="Serve the feeds on [server] listen until SIGINT or SIGTERM: the daemon"
        " (`renewd run`) with delivery switched off, so the roster reloads on change and SIGHUP"
        " and the feeds follow the day; no reminders are sent.",
    )
    serve.set_defaults(handler=run_serve)


def open_cache(
    app: App, day: dt.date | None = None, *, new_key: bool = False
) -> tuple[FeedCache, int]:
    """The feed cache of `app`, refreshed with the roster planned as of `day`, and the exit
    status: a bad row holds back only its own person (named on stderr; 65, or 78 for someone no
    calendar covers), the others' feeds are there. A missing feed key is an error once feeds
    were published, unless `new_key` (`rotate --all`)."""
    settings = app.settings
    db = Database.of(settings.state)
    cache = FeedCache(settings, db, open_feed_key(db, settings.state.dir, replace=new_key))
    day = day or today(settings)
    snap = app.snapshot(day, cache.store.db)
    cache.refresh(snap.people, snap.plans, day, now(settings), documents=snap.documents)
    held = {(p.file, p.row) for p in (*app.partial.problems, *snap.held)}
    if held:
        where = "; ".join(sorted(f if r is None else f"{f}, row {r}" for f, r in held)[:10])
        print(
            f"renewd: {len(held)} row(s) held back, the other people's feeds are up to date:"
            f" {where}{' …' if len(held) > 10 else ''}",
            file=sys.stderr,
        )
    return cache, app.held_back(snap)


def run_list(args: argparse.Namespace) -> int:
    cache, status = open_cache(App.load(args.config))
    rows = []
    for spec in cache.specs:
        urls = cache.urls(spec.name)
        rows.append(
            {
                "name": spec.name,
                "kind": spec.kind.value,
                "title": spec.title,
                "people": len(spec.members),
                "https": urls.https,
                "webcal": urls.webcal,
                "page": urls.page,
            }
        )
    if args.json:
        json.dump({"feeds": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return status
    for row in rows:
        n = row["people"]
        print(f"{row['name']}  ({row['title']}, {n} {'person' if n == 1 else 'people'})")
        print(f"  {row['https']}")
        print(f"  {row['webcal']}")
    return status


def run_rotate(args: argparse.Namespace) -> int:
    if bool(args.name) == bool(args.all):
        raise UsageError("name one feed to rotate, or give --all")
    cache, _ = open_cache(App.load(args.config), new_key=args.all)
    if args.all:
        names = cache.rotate_all()
    else:
        cache.rotate(args.name)
        names = [args.name]
    for name in names:
        urls = cache.urls(name)
        print(f"{name}: new URL; the old one no longer works")
        print(f"  {urls.https}")
        print(f"  {urls.webcal}")
    return 0


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".ics")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _file_name(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name).lstrip(".") + ".ics"


def run_export(args: argparse.Namespace) -> int:
    app = App.load(args.config)
    cache, status = open_cache(app, args.today)
    out: Path = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{out}: cannot create the output folder: {exc.strerror}") from None
    written = set()
    for spec in cache.specs:
        name = _file_name(spec.name) if args.names else f"{cache.token(spec.name)}.ics"
        write_atomic(out / name, cache.published(spec.name).body)
        written.add(name)
    removed = 0
    if not args.names:
        # A person held back by a bad row keeps the feed file of his last good export.
        held = {f"{cache.tokens.token(f'person-{pid}')}.ics" for pid in _held_ids(app, cache)}
        for stale in out.iterdir():
            if TOKEN_FILE.match(stale.name) and stale.name not in written | held:
                stale.unlink()  # a rotated token must stop working here too
                removed += 1
    print(
        f"wrote {len(written)} feeds to {out}" + (f", removed {removed} stale" if removed else "")
    )
    return status


def _held_ids(app: App, cache: FeedCache) -> set[str]:
    """Ids of rows held back (a bad row, a clash, no calendar) that have no feed this time."""
    partial = app.partial
    served = {member for spec in cache.specs for member in spec.members}
    ids = {pid for records in partial.save for pid in records.held} | set(partial.held)
    ids |= {person.id for person in partial.people}  # those no calendar could plan
    return ids - served


def run_serve(args: argparse.Namespace) -> int:
    """The daemon with delivery switched off: feeds, /healthz and /metrics, roster reloads on
    change and SIGHUP, the day change; no reminders are sent (and no state lock is taken)."""
    from renewd.commands.run import setup_logging
    from renewd.daemon.runtime import Daemon

    setup_logging(args.verbose, args.debug_libraries)
    daemon = Daemon(config_path(args.config), deliver=False)
    return asyncio.run(daemon.serve())
