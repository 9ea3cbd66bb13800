"""The email channel: SMTP through Apprise, one message per recipient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from renewd.channels.settings import ChannelType, EmailSettings
from renewd.channels.via_apprise import AppriseBacked
from renewd.core.messages import Format
from renewd.core.model import Person


class EmailChannel(AppriseBacked):
    """SMTP: host, port, mode once; each person's `email` (or `to`) fills the recipient."""

    type = ChannelType.EMAIL
    format = Format.TEXT
    default_concurrency = 4  # SMTP servers take a few connections at once
    modes: ClassVar[Mapping[str, str]] = {"ssl": "ssl", "starttls": "starttls", "plain": "insecure"}

    def __init__(self, settings: EmailSettings) -> None:
        super().__init__(settings)
        self.settings = settings

    def address(self, person: Person) -> str | None:
        return person.email or None

    def url(self, recipient: str) -> str:
        s = self.settings
        targets = [recipient] if recipient else list(s.to)
        auth = ""
        if s.user:
            auth = quote(s.user, safe="")
            if s.password:
                auth += ":" + quote(s.password, safe="")
            auth += "@"
        port = s.port or {"ssl": 465, "starttls": 587, "plain": 25}[s.mode]
        query = {
            "smtp": s.host or "",
            "mode": self.modes[s.mode],
            "from": s.sender or s.user or "",
            "to": ",".join(targets),
        }
        qs = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
        scheme = "mailtos" if s.mode != "plain" else "mailto"
        return f"{scheme}://{auth}{s.host}:{port}?{qs}"
