"""`renewd state migrate --to postgresql://…`: the SQLite state into an empty PostgreSQL database
(issue 21; `renewd.store.transfer` copies it).

The source is the SQLite file in `[state] dir`, whatever `[state] database` says; the daemon
must be stopped (the state lock is taken). The password comes from the credential
`state.database.password` or RENEWD_STATE_DATABASE_PASSWORD, never from the command line. After
the copy the feed key goes into the database too, so every instance serves the same feed URLs.
"""

from __future__ import annotations

import argparse

from renewd.commands.app import App
from renewd.core.errors import ConfigError, UsageError
from renewd.daemon.statelock import StateLock
from renewd.store.database import DB_NAME, Database
from renewd.store.feedkey import open_feed_key
from renewd.store.transfer import copy_state


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "state",
        parents=[parent],
        help="move the state database",
        description="The state database. `renewd state migrate --to postgresql://USER@HOST/DB`"
        " copies the SQLite state of [state] dir into an empty PostgreSQL database.",
    )
    actions = parser.add_subparsers(dest="state_action", metavar="ACTION", required=True)
    migrate = actions.add_parser(
        "migrate",
        parents=[parent],
        help="copy the SQLite state into an empty PostgreSQL database",
        description="Copy every table of the SQLite state (deliveries, progress, feed tokens and"
        " stamps, accounts, notices, first-contact marks) into an empty PostgreSQL database,"
        " checked by row counts; a database that is not empty is refused. Stop the daemon"
        " first. The password comes from the credential state.database.password or"
        " RENEWD_STATE_DATABASE_PASSWORD, never from the URL. Then set [state] database to the"
        " URL and start the daemons.",
    )
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://USER@HOST/DB")
    migrate.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    url = str(args.to)
    if not url.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"--to {url!r}: expected a postgresql:// URL")
    settings = App.load(args.config).settings
    state_dir = settings.state.dir
    if not (state_dir / DB_NAME).exists():
        raise ConfigError(f"{state_dir / DB_NAME}: no SQLite state to migrate")
    lock = StateLock(state_dir)
    lock.acquire()  # a running daemon would go on writing to the file being copied
    try:
        source = Database.in_dir(state_dir)
        try:
            open_feed_key(source, state_dir)  # the key that published the feeds, checked
            target = Database.postgresql(url, settings.state.database_password, state_dir / DB_NAME)
            try:
                copied = copy_state(source, target)
                open_feed_key(target, state_dir)  # one key for every instance, in the database
            finally:
                target.close()
        finally:
            source.close()
    finally:
        lock.release()
    for table, rows in copied.tables.items():
        print(f"{table}: {rows}")
    print(
        f"copied {copied.rows} rows of {len(copied.tables)} tables into {target.where()};"
        f' now set [state] database = "{target.where()}" and start renewd'
    )
    return 0
