"""A slow but working peer gets each message once (issue 11, defect 4): send timeouts are long
by default (`[notify] http_timeout_seconds` = 60), not Apprise's 4 s or WeCom's old 10 s."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from conftest import settings
from renewd.channels.factory import build_channels
from renewd.core.letter import Format, Message

pytestmark = pytest.mark.integration

DELAY = 5.0  # longer than Apprise's default read timeout (4 s)


class SlowTelegram(BaseHTTPRequestHandler):
    calls: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        SlowTelegram.calls.append(self.path)
        time.sleep(DELAY)
        data = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def slow_api() -> Iterator[str]:
    SlowTelegram.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowTelegram)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def telegram(api: str, **notify: object) -> dict[str, object]:
    conf = settings(
        channels=[
            {"name": "tg", "type": "telegram", "bot_token": "123:abc", "api_url": api},
        ],
        notify=notify,
    )
    return dict(build_channels(conf))


def test_a_slow_telegram_api_gets_one_send_that_succeeds(slow_api: str) -> None:
    channel = telegram(slow_api)["tg"]
    started = time.monotonic()
    result = channel.send(Message("标题", "正文", Format.TEXT), "12345")  # type: ignore[attr-defined]
    assert result.ok, result.reason
    assert time.monotonic() - started >= DELAY
    assert len(SlowTelegram.calls) == 1


def test_the_timeout_is_configurable(slow_api: str) -> None:
    channel = telegram(slow_api, http_timeout_seconds=1)["tg"]
    result = channel.send(Message("标题", "正文", Format.TEXT), "12345")  # type: ignore[attr-defined]
    assert not result.ok
