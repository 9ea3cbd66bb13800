"""The systemd side of the daemon: sd_notify over the datagram socket, and the watchdog interval.

A ten-line client instead of the `sdnotify` package, which encodes as Latin-1 and so drops a
STATUS= line holding Chinese text.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import socket
from collections.abc import Mapping

from renewd.core.model import Lang
from renewd.core.wording import say


class Notifier:
    """Sends `KEY=VALUE` lines to $NOTIFY_SOCKET; silently does nothing when not under systemd."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        if address.startswith("@"):  # abstract namespace socket
            address = "\0" + address[1:]
        self._address = address or None

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def notify(self, **fields: str | int) -> bool:
        """notify(READY=1, STATUS="...") -> whether the message was sent."""
        if self._address is None:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items())
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            # Never block the event loop: a reader that stopped reading must not hang the daemon
            # (a datagram socket's queue is short). A lost WATCHDOG=1 is retried at the next ping.
            sock.setblocking(False)
            try:
                sock.sendto(message.encode("utf-8"), self._address)
            except OSError:
                return False
        return True


def watchdog_interval(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec), or None when no watchdog is set."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC")
    pid = env.get("WATCHDOG_PID")
    if not usec or not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid.isdigit() and int(pid) != os.getpid():
        return None
    return int(usec) / 2_000_000


def status_line(people: int, next_send: dt.datetime | None, delivery: bool, problems: int) -> str:
    """The STATUS= line `systemctl status` shows: people, the next send (or feeds only), and how
    many roster problems there are."""
    nxt = next_send.strftime("%Y-%m-%d %H:%M") if next_send else "-"
    text = say(Lang.ZH, "daemon.status", n=people, next=nxt)
    if not delivery:
        text = say(Lang.ZH, "daemon.status.feeds", n=people)
    if problems:
        text += say(Lang.ZH, "daemon.status.roster", n=problems)
    return text


async def keep_watchdog(notifier: Notifier, stop: asyncio.Event) -> None:
    """The watchdog task: under a unit with `WatchdogSec=`, WATCHDOG=1 at half its interval
    until `stop`; without one it returns at once."""
    interval = watchdog_interval()
    while interval and not stop.is_set():
        notifier.notify(WATCHDOG=1)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
