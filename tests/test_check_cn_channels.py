"""`renewd check` on the DingTalk, Feishu, Bark, Server酱 and PushPlus channels and their roster
columns: a missing or misplaced key, a webhook address pasted where its key goes, a scope or route
that cannot deliver, a phone number where a robot id goes, each named by file, channel and key,
never with a secret's value (issue 19)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import person
from renewd.cli import main
from renewd.core.errors import EX_CONFIG, EX_DATAERR
from renewd.core.rosterdiff import diff

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
HEAD = '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
ROSTER = "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-02-10\n"
SECRET = "SENTINEL-secret-value-0001"


def check(write: Write, capsys: pytest.CaptureFixture[str], channels: str) -> tuple[int, str]:
    write("people.csv", ROSTER)
    path = write("config.toml", HEAD + channels)
    code = main(["check", "-c", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


GOOD = [
    '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key = "abc123"\nsecret = "SECx"\n'
    'keyword = "续签"\n[groups."研发部"]\nchannels = ["hr-ding"]\n',
    '[[channels]]\nname = "hr-lark"\ntype = "feishu"\nrobot_key = "2f1c-uuid"\n'
    'url = "https://open.larksuite.com"\n[notify]\nescalate_to = ["hr-lark"]\n',
    '[[channels]]\nname = "phones"\ntype = "bark"\n',
    '[[channels]]\nname = "phones"\ntype = "bark"\nurl = "https://bark.example.com:8080/"\n'
    'device_key = "HRdeviceKEY01"\nscope = "both"\n[groups."研发部"]\nchannels = ["phones"]\n',
    '[[channels]]\nname = "hr-sc"\ntype = "serverchan"\nsend_key = "SCT1Tabc"\n'
    '[groups."研发部"]\nchannels = ["hr-sc"]\n',
    '[[channels]]\nname = "wx"\ntype = "pushplus"\ntoken = "tok12345"\n',
    '[[channels]]\nname = "wx"\ntype = "pushplus"\ntoken = "tok12345"\ntopic = "hr"\n'
    'scope = "both"\n[groups."研发部"]\nchannels = ["wx"]\n',
]


@pytest.mark.parametrize("channels", GOOD)
def test_check_accepts_each_new_channel_type(
    write: Write, capsys: pytest.CaptureFixture[str], channels: str
) -> None:
    code, output = check(write, capsys, channels)
    assert code == 0, output
    assert "ok: 1 人" in output


BAD = [
    (  # no key at all
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\n',
        "channels.0.robot_key",
        "channel hr-ding: dingtalk needs `robot_key` (the access_token in the robot's webhook"
        " address; a secret)",
    ),
    (  # the webhook address pasted whole
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key ='
        f' "https://oapi.dingtalk.com/robot/send?access_token={SECRET}"\n',
        "channels.0.robot_key",
        "`robot_key` is the access_token in the robot's webhook address, not a whole address",
    ),
    (
        '[[channels]]\nname = "hr-lark"\ntype = "feishu"\nrobot_key ='
        f' "https://open.feishu.cn/open-apis/bot/v2/hook/{SECRET}"\n',
        "channels.0.robot_key",
        "the last part of the robot's webhook address, not a whole address",
    ),
    (
        '[[channels]]\nname = "hr-sc"\ntype = "serverchan"\n',
        "channels.0.send_key",
        "channel hr-sc: serverchan needs `send_key` (the SendKey; a secret)",
    ),
    (
        '[[channels]]\nname = "wx"\ntype = "pushplus"\n',
        "channels.0.token",
        "channel wx: pushplus needs `token` (the account's token; a secret)",
    ),
    (
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key = "k"\n'
        'url = "ftp://example.com"\n',
        "channels.0.url",
        "`url` is the service's base address",
    ),
    (
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key = "k"\naccess_token = "k"\n',
        "channels.0.access_token",
        "unknown key",
    ),
    (
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key = "k"\n'
        'keyword = "two\\nlines"\n',
        "channels.0.keyword",
        "",
    ),
    (  # a robot cannot reach a person at his own address
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key = "k"\nscope = "personal"\n',
        "channels.hr-ding.scope",
        "cannot reach a person at his own address",
    ),
    (  # a Bark channel without a device of its own has no recipient for digests
        '[[channels]]\nname = "phones"\ntype = "bark"\nscope = "group"\n',
        "channels.phones.scope",
        "set `to`, `chat_id`, `to_party`, `device_key` or `topic`",
    ),
    (
        '[[channels]]\nname = "wx"\ntype = "pushplus"\ntoken = "t"\n'
        '[groups."研发部"]\nchannels = ["wx"]\n',
        "groups.研发部.channels",
        "",
    ),
]


@pytest.mark.parametrize(("channels", "field", "message"), BAD)
def test_check_names_the_channel_and_key_and_never_the_secret(
    write: Write, capsys: pytest.CaptureFixture[str], channels: str, field: str, message: str
) -> None:
    code, output = check(write, capsys, channels)
    assert code == EX_CONFIG, output
    assert field in output
    assert message in output
    assert SECRET not in output


def test_robot_secrets_come_from_the_credentials_directory_and_the_environment(
    write: Write,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    credentials = tmp_path / "creds"
    credentials.mkdir()
    (credentials / "hr-ding.robot_key").write_text("from-credentials\n", encoding="utf-8")
    (credentials / "hr-sc.send_key").write_text("SCT9Tfromfile", encoding="utf-8")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    monkeypatch.setenv("RENEWD_WX_TOKEN", "from-environment")
    monkeypatch.setenv("RENEWD_PHONES_DEVICE_KEY", "HRdeviceFROMenv")
    code, output = check(
        write,
        capsys,
        '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\n'
        '[[channels]]\nname = "hr-sc"\ntype = "serverchan"\n'
        '[[channels]]\nname = "wx"\ntype = "pushplus"\n'
        '[[channels]]\nname = "phones"\ntype = "bark"\nscope = "both"\n'
        '[groups."研发部"]\nchannels = ["hr-ding", "hr-sc", "phones"]\n',
    )
    assert code == 0, output


ROBOT = '[[channels]]\nname = "hr-ding"\ntype = "dingtalk"\nrobot_key = "k"\n'


def test_the_roster_columns_are_read_under_their_chinese_headers(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        "people.csv",
        "工号,姓名,部门,居住证到期日,钉钉,飞书,Bark,PushPlus\n"
        "1001,张三,研发部,2027-02-10,manager4220,ou_7d8a6e6df7621556ce0d21922b676706,"
        "NBxwcPeWq8sy2ga9tQCRpu,f8a1e3c0d4b2\n",
    )
    path = write("config.toml", HEAD + ROBOT)
    assert main(["plan", "-c", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert "manager4220" not in out  # ids are for robots, not for the plan
    assert main(["check", "-c", str(path)]) == 0


@pytest.mark.parametrize(
    ("column", "value", "message", "shown"),
    [
        ("钉钉", "13812345678", "not a phone number (renewd stores no phone numbers", False),
        ("钉钉", "+86 138 1234 5678", "not a phone number", False),
        ("飞书", "a b", "expected one user id", True),
        ("飞书", "ou_1|ou_2", "expected one user id", True),
        ("Bark", f"https://api.day.app/{SECRET}/", "the key alone, not a URL", False),
        ("PushPlus", "short", "the key alone, not a URL", False),
    ],
)
def test_a_bad_id_or_key_is_a_row_problem_and_a_key_is_never_echoed(
    write: Write,
    capsys: pytest.CaptureFixture[str],
    column: str,
    value: str,
    message: str,
    shown: bool,
) -> None:
    write("people.csv", f"工号,姓名,居住证到期日,{column}\n1001,张三,2027-02-10,{value}\n")
    path = write("config.toml", HEAD + ROBOT)
    code = main(["check", "-c", str(path)])
    output = capsys.readouterr().err
    assert code == EX_DATAERR, output
    assert f"people.csv, row 2, field '{column}': " in output
    assert message in output
    assert (value in output) is shown
    assert SECRET not in output
    assert "13812345678" not in output


def test_the_roster_diff_says_a_key_changed_never_what_it_holds() -> None:
    old = person("1001", bark="OLDbarkKEY001", dingtalk_user="zhang01")
    new = person("1001", bark="NEWbarkKEY002", dingtalk_user="zhang02", pushplus="FRIENDtoken01")
    [change] = diff([old], [new]).changed
    fields = {f.field: (f.old, f.new) for f in change.fields}
    assert fields == {
        "dingtalk_user": ("zhang01", "zhang02"),  # an id is no secret
        "bark": ("***", "***"),
        "pushplus": ("", "***"),
    }
