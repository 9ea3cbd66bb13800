"""The Feishu / Lark (飞书) group robot channel: one POST to the robot's webhook per message,
with the signed timestamp in the body when the robot has a 签名校验 secret, and `code != 0` a
failure (Feishu answers HTTP 200 for a bad signature or a missing keyword).

Messages are rich text (`msg_type` post) built of text elements, which Feishu shows as written:
nothing in a name can become markup or a mention. The owners a digest names are @-mentioned by
their roster `feishu_user`: the "@<id>" that ends their line becomes an `at` element.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from renewd.channels import webhook
from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType
from renewd.channels.settings_cn import FeishuSettings
from renewd.core.letter import Format, Message
from renewd.core.model import Person

FEISHU_API = "https://open.feishu.cn"  # Lark: https://open.larksuite.com


def sign(timestamp_s: str, secret: str) -> str:
    """签名校验: base64(HMAC-SHA256 keyed with "<timestamp>\\n<secret>" over an empty message);
    it travels in the JSON body as `sign`, beside `timestamp` (seconds since the epoch)."""
    return webhook.hmac_base64(f"{timestamp_s}\n{secret}", "")


def paragraphs(body: str, mentions: tuple[str, ...]) -> list[list[dict[str, str]]]:
    """One paragraph per line of text; a line that ends by naming one of `mentions`
    ("… @ou_x") gets an `at` element there instead."""
    out: list[list[dict[str, str]]] = []
    for line in body.split("\n"):
        text, _, user = line.rpartition(" @")
        if text and user in mentions:
            out.append([{"tag": "text", "text": text}, {"tag": "at", "user_id": user}])
        else:
            out.append([{"tag": "text", "text": line}])
    return out


class FeishuChannel(Channel):
    """A Feishu or Lark group robot: a fixed destination for digests and escalations."""

    type = ChannelType.FEISHU
    format = Format.TEXT
    default_max_bytes = 8000  # a request body may hold 20 KB, JSON and @-mentions included

    def __init__(self, settings: FeishuSettings, now: Callable[[], float] = time.time) -> None:
        super().__init__(settings)
        self.format = Format.TEXT  # whatever `markdown` says: see the module docstring
        if settings.min_interval_seconds is None:
            self.min_interval = 3.1  # about 20 messages a minute per robot, as WeCom's
        base = (settings.url or FEISHU_API).rstrip("/")
        self._url = f"{base}/open-apis/bot/v2/hook/{settings.robot_key or ''}"
        self._secret = settings.secret or ""
        self._keyword = settings.keyword
        self._now = now  # the signature's timestamp: the real time, whatever RENEWD_NOW says

    def mention_of(self, person: Person) -> str:
        return person.feishu_user

    def _send(self, message: Message, recipient: str) -> Result:
        content = paragraphs(message.body, message.mentions)
        keyword = self._keyword
        if keyword and keyword not in message.body:
            # in the text itself (whether Feishu searches a post's title is not documented)
            content[0].insert(0, {"tag": "text", "text": f"{keyword} "})
        payload: dict[str, Any] = {
            "msg_type": "post",
            "content": {"post": {"zh_cn": {"title": message.title, "content": content}}},
        }
        if self._secret:
            timestamp = str(int(self._now()))
            payload = {"timestamp": timestamp, "sign": sign(timestamp, self._secret), **payload}
        try:
            webhook.post("Feishu", self._url, payload, _verdict, timeout=self.timeout)
        except webhook.ServiceError as exc:
            return Result(False, exc.reason)
        return Result(True)


def _verdict(data: dict[str, Any]) -> str | None:
    """`code` 0, or (older answers) `StatusCode` 0."""
    if "code" not in data and "StatusCode" in data:
        return webhook.code_is(0, "StatusCode", ("StatusMessage",))(data)
    return webhook.code_is(0, "code", ("msg",))(data)
