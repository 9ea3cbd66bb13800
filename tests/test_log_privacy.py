"""What the log may never hold, whatever the level (issue 18, defects 8 and 10): the secrets the
configuration holds (the daemon registers them too, not only the CLI), a holder's message, its
one-click action-link tokens, and ID-card or mobile numbers typed into a column renewd reads.

The daemon runs at `-v` against real peers: an SMTP server that requires the configured password,
and one HTTP server playing the Telegram Bot API and an Apprise JSON endpoint whose URL carries a
token in its path. Every message the peers received is read back for its body and its links, and
the whole log is searched for them.
"""

from __future__ import annotations

import email
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from daemonkit import Daemon
from netkit import Sink, free_port, smtp_server

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),  # a local sink
]

Write = Callable[[str, str], Path]

SMTP_PASSWORD = "SENTINEL-smtp-pass-1801"
BOT_TOKEN = "987654321:SENTINELbotTOKEN1802"
PATH_TOKEN = "SENTINELpathTOKEN1803xyz"  # an Apprise URL's token: a path segment, no key=
ID_CARD = "110101199003071234"
MOBILE = "13812345678"
LINK = re.compile(r"/a/([\w-]{8,}\.[\w-]{8,})", re.ASCII)


class Peer(BaseHTTPRequestHandler):
    """Telegram's sendMessage and an Apprise JSON hook: both answer OK and keep the body."""

    bodies: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.bodies.append(self.rfile.read(length).decode("utf-8", "replace"))
        data = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def peer() -> Iterator[tuple[int, list[str]]]:
    bodies: list[str] = []
    handler = type("RecordingPeer", (Peer,), {"bodies": bodies})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], bodies
    server.shutdown()
    server.server_close()


@pytest.fixture
def mail() -> Iterator[tuple[Sink, int]]:
    with smtp_server(login=("hr", SMTP_PASSWORD)) as server:
        yield server


def roster_with_numbers(write: Write) -> None:
    write(
        "people.csv",
        "工号,姓名,部门,居住证到期日,邮箱,Telegram\n"
        "1001,张三,研发部,2027-01-10,zhang@example.com,12345\n"
        f"1002,李四,研发部,{ID_CARD},,\n"  # an ID-card number typed into the expiry column
        f"1003,王五,研发部,2027-01-12,{MOBILE},\n",  # a mobile number typed into 邮箱
    )


@pytest.fixture
def config(write: Write, peer: tuple[int, list[str]], mail: tuple[Sink, int]) -> Path:
    roster_with_numbers(write)
    port = free_port()
    return write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        [notify]
        sweep_seconds = 1
        escalate_to = ["hook"]
        [[channels]]
        name = "mail"
        type = "email"
        host = "127.0.0.1"
        port = {mail[1]}
        mode = "plain"
        user = "hr"
        sender = "hr@example.com"
        password = "{SMTP_PASSWORD}"
        [[channels]]
        name = "tg"
        type = "telegram"
        bot_token = "{BOT_TOKEN}"
        api_url = "http://127.0.0.1:{peer[0]}"
        [[channels]]
        name = "hook"
        type = "apprise"
        url = "json://127.0.0.1:{peer[0]}/hook/{PATH_TOKEN}"
        [groups."研发部"]
        channels = ["hook"]
        """,
    )


def _text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts)


def received(sink: Sink, bodies: list[str]) -> list[str]:
    """Every message the peers received, as text (mail decoded, JSON unescaped)."""
    texts = [_text(email.message_from_bytes(raw)) for _, _, raw in sink.messages]
    for body in bodies:
        try:
            doc = json.loads(body)
        except json.JSONDecodeError:
            texts.append(body)
            continue
        texts.append("\n".join(str(v) for v in doc.values() if isinstance(v, str)))
    return texts


def test_the_daemon_at_verbose_logs_no_secret_message_link_or_number(
    config: Path, peer: tuple[int, list[str]], mail: tuple[Sink, int]
) -> None:
    port = int(re.findall(r"127\.0\.0\.1:(\d+)", config.read_text())[0])
    daemon = Daemon(config, port, flags=("-v",)).start()
    sink, bodies = mail[0], peer[1]
    try:
        assert daemon.read_notify("READY=1"), daemon.output()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not (sink.messages and len(bodies) >= 2):
            time.sleep(0.2)
        assert sink.messages, daemon.output()  # the password was right: the secret was used
        assert len(bodies) >= 2, daemon.output()  # Telegram and the hook were called
        daemon.signal(signal.SIGHUP)  # a reload logs too
        daemon.wait_health_status("degraded", lambda b: bool(b["warnings"]))
    finally:
        _, log = daemon.stop()
    texts = received(sink, bodies)
    tokens = {token for text in texts for token in LINK.findall(text)}
    assert tokens, texts  # the holder's messages carried action links
    lines = {line.strip() for text in texts for line in text.splitlines() if len(line.strip()) > 12}
    assert lines
    assert "Traceback" not in log
    assert "row 3" in log  # the bad rows were logged ...
    assert "row 4" in log
    for secret in (SMTP_PASSWORD, BOT_TOKEN, BOT_TOKEN.split(":")[1], PATH_TOKEN):
        assert secret not in log
    for token in tokens:
        assert token not in log
    assert [line for line in lines if line in log] == []  # no line of any message
    assert ID_CARD not in log  # ... without the numbers typed into them
    assert MOBILE not in log


@pytest.mark.parametrize("args", [["check"], ["plan"], ["plan", "--json"], ["feeds"]])
def test_commands_show_no_personal_number(write: Write, args: list[str]) -> None:
    roster_with_numbers(write)
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
    )
    result = subprocess.run(
        [sys.executable, "-m", "renewd", *args, "-v", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "row 3" in output, output
    assert ID_CARD not in output
    assert MOBILE not in output
