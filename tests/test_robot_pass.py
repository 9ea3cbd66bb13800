"""DingTalk and Feishu group robots and Bark phones in real delivery passes (`renewd notify
--due`) against fake services on 127.0.0.1: the owner of a step is @-mentioned in HR's group
digest where the roster has his id, nobody else is; a robot that refuses a message has it sent
again by the next pass, @-mentions and all, never dropped; no secret reaches any output."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from renewd.cli import main
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from servicekit import Service, bark, dingtalk, feishu, serving

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]

TOKEN = "SENTINEL-ding-token-0001"
DING_SECRET = "SECsentinelDINGsecret0002"
HOOK = "SENTINEL-feishu-hook-0003"
FEISHU_SECRET = "SENTINELfeishuSECRET0004"
ZHANG_BARK = "SENTINELzhangBARK0005"
SENTINELS = (TOKEN, DING_SECRET, HOOK, FEISHU_SECRET, ZHANG_BARK)
# 张三 has a phone (Bark) and both robot ids; 李四 only a DingTalk id; 王五 nothing: the two are
# reached through HR (relays). 张三's permit expires soonest: by 2026-12-21 it is overdue.
ROSTER = (
    "工号,姓名,部门,居住证到期日,钉钉,飞书,Bark\n"
    f"1001,张三,研发部,2027-01-05,zhangsan01,ou_zhang,{ZHANG_BARK}\n"
    "1002,李四,研发部,2027-02-10,lisi02,,\n"
    "1003,王五,研发部,2027-02-10,,,\n"
)
FIXTURE = Path(__file__).parent / "fixtures" / "state-0.1.0"


@pytest.fixture
def services() -> Iterator[tuple[Service, Service, Service]]:
    with (
        serving(dingtalk(TOKEN, DING_SECRET)) as ding,
        serving(feishu(HOOK, FEISHU_SECRET, keyword="续签")) as lark,
        serving(bark(ZHANG_BARK)) as phones,
    ):
        yield ding, lark, phones


@pytest.fixture
def config(write: Write, services: tuple[Service, Service, Service]) -> Path:
    ding, lark, phones = services
    write("people.csv", ROSTER)
    return write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        [state]
        dir = "state"
        [notify]
        escalate_to = ["hr-ding", "hr-feishu"]
        retry_after_seconds = [0]
        [[channels]]
        name = "phones"
        type = "bark"
        url = "{phones.url}"
        [[channels]]
        name = "hr-ding"
        type = "dingtalk"
        url = "{ding.url}"
        min_interval_seconds = 0
        [[channels]]
        name = "hr-feishu"
        type = "feishu"
        url = "{lark.url}"
        keyword = "续签"
        min_interval_seconds = 0
        [groups."研发部"]
        channels = ["hr-ding", "hr-feishu"]
        """,
    )


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The robots' secrets as an operator gives them: environment and credentials directory."""
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "hr-ding.secret").write_text(DING_SECRET + "\n", encoding="utf-8")
    (credentials / "hr-feishu.secret").write_text(FEISHU_SECRET, encoding="utf-8")
    env = {
        "CREDENTIALS_DIRECTORY": str(credentials),
        "RENEWD_HR_DING_ROBOT_KEY": TOKEN,
        "RENEWD_HR_FEISHU_ROBOT_KEY": HOOK,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def notify(config: Path, day: str) -> int:
    return main(["notify", "-c", str(config), "--due", "--today", day])


def ding_text(request: Any) -> str:
    return str(request.json["text"]["content"])


def lark_lines(request: Any) -> list[list[dict[str, str]]]:
    return list(request.json["content"]["post"]["zh_cn"]["content"])


def test_robots_mention_the_owner_of_each_step_where_the_roster_has_his_id(
    config: Path, services: tuple[Service, Service, Service], secrets: dict[str, str]
) -> None:
    ding, lark, phones = services
    assert notify(config, "2026-12-01") == 0  # first contact: 李四 and 王五 through HR
    first = ding.requests[-1].json
    assert first["at"] == {"atUserIds": ["lisi02"], "isAtAll": False}
    assert "【续签状态】李四：居住证 2027-02-10 到期 @lisi02\n" in ding_text(ding.requests[-1])
    assert "【续签状态】王五：居住证 2027-02-10 到期\n" in ding_text(ding.requests[-1])
    assert "@" not in str(lark_lines(lark.requests[-1]))  # neither has a Feishu id
    assert phones.requests[-1].json["device_key"] == ZHANG_BARK  # 张三 hears it himself

    assert notify(config, "2026-12-21") == 0  # 张三's permit step is overdue: escalated
    digest = ding_text(ding.requests[-1])
    assert ding.requests[-1].json["at"]["atUserIds"] == ["zhangsan01", "lisi02"]  # lines order
    overdue = next(line for line in digest.split("\n") if "已逾期" in line and "张三" in line)
    assert overdue.endswith(" @zhangsan01")  # his step: he is told in HR's group
    employer = next(line for line in digest.split("\n") if "续办申请”，截止" in line)
    assert "@" not in employer  # HR's own step (续办申请) mentions nobody
    infeasible = next(line for line in digest.split("\n") if "计划不可行" in line)
    assert "@" not in infeasible

    lines = lark_lines(lark.requests[-1])
    ats = [e for line in lines for e in line if e["tag"] == "at"]
    assert ats == [{"tag": "at", "user_id": "ou_zhang"}]
    (at_line,) = [line for line in lines if line[-1]["tag"] == "at"]
    assert "已逾期" in at_line[0]["text"]
    assert "张三" in at_line[0]["text"]


def test_a_refused_robot_message_is_retried_with_its_mentions_not_dropped(
    config: Path, services: tuple[Service, Service, Service], secrets: dict[str, str]
) -> None:
    ding, _, _ = services
    ding.queued.append(
        (200, {"errcode": 410100, "errmsg": "send too fast, exceed 20 times per minute"})
    )
    assert notify(config, "2026-12-01") == 75  # failed, waiting for a retry
    refused = ding.requests[-1].json
    assert notify(config, "2026-12-01") == 0  # the retry: the same message, sent
    assert len(ding.requests) == 2
    retried = ding.requests[-1].json
    assert retried == refused  # mentions came back from the state database with it
    assert retried["at"]["atUserIds"] == ["lisi02"]
    state = config.parent / "state" / "renewd.sqlite3"
    with sqlite3.connect(state) as conn:
        rows = conn.execute(
            "SELECT status, attempts, mentions FROM delivery WHERE channel = 'hr-ding'"
        ).fetchall()
    assert rows == [("sent", 2, "lisi02")]


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_no_secret_reaches_any_output_even_when_services_quote_them(
    config: Path, services: tuple[Service, Service, Service], secrets: dict[str, str]
) -> None:
    ding, lark, phones = services
    # Each service refuses, quoting what it was sent (a confused proxy might).
    ding.answer = lambda r: (200, {"errcode": 1, "errmsg": f"bad {r.raw_query}"})
    lark.answer = lambda r: (200, {"code": 1, "msg": f"bad {r.path} {r.raw.decode()}"})
    phones.answer = lambda r: (400, {"code": 400, "message": f"bad {r.raw.decode()}"})
    env = {**os.environ, **secrets}
    outputs = []
    for args in (["notify", "--due", "--today", "2026-12-01"], ["log"], ["log", "--failed"],
                 ["notify", "--test", "--channel", "phones", "--to", ZHANG_BARK],
                 ["preview", "--days", "2"], ["check"]):  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "renewd", *args, "-v", "--debug-libraries", "-c", str(config)],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        outputs.append(result.stdout + result.stderr)
    everything = "\n".join(outputs)
    assert "Traceback" not in everything
    assert "DEBUG" in everything
    assert len(ding.requests) >= 1  # the services were called and refused
    assert [s for s in SENTINELS if s in everything] == []


def test_a_state_database_of_0_1_0_gains_mentions_and_sends_nothing_again(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    shutil.copy(FIXTURE / "renewd.sqlite3", state / "renewd.sqlite3")
    before = _sent(state)
    db = Database.in_dir(state)
    try:
        rows = DeliveryLog(db).history(None, 1000)
    finally:
        db.close()
    assert rows
    assert {r.message.mentions for r in rows} == {()}
    assert _sent(state) == before


def _sent(state: Path) -> int:
    with sqlite3.connect(state / "renewd.sqlite3") as conn:
        return int(
            conn.execute("SELECT count(*) FROM delivery WHERE status = 'sent'").fetchone()[0]
        )


def test_preview_shows_whom_a_robot_would_mention_and_hides_device_keys(
    config: Path, secrets: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["preview", "-c", str(config), "--from", "2026-12-01", "--days", "1", "--json"]
    assert main(args) == 0
    received = json.loads(capsys.readouterr().out)
    ding = next(r for r in received if r["channel"] == "hr-ding")
    assert "【续签状态】李四：居住证 2027-02-10 到期 @lisi02" in ding["body"]
    phone = next(r for r in received if r["channel"] == "phones")
    assert phone["recipient"] == "***"
    assert ZHANG_BARK not in json.dumps(received)
