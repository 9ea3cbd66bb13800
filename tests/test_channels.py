"""Channel adapters against real local servers (SMTP, HTTP) and `responses` for Telegram/WeCom."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
import responses

from conftest import a_message
from netkit import Sink, free_port
from renewd.channels.email import EmailChannel
from renewd.channels.factory import build_channel
from renewd.channels.settings import (
    AppriseSettings,
    EmailSettings,
    TelegramSettings,
    WecomSettings,
)
from renewd.channels.telegram import TelegramChannel
from renewd.channels.wecom_robot import WecomRobotChannel
from renewd.core.letter import Format, Message
from renewd.core.model import Change
from renewd.core.plan import Planner

pytestmark = pytest.mark.integration

NAME = "张*三_<b>"  # markdown and HTML in a name: must arrive intact and inert


def test_email_reaches_a_real_smtp_server_with_chinese_text_and_checklist(
    smtp: tuple[Sink, int], planner: Planner
) -> None:
    sink, port = smtp
    channel = EmailChannel(
        EmailSettings(
            name="mail",
            host="127.0.0.1",
            port=port,
            mode="plain",
            sender="人事部 <hr@example.com>",
        )
    )
    message = a_message(planner, channel.format, kind=0, changes=frozenset({Change.EMPLOYER}))
    result = channel.send(message, "e001@example.com")
    assert result.ok, result.reason
    [(sender, rcpts, raw)] = sink.messages
    assert sender == "hr@example.com"
    assert rcpts == ["e001@example.com"]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == message.title
    assert parsed["Subject"].startswith("【续签提醒】张三：准备续办材料")
    text = parsed.get_body(preferencelist=("plain", "html")).get_content()  # type: ignore[union-attr]
    assert "张三，您好" in text
    assert "原单位退工证明" in text  # the employer-change checklist, on the prepare step
    assert "您的身份证原件及复印件" in text
    assert "人事专员本人身份证" not in text  # HR's own ID card is on HR's list


def test_email_failure_keeps_its_reason_without_secrets() -> None:
    channel = EmailChannel(
        EmailSettings(name="mail", host="127.0.0.1", port=free_port(),
                        mode="plain", user="hr", password="s3cret!", sender="hr@example.com")
    )  # fmt: skip
    result = channel.send(Message("t", "b", Format.TEXT), "a@example.com")
    assert not result.ok
    assert "Connection" in result.reason
    assert "s3cret" not in result.reason
    assert "://" not in result.reason


TOKEN = "123456789:ABCdef-SECRET"


@responses.activate
def test_telegram_sends_html_with_escaped_user_data(planner: Planner) -> None:
    api = responses.post(
        f"https://api.telegram.org/bot{TOKEN}/sendMessage",
        json={"ok": True, "result": {"message_id": 1}},
    )
    channel = TelegramChannel(TelegramSettings(name="tg", bot_token=TOKEN, chat_id="-1001"))
    message = a_message(planner, channel.format, name=NAME)
    assert channel.send(message, "4242").ok
    payload = json.loads(api.calls[0].request.body)
    assert payload["chat_id"] == 4242
    assert payload["parse_mode"] == "HTML"
    text = payload["text"]
    assert text.startswith("<b>【续签提醒】张*三_&lt;b&gt;：")  # the title, escaped
    assert "张*三_&lt;b&gt;，您好" in text
    assert "<b>需要您办理</b>" in text
    assert "<b>张" not in text.replace("<b>【续签提醒】张", "")


@responses.activate
def test_telegram_failure_reason_hides_the_bot_token() -> None:
    responses.post(
        f"https://api.telegram.org/bot{TOKEN}/sendMessage",
        status=401,
        json={"ok": False, "description": "Unauthorized"},
    )
    channel = TelegramChannel(TelegramSettings(name="tg", bot_token=TOKEN))
    result = channel.send(Message("t", "b", Format.HTML), "4242")
    assert not result.ok
    assert "Unauthorized" in result.reason
    assert "SECRET" not in result.reason


WECOM = "https://wecom.test/cgi-bin/webhook/send"


def wecom_channel() -> WecomRobotChannel:
    return WecomRobotChannel(
        WecomSettings(name="hr-wecom", robot_key="KEY-123",
                        api_url="https://wecom.test", min_interval_seconds=0)
    )  # fmt: skip


@responses.activate
def test_wecom_robot_posts_markdown_to_the_webhook() -> None:
    hook = responses.post(WECOM, json={"errcode": 0, "errmsg": "ok"})
    result = wecom_channel().send(Message("汇总", "- **a**", Format.MARKDOWN), "")
    assert result.ok
    request = hook.calls[0].request
    assert request.url == f"{WECOM}?key=KEY-123"
    assert json.loads(request.body) == {
        "msgtype": "markdown",
        "markdown": {"content": "**汇总**\n- **a**"},
    }


@responses.activate
def test_wecom_robot_gets_a_name_with_markup_escaped_in_title_and_body(planner: Planner) -> None:
    hook = responses.post(WECOM, json={"errcode": 0, "errmsg": "ok"})
    channel = wecom_channel()
    assert channel.send(a_message(planner, channel.format, name=NAME), "").ok
    content = json.loads(hook.calls[0].request.body)["markdown"]["content"]
    first, *rest = content.split("\n")
    assert first.startswith(r"**【续签提醒】张\*三\_&lt;b&gt;：")  # bold title, name inert
    assert first.endswith("**")
    assert first.count("**") == 2
    assert r"张\*三\_&lt;b&gt;，您好" in "\n".join(rest)
    assert "<b>" not in content


@responses.activate
def test_wecom_errcode_with_http_200_is_a_failure() -> None:
    responses.post(WECOM, json={"errcode": 93000, "errmsg": "invalid webhook url"})
    result = wecom_channel().send(Message("t", "b", Format.MARKDOWN), "")
    assert not result.ok
    assert result.reason == "WeCom errcode 93000: invalid webhook url"
    assert "KEY-123" not in result.reason


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_raw_apprise_url_posts_json_to_a_local_endpoint() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        channel = build_channel(
            AppriseSettings(name="hook", url=f"json://127.0.0.1:{port}/renewd")
        )  # fmt: skip
        assert channel.send(Message("标题", "正文", Format.TEXT), "").ok
    finally:
        server.shutdown()
    path, payload = Hook.received[-1]
    assert path == "/renewd"
    assert payload["title"] == "标题"
    assert payload["message"] == "正文"
