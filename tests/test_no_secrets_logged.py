"""Secrets never appear in any output (issue 11, defect 9): every command with `-v` and sentinel
secrets, against real local peers that echo what they were sent, and all output grepped.

Peers: an SMTP server (aiosmtpd), and one HTTP server on 127.0.0.1 playing the Telegram Bot API,
the WeCom robot and app APIs and an Apprise JSON endpoint. The WeCom robot answers with an
error that quotes its key, as a hostile or confused proxy might.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from daemonkit import Daemon
from netkit import Sink, free_port
from renewd import redaction

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]

BOT_TOKEN = "123456789:SENTINELbotTOKENxyzSENTINEL0001"
ROBOT_KEY = "SENTINEL-robot-key-0002"
APP_SECRET = "SENTINELappSECRET0003"
ACCESS_TOKEN = "SENTINELaccessTOKEN0004"
SMTP_PASSWORD = "SENTINEL-smtp-pass-0005"
APPRISE_PASSWORD = "SENTINELapprisePW0006"
SENTINELS = (BOT_TOKEN, BOT_TOKEN.split(":")[1], ROBOT_KEY, APP_SECRET, ACCESS_TOKEN,
             SMTP_PASSWORD, APPRISE_PASSWORD)  # fmt: skip


class Peer(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.startswith("/cgi-bin/gettoken"):
            self._answer(200, {"errcode": 0, "access_token": ACCESS_TOKEN, "expires_in": 7200})
        else:
            self._answer(404, {"error": f"no such path {self.path}"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/bot"):
            # Telegram refuses, quoting the URL it was called on.
            self._answer(401, {"ok": False, "description": f"Unauthorized {self.path}"})
        elif self.path.startswith("/cgi-bin/webhook/send"):
            self._answer(200, {"errcode": 93000, "errmsg": f"invalid webhook url {self.path}"})
        elif self.path.startswith("/cgi-bin/message/send"):
            self._answer(200, {"errcode": 40014, "errmsg": f"invalid access_token {self.path}"})
        else:
            self._answer(500, {"error": f"{self.headers.get('Authorization')}"})


@pytest.fixture
def peer() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Peer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(write: Write, peer: int, smtp: tuple[Sink, int]) -> Path:
    _, smtp_port = smtp
    api = f"http://127.0.0.1:{peer}"
    write(
        "people.csv",
        "工号,姓名,部门,居住证到期日,邮箱,Telegram,企业微信\n"
        "1001,张三,研发部,2026-01-10,zhang@example.com,12345,zhangsan\n",
    )
    port = free_port()
    return write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0.5
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        [notify]
        sweep_seconds = 1
        retry_after_seconds = [1]
        escalate_to = ["hook"]
        [[channels]]
        name = "mail"
        type = "email"
        host = "127.0.0.1"
        port = {smtp_port}
        mode = "plain"
        user = "hr"
        sender = "hr@example.com"
        [[channels]]
        name = "tg"
        type = "telegram"
        api_url = "{api}"
        [[channels]]
        name = "robot"
        type = "wecom"
        api_url = "{api}"
        [[channels]]
        name = "app"
        type = "wecom"
        api_url = "{api}"
        corp_id = "ww0001"
        agent_id = 1000002
        [[channels]]
        name = "hook"
        type = "apprise"
        [groups."研发部"]
        channels = ["robot"]
        """,
    )


@pytest.fixture
def env(peer: int) -> dict[str, str]:
    return {
        **os.environ,
        "RENEWD_TG_BOT_TOKEN": BOT_TOKEN,
        "RENEWD_ROBOT_ROBOT_KEY": ROBOT_KEY,
        "RENEWD_APP_SECRET": APP_SECRET,
        "RENEWD_MAIL_PASSWORD": SMTP_PASSWORD,
        "RENEWD_HOOK_URL": f"json://renewd:{APPRISE_PASSWORD}@127.0.0.1:{peer}/hook",
    }


def leaks(text: str) -> list[str]:
    return [s for s in SENTINELS if s in text]


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_every_command_with_verbose_logs_no_secret(config: Path, env: dict[str, str]) -> None:
    c = str(config)
    commands = [
        ["check"],
        ["plan", "--today", "2025-12-20"],
        ["plan", "--json", "--today", "2025-12-20"],
        ["feeds"],
        ["export", "--out", str(config.parent / "out"), "--today", "2025-12-20"],
        ["notify", "--test"],
        ["notify", "--due", "--today", "2025-12-20", "--dry-run"],
        ["notify", "--due", "--today", "2025-12-20"],
        ["notify", "--due", "--today", "2025-12-21"],
        ["done", "1001", "permit", "--on", "2025-12-20"],
        ["log"],
        ["log", "--failed"],
    ]
    seen = []
    for args in commands:
        result = subprocess.run(
            # --debug-libraries: Apprise's and urllib3's own debug lines too, payloads and URLs
            [sys.executable, "-m", "renewd", *args, "-v", "--debug-libraries", "-c", c],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        output = result.stdout + result.stderr
        assert "Traceback" not in output, (args, output)
        assert leaks(output) == [], (args, output)
        seen.append(output)
    everything = "\n".join(seen)
    assert "DEBUG" in everything  # -v really logged at debug level
    assert "127.0.0.1" in everything  # the peers were called


def test_the_daemon_with_verbose_logs_no_secret(config: Path, env: dict[str, str]) -> None:
    extra = {k: v for k, v in env.items() if k.startswith("RENEWD_")}
    daemon = Daemon(config, int(config.read_text().split("127.0.0.1:")[1].split('"')[0]), extra)
    daemon.start()
    try:
        assert daemon.read_notify("READY=1"), daemon.output()
        daemon.wait_health_status("degraded", timeout=40)  # deliveries fail and wait for retries
        daemon.signal(signal.SIGHUP)
        daemon.get("/feeds/" + "A" * 32 + ".ics")
    finally:
        _, output = daemon.stop()
    assert "Traceback" not in output
    assert leaks(output) == []


def test_a_record_is_scrubbed_before_any_handler_sees_it(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    redaction.register_secret("SENTINEL-inline-0007")
    logger = logging.getLogger("apprise")  # a third-party logger with a handler of its own
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(logging.Formatter().format(record))  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        with caplog.at_level(logging.DEBUG):
            logger.warning("POST URL: https://api.telegram.org/bot123:abcDEF_-x/sendMessage")
            logger.debug("token %s in %s", "SENTINEL-inline-0007", "args")
            logger.info("GET //FEEDS/abcdefghijklmnopqrstuvwxyz012345.ics HTTP/1.1")
            logger.info("GET /cgi-bin/gettoken?corpid=ww1&corpsecret=s3cr3tvalue HTTP/1.1")
            logger.info("mailto://user:hunter2pw@smtp.example.com")
            try:
                raise ValueError("SENTINEL-inline-0007 in an exception")
            except ValueError:
                logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(seen) + caplog.text
    for secret in ("abcDEF_-x", "SENTINEL-inline-0007", "abcdefghijklmnop", "s3cr3tvalue",
                   "hunter2pw"):  # fmt: skip
        assert secret not in text
    assert "/bot***/sendMessage" in text
