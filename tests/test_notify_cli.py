"""`renewd notify`, `done` and `log` through the real entry point, on a real roster file."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import EXPIRES, PERMIT_DUE
from netkit import Sink, free_port
from renewd.cli import main

DAY = (PERMIT_DUE - dt.timedelta(days=3)).isoformat()


@contextmanager
def smtp_at(port: int) -> Iterator[Sink]:
    """A real SMTP sink on a port chosen before it started (the channel was failing there)."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def config(tmp_path: Path) -> str:
    (tmp_path / "people.toml").write_text(
        f'[[people]]\nid = "E001"\nname = "张三"\npermit_expires = {EXPIRES.isoformat()}\n'
        'group = "研发部"\nemail = "e001@example.com"\n',
        encoding="utf-8",
    )
    path = tmp_path / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.toml"]\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
        encoding="utf-8",
    )
    return str(path)


def test_dry_run_prints_what_would_be_sent_and_records_nothing(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notify", "-c", config, "--due", "--today", DAY, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would send  E001 permit_renewal +3 via console to E001" in out
    assert main(["log", "-c", config]) == 0
    assert "no deliveries" in capsys.readouterr().err


def test_due_pass_sends_once_then_done_stops_reminders(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 0
    out = capsys.readouterr().out
    assert "【续签提醒】张三：办理居住证签注（续签），还剩 3 天" in out
    assert "sent        E001 permit_renewal +3" in out
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 0
    assert "sent 0," in capsys.readouterr().out
    assert main(["done", "-c", config, "E001", "permit", "--on", DAY]) == 0
    assert "permit_renewed_on" in capsys.readouterr().out
    later = (PERMIT_DUE + dt.timedelta(days=2)).isoformat()
    assert main(["notify", "-c", config, "--due", "--today", later]) == 0
    assert "permit_renewal" not in capsys.readouterr().out
    assert main(["log", "-c", config, "--person", "E001"]) == 0
    assert "sent      E001 permit_renewal +3" in capsys.readouterr().out


def test_done_rejects_an_unknown_step(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["done", "-c", config, "E001", "nap"]) == 64
    assert "unknown step" in capsys.readouterr().err


def test_notify_test_reports_each_channel(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notify", "-c", config, "--test"]) == 0
    assert "console: ok" in capsys.readouterr().out


def mail_config(tmp_path: Path, port: int, notify: str) -> str:
    path = tmp_path / "mail.toml"
    path.write_text(
        '[roster]\nfiles = ["people.toml"]\n[state]\ndir = "state"\n'
        f"[notify]\n{notify}\n"
        '[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {port}\nmode = "plain"\nsender = "hr@example.com"\n',
        encoding="utf-8",
    )
    return str(path)


def test_due_exits_75_while_a_retry_waits_from_an_earlier_pass(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens yet: the send fails
    mail = mail_config(tmp_path, port, "retry_after_seconds = [1]")
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 75
    out = capsys.readouterr().out
    assert "failed      E001 permit_renewal +3 via mail" in out
    failed = int(re.findall(r"failed (\d+),", out)[0])
    assert f"owed: {failed} retr{'y' if failed == 1 else 'ies'} waiting (next at " in out
    # The next pass has nothing new and the retry's wait is not over: still 75, and it says why.
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 75
    out = capsys.readouterr().out
    assert "0 new reminders" in out
    assert "sent 0, failed 0" in out
    assert f"owed: {failed} retr" in out
    assert main(["log", "-c", mail, "--failed"]) == 0
    listed = capsys.readouterr().out
    assert "failed    E001 permit_renewal +3 part 1 via mail to e001@example.com" in listed
    assert f"cannot connect to 127.0.0.1:{port}" in listed
    assert "next try " in listed
    # The server is back and the wait is over: the retry goes out, nothing is owed, exit 0.
    with smtp_at(port) as sink:
        time.sleep(1.1)
        assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 0
    assert "nothing owed" in capsys.readouterr().out
    assert sink.recipients == ["e001@example.com"] * failed
    assert main(["log", "-c", mail, "--failed"]) == 0
    assert "no failed deliveries" in capsys.readouterr().err


def test_a_dead_delivery_exits_75_once_then_is_reported_only(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = mail_config(tmp_path, free_port(), "max_attempts = 1")
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 75
    assert "dead        E001 permit_renewal +3" in capsys.readouterr().out
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 0
    assert re.search(r"owed: \d+ dead \(gave up; send them by hand\)", capsys.readouterr().out)
    assert main(["log", "-c", mail, "--failed", "--person", "E001"]) == 0
    assert "dead      E001 permit_renewal +3" in capsys.readouterr().out


def test_due_with_a_bad_row_warns_and_reminds_everyone_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "people.csv").write_text(
        "工号,姓名,部门,居住证到期日,邮箱\n"
        f"E001,张三,研发部,{EXPIRES.isoformat()},e001@example.com\n"
        "E002,李四,研发部,2026-02-30,e002@example.com\n",
        encoding="utf-8",
    )
    config = tmp_path / "csv.toml"
    config.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
        encoding="utf-8",
    )
    assert main(["notify", "-c", str(config), "--due", "--today", DAY]) == 0
    captured = capsys.readouterr()
    assert "people.csv, row 3, field '居住证到期日'" in captured.err
    assert "sent        E001 permit_renewal +3" in captured.out
    assert "E002" not in captured.out  # a new id with a bad row: left out until fixed
    assert main(["check", "-c", str(config)]) == 65  # check still fails on it
