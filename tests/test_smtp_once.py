"""SMTP once (issue 19): a shared `[smtp]` table that email channels inherit, while the
per-channel keys of every configuration written before it still load and override."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from authsmtpkit import smtp_with_login
from renewd.channels.settings import EmailSettings
from renewd.cli import main
from renewd.core.errors import EX_CONFIG, ConfigError
from renewd.settings import Settings, load_settings

Write = Callable[[str, str], Path]
# authsmtpkit's server asks for a login on a plain connection, as the tests mean it to.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
ROOT = Path(__file__).resolve().parent.parent

ROSTER = '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'

# The email channels of examples/hr.toml as release 0.1.0 shipped it: every channel repeats the
# server, each has its own password.
OLD_STYLE = """
[[channels]]
name = "mail"
type = "email"
host = "smtp.example.com"
port = 465
mode = "ssl"
user = "renewd@example.com"
sender = "人事部 <renewd@example.com>"

[[channels]]
name = "hr-mail"
type = "email"
host = "smtp.example.com"
port = 465
mode = "ssl"
user = "renewd@example.com"
sender = "renewd <renewd@example.com>"
to = ["hr@example.com"]

[[channels]]
name = "hr-lead"
type = "email"
host = "smtp.example.com"
port = 587
mode = "starttls"
user = "lead@example.com"
sender = "renewd <lead@example.com>"
to = ["hr.lead@example.com"]
"""

SHARED = """
[smtp]
host = "mail.example.com"
port = 2525
mode = "starttls"
user = "renewd@example.com"
sender = "人事部 <renewd@example.com>"
"""


def email(settings: Settings, name: str) -> EmailSettings:
    channel = settings.channel(name)
    assert isinstance(channel, EmailSettings)
    return channel


@pytest.fixture(autouse=True)
def _no_outside_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("RENEWD_") or n == "CREDENTIALS_DIRECTORY"]:
        monkeypatch.delenv(name)


def test_the_old_per_channel_smtp_keys_still_load(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("config.toml", ROSTER + OLD_STYLE)
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "mail.password").write_text("mail-secret\n")
    (creds / "hr-mail.password").write_text("hr-mail-secret")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    monkeypatch.setenv("RENEWD_HR_LEAD_PASSWORD", "lead-secret")
    settings = load_settings(path)
    assert settings.smtp is None
    mail, hr, lead = (email(settings, n) for n in ("mail", "hr-mail", "hr-lead"))
    assert (mail.host, mail.port, mail.mode, mail.user) == (
        "smtp.example.com", 465, "ssl", "renewd@example.com",
    )  # fmt: skip
    assert (mail.sender, mail.password, mail.to) == (
        "人事部 <renewd@example.com>",
        "mail-secret",
        (),
    )
    assert (hr.sender, hr.password, hr.to) == (
        "renewd <renewd@example.com>", "hr-mail-secret", ("hr@example.com",),
    )  # fmt: skip
    assert (lead.port, lead.mode, lead.user, lead.password) == (
        587, "starttls", "lead@example.com", "lead-secret",
    )  # fmt: skip


def test_email_channels_take_every_smtp_key_they_do_not_set(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = """
[[channels]]
name = "mail"
type = "email"

[[channels]]
name = "hr-mail"
type = "email"
to = ["hr@example.com"]
sender = "人事部（研发） <rd.hr@example.com>"
port = 465
mode = "ssl"

[[channels]]
name = "console"
type = "console"
"""
    monkeypatch.setenv("RENEWD_SMTP_PASSWORD", "shared-secret")
    settings = load_settings(write("config.toml", ROSTER + SHARED + channels))
    mail, hr = email(settings, "mail"), email(settings, "hr-mail")
    assert (mail.host, mail.port, mail.mode, mail.user, mail.sender, mail.password) == (
        "mail.example.com", 2525, "starttls", "renewd@example.com", "人事部 <renewd@example.com>",
        "shared-secret",
    )  # fmt: skip
    assert mail.to == ()  # still personal: each person's own address
    # Its own keys win, key by key; the rest is the shared server's.
    assert (hr.host, hr.port, hr.mode, hr.user, hr.password) == (
        "mail.example.com", 465, "ssl", "renewd@example.com", "shared-secret",
    )  # fmt: skip
    assert hr.sender == "人事部（研发） <rd.hr@example.com>"
    assert hr.to == ("hr@example.com",)
    assert settings.smtp is not None
    assert "shared-secret" not in repr(settings.smtp)
    assert "shared-secret" not in repr(mail)


def test_a_channel_with_its_own_host_takes_nothing_from_smtp(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old-style channel beside a new `[smtp]` table keeps its server, and the shared
    password never goes to another server."""
    monkeypatch.setenv("RENEWD_SMTP_PASSWORD", "shared-secret")
    settings = load_settings(write("config.toml", ROSTER + SHARED + OLD_STYLE))
    lead = email(settings, "hr-lead")
    assert (lead.host, lead.port, lead.mode, lead.user) == (
        "smtp.example.com", 587, "starttls", "lead@example.com",
    )  # fmt: skip
    assert lead.password is None


def test_the_smtp_password_comes_from_credentials_then_the_environment(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = '[[channels]]\nname = "mail"\ntype = "email"\n'
    channels += '[[channels]]\nname = "own"\ntype = "email"\nto = ["hr@example.com"]\n'
    path = write("config.toml", ROSTER + SHARED + channels)
    monkeypatch.setenv("RENEWD_SMTP_PASSWORD", "from-environment")
    assert email(load_settings(path), "mail").password == "from-environment"
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "smtp.password").write_text("from-credentials\n")
    (creds / "own.password").write_text("own-password")  # a channel's own secret wins
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    settings = load_settings(path)
    assert email(settings, "mail").password == "from-credentials"
    assert email(settings, "own").password == "own-password"
    assert settings.smtp is not None
    assert settings.smtp.password == "from-credentials"


def test_a_password_alone_makes_no_smtp_table(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RENEWD_SMTP_PASSWORD", "nobody-uses-it")
    assert load_settings(write("config.toml", ROSTER)).smtp is None


@pytest.mark.parametrize("name", ["smtp", "SMTP"])
def test_no_channel_may_be_named_smtp(write: Write, name: str) -> None:
    path = write(
        "config.toml", ROSTER + SHARED + f'[[channels]]\nname = "{name}"\ntype = "email"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    (problem,) = caught.value.problems
    assert problem.field == "channels.0.name"
    assert "may not be named" in problem.message
    assert "smtp.password" in problem.message


def test_check_names_every_bad_smtp_key_and_never_the_password(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    write("people.csv", "工号,姓名,居住证到期日\n1001,张三,2027-02-10\n")
    path = write(
        "config.toml",
        ROSTER + '[smtp]\nport = 70000\nmode = "tls"\nuser = ""\npassword = "TopSecret99"\n',
    )
    assert main(["check", "-c", str(path)]) == EX_CONFIG
    err = capsys.readouterr().err
    for key in ("smtp.host", "smtp.port", "smtp.mode"):
        assert key in err
    assert "TopSecret99" not in err
    # A table without a sender or user is incomplete too.
    path = write("config.toml", ROSTER + '[smtp]\nhost = "mail.example.com"\n')
    assert main(["check", "-c", str(path)]) == EX_CONFIG
    assert "[smtp] needs a `sender`" in capsys.readouterr().err


def test_the_hr_example_says_smtp_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENEWD_SMTP_PASSWORD", "example-secret")
    monkeypatch.setenv("RENEWD_HR_WECOM_ROBOT_KEY", "robot-key-from-env")
    settings = load_settings(ROOT / "examples" / "hr.toml")
    mails = [c for c in settings.channels if isinstance(c, EmailSettings)]
    assert [c.name for c in mails] == ["mail", "hr-mail", "hr-lead"]
    for channel in mails:
        assert (channel.host, channel.port, channel.password) == (
            "smtp.example.com", 465, "example-secret",
        )  # fmt: skip
    text = (ROOT / "examples" / "hr.toml").read_text(encoding="utf-8")
    assert text.count("host =") == 1  # the server is said once


@pytest.mark.integration
def test_inherited_settings_log_in_and_deliver_to_a_real_smtp_server(
    write: Write,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        "people.csv",
        "工号,姓名,部门,居住证到期日,邮箱\n1001,张三,研发部,2027-02-10,z@example.com\n",
    )
    with smtp_with_login("renewd@example.com", "the-right-one") as (sink, login, port):
        path = write(
            "config.toml",
            ROSTER + f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nmode = "plain"\n'
            'user = "renewd@example.com"\nsender = "人事部 <renewd@example.com>"\n'
            '[[channels]]\nname = "mail"\ntype = "email"\n'
            '[[channels]]\nname = "hr-mail"\ntype = "email"\nto = ["hr@example.com"]\n'
            '[groups."研发部"]\nchannels = ["hr-mail"]\n',
        )
        creds = tmp_path / "creds"
        creds.mkdir()
        (creds / "smtp.password").write_text("the-right-one\n")
        monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
        assert main(["check", "-c", str(path)]) == 0
        assert main(["notify", "-c", str(path), "--test", "--channel", "hr-mail"]) == 0
        assert main(["notify", "-c", str(path), "--test", "--channel", "mail", "--to",
                     "z@example.com"]) == 0  # fmt: skip
        assert sink.recipients == ["hr@example.com", "z@example.com"]
        assert {sender for sender, _, _ in sink.messages} == {"renewd@example.com"}
        assert login.attempts == [("renewd@example.com", True)] * 2
        # The wrong shared password: the server refuses, the channel reports it, exit 75.
        (creds / "smtp.password").write_text("the-wrong-one\n")
        capsys.readouterr()
        assert main(["notify", "-c", str(path), "--test", "--channel", "hr-mail"]) == 75
        out = capsys.readouterr().out
        assert "hr-mail: FAILED" in out
        assert "the-wrong-one" not in out
        assert len(sink.messages) == 2
