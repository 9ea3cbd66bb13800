"""The WeCom (企业微信) server API, as the WeCom channels use it: one JSON call, the message content
within WeCom's byte limit, and an app's access token shared by every send.

WeCom answers HTTP 200 for most failures and puts the verdict in `errcode`, so every call here
checks it. Failures are raised as `WecomError` with a reason meant for HR; the caller scrubs it of
its secrets. Secrets travel in query strings (`key`, `corpsecret`, `access_token`): requests'
exceptions are reduced to their type name, and urllib3's DEBUG request lines are redacted.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from renewd import redaction
from renewd.core.letter import Format, Message

WECOM_API = "https://qyapi.weixin.qq.com"
TIMEOUT = (10.0, 60.0)  # connect, read (`[notify] http_timeout_seconds` for sends)

# WeCom's verdicts on the access token itself: invalid credential, invalid token, token expired.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})


class WecomError(Exception):
    """A WeCom call that did not succeed. `reason` may still hold secrets: scrub it."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def call(
    method: str,
    url: str,
    params: Mapping[str, str],
    payload: Mapping[str, Any] | None = None,
    *,
    timeout: float = TIMEOUT[1],
) -> dict[str, Any]:
    """One WeCom API call; its JSON answer when `errcode` is 0, else WecomError (an answer
    without `errcode` is not WeCom's: a proxy's or a captive portal's)."""
    import requests  # here: ~10 MiB that a daemon without a WeCom channel never needs

    try:
        response = requests.request(
            method, url, params=params, json=payload, timeout=(TIMEOUT[0], timeout)
        )
    except requests.RequestException as exc:  # its text holds the URL, query string included
        raise WecomError(f"WeCom unreachable: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise WecomError(f"WeCom HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise WecomError("WeCom answered with something that is not JSON") from None
    if not isinstance(data, dict):
        raise WecomError("WeCom answered with something that is not a JSON object")
    code = data.get("errcode")
    if code != 0:
        raise WecomError(f"WeCom errcode {code}: {data.get('errmsg', '')}", code)
    return data


def clip(text: str, limit: int) -> str:
    """`text` if it fits `limit` UTF-8 bytes, else its longest prefix that does (never half a
    character) followed by "…"."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - len("…".encode())].decode(errors="ignore") + "…"


def content(message: Message, limit: int) -> dict[str, Any]:
    """The `msgtype` and content part of a message/send or webhook/send body: markdown with the
    title in bold, or text with the title on the first line; at most `limit` bytes of content."""
    if message.format is Format.MARKDOWN:
        heading = message.title.replace("\n", " ")
        text = clip(f"**{heading}**\n{message.body}", limit)
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"msgtype": "text", "text": {"content": clip(f"{message.title}\n{message.body}", limit)}}


class AccessToken:
    """An app's access token from `gettoken`, kept until shortly before it expires and shared by
    every send of the channel. Safe to use from several threads: one fetches, the others wait."""

    margin = 300.0  # seconds before `expires_in` runs out that a fresh token is fetched

    def __init__(
        self,
        base: str,
        corp_id: str,
        secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = f"{base}/cgi-bin/gettoken"
        self._params = {"corpid": corp_id, "corpsecret": secret}
        self._clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._until = 0.0
        self.seen: list[str] = []  # every token fetched, most recent last: for scrubbing

    def get(self, *, stale: str = "") -> str:
        """A valid token: the cached one unless it is about to expire or is `stale` (WeCom has
        just refused it; if another thread has already replaced it, the new one is returned)."""
        with self._lock:
            now = self._clock()
            if self._token and self._token != stale and now < self._until:
                return self._token
            try:
                data = call("GET", self._url, self._params)
            except WecomError as exc:  # no code: a refused secret is not a token to refresh
                raise WecomError(f"gettoken: {exc.reason}") from None
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise WecomError("WeCom gettoken answered without an access_token")
            expires_in = data.get("expires_in")
            lifetime = float(expires_in) if isinstance(expires_in, int) else 7200.0
            redaction.register_secret(token)  # urllib3 logs it in request lines
            self._token = token
            self._until = now + lifetime - min(self.margin, lifetime / 2)
            self.seen = [*self.seen[-3:], token]
            return token


_QUERY_SECRET = re.compile(r"\b(key|corpsecret|access_token)=[^&\s\"']+")


class _RedactQuery(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string and its secrets included."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = _QUERY_SECRET.sub(r"\1=***", text)
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactQuery())
