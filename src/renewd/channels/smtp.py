"""SMTP for the email channel: pooled `smtplib` connections, and the messages it sends.

A `Pool` holds a channel's open connections (up to its `concurrency`, one per send in flight)
and its one SSL context. A message is handed to the server with MAIL, RCPT and DATA
(`transmit`) on a connection taken from the pool. What happens on an error depends on whether
DATA had started:

- before DATA (the server closed an idle connection, `421` at MAIL, a reset socket): nothing was
  accepted, so the connection is dropped and the message is sent once more on a fresh one;
- at or after DATA (the server refused the message, or the connection broke while it was being
  sent or before its answer came): the connection is dropped and the send fails with the reason.
  The delivery log retries it later; if the connection broke after the server had taken the
  message, that retry is the one case where a person gets it twice.

A connection that sat idle longer than `IDLE_SECONDS` is closed rather than reused, and
`close()` (called after each delivery pass) closes them all, so nothing stays open between
passes. `send` is safe to call from several threads at once: each connection is used by one send
at a time. `describe` turns an smtplib error into a reason for the delivery log.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Sequence
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from renewd.channels.base import Result
from renewd.channels.settings import EmailSettings
from renewd.core.letter import Format, Message

PORTS = {"ssl": 465, "starttls": 587, "plain": 25}
IDLE_SECONDS = 30.0  # servers drop idle sessions (RFC 5321 asks for 5 min; many use less)
# Per socket operation; `build_channels` sets `[notify] smtp_timeout_seconds` (600 by default:
# RFC 5321 gives a server 10 minutes to answer the end of DATA).
TIMEOUT_SECONDS = 60.0


class Refused(Exception):
    """The server answered MAIL with a code that says "try again on a new session" (421)."""


def compose(message: Message, sender: str, targets: Sequence[str], now: dt.datetime) -> bytes:
    """The email for `message`, as sent: `Date`, a unique `Message-ID`, the title as an RFC 2047
    encoded `Subject`, and a UTF-8 body in base64 (text/plain, or text/html for an HTML
    message). 7-bit clean, so no server needs 8BITMIME or SMTPUTF8.

    Written directly rather than with `EmailMessage`, whose policy machinery costs 0.6 ms a
    message, more than the SMTP conversation over a kept connection; the tests parse the result
    back with the standard library's email parser."""
    domain = envelope(sender).rpartition("@")[2] or "renewd.invalid"
    subtype = "html" if message.format is Format.HTML else "plain"
    body = "\r\n".join(message.body.splitlines()).encode("utf-8") + b"\r\n"
    head = [
        f"From: {_address(sender)}",
        f"To: {', '.join(_address(t) for t in targets)}",
        "Subject: " + Header(message.title, "utf-8", header_name="Subject").encode(linesep=_CRLF),
        f"Date: {format_datetime(now)}",
        f"Message-ID: {make_msgid('renewd', domain=domain)}",
        "MIME-Version: 1.0",
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
    ]
    encoded = base64.encodebytes(body).replace(b"\n", b"\r\n")
    return "\r\n".join(head).encode("ascii") + b"\r\n\r\n" + encoded


_CRLF = "\r\n"
_ANGLE = re.compile(r"^\s*(.*?)\s*<([^<>]+)>\s*$")


def split_address(value: str) -> tuple[str, str]:
    """(display name, address) of "人事部 <hr@example.com>", also when the name has a comma
    and no quotes ("HR, Shanghai <hr@example.com>"), which RFC 5322 would read as two."""
    match = _ANGLE.match(value)
    if match:
        return match.group(1).strip('"').strip(), match.group(2).strip()
    name, addr = parseaddr(value)
    return name, addr or value.strip()


@functools.lru_cache(maxsize=1024)
def _address(value: str) -> str:
    """An address header value, its display name RFC 2047 encoded when it is not ASCII."""
    name, addr = split_address(value)
    if not addr.isascii():  # an internationalised address: encoded as a whole
        return str(Header(value, "utf-8").encode(linesep=_CRLF))
    return formataddr((name, addr), charset="utf-8") if name else addr


def envelope(sender: str) -> str:
    """The bare address of a `From` value such as "人事部 <hr@example.com>"."""
    return split_address(sender)[1]


class Pool:
    """Open SMTP connections to one server, each lent to one send at a time."""

    def __init__(self, settings: EmailSettings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.host = settings.host or ""
        self.port = settings.port or PORTS[settings.mode]
        self.timeout = timeout
        self.context = ssl.create_default_context() if settings.mode != "plain" else None
        self._idle: list[tuple[smtplib.SMTP, float]] = []  # (connection, when it was returned)
        self._lock = threading.Lock()
        self.opened = 0  # connections opened so far (for tests and the benchmark)

    def take(self) -> tuple[smtplib.SMTP, bool]:
        """An idle connection (False) or a new one (True). Raises OSError/SMTPException."""
        stale: list[smtplib.SMTP] = []
        found: smtplib.SMTP | None = None
        now = time.monotonic()
        with self._lock:
            while self._idle:
                conn, since = self._idle.pop()
                if now - since <= IDLE_SECONDS:
                    found = conn
                    break
                stale.append(conn)
        for conn in stale:
            _quit(conn)
        if found is not None:
            return found, False
        return self._open(), True

    def give(self, conn: smtplib.SMTP) -> None:
        with self._lock:
            self._idle.append((conn, time.monotonic()))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            _quit(conn)

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        conn: smtplib.SMTP
        if s.mode == "ssl":
            conn = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.context
            )
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            conn.ehlo()
            if s.mode == "starttls":
                conn.starttls(context=self.context)
                conn.ehlo()
            if s.user and s.password:
                conn.login(s.user, s.password)
        except BaseException:
            conn.close()
            raise
        self.opened += 1
        return conn


def _quit(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def _reset(conn: smtplib.SMTP) -> None:
    """RSET after a refusal, so the connection can carry the next message; a connection that
    fails even that is closed (and not returned to the pool)."""
    try:
        conn.rset()
    except (OSError, smtplib.SMTPException):
        conn.close()


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"{type(exc).__name__}: {exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


def transmit(conn: smtplib.SMTP, sender: str, targets: Sequence[str], data: bytes) -> Result:
    """MAIL, RCPT, DATA on an open connection. Raises Refused, OSError or
    SMTPServerDisconnected before DATA (nothing was accepted: safe to repeat on a new
    connection); an SMTPException from the DATA step (a lost connection is turned into
    SMTPDataError) means the message may have left."""
    code, resp = conn.mail(envelope(sender))
    if code == 421:
        raise Refused(f"{code} {resp.decode(errors='replace')}")
    if code != 250:
        _reset(conn)
        return Result(False, f"sender refused: {code} {resp.decode(errors='replace')}")
    refused = []
    for target in targets:
        code, resp = conn.rcpt(target)
        if code == 421:
            raise Refused(f"{code} {resp.decode(errors='replace')}")
        if code not in (250, 251):
            refused.append(f"{target}: {code} {resp.decode(errors='replace')}")
    if len(refused) == len(targets):
        _reset(conn)
        return Result(False, "recipient refused: " + "; ".join(refused))
    try:
        code, resp = conn.data(data)
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise smtplib.SMTPDataError(-1, f"connection lost during DATA: {exc}") from exc
    if code != 250:
        _reset(conn)
        return Result(False, f"message refused: {code} {resp.decode(errors='replace')}")
    if refused:  # the others have it; a retry would send it to them twice
        return Result(True, "some recipients refused: " + "; ".join(refused))
    return Result(True)
