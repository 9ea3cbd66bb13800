"""DingTalk (钉钉) and Feishu/Lark (飞书) group robots against fake robots on 127.0.0.1 that check
what the real ones check: the key, the signature, the keyword (`tests/servicekit.py`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote

import pytest

from conftest import a_message
from netkit import free_port
from renewd.channels.dingtalk import DingtalkChannel
from renewd.channels.dingtalk import sign as dingtalk_sign
from renewd.channels.factory import build_channel
from renewd.channels.feishu import FeishuChannel
from renewd.channels.feishu import sign as feishu_sign
from renewd.channels.settings_cn import DingtalkSettings, FeishuSettings
from renewd.core.letter import Format, Message
from renewd.core.plan import Planner
from servicekit import dingtalk, feishu, serving

pytestmark = pytest.mark.integration

TOKEN = "SENTINEL-ding-token-0001"
DING_SECRET = "SECsentinel0002signingSECRET"
HOOK = "SENTINEL-feishu-hook-0003"
FEISHU_SECRET = "SENTINELfeishuSECRET0004"
NOW = 1796608800.25  # 2026-12-07 10:00 Shanghai, as the signature's clock reads it
NAME = '张*三_<b>"@all <at user_id="all">所有人</at>'


def ding(url: str, **kw: Any) -> DingtalkChannel:
    settings = DingtalkSettings(
        name="hr-ding", robot_key=TOKEN, url=url, min_interval_seconds=0, **kw
    )
    return DingtalkChannel(settings, now=lambda: NOW)


def lark(url: str, **kw: Any) -> FeishuChannel:
    settings = FeishuSettings(
        name="hr-feishu", robot_key=HOOK, url=url, min_interval_seconds=0, **kw
    )
    return FeishuChannel(settings, now=lambda: NOW)


# -- DingTalk ------------------------------------------------------------------------------------


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret_in_base64() -> None:
    expected = base64.b64encode(
        hmac.new(b"SECabc", b"1796608800250\nSECabc", hashlib.sha256).digest()
    ).decode()
    assert dingtalk_sign("1796608800250", "SECabc") == expected


def test_dingtalk_signed_text_reaches_a_robot_that_checks_the_signature() -> None:
    with serving(dingtalk(TOKEN, DING_SECRET)) as robot:
        result = ding(robot.url, secret=DING_SECRET).send(
            Message("汇总", "- 张三", Format.TEXT), ""
        )
    assert result.ok, result.reason
    (request,) = robot.requests
    assert request.path == "/robot/send"
    assert request.query["access_token"] == TOKEN
    assert request.query["timestamp"] == "1796608800250"  # milliseconds
    assert request.query["sign"] == dingtalk_sign("1796608800250", DING_SECRET)
    assert f"sign={quote(request.query['sign'], safe='')}" in request.raw_query  # URL-encoded
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert (
        "汇总".encode() in request.raw
    )  # Chinese as UTF-8, not \\u escapes: DingTalk counts bytes
    assert request.json == {"msgtype": "text", "text": {"content": "汇总\n- 张三"}}


def test_dingtalk_refused_signature_is_a_failure_that_names_no_secret() -> None:
    with serving(dingtalk(TOKEN, DING_SECRET)) as robot:
        result = ding(robot.url, secret="SECwrong-secret").send(Message("t", "b", Format.TEXT), "")
    assert not result.ok
    assert result.reason == "DingTalk errcode 310000: sign not match"


def test_dingtalk_wrong_token_answered_with_http_200_is_a_failure() -> None:
    with serving(dingtalk("ANOTHER-TOKEN")) as robot:
        result = ding(robot.url).send(Message("t", "b", Format.TEXT), "")
    assert not result.ok
    assert result.reason == "DingTalk errcode 300001: token is not exist"
    assert TOKEN not in result.reason


def test_dingtalk_answer_that_is_not_dingtalks_is_a_failure() -> None:
    with serving(lambda request: (200, {"status": "ok"})) as proxy:  # a captive portal's "ok"
        result = ding(proxy.url).send(Message("t", "b", Format.TEXT), "")
    assert not result.ok
    assert result.reason == "DingTalk answered without `errcode`"


def test_dingtalk_unreachable_is_a_failure_without_the_url() -> None:
    result = ding(f"http://127.0.0.1:{free_port()}").send(Message("t", "b", Format.TEXT), "")
    assert not result.ok
    assert result.reason == "DingTalk unreachable: ConnectionError"


def test_dingtalk_keyword_is_put_in_front_of_the_title_only_when_missing() -> None:
    with serving(dingtalk(TOKEN, keyword="居住证")) as robot:
        channel = ding(robot.url, keyword="居住证")
        assert channel.send(Message("【续签提醒汇总】研发部", "- 张三", Format.TEXT), "").ok
        assert channel.send(Message("【续签提醒汇总】", "居住证签注", Format.TEXT), "").ok
    first, second = (r.json["text"]["content"] for r in robot.requests)
    assert first == "居住证 【续签提醒汇总】研发部\n- 张三"
    assert second == "【续签提醒汇总】\n居住证签注"


def test_dingtalk_without_the_keyword_the_robot_refuses_and_that_is_a_failure() -> None:
    with serving(dingtalk(TOKEN, keyword="居住证")) as robot:
        result = ding(robot.url).send(Message("汇总", "- 张三", Format.TEXT), "")
    assert result.reason == "DingTalk errcode 310000: keywords not in content"


def test_dingtalk_text_shows_a_name_with_markup_as_written_and_mentions_nobody(
    planner: Planner,
) -> None:
    with serving(dingtalk(TOKEN)) as robot:
        channel = ding(robot.url, markdown=True)  # robots always send text
        assert channel.format is Format.TEXT
        assert channel.send(a_message(planner, channel.format, name=NAME), "").ok
    body = robot.requests[0].json
    assert body["msgtype"] == "text"
    assert "at" not in body  # "@all" in a name is text: nobody is notified
    content = body["text"]["content"]
    assert content.startswith(f"【续签提醒】{NAME}：")
    assert f"{NAME}，您好" in content


def test_dingtalk_mentions_the_ids_a_message_names_and_only_those() -> None:
    body = "研发部：\n- 张三（1001）：居住证签注 @zhangsan01\n- 李四（1002）：已逾期 @lisi02"
    message = Message("汇总", body, Format.TEXT, ("zhangsan01", "lisi02"))
    with serving(dingtalk(TOKEN)) as robot:
        assert ding(robot.url).send(message, "").ok
    sent = robot.requests[0].json
    assert sent["at"] == {"atUserIds": ["zhangsan01", "lisi02"], "isAtAll": False}
    assert sent["text"]["content"].endswith("已逾期 @lisi02")  # DingTalk wants "@id" in the text


def test_dingtalk_robot_paces_itself_at_20_a_minute_by_default() -> None:
    channel = build_channel(DingtalkSettings(name="d", robot_key=TOKEN))
    assert channel.min_interval == pytest.approx(3.1)
    assert channel.concurrency == 1


# -- Feishu / Lark -------------------------------------------------------------------------------


def test_feishu_signature_is_hmac_sha256_keyed_with_timestamp_and_secret_over_nothing() -> None:
    key = b"1796608800\nSECRET"
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert feishu_sign("1796608800", "SECRET") == expected


def test_feishu_signed_post_reaches_a_robot_that_checks_the_signature() -> None:
    with serving(feishu(HOOK, FEISHU_SECRET)) as robot:
        message = Message("【续签提醒汇总】研发部", "研发部：\n- 张三（1001）", Format.TEXT)
        result = lark(robot.url, secret=FEISHU_SECRET).send(message, "")
    assert result.ok, result.reason
    (request,) = robot.requests
    assert request.path == f"/open-apis/bot/v2/hook/{HOOK}"
    assert request.query == {}  # the signature is in the body
    assert request.json == {
        "timestamp": "1796608800",  # seconds
        "sign": feishu_sign("1796608800", FEISHU_SECRET),
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": "【续签提醒汇总】研发部",
                    "content": [
                        [{"tag": "text", "text": "研发部："}],
                        [{"tag": "text", "text": "- 张三（1001）"}],
                    ],
                }
            }
        },
    }


def test_feishu_refused_signature_is_a_failure_that_names_no_secret() -> None:
    with serving(feishu(HOOK, FEISHU_SECRET)) as robot:
        result = lark(robot.url, secret="wrong").send(Message("t", "b", Format.TEXT), "")
    assert not result.ok
    assert result.reason.startswith("Feishu code 19021: sign match fail")
    assert HOOK not in result.reason
    assert FEISHU_SECRET not in result.reason


def test_feishu_unknown_hook_answered_with_http_404_is_a_failure() -> None:
    with serving(feishu("another-hook")) as robot:
        result = lark(robot.url).send(Message("t", "b", Format.TEXT), "")
    assert not result.ok
    assert result.reason.startswith("Feishu HTTP 404 (code 19001: param invalid")
    assert HOOK not in result.reason


def test_feishu_old_answer_with_status_code_zero_is_a_delivery() -> None:
    with serving(lambda request: (200, {"StatusCode": 0, "StatusMessage": "success"})) as robot:
        assert lark(robot.url).send(Message("t", "b", Format.TEXT), "").ok


def test_feishu_keyword_goes_into_the_text_when_missing() -> None:
    with serving(feishu(HOOK, keyword="居住证")) as robot:
        channel = lark(robot.url, keyword="居住证")
        assert channel.send(Message("【续签提醒汇总】", "研发部：\n- 张三", Format.TEXT), "").ok
        assert channel.send(Message("居住证续签", "研发部：", Format.TEXT), "").ok
        assert channel.send(Message("汇总", "居住证签注", Format.TEXT), "").ok
    first, second, third = (r.json["content"]["post"]["zh_cn"]["content"] for r in robot.requests)
    assert first[0] == [{"tag": "text", "text": "居住证 "}, {"tag": "text", "text": "研发部："}]
    assert second[0] == [{"tag": "text", "text": "居住证 "}, {"tag": "text", "text": "研发部："}]
    assert third == [[{"tag": "text", "text": "居住证签注"}]]


def test_feishu_name_with_markup_and_at_tags_arrives_as_text(planner: Planner) -> None:
    with serving(feishu(HOOK)) as robot:
        channel = lark(robot.url)
        assert channel.send(a_message(planner, channel.format, name=NAME), "").ok
    post = robot.requests[0].json["content"]["post"]["zh_cn"]
    assert post["title"].startswith(f"【续签提醒】{NAME}：")
    elements = [e for paragraph in post["content"] for e in paragraph]
    assert {e["tag"] for e in elements} == {"text"}  # no `at`: the name is inert text
    assert any(e["text"] == f"{NAME}，您好：" for e in elements)


def test_feishu_mentions_become_at_elements_where_the_line_names_them() -> None:
    body = "研发部：\n- 张三（1001）：居住证签注 @ou_zhang\n- 李四 @ou_not_mentioned"
    message = Message("汇总", body, Format.TEXT, ("ou_zhang",))
    with serving(feishu(HOOK)) as robot:
        assert lark(robot.url).send(message, "").ok
    content = robot.requests[0].json["content"]["post"]["zh_cn"]["content"]
    assert content[1] == [
        {"tag": "text", "text": "- 张三（1001）：居住证签注"},
        {"tag": "at", "user_id": "ou_zhang"},
    ]
    assert content[2] == [{"tag": "text", "text": "- 李四 @ou_not_mentioned"}]


def test_lark_is_feishu_on_its_own_address() -> None:
    with serving(feishu(HOOK)) as robot:
        settings = FeishuSettings(name="lark", robot_key=HOOK, url=robot.url + "/")
        channel = build_channel(settings)
        channel.min_interval = 0
        assert channel.send(Message("t", "b", Format.TEXT), "").ok
    assert robot.requests[0].path == f"/open-apis/bot/v2/hook/{HOOK}"
    assert FeishuChannel(FeishuSettings(name="f", robot_key=HOOK))._url == (
        f"https://open.feishu.cn/open-apis/bot/v2/hook/{HOOK}"
    )
