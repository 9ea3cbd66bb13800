"""The email channel: SMTP with `smtplib` over pooled connections (`renewd.channels.smtp`).

Why not Apprise (as Telegram and raw URLs still use): Apprise builds a plugin, an SSL context and
an SMTP connection (TLS handshake, EHLO, AUTH) for every message, so a pass of 10,000 reminders
spent its time opening connections: about 28 messages a second against a local sink. This
channel keeps up to `concurrency` connections open for a pass (one per send in flight), builds
the SSL context once, and closes the connections when the pass ends (`close`). What happens when
a server drops a connection or refuses a message: see `renewd.channels.smtp`.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType, EmailSettings
from renewd.channels.smtp import TIMEOUT_SECONDS, Pool, Refused, compose, describe, transmit
from renewd.core.letter import Format, Message
from renewd.core.model import Person

log = logging.getLogger(__name__)


class EmailChannel(Channel):
    """SMTP: host, port, mode once; each person's `email` (or `to`) fills the recipient."""

    type = ChannelType.EMAIL
    format = Format.TEXT
    default_concurrency = 4  # SMTP servers take a few connections at once

    def __init__(self, settings: EmailSettings, timeout: float = TIMEOUT_SECONDS) -> None:
        super().__init__(settings)
        self.settings = settings
        self.sender = settings.sender or settings.user or ""
        self.pool = Pool(settings, timeout)

    def address(self, person: Person) -> str | None:
        return person.email or None

    def close(self) -> None:
        self.pool.close()

    def _send(self, message: Message, recipient: str) -> Result:
        targets = [recipient] if recipient else list(self.settings.to)
        data = compose(message, self.sender, targets, dt.datetime.now(dt.UTC))
        while True:
            try:
                conn, fresh = self.pool.take()
            except (OSError, smtplib.SMTPException) as exc:
                return Result(
                    False, f"cannot connect to {self.pool.host}:{self.pool.port}: {describe(exc)}"
                )
            try:
                result = transmit(conn, self.sender, targets, data)
            except smtplib.SMTPDataError as exc:  # during DATA: the message may have left
                # (first: SMTPException is an OSError, and this one must never be re-sent here)
                conn.close()
                reason = f"{describe(exc)} (may repeat: the server may have taken it)"
                log.warning("channel %s: %s; retried later", self.name, reason)
                return Result(False, reason)
            except (Refused, OSError, smtplib.SMTPServerDisconnected) as exc:
                conn.close()
                if fresh:  # a new connection failed before DATA: report it, don't loop
                    return Result(False, describe(exc))
                continue  # an old connection had gone stale; nothing was accepted yet
            except smtplib.SMTPException as exc:  # any other: nothing known to have left
                conn.close()
                return Result(False, describe(exc))
            if conn.sock is not None:  # smtplib closes a connection that broke
                self.pool.give(conn)
            return result
