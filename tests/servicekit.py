"""Fake DingTalk, Feishu, Bark, Server酱 and PushPlus services on 127.0.0.1, over real sockets.

Each fake answers as its service does (docs checked in issue 19): HTTP 200 with the verdict in
the body's code, and the same checks the service makes before it delivers: the key, the
signature (DingTalk 加签, Feishu 签名校验), the keyword a robot's security setting asks for, the
device key or token. Every request is kept (path, query, headers, JSON body) for the test to
read, and a test can queue answers of its own (a rate limit, an outage) ahead of the fake's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from netkit import free_port

Answer = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class Request:
    path: str
    query: dict[str, str]  # decoded
    raw_query: str  # as it came
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw.decode("utf-8"))


@dataclass
class Service:
    """A fake service: `answer` decides each reply unless `queued` holds one."""

    answer: Callable[[Request], Answer]
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    queued: list[Answer] = field(default_factory=list)

    def reply(self, request: Request) -> Answer:
        self.requests.append(request)
        return self.queued.pop(0) if self.queued else self.answer(request)


@contextmanager
def serving(answer: Callable[[Request], Answer]) -> Iterator[Service]:
    service = Service(answer)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            status, body = service.reply(
                Request(parts.path, query, parts.query, dict(self.headers), raw)
            )
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    service.url = f"http://127.0.0.1:{port}"
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


def _b64_hmac(key: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


def _text_of(content: Any) -> str:
    """Every piece of text in a Feishu post, as Feishu would search it for a keyword."""
    if isinstance(content, dict):
        return " ".join(
            _text_of(v)
            for k, v in content.items()
            if k in ("text", "title", "content", "post", "zh_cn")
        )
    if isinstance(content, list):
        return " ".join(_text_of(v) for v in content)
    return content if isinstance(content, str) else ""


def dingtalk(
    token: str, secret: str | None = None, keyword: str | None = None
) -> Callable[[Request], Answer]:
    """DingTalk's robot/send: access_token, then 加签 (timestamp in ms, sign = base64 HMAC-SHA256
    over "timestamp\\nsecret" keyed with the secret, URL-decoded already), then the keyword."""

    def answer(request: Request) -> Answer:
        if request.path != "/robot/send" or request.query.get("access_token") != token:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        if secret is not None:
            stamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
            if (
                not stamp.isdigit()
                or len(stamp) != 13
                or sign != _b64_hmac(secret, f"{stamp}\n{secret}")
            ):
                return 200, {"errcode": 310000, "errmsg": "sign not match"}
        body = request.json
        text = body.get(body.get("msgtype"), {}).get("content", "")
        if keyword is not None and keyword not in text:
            return 200, {"errcode": 310000, "errmsg": "keywords not in content"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    return answer


def feishu(
    hook: str, secret: str | None = None, keyword: str | None = None
) -> Callable[[Request], Answer]:
    """Feishu's bot/v2/hook/<hook>: the signed timestamp in the body (seconds; sign = base64
    HMAC-SHA256 keyed with "timestamp\\nsecret" over nothing), then the keyword in the text."""

    def answer(request: Request) -> Answer:
        if request.path != f"/open-apis/bot/v2/hook/{hook}":
            return 404, {
                "code": 19001,
                "msg": "param invalid: incoming webhook access token invalid",
            }
        body = request.json
        if secret is not None:
            stamp, sign = str(body.get("timestamp", "")), body.get("sign", "")
            if (
                not stamp.isdigit()
                or len(stamp) != 10
                or sign != _b64_hmac(f"{stamp}\n{secret}", "")
            ):
                return 200, {
                    "code": 19021,
                    "msg": "sign match fail or timestamp is not within one hour from current time",
                }
        post = body.get("content", {}).get("post", {}).get("zh_cn", {})
        if keyword is not None and keyword not in _text_of(post.get("content", [])):
            return 200, {"code": 19024, "msg": "Key Words Not Found"}
        return 200, {"code": 0, "msg": "success", "data": {}}

    return answer


def bark(*devices: str) -> Callable[[Request], Answer]:
    """Bark's API v2 /push: a device key it knows, else HTTP 400 with code 400."""

    def answer(request: Request) -> Answer:
        key = request.json.get("device_key", "")
        if request.path != "/push" or key not in devices:
            return 400, {
                "code": 400,
                "message": f"failed to get device token: {key}",
                "timestamp": 0,
            }
        return 200, {"code": 200, "message": "success", "timestamp": 0}

    return answer


def serverchan(send_key: str) -> Callable[[Request], Answer]:
    """Server酱's <SendKey>.send (Turbo) or send/<SendKey>.send (Server酱³)."""

    def answer(request: Request) -> Answer:
        if request.path not in (f"/{send_key}.send", f"/send/{send_key}.send"):
            return 200, {"code": 40001, "message": "bad pushtoken", "data": None}
        return 200, {
            "code": 0,
            "message": "",
            "data": {"pushid": "1", "readkey": "r", "error": "SUCCESS", "errno": 0},
        }

    return answer


def pushplus(
    token: str, friends: tuple[str, ...] = (), topics: tuple[str, ...] = ()
) -> Callable[[Request], Answer]:
    """PushPlus's /send: the account's token, then a friend token (`to`) or a topic it knows."""

    def answer(request: Request) -> Answer:
        body = request.json
        if request.path != "/send" or body.get("token") != token:
            return 200, {"code": 903, "msg": "无效的用户token", "data": None}
        if ("to" in body and body["to"] not in friends) or (
            "topic" in body and body["topic"] not in topics
        ):
            return 200, {"code": 900, "msg": "用户账号使用受限", "data": None}
        return 200, {"code": 200, "msg": "请求成功", "data": "msg-1"}

    return answer
