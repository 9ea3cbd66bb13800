"""The Server酱 channel (ServerChan Turbo, SendKey `SCT…`, or Server酱³, SendKey `sctp<uid>t…`):
one POST per message to `<SendKey>.send`, `code != 0` a failure. One SendKey reaches one reader,
so it is a group channel: HR's (digests and escalations).

The body (`desp`) is markdown: user data is escaped as for WeCom, and each line ends in a hard
line break (Server酱's renderer would join plain lines into one paragraph). The `title` is plain
text of at most 32 characters, so the whole title also heads the body.
"""

from __future__ import annotations

import re

from renewd.channels import webhook
from renewd.channels.base import Channel, Result
from renewd.channels.formatting import plain
from renewd.channels.settings import ChannelType
from renewd.channels.settings_cn import ServerchanSettings
from renewd.core.letter import Format, Message

TURBO_API = "https://sctapi.ftqq.com"
SC3_KEY = re.compile(r"sctp(\d+)t")  # Server酱³: the key names its uid, and so its server
TITLE_CHARS = 32
LIMIT = 32000  # bytes of `desp` Server酱 takes


def endpoint(send_key: str, base: str | None) -> str:
    """Where a SendKey sends: Server酱³ keys at https://<uid>.push.ft07.com/send/<key>.send,
    Turbo keys at https://sctapi.ftqq.com/<key>.send; `base` replaces the server."""
    sc3 = SC3_KEY.match(send_key)
    if sc3 is not None:
        server = (base or f"https://{sc3[1]}.push.ft07.com").rstrip("/")
        return f"{server}/send/{send_key}.send"
    return f"{(base or TURBO_API).rstrip('/')}/{send_key}.send"


class ServerchanChannel(Channel):
    """Server酱: one SendKey, one reader; a fixed destination for digests and escalations."""

    type = ChannelType.SERVERCHAN
    format = Format.MARKDOWN
    default_max_bytes = 16000

    def __init__(self, settings: ServerchanSettings) -> None:
        super().__init__(settings)
        self.format = Format.MARKDOWN  # `desp` is always markdown
        self._url = endpoint(settings.send_key or "", settings.url)

    def _send(self, message: Message, recipient: str) -> Result:
        lines = (f"{line}  " if line.strip() else line for line in message.body.split("\n"))
        desp = webhook.clip(f"**{message.title}**\n\n" + "\n".join(lines), LIMIT)
        title = webhook.clip_chars(plain(message.title, Format.MARKDOWN), TITLE_CHARS)
        payload = {"title": title, "desp": desp}
        try:
            webhook.post("ServerChan", self._url, payload, webhook.code_is(0), timeout=self.timeout)
        except webhook.ServiceError as exc:
            return Result(False, exc.reason)
        return Result(True)
