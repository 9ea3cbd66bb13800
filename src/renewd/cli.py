"""The `renewd` command line: one parser, one error handler, subcommands in `renewd.commands`."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence

import renewd
from renewd import redaction
from renewd.commands import registers
from renewd.core.errors import EX_USAGE, RenewdError
from renewd.store.database import state_failure


def common_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "-c",
        "--config",
        metavar="FILE",
        help="configuration file (default: $RENEWD_CONFIG or /etc/renewd/config.toml)",
    )
    parent.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parent.add_argument(
        "--debug-libraries",
        action="store_true",
        help="with -v, also log the debug output of the libraries renewd uses (Apprise, urllib3,"
        " aiohttp): it shows whole messages and addresses; secrets stay hidden",
    )
    return parent


class _Version(argparse.Action):
    """`--version`, the installed package's version read only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"renewd {renewd.__version__}")  # on stdout, as argparse's own version action
        parser.exit()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `command`, only the module that adds it is imported (the
    others' commands are then unknown to this parser: for running that one command)."""
    parser = argparse.ArgumentParser(
        prog="renewd",
        description="Plan Shanghai residence-permit and points renewals; publish calendar feeds;"
        " send reminders.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parent = common_options()
    for register in registers(command):
        register(sub, parent)
    return parser


def _said(exc: RenewdError) -> int:
    """The one place a user-facing error is printed: its words (no secret, no personal number)
    on stderr, and its exit code."""
    print(f"renewd: {redaction.scrub(str(exc))}", file=sys.stderr)
    return exc.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    redaction.install()  # before the first log line: no secret reaches any handler
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    before = list(logging.getLogger().handlers)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ours = [h for h in logging.getLogger().handlers if h not in before]  # none if embedded
    redaction.cap_libraries(ours, debug_libraries=getattr(args, "debug_libraries", False))
    try:
        code: int = args.handler(args)
    except RenewdError as exc:
        return _said(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EX_USAGE
    except (sqlite3.Error, OSError) as exc:  # the state database or its disk: 73, 74 or 75
        clean = state_failure(exc)
        if clean is None:
            raise
        return _said(clean)
    return code
