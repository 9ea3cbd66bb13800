"""`renewd notify`, `done` and `log` through the real entry point, on a real roster file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import EXPIRES, PERMIT_DUE
from renewd.cli import main

DAY = (PERMIT_DUE - dt.timedelta(days=3)).isoformat()


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
