"""`renewd init` (issue 19): a guided setup that writes a commented config which passes `check`,
the SMTP password to a 0600 credentials file (never into the config), a roster template, a
console admin, and sends a test mail when asked. Answers come on stdin, as from a script."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from authsmtpkit import Login, smtp_with_login
from netkit import Sink
from renewd.channels.settings import EmailSettings
from renewd.cli import main
from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.roster.reader import load_roster
from renewd.settings import load_settings
from renewd.store.accounts import Accounts
from renewd.store.database import Database

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SMTP_PASSWORD = "smtp-pass-Secret1"
ADMIN_PASSWORD = "admin-pass-Secret2"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("RENEWD_") and n != "RENEWD_NOW"]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)


def init(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`renewd init` through the real entry point, its answers on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "renewd", "init", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def in_process(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["init", *argv])


def q(key: str, lang: Lang = Lang.ZH, **values: object) -> str:
    return say(lang, f"init.q.{key}", **values)


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, Login, int]]:
    with smtp_with_login("renewd@example.com", SMTP_PASSWORD) as server:
        yield server


@pytest.mark.integration
@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_dialogue_on_stdin_writes_a_config_that_passes_check_and_mails_a_test(
    tmp_path: Path, smtp: tuple[Sink, Login, int]
) -> None:
    sink, login, port = smtp
    config = tmp_path / "hr" / "config.toml"
    result = init(
        "-c",
        str(config),
        stdin=answers(
            "上海示例科技有限公司",  # organisation
            "",  # roster: the default, a new template beside the config
            "研发部，市场部",  # departments (a Chinese comma)
            "127.0.0.1",  # SMTP host
            "plain",
            str(port),
            "renewd@example.com",  # sender
            SMTP_PASSWORD,
            "",  # login: the sender
            "rd.hr@example.com",  # 研发部's HR
            "",  # 市场部's HR: the same
            "boss@example.com",  # escalation
            "https://renewd.example.com",
            "hr-admin",
            ADMIN_PASSWORD,
            "y",  # send the test mail
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for key in ("org", "roster", "departments", "smtp_host", "smtp_sender", "escalate"):
        assert q(key) in out
    assert q("hr", group="研发部") in out
    assert q("hr", group="市场部") + " [rd.hr@example.com]" in out  # the last answer, offered
    assert "ok: 1 人，名单文件 1 个" in out
    assert "hr-mail: ok" in out
    assert "escalation: ok" in out
    assert SMTP_PASSWORD not in out + result.stderr
    assert ADMIN_PASSWORD not in out + result.stderr

    # The test mail went to the HR mailbox and the escalation contact, logged in with the
    # password the dialogue took, from the organisation's name.
    assert sorted(sink.recipients) == ["boss@example.com", "rd.hr@example.com"]
    assert login.attempts == [("renewd@example.com", True)] * 2
    for _, _, data in sink.messages:
        sender = str(make_header(decode_header(message_from_bytes(data)["From"])))
        assert sender == "上海示例科技有限公司人事部 <renewd@example.com>"

    # The secret is in a 0600 file in a 0700 folder, never in the config.
    secret = tmp_path / "hr" / "credentials" / "smtp.password"
    assert secret.read_text() == SMTP_PASSWORD + "\n"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(secret.parent.stat().st_mode) == 0o700
    text = config.read_text(encoding="utf-8")
    assert SMTP_PASSWORD not in text
    assert "password" not in text.replace("smtp.password", "").replace("SMTP_PASSWORD", "")
    assert text.startswith(
        "# renewd 配置：由 renewd init 于 2026-12-07 为上海示例科技有限公司生成。"
    )

    # The config as the daemon reads it: SMTP once, every email channel inheriting it.
    os.environ["CREDENTIALS_DIRECTORY"] = str(secret.parent)
    try:
        settings = load_settings(config)
    finally:
        del os.environ["CREDENTIALS_DIRECTORY"]
    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.mode) == (
        "127.0.0.1",
        port,
        "plain",
    )
    assert settings.notify.signature == "上海示例科技有限公司人事部"
    assert settings.notify.escalate_to == ("escalation",)
    assert settings.server.base_url == "https://renewd.example.com"
    assert settings.state.dir == config.parent / "state"
    mails = {c.name: c for c in settings.channels if isinstance(c, EmailSettings)}
    assert {n: c.to for n, c in mails.items()} == {
        "mail": (),
        "hr-mail": ("rd.hr@example.com",),
        "escalation": ("boss@example.com",),
    }
    assert {c.password for c in mails.values()} == {SMTP_PASSWORD}
    assert {g: c.channels for g, c in settings.groups.items()} == {
        "研发部": ("hr-mail",),
        "市场部": ("hr-mail",),
    }

    # The roster template: one example person in the first department.
    (person,) = load_roster(settings.roster.files).people
    assert settings.roster.files == (config.parent / "people.xlsx",)
    assert (person.id, person.name, person.group) == ("E0001", "张三", "研发部")

    # The console admin signs in with the password the dialogue took.
    db = Database.in_dir(settings.state.dir)
    try:
        account = Accounts(db).verify("hr-admin", ADMIN_PASSWORD)
    finally:
        db.close()
    assert account is not None
    assert account.admin

    # And `renewd check` says the same on its own.
    checked = subprocess.run(
        [sys.executable, "-m", "renewd", "check", "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CREDENTIALS_DIRECTORY": str(secret.parent)},
    )
    assert checked.returncode == 0, checked.stderr


def flags(tmp_path: Path, *extra: str) -> list[str]:
    """Every answer as a flag (no login, no test mail)."""
    empty = tmp_path / "no-password"
    empty.write_text("")
    admin = tmp_path / "admin-password"
    admin.write_text(ADMIN_PASSWORD + "\n")
    return [
        "-c", str(tmp_path / "config.toml"),
        "--org", "示例公司",
        "--roster", str(tmp_path / "people.csv"),
        "--department", "研发部",
        "--smtp-host", "smtp.example.com",
        "--smtp-mode", "starttls",
        "--smtp-port", "587",
        "--smtp-sender", "hr@example.com",
        "--smtp-password-file", str(empty),
        "--hr", "研发部=rd@example.com, rd2@example.com",
        "--hr", "行政部=",
        "--escalate", "-",
        "--base-url", "https://hr.example.com/",
        "--admin", "ops",
        "--admin-password-file", str(admin),
        "--no-test",
        *extra,
    ]  # fmt: skip


def test_every_question_has_a_flag_and_then_nothing_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert in_process(monkeypatch, flags(tmp_path), stdin="") == 0  # stdin empty: no question
    out = capsys.readouterr().out
    assert q("org") not in out
    settings = load_settings(tmp_path / "config.toml")
    assert settings.smtp is not None
    assert (settings.smtp.port, settings.smtp.mode, settings.smtp.user) == (587, "starttls", None)
    assert settings.server.base_url == "https://hr.example.com"
    assert settings.notify.escalate_to == ()
    hr = settings.channel("hr-mail")
    assert isinstance(hr, EmailSettings)
    assert hr.to == ("rd@example.com", "rd2@example.com")
    assert {g: c.channels for g, c in settings.groups.items()} == {
        "研发部": ("hr-mail",),
        "行政部": (),
    }
    assert not (tmp_path / "credentials").exists()  # no login: no secret to keep
    text = (tmp_path / "config.toml").read_text(encoding="utf-8")
    assert "# " + say(Lang.ZH, "init.toml.no_hr", group="行政部") in text
    (person,) = load_roster([tmp_path / "people.csv"]).people
    assert person.group == "研发部"


def test_yes_takes_the_defaults_and_speaks_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-c", str(tmp_path / "etc" / "config.toml"), "--lang", "en", "--yes", "--no-test"]
    argv += ["--org", "Example Ltd", "--smtp-host", "smtp.example.com"]
    argv += ["--smtp-sender", "hr@example.com"]
    assert in_process(monkeypatch, argv) == 0
    out = capsys.readouterr().out
    assert say(Lang.EN, "init.hello", path=tmp_path / "etc" / "config.toml") in out
    assert "created the console admin admin, password: " in out  # made up, shown once
    text = (tmp_path / "etc" / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# renewd configuration, written by renewd init on 2026-12-07")
    assert 'language = "en"' in text
    settings = load_settings(tmp_path / "etc" / "config.toml")
    assert settings.notify.signature == "Example Ltd HR"
    assert settings.groups == {}
    (person,) = load_roster(settings.roster.files).people
    assert (person.name, person.group) == ("Zhang San", "R&D")
    assert settings.roster.files[0].name == "people.xlsx"


def test_an_existing_config_is_overwritten_only_when_the_user_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# mine\n")
    argv = flags(tmp_path)
    assert in_process(monkeypatch, [*argv, "--yes"]) == 73  # never without asking
    assert "--force" in capsys.readouterr().out
    assert in_process(monkeypatch, argv, stdin="n\n") == 0
    assert say(Lang.ZH, "init.exists.kept", path=config) in capsys.readouterr().out
    assert in_process(monkeypatch, argv, stdin="\n") == 0  # the default is no
    assert config.read_text() == "# mine\n"
    assert in_process(monkeypatch, argv, stdin="是\n") == 0  # yes, in either language
    assert "[smtp]" in config.read_text(encoding="utf-8")
    config.write_text("# mine\n")
    assert in_process(monkeypatch, [*argv, "--force"]) == 0
    assert "[smtp]" in config.read_text(encoding="utf-8")
    # The second and third runs met the account of the first: it is left alone.
    assert say(Lang.ZH, "init.admin.exists", name="ops") in capsys.readouterr().out


def test_departments_come_from_an_existing_roster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "staff.csv"
    roster.write_bytes((Path(__file__).parent.parent / "examples" / "people.csv").read_bytes())
    argv = ["-c", str(tmp_path / "config.toml"), "--roster", str(roster), "--org", "示例公司"]
    argv += ["--smtp-host", "smtp.example.com", "--smtp-sender", "hr@example.com", "--no-test"]
    code = in_process(monkeypatch, [*argv, "--yes", "--hr", "市场部=mk@example.com"])
    assert code == 0
    out = capsys.readouterr().out
    # 9 people: 1009, a foreign employee, has document rows only
    counted = "：9 人（其中 1 人只办理其他证件），另有其他证件 2 份（积分之外）"
    assert "名单 " + str(roster) + counted + "；部门：研发部、市场部、财务部、行政部" in out
    settings = load_settings(tmp_path / "config.toml")
    assert settings.roster.files == (roster,)  # used as it is: no template
    assert {g: c.channels for g, c in settings.groups.items()} == {
        "研发部": (),
        "市场部": ("hr-mail",),
        "财务部": (),
        "行政部": (),
    }
    # A department the roster does not have yet is said, and kept.
    argv += ["--force", "--yes", "--hr", "法务部=law@example.com"]
    assert in_process(monkeypatch, argv) == 0
    assert say(Lang.ZH, "init.roster.extra", value="法务部", path=roster) in capsys.readouterr().out
    settings = load_settings(tmp_path / "config.toml")
    assert list(settings.groups) == ["研发部", "市场部", "财务部", "行政部", "法务部"]
    assert settings.groups["法务部"].channels == ("hr-mail",)


def test_a_wrong_answer_is_said_and_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = answers(
        "示例公司",
        str(tmp_path / "people.txt"),  # not a file that can be made
        str(tmp_path / "people.csv"),
        "",  # no departments
        "smtp example com",
        "smtp.example.com",
        "tls",
        "ssl",
        "99999",
        "",
        "hr at example.com",
        "hr@example.com",
        "",  # no password
        "boss@example, boss@example.com",
        "boss@example.com",
        "ftp://x",
        "",
        "admin",
        "short",
        "",  # made up
        "n",
    )
    assert in_process(monkeypatch, ["-c", str(tmp_path / "config.toml")], stdin) == 0
    out = capsys.readouterr().out
    for refusal in (
        say(Lang.ZH, "init.bad.template", path=tmp_path / "people.txt"),
        say(Lang.ZH, "init.bad.host", value="smtp example com"),
        say(Lang.ZH, "init.bad.mode"),
        say(Lang.ZH, "init.bad.port"),
        say(Lang.ZH, "init.bad.email", value="hr at example.com"),
        say(Lang.ZH, "init.bad.email", value="boss@example"),
        say(Lang.ZH, "init.bad.url"),
        say(Lang.ZH, "init.bad.short", n=8),
    ):
        assert "  " + refusal + "\n" in out
    assert load_settings(tmp_path / "config.toml").notify.escalate_to == ("escalation",)


def test_input_that_ends_early_names_the_flag_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert in_process(monkeypatch, ["-c", str(tmp_path / "config.toml")], "示例公司\n") == 64
    assert "--roster" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    # --yes asks nothing: an answer without a default must come as its flag.
    assert in_process(monkeypatch, ["-c", str(tmp_path / "config.toml"), "--yes"]) == 64
    assert "--org" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    bad = ["-c", str(tmp_path / "config.toml"), "--yes", "--org", "示例公司"]
    bad += ["--smtp-host", "smtp.example.com", "--smtp-sender", "not-an-address"]
    assert in_process(monkeypatch, bad) == 64
    assert "--smtp-sender: " + say(Lang.ZH, "init.bad.email", value="not-an-address") in (
        capsys.readouterr().err
    )
    assert list(tmp_path.iterdir()) == []
    bad[-1] = "hr@example.com"
    assert in_process(monkeypatch, [*bad, "--listen", "8765"]) == 64
    assert "--listen: " + say(Lang.ZH, "init.bad.listen") in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_password_in_the_environment_is_not_written_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RENEWD_SMTP_PASSWORD", SMTP_PASSWORD)
    argv = [a for a in flags(tmp_path) if a != "--smtp-password-file"]
    argv.remove(str(tmp_path / "no-password"))
    assert in_process(monkeypatch, argv, stdin="\n") == 0  # the login: the sender
    assert say(Lang.ZH, "init.secret.env") in capsys.readouterr().out
    assert not (tmp_path / "credentials").exists()
    settings = load_settings(tmp_path / "config.toml")
    assert settings.smtp is not None
    assert settings.smtp.user == "hr@example.com"  # a login: the sender by default
    assert settings.smtp.password == SMTP_PASSWORD
    assert SMTP_PASSWORD not in (tmp_path / "config.toml").read_text(encoding="utf-8")
