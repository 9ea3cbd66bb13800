"""`renewd run`: the daemon (what the systemd unit starts)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from renewd import redaction
from renewd.settings import config_path

# syslog priorities, so journald shows levels when stderr goes to the journal
_PRIORITY = {"DEBUG": 7, "INFO": 6, "WARNING": 4, "ERROR": 3, "CRITICAL": 2}


class _JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITY.get(record.levelname, 6)}>{super().format(record)}"


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "run",
        parents=[parent],
        help="run the daemon",
        description="Run the service: scheduled reminders, the feed server, /healthz and /metrics,"
        " roster reload on change and SIGHUP. Speaks sd_notify under systemd.",
    )
    parser.set_defaults(handler=run)


def setup_logging(verbose: bool, debug_libraries: bool = False) -> None:
    """The daemon's log: stderr (the journal under systemd), every record scrubbed
    (`renewd.redaction`), libraries' debug output only with `--debug-libraries`."""
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    redaction.cap_libraries([handler], debug_libraries=debug_libraries)


def run(args: argparse.Namespace) -> int:
    from renewd.daemon.runtime import Daemon

    setup_logging(args.verbose, args.debug_libraries)
    daemon = Daemon(config_path(args.config))
    return asyncio.run(daemon.serve())
