"""The PushPlus channel (推送加, WeChat pushes): one POST to `/send` per message with the sending
account's `token`, to each person at his roster `pushplus` friend token (好友令牌, as `to`) or,
for HR, to the channel's `topic` (群组编码); `code != 200` is a failure.

The body is PushPlus's `html` template: user data HTML-escaped, `<b>` headings, `<br>` line
breaks. The title is plain text (at most 100 characters).
"""

from __future__ import annotations

from renewd.channels import webhook
from renewd.channels.base import Channel, Result
from renewd.channels.formatting import plain
from renewd.channels.settings import ChannelType
from renewd.channels.settings_cn import PushplusSettings
from renewd.core.letter import Format, Message
from renewd.core.model import Person

PUSHPLUS_API = "https://www.pushplus.plus"
TITLE_CHARS = 100
LIMIT = 20000  # bytes of content


class PushplusChannel(Channel):
    """PushPlus: each person at his `pushplus` friend token; `topic` for HR's group."""

    type = ChannelType.PUSHPLUS
    format = Format.HTML
    default_max_bytes = 8000

    def __init__(self, settings: PushplusSettings) -> None:
        super().__init__(settings)
        self.format = Format.HTML  # the `html` template: see the module docstring
        if settings.min_interval_seconds is None:
            self.min_interval = 1.0  # PushPlus throttles bursts from one account
        self._url = f"{(settings.url or PUSHPLUS_API).rstrip('/')}/send"
        self._token = settings.token or ""
        self._topic = settings.topic or ""

    def address(self, person: Person) -> str | None:
        return person.pushplus or None

    def _send(self, message: Message, recipient: str) -> Result:
        if not recipient and not self._topic:
            return Result(False, f"channel {self.name} has no `topic` for HR")
        payload = {
            "token": self._token,
            "title": webhook.clip_chars(plain(message.title, Format.HTML), TITLE_CHARS),
            "content": webhook.clip(message.body, LIMIT).replace("\n", "<br>"),
            "template": "html",
            **({"to": recipient} if recipient else {"topic": self._topic}),
        }
        try:
            webhook.post("PushPlus", self._url, payload, webhook.code_is(200), timeout=self.timeout)
        except webhook.ServiceError as exc:
            reason = exc.reason.replace(recipient, "***") if recipient else exc.reason
            return Result(False, reason)
        return Result(True)
