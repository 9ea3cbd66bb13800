"""`renewd init` offers a department a group robot (DingTalk, Feishu, WeCom) instead of an HR
mailbox (issue 19): the webhook address as the robot's page shows it, a signing secret after it;
the key and secret go to 0600 credential files, never into the config, which passes `check`,
and the test message reaches robots that check the key and the signature."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from renewd.channels.settings import WecomSettings
from renewd.channels.settings_cn import DingtalkSettings, FeishuSettings
from renewd.cli import main
from renewd.commands.init_robots import Robot, read_robot
from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.settings import load_settings
from servicekit import dingtalk, feishu, serving

TOKEN = "d1ngTOKEN0123456789"
SIGN = "SEC0123456789abcdef"
HOOK = "a1b2c3d4-e5f6-7890-abcd-ef0123456789"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("RENEWD_") and n != "RENEWD_NOW"]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)


@pytest.mark.parametrize(
    ("text", "robot"),
    [
        (f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}", Robot("dingtalk", TOKEN)),
        (
            f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}  {SIGN}",
            Robot("dingtalk", TOKEN, secret=SIGN),
        ),
        (f"https://open.feishu.cn/open-apis/bot/v2/hook/{HOOK}", Robot("feishu", HOOK)),
        (
            f"https://open.larksuite.com/open-apis/bot/v2/hook/{HOOK} s3cret",
            Robot("feishu", HOOK, "https://open.larksuite.com", "s3cret"),
        ),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1", Robot("wecom", "k-1")),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1 SECx", None),  # no signing
        ("https://oapi.dingtalk.com/robot/send", None),  # no token
        ("https://example.com/hook", None),
        ("hr@example.com", None),
    ],
)
def test_a_webhook_address_is_read_as_its_robot(text: str, robot: Robot | None) -> None:
    assert read_robot(text) == robot


def test_a_dialogue_gives_two_departments_their_robots_and_tests_them(tmp_path: Path) -> None:
    config = tmp_path / "hr" / "config.toml"
    with serving(dingtalk(TOKEN, SIGN)) as ding, serving(feishu(HOOK)) as lark:
        answers = [
            "示例公司",
            "",  # roster: a new template
            "研发部，市场部",
            "smtp.example.com",
            "ssl",
            "",
            "renewd@example.com",
            "",  # no SMTP login
            f"{ding.url}/robot/send?access_token={TOKEN} {SIGN}",  # 研发部: DingTalk, signing
            "https://example.com/not-a-robot",  # 市场部: refused, asked again
            f"{lark.url}/open-apis/bot/v2/hook/{HOOK}",
            "-",  # no escalation
            "https://renewd.example.com",
            "hr-admin",
            "",  # a made-up admin password
            "y",  # send the test
        ]
        result = subprocess.run(
            [sys.executable, "-m", "renewd", "init", "-c", str(config)],
            input="\n".join(answers) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert say(Lang.ZH, "init.hr.robots") in out
    assert say(Lang.ZH, "init.bad.robot") in out
    assert "dingtalk-robot: ok" in out
    assert "feishu-robot: ok" in out
    (signed,) = ding.requests  # the signature checked by the fake
    assert signed.json["msgtype"] == "text"
    assert len(lark.requests) == 1
    assert TOKEN not in out + result.stderr
    assert SIGN not in out + result.stderr

    text = config.read_text(encoding="utf-8")
    assert TOKEN not in text
    assert SIGN not in text
    assert HOOK not in text
    credentials = tmp_path / "hr" / "credentials"
    for name, value in (
        ("dingtalk-robot.robot_key", TOKEN),
        ("dingtalk-robot.secret", SIGN),
        ("feishu-robot.robot_key", HOOK),
    ):
        assert (credentials / name).read_text() == value + "\n"
        assert stat.S_IMODE((credentials / name).stat().st_mode) == 0o600
    assert not (credentials / "feishu-robot.secret").exists()
    os.environ["CREDENTIALS_DIRECTORY"] = str(credentials)
    try:
        settings = load_settings(config)
    finally:
        del os.environ["CREDENTIALS_DIRECTORY"]
    assert {g: c.channels for g, c in settings.groups.items()} == {
        "研发部": ("dingtalk-robot",),
        "市场部": ("feishu-robot",),
    }
    robot = settings.channel("dingtalk-robot")
    assert isinstance(robot, DingtalkSettings)
    assert (robot.url, robot.robot_key, robot.secret) == (ding.url, TOKEN, SIGN)
    assert isinstance(settings.channel("feishu-robot"), FeishuSettings)


def test_a_robot_flag_makes_a_wecom_channel_and_a_wrong_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-c", str(tmp_path / "config.toml"), "--yes", "--no-test", "--org", "示例公司"]
    argv += ["--smtp-host", "smtp.example.com", "--smtp-sender", "hr@example.com"]
    argv += ["--department", "研发部", "--department", "市场部"]
    wrong = [*argv, "--hr", "研发部=https://qyapi.weixin.qq.com/cgi-bin/webhook/send"]
    assert main(["init", *wrong]) == 64
    assert say(Lang.ZH, "init.bad.robot") in capsys.readouterr().err
    assert not (tmp_path / "config.toml").exists()

    hook = "研发部=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-1"
    assert main(["init", *argv, "--hr", hook, "--hr", "市场部=mk@example.com"]) == 0
    out = capsys.readouterr().out
    assert "wecom-key-1" not in out
    assert "ok: 1 人，名单文件 1 个" in out  # check passed, the key read as a credential
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "credentials"))
    settings = load_settings(tmp_path / "config.toml")
    robot = settings.channel("wecom-robot")
    assert isinstance(robot, WecomSettings)
    assert (robot.robot_key, robot.api_url) == ("wecom-key-1", None)
    assert {g: c.channels for g, c in settings.groups.items()} == {
        "研发部": ("wecom-robot",),
        "市场部": ("hr-mail",),
    }
