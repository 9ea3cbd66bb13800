"""Configuration: TOML + environment + credentials, and clear errors naming file and key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from configkit import CONFIG_ERRORS, MINIMAL, BadConfig
from renewd.channels.settings import EmailSettings, WecomSettings
from renewd.core.errors import EX_CONFIG, ConfigError
from renewd.core.policy import Fallback
from renewd.settings import load_settings

Write = Callable[[str, str], Path]


def test_defaults_and_relative_paths(write: Write) -> None:
    path = write("etc/config.toml", MINIMAL)
    settings = load_settings(path)
    assert settings.roster.files == (path.parent / "people.csv",)
    assert settings.timezone == "Asia/Shanghai"
    assert settings.notify.lead_days == (60, 30, 14, 7, 3, 1, 0)
    assert settings.notify.send_at == dt.time(9, 30)
    assert settings.policy.processing_workdays.changed == 20
    assert settings.calendar.fallback is Fallback.ESTIMATE


def test_example_config_is_valid() -> None:
    example = Path(__file__).parent.parent / "config.example.toml"
    settings = load_settings(example)
    assert [c.name for c in settings.channels] == ["console"]


def test_environment_overrides_the_file(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write("config.toml", MINIMAL + '[notify]\nsend_at = "08:00"\n')
    monkeypatch.setenv("RENEWD_NOTIFY__SEND_AT", "07:15")
    monkeypatch.setenv("RENEWD_POLICY__WINDOW_DAYS", "45")
    settings = load_settings(path)
    assert settings.notify.send_at == dt.time(7, 15)
    assert settings.policy.window_days == 45


def test_secrets_from_credentials_directory_then_environment(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        "config.toml",
        MINIMAL
        + """
        [[channels]]
        name = "mail"
        type = "email"
        host = "smtp.example.com"
        sender = "hr@example.com"
        password = "inline"
        [[channels]]
        name = "hr-wecom"
        type = "wecom"
        """,
    )
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "mail.password").write_text("from-credentials\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    monkeypatch.setenv("RENEWD_MAIL_PASSWORD", "from-env")
    monkeypatch.setenv("RENEWD_HR_WECOM_ROBOT_KEY", "robot-from-env")
    settings = load_settings(path)
    mail, wecom = settings.channel("mail"), settings.channel("hr-wecom")
    assert isinstance(mail, EmailSettings)
    assert isinstance(wecom, WecomSettings)
    assert mail.password == "from-credentials"
    assert wecom.robot_key == "robot-from-env"
    assert "from-credentials" not in repr(settings)


@pytest.mark.parametrize("bad", CONFIG_ERRORS, ids=[b.id for b in CONFIG_ERRORS])
def test_bad_config_names_file_and_key(write: Write, bad: BadConfig) -> None:
    path = write("config.toml", bad.text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.exit_code == EX_CONFIG
    problems = caught.value.problems
    assert problems
    assert all(p.file == str(path) for p in problems)
    if bad.field is not None:
        assert [p.field for p in problems] == [bad.field]
    assert bad.message in str(caught.value)


def test_syntax_error_and_missing_file(write: Write, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "nope.toml")
    path = write("config.toml", "[roster\nfiles = 1\n")
    with pytest.raises(ConfigError, match=r"config\.toml: TOML syntax error"):
        load_settings(path)


def test_secret_values_are_not_echoed_in_errors(write: Write) -> None:
    path = write(
        "config.toml",
        MINIMAL + '[[channels]]\nname = "m"\ntype = "email"\npassword = 12345678\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "12345678" not in str(caught.value)


def test_a_mistyped_secret_key_is_not_echoed(write: Write) -> None:
    path = write(
        "config.toml",
        MINIMAL + '[[channels]]\nname = "m"\ntype = "email"\npasswd = "TopSecret123"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "channels.0.passwd" in str(caught.value)
    assert "TopSecret123" not in str(caught.value)


def test_an_unknown_channel_type_names_the_channel_and_the_known_types(write: Write) -> None:
    path = write("config.toml", MINIMAL + '[[channels]]\nname = "m"\ntype = "sms"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    [problem] = caught.value.problems
    assert problem.field == "channels.0"
    assert problem.message.startswith("unknown channel type 'sms'; use one of: email, telegram")


def test_a_channel_missing_its_keys_is_rejected_by_load_settings(write: Write) -> None:
    path = write("config.toml", MINIMAL + '[[channels]]\nname = "tg"\ntype = "telegram"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (str(path), "channels.0.bot_token")
    assert problem.message == "channel tg: telegram needs a bot_token (secret)"


def test_a_key_of_another_channel_type_is_a_typo(write: Write) -> None:
    text = MINIMAL + '[[channels]]\nname = "c"\ntype = "console"\nbot_token = "x"\n'
    with pytest.raises(ConfigError) as caught:
        load_settings(write("config.toml", text))
    assert [p.field for p in caught.value.problems] == ["channels.0.bot_token"]


def test_a_digest_route_without_a_fixed_destination_fails_at_load(write: Write) -> None:
    text = MINIMAL + (
        '[[channels]]\nname = "tg"\ntype = "telegram"\nbot_token = "1:x"\n'
        '[groups."研发部"]\nchannels = ["tg"]\n'
    )
    path = write("config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (str(path), "groups.研发部.channels")
    assert "no recipients for digests" in problem.message


def test_an_email_channel_names_each_missing_key(write: Write) -> None:
    path = write("config.toml", MINIMAL + '[[channels]]\nname = "m"\ntype = "email"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert [p.field for p in caught.value.problems] == ["channels.0.host", "channels.0.sender"]
    assert "channel m: email needs `host` and `sender`" in str(caught.value)
