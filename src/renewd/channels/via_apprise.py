"""Channels sent through Apprise (Telegram, any Apprise URL): one fresh plugin per send,
its reason for a failure kept from the logs Apprise captures for that one `notify` call.

Throttling: Apprise sleeps `request_rate_per_sec` between two sends *of the same plugin object*.
Every send here builds a fresh plugin, so Apprise never sleeps; rate limits that matter are ours
(`min_interval_seconds`, see `renewd.channels.base`). Apprise's reason for a failure is taken from
the result of that one `notify` call, never from the shared `apprise` logger, so concurrent sends
cannot swap reasons (nor one channel's secrets into another's reason).
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from renewd.channels.base import Channel, Result
from renewd.channels.settings import AppriseSettings, ChannelType
from renewd.core.letter import Format, Message


def _apprise() -> Any:
    """Apprise, imported on first use: it costs ~20 MiB and 0.2 s, and a daemon without a
    Telegram or Apprise channel never needs it (email and WeCom do not use it)."""
    import apprise

    return apprise


def _asset() -> Any:
    # Sequential (we send one message at a time and want its own reason), no persistent storage.
    return _apprise().AppriseAsset(async_mode=False, secure_logging=True, storage_mode="memory")


class AppriseBacked(Channel):
    body_format: ClassVar[Mapping[Format, str]] = {
        Format.TEXT: "text",
        Format.MARKDOWN: "markdown",
        Format.HTML: "html",
    }

    @abstractmethod
    def url(self, recipient: str) -> str: ...

    def tweak(self, plugin: Any) -> None:
        """Adjust the plugin object before sending (API base for tests and proxies)."""

    def _send(self, message: Message, recipient: str) -> Result:
        asset = _asset()
        plugin = _apprise().Apprise.instantiate(self.url(recipient), asset=asset)
        if plugin is None:
            return Result(False, f"channel {self.name}: Apprise rejected its URL (check settings)")
        # Apprise waits 4 s by default: a slow but working peer would get every message twice.
        plugin.socket_read_timeout = plugin.socket_connect_timeout = self.timeout
        self.tweak(plugin)
        app = _apprise().Apprise(asset=asset)
        app.add(plugin)
        # The result keeps this call's own log entries (Apprise >= 2.0), unlike a LogCapture on
        # the shared "apprise" logger, which would also catch other threads' sends.
        outcome = app.notify(
            body=message.body,
            title=message.title,
            body_format=self.body_format[message.format],
            log_level=logging.WARNING,
        )
        if outcome:
            return Result(True)
        reasons = (str(entry.message).strip() for entry in outcome.logs())
        return Result(False, "; ".join(r for r in reasons if r).replace("\n", "; "))


class AppriseChannel(AppriseBacked):
    """Any Apprise URL (the `url` secret): a fixed destination for digests and escalations."""

    type = ChannelType.APPRISE
    format = Format.TEXT
    default_max_bytes = 4000

    def __init__(self, settings: AppriseSettings) -> None:
        super().__init__(settings)
        self._url = settings.url or ""

    def url(self, recipient: str) -> str:
        return self._url
