"""What every channel is: `send(message, recipient) -> Result`, paced, scrubbed of its secrets.

Concurrency: `send` is safe to call from several threads at once; a delivery pass runs up to
`concurrency` sends of one channel at a time (default 4 for email, Telegram and a WeCom app, 1
elsewhere). Under `min_interval_seconds`, two sends start at least that far apart, and no send
starts sooner than that after a send that had already ended (with concurrency 1: the pause runs
from the end of one send to the start of the next).

Secrets never leave a channel: a reason is scrubbed of the channel's secrets and of any URL
before it is returned, and channels have no `repr` that shows their configuration.
"""

from __future__ import annotations

import re
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import quote

from renewd.channels.settings import BaseChannelSettings, ChannelType
from renewd.core.letter import Format, Message
from renewd.core.model import Person
from renewd.core.routing import ChannelRoute, Scope


@dataclass(frozen=True)
class Result:
    ok: bool
    reason: str = ""


_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+")


class Channel(ABC):
    """One configured way to reach people."""

    type: ChannelType
    format: Format = Format.TEXT
    default_max_bytes: int | None = None
    default_concurrency: ClassVar[int] = 1

    def __init__(self, settings: BaseChannelSettings) -> None:
        self.name = settings.name
        self._secrets = settings.secrets()
        self._fixed = settings.fixed
        self._scope = settings.effective_scope
        self._route = settings.route()
        if settings.markdown is not None:
            self.format = Format.MARKDOWN if settings.markdown else Format.TEXT
        self.max_bytes = settings.max_length or self.default_max_bytes
        self.min_interval = settings.min_interval_seconds or 0.0
        self.concurrency = settings.concurrency or self.default_concurrency
        # Per send: `[notify] http_timeout_seconds`, or `smtp_timeout_seconds` for email (set by
        # `build_channels`). Long, because a send that times out after the peer took it is
        # retried and may arrive twice.
        self.timeout = 60.0
        self._pace = threading.Lock()
        self._next_start = 0.0  # time.monotonic(): no send starts before this

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def address(self, person: Person) -> str | None:
        """The person's own address on this channel, or None if it cannot reach him."""
        return None

    def mention_of(self, person: Person) -> str:
        """The person's user id for an @-mention in this channel's group messages ("": this
        channel cannot mention him; only group robots can)."""
        return ""

    @property
    def fixed(self) -> bool:
        """Whether the channel has a configured destination (for digests and escalations)."""
        return self._fixed

    @property
    def scope(self) -> Scope:
        """`scope` from the settings, else the type's default (docs/design.md §7)."""
        return self._scope

    def route(self) -> ChannelRoute:
        """The channel as the pure routing sees it: a personal channel only in its scope."""
        return self._route

    def send(self, message: Message, recipient: str) -> Result:
        """Send to `recipient` ("" = the configured destination). Never raises for delivery
        problems: they come back as Result(ok=False, reason). Safe to call from several threads;
        waits as `min_interval_seconds` requires (see the module docstring)."""
        self._wait_turn()
        try:
            result = self._send(message, recipient)
        except Exception as exc:  # a plugin bug must not stop the pass; keep the reason
            result = Result(False, f"{type(exc).__name__}: {exc}")
        finally:
            self._ended()
        if not result.ok:
            return Result(False, self.scrub(result.reason) or "failed (no reason given)")
        return result

    def _wait_turn(self) -> None:
        if not self.min_interval:
            return
        with self._pace:  # reserve a start time; sleep outside the lock
            start = max(time.monotonic(), self._next_start)
            self._next_start = start + self.min_interval
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _ended(self) -> None:
        if not self.min_interval:
            return
        with self._pace:
            self._next_start = max(self._next_start, time.monotonic() + self.min_interval)

    @abstractmethod
    def _send(self, message: Message, recipient: str) -> Result: ...

    def close(self) -> None:
        """Let go of what is kept open between sends (an email channel's SMTP connections).
        A delivery pass calls it when it is done; the next send opens what it needs again."""
        return  # most channels keep nothing open

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
            text = text.replace(quote(secret, safe=""), "***")
        text = _URL.sub("<url>", text)
        return " ".join(text.split())[:500]
