"""One JSON POST to a web service, as the DingTalk, Feishu, Bark, Server酱 and PushPlus channels
make it, with the verdict read from the answer's body: these services answer HTTP 200 for most
failures (a wrong key, a bad signature, a missing keyword, a rate limit) and put the verdict in a
`code` field, so an HTTP 200 alone is never taken for a delivery.

Failures are raised as `ServiceError` with a reason meant for HR; the caller's channel scrubs it
of its secrets. Secrets travel in URLs (a key in the path or the query string): requests'
exceptions are reduced to their type name, and the settings register the secrets with
`renewd.redaction`, so urllib3's DEBUG request lines do not show them either.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

CONNECT_TIMEOUT = 10.0  # the read timeout is `[notify] http_timeout_seconds`

Verdict = Callable[[dict[str, Any]], str | None]  # the answer -> None if it says "sent", else why


class ServiceError(Exception):
    """A call that did not deliver. `reason` may still hold secrets: scrub it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def code_is(ok: int, field: str = "code", text: tuple[str, ...] = ("message", "msg")) -> Verdict:
    """The verdict of a service whose answer carries `field` = `ok` on success (an answer
    without it is not the service's: a proxy's or a captive portal's)."""

    def verdict(data: dict[str, Any]) -> str | None:
        code = data.get(field)
        if code == ok and not isinstance(code, bool):
            return None
        if code is None:
            return f"answered without `{field}`"
        said = next((str(data[k]) for k in text if data.get(k)), "")
        return f"{field} {code}: {said}" if said else f"{field} {code}"

    return verdict


def post(
    service: str,
    url: str,
    payload: Mapping[str, Any],
    verdict: Verdict,
    *,
    params: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> dict[str, Any]:
    """POST `payload` as UTF-8 JSON (Chinese as itself: the services count bytes) and return the
    answer when `verdict` finds it a success; else raise ServiceError."""
    import requests  # here: ~10 MiB that a daemon without such a channel never needs

    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    try:
        response = requests.post(
            url, params=params, data=body, headers=headers, timeout=(CONNECT_TIMEOUT, timeout)
        )
    except requests.RequestException as exc:  # its text holds the URL, and the URL a secret
        raise ServiceError(f"{service} unreachable: {type(exc).__name__}") from None
    try:
        data = response.json()
    except ValueError:
        data = None
    said = verdict(data) if isinstance(data, dict) else None
    if response.status_code != 200:
        detail = f" ({said})" if said else ""
        raise ServiceError(f"{service} HTTP {response.status_code}{detail}")
    if not isinstance(data, dict):
        raise ServiceError(f"{service} answered with something that is not a JSON object")
    if said:
        raise ServiceError(f"{service} {said}")
    return data


def hmac_base64(key: str, message: str) -> str:
    """base64(HMAC-SHA256(key, message)), both UTF-8: the signature DingTalk and Feishu want."""
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def with_keyword(title: str, body: str, keyword: str | None) -> str:
    """The title, with the robot's keyword (自定义关键词) in front unless the message has it."""
    if not keyword or keyword in title or keyword in body:
        return title
    return f"{keyword} {title}"


def clip(text: str, limit: int) -> str:
    """`text` if it fits `limit` UTF-8 bytes, else its longest prefix that does (never half a
    character) followed by "…"."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[: limit - len("…".encode())].decode(errors="ignore") + "…"


def clip_chars(text: str, limit: int) -> str:
    """`text` in at most `limit` characters (a service that counts characters, not bytes)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
