"""The Bark channel (iPhone pushes, https://bark.day.app or a self-hosted server): one POST to
`/push` (API v2) per message, to each person's roster `bark` device key or, for HR, the
channel's `device_key`; `code != 200` is a failure.

Pushes are plain text: iOS shows them as written. A device key is a secret (whoever holds it can
push to the phone): the roster's are registered for redaction when it is read, the channel's with
the settings, and both are scrubbed from the reasons this channel reports.
"""

from __future__ import annotations

from renewd.channels import webhook
from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType
from renewd.channels.settings_cn import BarkSettings
from renewd.core.letter import Format, Message
from renewd.core.model import Person

BARK_API = "https://api.day.app"
LIMIT = 3000  # bytes of body: an Apple push carries at most 4 KB, title and JSON included


class BarkChannel(Channel):
    """Bark: each person at his `bark` device key; `device_key` for HR's own phone."""

    type = ChannelType.BARK
    format = Format.TEXT
    default_max_bytes = 2800  # longer messages are split into parts, not cut
    default_concurrency = 4  # one push per device: Apple's limits are per device, not per server

    def __init__(self, settings: BarkSettings) -> None:
        super().__init__(settings)
        self.format = Format.TEXT
        self._url = f"{(settings.url or BARK_API).rstrip('/')}/push"
        self._device_key = settings.device_key or ""

    def address(self, person: Person) -> str | None:
        return person.bark or None

    def _send(self, message: Message, recipient: str) -> Result:
        key = recipient or self._device_key
        if not key:
            return Result(False, f"channel {self.name} has no `device_key` for HR")
        payload = {
            "device_key": key,
            "title": webhook.clip(message.title, 200),
            "body": webhook.clip(message.body, LIMIT),
        }
        try:
            webhook.post("Bark", self._url, payload, webhook.code_is(200), timeout=self.timeout)
        except webhook.ServiceError as exc:
            return Result(False, exc.reason.replace(key, "***"))
        return Result(True)
