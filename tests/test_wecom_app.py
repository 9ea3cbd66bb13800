"""The WeCom app channel (企业微信自建应用) against `responses` and a fake WeCom on a socket."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from conftest import a_message, person
from renewd.channels.factory import build_channel, build_channels
from renewd.channels.settings import WecomSettings
from renewd.channels.wecom import clip
from renewd.channels.wecom_app import WecomAppChannel
from renewd.channels.wecom_robot import WecomRobotChannel
from renewd.core.errors import ConfigError
from renewd.core.letter import Format, Message
from renewd.core.plan import Planner
from renewd.settings import Settings, load_settings

pytestmark = pytest.mark.integration

API = "https://wecom.test"
GETTOKEN = f"{API}/cgi-bin/gettoken"
SEND = f"{API}/cgi-bin/message/send"
SECRET = "APP-SECRET-xyz"
TOKEN = "TOKEN-aaa"
OK = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"}


def app_settings(**kw: Any) -> WecomSettings:
    data: dict[str, Any] = {
        "name": "hr-app",
        "corp_id": "ww0123",
        "agent_id": 1000002,
        "secret": SECRET,
        "api_url": API,
    }
    data.update(kw)
    return WecomSettings(**data)


def app(**kw: Any) -> WecomAppChannel:
    channel = build_channel(app_settings(**kw))
    assert isinstance(channel, WecomAppChannel)
    return channel


def token_answer(token: str = TOKEN, expires_in: int = 7200) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": expires_in}


@responses.activate
def test_app_gets_a_token_then_sends_markdown_to_the_person() -> None:
    gettoken = responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json=OK)
    result = app().send(Message("续签提醒", "- **办理**", Format.MARKDOWN), "zhangsan")
    assert result.ok, result.reason
    assert gettoken.calls[0].request.url == f"{GETTOKEN}?corpid=ww0123&corpsecret={SECRET}"
    request = send.calls[0].request
    assert request.url == f"{SEND}?access_token={TOKEN}"
    assert json.loads(request.body) == {
        "touser": "zhangsan",
        "msgtype": "markdown",
        "agentid": 1000002,
        "markdown": {"content": "**续签提醒**\n- **办理**"},
    }


@responses.activate
def test_app_gets_a_name_with_markup_escaped_in_title_and_body(planner: Planner) -> None:
    responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json=OK)
    channel = app()
    message = a_message(planner, channel.format, name="张*三_<b>")
    assert channel.send(message, "zhangsan").ok
    content = json.loads(send.calls[0].request.body)["markdown"]["content"]
    assert content.startswith(r"**【续签提醒】张\*三\_&lt;b&gt;：")
    assert r"张\*三\_&lt;b&gt;，您好" in content
    assert "<b>" not in content


@responses.activate
def test_app_sends_text_when_markdown_is_off() -> None:
    responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json=OK)
    channel = app(markdown=False)
    assert channel.format is Format.TEXT
    assert channel.send(Message("标题", "正文", channel.format), "lisi").ok
    body = json.loads(send.calls[0].request.body)
    assert body["msgtype"] == "text"
    assert body["text"] == {"content": "标题\n正文"}


@responses.activate
def test_app_keeps_its_token_across_sends() -> None:
    gettoken = responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json=OK)
    channel = app()
    assert channel.send(Message("t", "b", Format.MARKDOWN), "a").ok
    assert channel.send(Message("t", "b", Format.MARKDOWN), "b").ok
    assert len(gettoken.calls) == 1
    assert len(send.calls) == 2


@responses.activate
def test_app_fetches_a_new_token_shortly_before_the_old_one_expires() -> None:
    gettoken = responses.get(GETTOKEN, json=token_answer(expires_in=7200))
    responses.post(SEND, json=OK)
    now = [1000.0]
    channel = WecomAppChannel(app_settings(), clock=lambda: now[0])
    assert channel.send(Message("t", "b", Format.MARKDOWN), "a").ok
    now[0] += 7200 - 400  # still well within its lifetime
    assert channel.send(Message("t", "b", Format.MARKDOWN), "a").ok
    assert len(gettoken.calls) == 1
    now[0] += 200  # within five minutes of expiry
    assert channel.send(Message("t", "b", Format.MARKDOWN), "a").ok
    assert len(gettoken.calls) == 2


@pytest.mark.parametrize("code", [42001, 40014, 40001])
@responses.activate
def test_app_refreshes_a_refused_token_once_and_sends_again(code: int) -> None:
    responses.get(GETTOKEN, json=token_answer("OLD-TOKEN"))
    responses.get(GETTOKEN, json=token_answer("NEW-TOKEN"))  # responses answers in order
    responses.post(SEND, json={"errcode": code, "errmsg": "access_token expired"})
    responses.post(SEND, json=OK)
    result = app().send(Message("t", "b", Format.MARKDOWN), "a")
    assert result.ok, result.reason
    urls = [str(c.request.url) for c in responses.calls]
    assert urls.count(f"{GETTOKEN}?corpid=ww0123&corpsecret={SECRET}") == 2
    assert [u for u in urls if u.startswith(SEND)] == [
        f"{SEND}?access_token=OLD-TOKEN",
        f"{SEND}?access_token=NEW-TOKEN",
    ]


@responses.activate
def test_app_gives_up_when_the_fresh_token_is_refused_too() -> None:
    gettoken = responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json={"errcode": 42001, "errmsg": "access_token expired"})
    result = app().send(Message("t", "b", Format.MARKDOWN), "a")
    assert not result.ok
    assert result.reason == "WeCom errcode 42001: access_token expired"
    assert len(gettoken.calls) == 2
    assert len(send.calls) == 2


@responses.activate
def test_app_errcode_is_a_failure_with_errmsg_and_no_secret_or_token() -> None:
    responses.get(GETTOKEN, json=token_answer())
    responses.post(
        SEND,
        json={
            "errcode": 60020,
            "errmsg": f"not allow to access from your ip, hint: [{TOKEN} {SECRET}], from ip:"
            " 1.2.3.4, more info at https://open.work.weixin.qq.com/devtool/query?e=60020",
        },
    )
    result = app().send(Message("t", "b", Format.MARKDOWN), "a")
    assert not result.ok
    assert result.reason.startswith("WeCom errcode 60020: not allow to access from your ip")
    assert TOKEN not in result.reason
    assert SECRET not in result.reason
    assert "://" not in result.reason


@responses.activate
def test_app_with_a_wrong_secret_fails_at_gettoken_without_echoing_it() -> None:
    gettoken = responses.get(
        GETTOKEN, json={"errcode": 40001, "errmsg": f"invalid credential {SECRET}"}
    )
    send = responses.post(SEND, json=OK)
    result = app().send(Message("t", "b", Format.MARKDOWN), "a")
    assert not result.ok
    assert result.reason == "gettoken: WeCom errcode 40001: invalid credential ***"
    assert len(gettoken.calls) == 1  # a refused secret is not retried
    assert not send.calls


@responses.activate
def test_app_unreachable_is_a_failure_without_the_url() -> None:
    responses.get(
        GETTOKEN, body=requests.ConnectionError(f"cannot reach {GETTOKEN}?corpsecret={SECRET}")
    )
    result = app().send(Message("t", "b", Format.MARKDOWN), "a")
    assert not result.ok
    assert SECRET not in result.reason
    assert "WeCom unreachable" in result.reason


@responses.activate
def test_app_invaliduser_naming_the_recipient_is_a_failure() -> None:
    responses.get(GETTOKEN, json=token_answer())
    responses.post(SEND, json={"errcode": 0, "errmsg": "ok", "invaliduser": "zhangsan"})
    result = app().send(Message("t", "b", Format.MARKDOWN), "ZhangSan")  # WeCom lower-cases
    assert not result.ok
    assert "unknown WeCom user 'ZhangSan'" in result.reason


@responses.activate
def test_app_unlicensed_recipient_is_a_failure() -> None:
    responses.get(GETTOKEN, json=token_answer())
    responses.post(SEND, json={"errcode": 0, "errmsg": "ok", "unlicenseduser": "lisi"})
    result = app().send(Message("t", "b", Format.MARKDOWN), "lisi")
    assert not result.ok
    assert "licence" in result.reason


def test_app_addresses_people_by_their_wecom_user_only() -> None:
    channel = app()
    assert channel.address(person(wecom_user="zhangsan")) == "zhangsan"
    assert channel.address(person(wecom_user="")) is None
    assert not channel.fixed


@responses.activate
def test_app_with_to_and_to_party_is_a_fixed_destination_for_digests(
    caplog: pytest.LogCaptureFixture,
) -> None:
    responses.get(GETTOKEN, json=token_answer())
    answer = {"errcode": 0, "errmsg": "ok", "invaliduser": "gone"}
    send = responses.post(SEND, json=answer)
    channel = app(to=["hr1", "gone"], to_party=["2", "7"])
    assert channel.fixed
    with caplog.at_level(logging.WARNING, logger="renewd.channels.wecom_app"):
        result = channel.send(Message("汇总", "- a", Format.MARKDOWN), "")
    assert result.ok  # hr1 and the parties have it: a retry would repeat it to them
    assert "gone" in caplog.text
    body = json.loads(send.calls[0].request.body)
    assert body["touser"] == "hr1|gone"
    assert body["toparty"] == "2|7"


@responses.activate
def test_app_to_all() -> None:
    responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json=OK)
    assert app(to=["@all"]).send(Message("t", "b", Format.MARKDOWN), "").ok
    body = json.loads(send.calls[0].request.body)
    assert body["touser"] == "@all"
    assert "toparty" not in body


def test_app_without_a_destination_refuses_a_digest_without_calling_wecom() -> None:
    result = app().send(Message("t", "b", Format.MARKDOWN), "")
    assert not result.ok
    assert "hr-app" in result.reason


@responses.activate
def test_app_clips_long_content_to_2048_bytes_on_a_character_boundary() -> None:
    responses.get(GETTOKEN, json=token_answer())
    send = responses.post(SEND, json=OK)
    assert app().send(Message("标题", "续" * 1000, Format.MARKDOWN), "a").ok
    content = json.loads(send.calls[0].request.body)["markdown"]["content"]
    assert len(content.encode()) <= 2048
    assert content.startswith("**标题**\n续续")
    assert content.endswith("续…")


def test_app_digests_are_split_below_wecom_limit_by_default() -> None:
    channel = app()
    assert channel.max_bytes is not None
    assert channel.max_bytes + 200 <= WecomAppChannel.limit  # room for the bold title
    assert channel.concurrency == 4
    assert channel.min_interval == 0
    assert app(max_length=1000, concurrency=1, min_interval_seconds=2).max_bytes == 1000


@given(st.text(), st.integers(min_value=4, max_value=200))
def test_clip_never_exceeds_the_limit_nor_splits_a_character(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert len(clipped.encode()) <= limit
    if clipped != text:
        assert clipped.endswith("…")
        assert text.startswith(clipped[:-1])


def load_channel(write: Callable[[str, str], Path], keys: dict[str, Any]) -> Settings:
    """load_settings on a config whose one channel has `keys` (None: left out)."""
    lines = [f"{k} = {json.dumps(v)}" for k, v in keys.items() if v is not None]
    text = '[roster]\nfiles = ["people.csv"]\n[[channels]]\ntype = "wecom"\n' + "\n".join(lines)
    return load_settings(write("config.toml", text + "\n"))


APP_KEYS = {"name": "hr-app", "corp_id": "ww0123", "agent_id": 1000002, "secret": SECRET}


@pytest.mark.parametrize(
    ("keys", "missing"),
    [
        ({"secret": None}, "secret"),
        ({"agent_id": None}, "agent_id"),
        ({"agent_id": None, "secret": None}, "agent_id, secret"),
        ({"corp_id": None}, "corp_id"),
    ],
)
def test_app_missing_keys_is_a_config_error_naming_file_channel_and_keys(
    write: Callable[[str, str], Path], keys: dict[str, Any], missing: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_channel(write, {**APP_KEYS, **keys})
    problems = caught.value.problems
    assert all(p.file.endswith("config.toml") for p in problems)
    assert [p.field for p in problems] == [f"channels.0.{key}" for key in missing.split(", ")]
    assert all(re.fullmatch(f"channel hr-app: .* missing {missing}", p.message) for p in problems)


def test_wecom_with_neither_robot_nor_app_keys_is_a_config_error(
    write: Callable[[str, str], Path],
) -> None:
    with pytest.raises(ConfigError, match="channel hr-wecom: wecom needs a robot_key"):
        load_channel(write, {"name": "hr-wecom"})


def test_wecom_with_both_robot_and_app_keys_is_a_config_error(
    write: Callable[[str, str], Path],
) -> None:
    with pytest.raises(ConfigError, match="channel hr-app: set either robot_key"):
        load_channel(write, {**APP_KEYS, "robot_key": "KEY-1"})


def test_wecom_robot_key_alone_still_builds_a_robot() -> None:
    channel = build_channel(WecomSettings(name="r", robot_key="K"))
    assert isinstance(channel, WecomRobotChannel)


class FakeWecom(BaseHTTPRequestHandler):
    """gettoken and message/send on a real socket, so urllib3 logs its request lines."""

    requests: ClassVar[list[tuple[str, dict[str, list[str]], Any]]] = []

    def _answer(self, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        FakeWecom.requests.append((url.path, parse_qs(url.query), None))
        self._answer(token_answer())

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeWecom.requests.append((url.path, parse_qs(url.query), body))
        self._answer(OK)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_wecom() -> Iterator[str]:
    FakeWecom.requests.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWecom)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_app_over_a_real_socket_logs_neither_secret_nor_token(
    fake_wecom: str, caplog: pytest.LogCaptureFixture
) -> None:
    channel = app(api_url=fake_wecom)
    with caplog.at_level(logging.DEBUG):
        assert channel.send(Message("t", "b", Format.MARKDOWN), "zhangsan").ok
    paths = [path for path, _, _ in FakeWecom.requests]
    assert paths == ["/cgi-bin/gettoken", "/cgi-bin/message/send"]
    assert FakeWecom.requests[1][1] == {"access_token": [TOKEN]}
    assert "/cgi-bin/message/send" in caplog.text  # urllib3 did log the request lines
    assert SECRET not in caplog.text
    assert TOKEN not in caplog.text


@responses.activate
def test_an_answer_without_errcode_is_not_taken_for_success() -> None:
    responses.get(GETTOKEN, json=token_answer())
    responses.post(SEND, json={"status": "ok"})
    result = app().send(Message("t", "b", Format.MARKDOWN), "a")
    assert not result.ok
    assert result.reason.startswith("WeCom errcode None")


def test_app_from_a_config_file_with_its_secret_from_the_environment(
    write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        "config.toml",
        """
        [roster]
        files = ["people.csv"]
        [[channels]]
        name = "hr-app"
        type = "wecom"
        corp_id = "ww0123"
        agent_id = 1000002
        to = ["hr1", "hr2"]
        to_party = ["3"]
        """,
    )
    monkeypatch.setenv("RENEWD_HR_APP_SECRET", SECRET)
    channel = build_channels(load_settings(path))["hr-app"]
    assert isinstance(channel, WecomAppChannel)
    assert channel.fixed
    assert SECRET not in repr(channel)


def test_app_without_its_secret_in_the_environment_is_a_config_error(
    write: Callable[[str, str], Path],
) -> None:
    path = write(
        "config.toml",
        """
        [roster]
        files = ["people.csv"]
        [[channels]]
        name = "hr-app"
        type = "wecom"
        corp_id = "ww0123"
        agent_id = 1000002
        """,
    )
    with pytest.raises(ConfigError, match=r"channel hr-app: .* missing secret"):
        load_settings(path)
