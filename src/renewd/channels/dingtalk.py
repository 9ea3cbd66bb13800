"""The DingTalk (钉钉) group robot channel: one POST to `robot/send` per message, signed when the
robot has a 加签 secret, with `errcode != 0` a failure (DingTalk answers HTTP 200 for a wrong
token, a bad signature, a missing keyword and its rate limit alike).

Messages are plain text (`msgtype` text): DingTalk shows it as written, so nothing in a name can
become markup, and the title is the first line. The owners a digest names are @-mentioned by
their roster `dingtalk_user`: "@<userid>" ends their line and `at.atUserIds` lists them, which
is what makes DingTalk notify them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from renewd.channels import webhook
from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType
from renewd.channels.settings_cn import DingtalkSettings
from renewd.core.letter import Format, Message
from renewd.core.model import Person

DINGTALK_API = "https://oapi.dingtalk.com"
LIMIT = 20000  # bytes of text content DingTalk takes; digests are split well below it


def sign(timestamp_ms: str, secret: str) -> str:
    """加签: base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")); it travels URL-encoded in
    the `sign` query parameter, beside `timestamp` (milliseconds since the epoch)."""
    return webhook.hmac_base64(secret, f"{timestamp_ms}\n{secret}")


class DingtalkChannel(Channel):
    """A DingTalk group robot: a fixed destination for digests and escalations."""

    type = ChannelType.DINGTALK
    format = Format.TEXT
    default_max_bytes = 4000

    def __init__(self, settings: DingtalkSettings, now: Callable[[], float] = time.time) -> None:
        super().__init__(settings)
        self.format = Format.TEXT  # whatever `markdown` says: see the module docstring
        if settings.min_interval_seconds is None:
            self.min_interval = 3.1  # DingTalk takes 20 messages a minute per robot
        base = (settings.url or DINGTALK_API).rstrip("/")
        self._url = f"{base}/robot/send"
        self._key = settings.robot_key or ""
        self._secret = settings.secret or ""
        self._keyword = settings.keyword
        self._now = now  # the signature's timestamp: the real time, whatever RENEWD_NOW says

    def mention_of(self, person: Person) -> str:
        return person.dingtalk_user

    def _send(self, message: Message, recipient: str) -> Result:
        title = webhook.with_keyword(message.title, message.body, self._keyword)
        text = webhook.clip(f"{title}\n{message.body}", LIMIT)
        payload: dict[str, object] = {"msgtype": "text", "text": {"content": text}}
        if message.mentions:
            payload["at"] = {"atUserIds": list(message.mentions), "isAtAll": False}
        params = {"access_token": self._key}
        if self._secret:
            timestamp = str(int(self._now() * 1000))
            params |= {"timestamp": timestamp, "sign": sign(timestamp, self._secret)}
        verdict = webhook.code_is(0, "errcode", ("errmsg",))
        try:
            webhook.post(
                "DingTalk", self._url, payload, verdict, params=params, timeout=self.timeout
            )
        except webhook.ServiceError as exc:
            return Result(False, exc.reason)
        return Result(True)
