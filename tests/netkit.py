"""Real network peers for tests, on 127.0.0.1 only: a free port and an SMTP sink."""

from __future__ import annotations

import itertools
import os
import random
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# Ports handed to servers that bind them later (a daemon's `listen`, an SMTP sink). They come from
# below the kernel's ephemeral range (32768 and up on Linux), so no socket the kernel numbers can
# take one in between; each pytest-xdist worker has its own block, so no two workers of a run pick
# the same one, and starts at a random place in it, so that two runs side by side (two
# engineers on one machine) rarely meet; a port still bound is skipped.
_BLOCK = 1000
_FIRST = 20000


def _ports() -> Iterator[int]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = _FIRST + (_BLOCK * (int(worker) if worker.isdigit() else 0)) % 12000
    offset = random.SystemRandom().randrange(_BLOCK)
    return itertools.cycle([*range(start + offset, start + _BLOCK), *range(start, start + offset)])


_NEXT = _ports()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing holds now and no other test worker will pick."""
    for _ in range(_BLOCK):
        port = next(_NEXT)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in this worker's block")


class Sink:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    @property
    def recipients(self) -> list[str]:
        return [to for _, rcpts, _ in self.messages for to in rcpts]


class _Login:
    """An aiosmtpd authenticator accepting one user and password (AUTH PLAIN/LOGIN)."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user,
            self.password,
        )
        return AuthResult(success=ok)


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[Sink, int]]:
    """An SMTP sink; with `login` (user, password) it requires AUTH, over plain text."""
    sink, port = Sink(), free_port()
    auth: dict[str, Any] = {}
    if login is not None:
        auth = {"authenticator": _Login(*login), "auth_require_tls": False, "auth_required": True}
    controller = Controller(sink, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()
