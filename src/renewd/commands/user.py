"""`renewd user add|list|remove|passwd|demo`: console accounts (docs/design.md §12).

Passwords come from a prompt (twice) or, when stdin is not a terminal, from its first line:
never from an argument, which `ps` and shell history would show.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from renewd.commands.app import App, now
from renewd.core.errors import UsageError
from renewd.store.accounts import Accounts, check_groups, generate_password
from renewd.store.database import Database


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "user",
        parents=[parent],
        help="manage console accounts",
        description="Console accounts. An admin sees every group and manages accounts; any other"
        " account sees and changes only its groups' people. The password is asked for (or read"
        " from the first line of stdin), never given as an argument.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[parent], help="create an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--group", action="append", default=[], metavar="G", help="a group it may see (repeat)"
    )
    add.add_argument("--admin", action="store_true", help="sees every group, manages accounts")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", parents=[parent], help="list the accounts")
    listing.set_defaults(handler=run_list)
    remove = actions.add_parser("remove", parents=[parent], help="delete an account")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)
    passwd = actions.add_parser("passwd", parents=[parent], help="set a new password")
    passwd.add_argument("name", metavar="NAME")
    passwd.set_defaults(handler=run_passwd)
    demo = actions.add_parser(
        "demo",
        parents=[parent],
        help="create a demo admin account if there is no account yet (make run)",
    )
    demo.set_defaults(handler=run_demo)


def _accounts(args: argparse.Namespace) -> tuple[App, Database, Accounts]:
    app = App.load(args.config)
    db = Database.of(app.settings.state)
    return app, db, Accounts(db)


def read_password(confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("no password on stdin")
        return line
    first = getpass.getpass("password: ")
    if confirm and getpass.getpass("again: ") != first:
        raise UsageError("the two passwords differ")
    return first


def run_add(args: argparse.Namespace) -> int:
    if not args.group and not args.admin:
        raise UsageError("give at least one --group G, or --admin")
    app, db, accounts = _accounts(args)
    try:
        _known_groups(app, args.group)
        password = read_password()
        account = accounts.add(
            args.name,
            password,
            groups=frozenset(args.group),
            admin=args.admin,
            now=now(app.settings),
        )
    finally:
        db.close()
    scope = "admin" if account.admin else "groups " + ", ".join(sorted(account.groups))
    print(f"account {account.name} created ({scope})")
    return 0


def _known_groups(app: App, groups: Sequence[str]) -> None:
    """Refuse a group neither the roster nor `[groups]` knows (`check_groups`, as the console)."""
    check_groups(
        groups, {p.group for p in app.partial.people if p.group} | set(app.settings.groups)
    )


def run_list(args: argparse.Namespace) -> int:
    _, db, accounts = _accounts(args)
    try:
        for account in accounts.all():
            scope = "admin" if account.admin else ", ".join(sorted(account.groups))
            print(f"{account.name}\t{scope}")
    finally:
        db.close()
    return 0


def run_remove(args: argparse.Namespace) -> int:
    _, db, accounts = _accounts(args)
    try:
        accounts.remove(args.name)
    finally:
        db.close()
    print(f"account {args.name} removed; its sessions ended")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    _, db, accounts = _accounts(args)
    try:
        if accounts.get(args.name) is None:
            raise UsageError(f"no account named {args.name!r}; `renewd user list` shows them")
        accounts.set_password(args.name, read_password())
    finally:
        db.close()
    print(f"password of {args.name} changed; its sessions ended")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    app, db, accounts = _accounts(args)
    try:
        if accounts.all():  # the password was printed once, on the first start
            base = app.settings.server.base_url
            print(
                f"console: {base}/  (accounts exist: `renewd user list`; a forgotten password:"
                f" `renewd user passwd NAME -c {args.config or 'CONFIG'}`)"
            )
            return 0
        password = generate_password()
        accounts.add("demo", password, groups=frozenset(), admin=True, now=now(app.settings))
    finally:
        db.close()
    base = app.settings.server.base_url
    print(f"console: {base}/  account: demo  password: {password}  (shown once)")
    return 0
