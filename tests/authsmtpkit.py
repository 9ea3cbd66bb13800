"""An SMTP server on 127.0.0.1 that demands a login (AUTH PLAIN or LOGIN over a plain connection),
for the tests of the shared `[smtp]` settings and `renewd init`: a message reaches it only with
the right user and password, so a test that it arrived proves the password was inherited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from netkit import Sink, free_port


class Login:
    """Accepts one user and password; remembers every attempt (user, accepted)."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.attempts: list[tuple[str, bool]] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode()
        ok = user == self.user and auth_data.password.decode() == self.password
        self.attempts.append((user, ok))
        # handled=False: aiosmtpd answers (235 or 535) itself; True would mean we had answered.
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_with_login(user: str, password: str) -> Iterator[tuple[Sink, Login, int]]:
    """(sink, login, port): a server that refuses mail from a session that did not log in."""
    sink, login, port = Sink(), Login(user, password), free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=login,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield sink, login, port
    finally:
        controller.stop()
