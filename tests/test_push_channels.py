"""Bark, Server酱 and PushPlus against fake services on 127.0.0.1 that check what the real ones
check: the device key, the SendKey, the token and its friend or topic (`tests/servicekit.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import a_message
from renewd.channels.bark import BarkChannel
from renewd.channels.factory import build_channel
from renewd.channels.pushplus import PushplusChannel
from renewd.channels.serverchan import ServerchanChannel, endpoint
from renewd.channels.settings_cn import BarkSettings, PushplusSettings, ServerchanSettings
from renewd.core.letter import Format, Message
from renewd.core.plan import Planner
from servicekit import bark, pushplus, serverchan, serving

pytestmark = pytest.mark.integration

DEVICE = "SENTINELbarkDEVICE0001"
HR_DEVICE = "SENTINELbarkHRDEVICE0002"
SEND_KEY = "SCT123456TSENTINELsendKEY0003"
TOKEN = "SENTINELpushplusTOKEN0004"
FRIEND = "SENTINELfriendTOKEN0005"
NAME = "张*三_<b>&amp;#1"


def phones(url: str, **kw: Any) -> BarkChannel:
    channel = build_channel(BarkSettings(name="phones", url=url, **kw))
    assert isinstance(channel, BarkChannel)
    return channel


def wechat(url: str, **kw: Any) -> PushplusChannel:
    settings = PushplusSettings(name="wx", token=TOKEN, url=url, min_interval_seconds=0, **kw)
    channel = build_channel(settings)
    assert isinstance(channel, PushplusChannel)
    return channel


# -- Bark ----------------------------------------------------------------------------------------


def test_bark_pushes_plain_text_to_the_persons_device(planner: Planner) -> None:
    with serving(bark(DEVICE)) as server:
        channel = phones(server.url)
        message = a_message(planner, channel.format, name=NAME)
        assert channel.send(message, DEVICE).ok
    (request,) = server.requests
    assert request.path == "/push"
    body = request.json
    assert body["device_key"] == DEVICE
    assert body["title"] == message.title
    assert body["title"].startswith(f"【续签提醒】{NAME}：")  # as written: iOS shows text
    assert body["body"] == message.body
    assert f"{NAME}，您好" in body["body"]


def test_bark_unknown_device_is_a_failure_that_hides_the_key() -> None:
    with serving(bark(DEVICE)) as server:
        result = phones(server.url).send(Message("t", "b", Format.TEXT), "SENTINELunknownKEY0009")
    assert not result.ok
    assert result.reason == "Bark HTTP 400 (code 400: failed to get device token: ***)"


def test_bark_device_key_of_the_channel_is_hrs_destination() -> None:
    with serving(bark(HR_DEVICE)) as server:
        channel = phones(server.url, device_key=HR_DEVICE, scope="both")
        assert channel.fixed
        assert channel.send(Message("汇总", "- 张三", Format.TEXT), "").ok
    assert server.requests[0].json["device_key"] == HR_DEVICE


def test_bark_without_a_device_key_has_no_destination_for_hr() -> None:
    result = phones("http://127.0.0.1:9").send(Message("t", "b", Format.TEXT), "")
    assert result.reason == "channel phones has no `device_key` for HR"


def test_bark_is_personal_by_default_and_reaches_the_roster_bark_column() -> None:
    channel = phones("https://api.day.app")
    assert channel.scope.value == "personal"
    assert not channel.fixed
    assert channel.concurrency == 4


# -- Server酱 ------------------------------------------------------------------------------------


def test_serverchan_turbo_and_sc3_keys_send_to_their_own_servers() -> None:
    assert endpoint("SCT1TabC", None) == "https://sctapi.ftqq.com/SCT1TabC.send"
    assert endpoint("sctp4321tXyZ", None) == "https://4321.push.ft07.com/send/sctp4321tXyZ.send"
    assert (
        endpoint("sctp4321tXyZ", "http://127.0.0.1:8/")
        == "http://127.0.0.1:8/send/sctp4321tXyZ.send"
    )


@pytest.mark.parametrize("key", [SEND_KEY, "sctp987tSENTINELsc3KEY0006"])
def test_serverchan_sends_escaped_markdown_and_a_short_plain_title(
    planner: Planner, key: str
) -> None:
    with serving(serverchan(key)) as server:
        channel = build_channel(ServerchanSettings(name="sc", send_key=key, url=server.url))
        assert isinstance(channel, ServerchanChannel)
        message = a_message(planner, channel.format, name=NAME)
        assert channel.send(message, "").ok
    body = server.requests[0].json
    assert len(body["title"]) <= 32
    assert body["title"].startswith(f"【续签提醒】{NAME}")  # the title is plain text
    desp = body["desp"]
    assert desp.startswith(r"**【续签提醒】张\*三\_&lt;b&gt;&amp;amp;#1：")  # whole title, inert
    assert r"张\*三\_&lt;b&gt;&amp;amp;#1，您好：  " in desp  # a hard line break ends each line
    assert "<b>" not in desp


def test_serverchan_bad_key_is_a_failure() -> None:
    with serving(serverchan("SCTanother")) as server:
        channel = build_channel(ServerchanSettings(name="sc", send_key=SEND_KEY, url=server.url))
        result = channel.send(Message("t", "b", Format.MARKDOWN), "")
    assert result.reason == "ServerChan code 40001: bad pushtoken"


def test_serverchan_is_a_group_channel() -> None:
    channel = build_channel(ServerchanSettings(name="sc", send_key=SEND_KEY))
    assert channel.scope.value == "group"
    assert channel.fixed


# -- PushPlus ------------------------------------------------------------------------------------


def test_pushplus_sends_escaped_html_to_the_persons_friend_token(planner: Planner) -> None:
    with serving(pushplus(TOKEN, friends=(FRIEND,))) as server:
        channel = wechat(server.url)
        message = a_message(planner, channel.format, name=NAME)
        assert channel.send(message, FRIEND).ok
    body = server.requests[0].json
    assert body["token"] == TOKEN
    assert body["to"] == FRIEND
    assert "topic" not in body
    assert body["template"] == "html"
    assert body["title"].startswith(f"【续签提醒】{NAME}：")  # plain text
    assert "张*三_&lt;b&gt;&amp;amp;#1，您好：<br>" in body["content"]
    assert "<b>需要您办理</b>：<br>" in body["content"]  # our headings are bold
    assert "三_<b>" not in body["content"]  # the name's are not


def test_pushplus_topic_is_hrs_destination() -> None:
    with serving(pushplus(TOKEN, topics=("hr-team",))) as server:
        channel = wechat(server.url, topic="hr-team", scope="both")
        assert channel.fixed
        assert channel.send(Message("汇总", "- 张三", Format.HTML), "").ok
    body = server.requests[0].json
    assert body["topic"] == "hr-team"
    assert "to" not in body


def test_pushplus_refused_token_is_a_failure_that_hides_it() -> None:
    with serving(pushplus("ANOTHER-TOKEN-000")) as server:
        result = wechat(server.url).send(Message("t", "b", Format.HTML), FRIEND)
    assert not result.ok
    assert result.reason == "PushPlus code 903: 无效的用户token"


def test_pushplus_unknown_friend_is_a_failure() -> None:
    with serving(pushplus(TOKEN, friends=("someone-else-01",))) as server:
        result = wechat(server.url).send(Message("t", "b", Format.HTML), FRIEND)
    assert result.reason == "PushPlus code 900: 用户账号使用受限"
