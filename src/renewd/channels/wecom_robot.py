"""The WeCom group robot channel: a webhook, posted to directly so `errcode != 0` is a failure
(Apprise's plugin reports success when WeCom answers HTTP 200 with a wrong key's `errcode`)."""

from __future__ import annotations

from renewd.channels import wecom
from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType, WecomSettings
from renewd.core.letter import Format, Message


class WecomRobotChannel(Channel):
    """A WeCom group robot webhook: a fixed destination for digests and escalations."""

    type = ChannelType.WECOM
    format = Format.MARKDOWN
    default_max_bytes = 4000  # leaves room for the title within the limit below
    limit = 4096  # webhook/send: markdown content at most 4096 bytes

    def __init__(self, settings: WecomSettings) -> None:
        super().__init__(settings)
        if settings.min_interval_seconds is None:
            self.min_interval = 3.1  # about 20 messages a minute per robot
        base = (settings.api_url or wecom.WECOM_API).rstrip("/")
        self._url = f"{base}/cgi-bin/webhook/send"
        self._key = settings.robot_key or ""

    def _send(self, message: Message, recipient: str) -> Result:
        try:
            payload = wecom.content(message, self.limit)
            wecom.call("POST", self._url, {"key": self._key}, payload, timeout=self.timeout)
        except wecom.WecomError as exc:
            return Result(False, exc.reason)
        return Result(True)
