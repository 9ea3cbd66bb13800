"""Markup injection (issue 11, defect 10): a roster name or group name never becomes live markup
in a Telegram (HTML) or WeCom (markdown) message. Telegram and WeCom are mocked with `responses`;
the messages go through a real delivery pass."""

from __future__ import annotations

import datetime as dt
import json

import responses

from conftest import PERMIT_DUE, at, person, settings
from renewd.channels.factory import build_channels
from renewd.core.plan import Planner
from renewd.delivery.passes import Delivery
from renewd.store.database import Database

EVIL_NAME = '<a href="https://evil.example/">点我领补贴</a>'
EVIL_GROUP = "[点我](https://evil.example/)研发部"


@responses.activate
def test_names_and_groups_reach_telegram_and_wecom_as_text(db: Database, planner: Planner) -> None:
    tg = responses.post(
        "https://tg.test/bot123:abc/sendMessage", json={"ok": True, "result": {"message_id": 1}}
    )
    hook = responses.post(
        "https://wecom.test/cgi-bin/webhook/send", json={"errcode": 0, "errmsg": "ok"}
    )
    conf = settings(
        channels=[
            {"name": "tg", "type": "telegram", "bot_token": "123:abc", "api_url": "https://tg.test"},
            {"name": "hr", "type": "wecom", "robot_key": "K", "api_url": "https://wecom.test",
             "min_interval_seconds": 0},
        ],
        groups={EVIL_GROUP: {"channels": ["hr"]}},
    )  # fmt: skip
    someone = person(name=EVIL_NAME, group=EVIL_GROUP, telegram="12345")
    delivery = Delivery(db, conf, build_channels(conf))
    for offset in range(-40, 60, 3):  # the holder's steps, then the employer's (HR's digest)
        day = PERMIT_DUE + dt.timedelta(days=offset)
        report = delivery.run_pass(planner.plan_all([someone], day), day, at(day))
        assert not report.failed, [o.describe() for o in report.failed]
    texts = [json.loads(call.request.body)["text"] for call in tg.calls]
    assert texts
    for text in texts:
        assert "<a href" not in text  # shown as text, not a link
    contents = [json.loads(call.request.body)["markdown"]["content"] for call in hook.calls]
    assert contents
    for content in contents:
        assert "[点我](https://evil.example/)" not in content
        assert '<a href="https://evil.example/">' not in content
