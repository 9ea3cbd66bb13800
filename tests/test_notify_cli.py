"""`renewd notify`, `done` and `log` through the real entry point, on a real roster file."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import EXPIRES, PERMIT_DUE
from netkit import Sink, free_port
from renewd.cli import main

pytestmark = pytest.mark.integration

DAY = (PERMIT_DUE - dt.timedelta(days=3)).isoformat()
ROSTER = "工号,姓名,部门,居住证到期日,邮箱,居住证续签日期\n"


def write_config(tmp_path: Path, rows: str, language: str = "zh") -> str:
    (tmp_path / "people.csv").write_text(ROSTER + rows, encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(
        f'language = "{language}"\n[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
        encoding="utf-8",
    )
    return str(path)


@pytest.fixture
def config(tmp_path: Path) -> str:
    return write_config(tmp_path, f"E001,张三,研发部,{EXPIRES.isoformat()},e001@example.com,\n")


def test_dry_run_prints_what_would_be_sent_and_records_nothing(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notify", "-c", config, "--due", "--today", DAY, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "演练（不发送、不记录）" in out
    assert "将发送" in out
    assert "E001 的消息 经 console 发往 E001" in out
    assert main(["log", "-c", config]) == 0
    assert "还没有发送记录" in capsys.readouterr().err


def test_due_pass_sends_one_message_then_done_stops_reminders(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 0
    out = capsys.readouterr().out
    assert "【续签状态】张三：居住证 2026-06-30 到期" in out  # first contact: a status message
    assert "共 1 封消息（首次联系 1 人，补发 0 条）" in out
    assert "已发送" in out
    assert "居住证签注（续签）（首次联系）" in out
    assert "合计：已发送 1，失败待重试 0" in out
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 0
    assert "已发送 0，" in capsys.readouterr().out
    assert main(["done", "-c", config, "E001", "permit", "--on", DAY]) == 0
    assert "permit_renewed_on" in capsys.readouterr().out
    later = (PERMIT_DUE + dt.timedelta(days=2)).isoformat()
    assert main(["notify", "-c", config, "--due", "--today", later]) == 0
    assert "居住证签注（续签）：" not in capsys.readouterr().out
    assert main(["log", "-c", config, "--person", "E001"]) == 0
    log = capsys.readouterr().out
    assert "+08:00  已发送" in log
    sent = "E001 的消息 经 console 发往 E001：续签状态（首次联系）；居住证签注（续签）（首次联系）"
    assert sent in log
    assert "  已记录" in log
    assert f"E001 居住证签注（续签） = {DAY}（由 cli 记录）" in log


def test_log_and_leads_in_english_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(
        tmp_path, f"E001,Anna,研发部,{EXPIRES.isoformat()},a@example.com,\n", language="en"
    )
    first = (PERMIT_DUE - dt.timedelta(days=20)).isoformat()
    assert main(["notify", "-c", config, "--due", "--today", first]) == 0
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 0
    out = capsys.readouterr().out
    assert "(3 days before)" in out or "(late (due on" in out
    assert "total: sent 1, failed (will retry) 0" in out
    assert main(["log", "-c", config]) == 0
    assert "first contact" in capsys.readouterr().out


@pytest.mark.parametrize(
    "step", ["permit_renewal", "permit", "permit_renewed_on", "居住证签注", "居住证签注（续签）"]
)
def test_done_takes_plan_kinds_short_and_chinese_names(
    config: str, step: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["done", "-c", config, "E001", step, "--on", "2026年6月1日"]) == 0
    assert "permit_renewed_on" in capsys.readouterr().out


def test_done_refuses_a_future_day_and_a_day_before_the_predecessor(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["done", "-c", config, "E001", "permit", "--on", "2099/1/1"]) == 64
    assert "is in the future" in capsys.readouterr().err
    assert main(["done", "-c", config, "E001", "permit", "--on", "20260601"]) == 0
    assert main(["done", "-c", config, "E001", "points_application", "--on", "2026-05-30"]) == 64
    err = capsys.readouterr().err
    assert "before permit_renewed_on, recorded on 2026-06-01" in err
    assert main(["done", "-c", config, "E001", "续办申请", "--on", "2026-06-03"]) == 0


def test_done_undo_removes_and_names_the_roster_row_that_still_has_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path, f"E001,张三,研发部,{EXPIRES.isoformat()},e001@example.com,2026-06-02\n"
    )
    assert main(["done", "-c", config, "E001", "permit", "--on", "2026-06-03"]) == 0
    capsys.readouterr()
    assert main(["done", "-c", config, "E001", "permit", "--undo"]) == 0
    out = capsys.readouterr().out
    assert "已删除记录：E001 permit_renewed_on" in out
    assert "people.csv, row 2 中仍有 permit_renewed_on = 2026-06-02" in out
    assert main(["done", "-c", config, "E001", "permit", "--undo"]) == 0
    assert "没有记录可删除" in capsys.readouterr().out


def test_done_rejects_an_unknown_step(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["done", "-c", config, "E001", "nap"]) == 64
    assert "unknown step" in capsys.readouterr().err


def test_notify_test_reports_each_channel(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notify", "-c", config, "--test"]) == 0
    assert "console: ok" in capsys.readouterr().out


def test_log_failed_shows_only_what_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, f"E001,张三,研发部,{EXPIRES.isoformat()},e001@example.com,\n")
    port = free_port()  # nothing listens there: the email channel fails
    with Path(config).open("a", encoding="utf-8") as out:
        out.write('[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
                  f'port = {port}\nmode = "plain"\nsender = "hr@example.com"\n')  # fmt: skip
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 75
    assert "失败，待重试" in capsys.readouterr().out
    assert main(["log", "-c", config, "--failed"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    assert all("failed" in line or "失败" in line for line in lines)
    assert all("经 mail" in line for line in lines)  # the console's sent row is not shown


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


def mail_config(tmp_path: Path, port: int, notify: str) -> str:
    (tmp_path / "people.csv").write_text(
        ROSTER + f"E001,张三,研发部,{EXPIRES.isoformat()},e001@example.com,\n", encoding="utf-8"
    )
    path = tmp_path / "mail.toml"
    path.write_text(
        'language = "en"\n[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f"[notify]\n{notify}\n"
        '[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {port}\nmode = "plain"\nsender = "hr@example.com"\n',
        encoding="utf-8",
    )
    return str(path)


def test_due_exits_75_while_a_retry_waits_from_an_earlier_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()  # nothing listens yet: the send fails
    mail = mail_config(tmp_path, port, "retry_after_seconds = [1]")
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 75
    out = capsys.readouterr().out
    assert "owed: 1 retries waiting (next at " in out
    # The next pass has nothing new and the retry's wait is not over: still 75, and it says why.
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 75
    out = capsys.readouterr().out
    assert "total: sent 0, failed (will retry) 0" in out
    assert "owed: 1 retries waiting" in out
    assert main(["log", "-c", mail, "--failed"]) == 0
    listed = capsys.readouterr().out
    assert f"cannot connect to 127.0.0.1:{port}" in listed
    assert "next try " in listed
    # The server is back and the wait is over: the retry goes out, nothing is owed, exit 0.
    with smtp_at(port) as sink:
        time.sleep(1.1)
        assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 0
    assert "nothing owed" in capsys.readouterr().out
    assert sink.recipients == ["e001@example.com"]
    assert main(["log", "-c", mail, "--failed"]) == 0
    assert capsys.readouterr().out == ""


def test_a_dead_delivery_exits_75_once_then_is_reported_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = mail_config(tmp_path, free_port(), "max_attempts = 1")
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 75
    assert "dead" in capsys.readouterr().out
    assert main(["notify", "-c", mail, "--due", "--today", DAY]) == 0
    assert "owed: 1 dead (gave up; send them by hand)" in capsys.readouterr().out
    assert main(["log", "-c", mail, "--failed", "--person", "E001"]) == 0
    assert "dead" in capsys.readouterr().out


def test_due_with_a_bad_row_warns_and_reminds_everyone_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path,
        f"E001,张三,研发部,{EXPIRES.isoformat()},e001@example.com,\n"
        "E002,李四,研发部,2026-02-30,e002@example.com,\n",
    )
    assert main(["notify", "-c", config, "--due", "--today", DAY]) == 0
    captured = capsys.readouterr()
    assert "people.csv, row 3, field '居住证到期日'" in captured.err
    assert "E001" in captured.out
    assert "E002" not in captured.out  # a new id with a bad row: left out until fixed
    assert main(["check", "-c", config]) == 65  # check still fails on it


def test_done_refuses_a_renewal_before_the_window_and_an_expiry_not_later(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The permit expiring 2026-06-30 can be endorsed from 2026-05-31: a renewal on 2026-05-01 is
    a misclick or a wrong roster date; a "new" expiry on or before the old one is no renewal."""
    assert main(["done", "-c", config, "E001", "permit", "--on", "2026-05-01"]) == 64
    err = capsys.readouterr().err
    assert "can be endorsed from 2026-05-31" in err
    args = ["done", "-c", config, "E001", "permit", "--on", "2026-06-01"]
    assert main([*args, "--new-expiry", "2026-06-30"]) == 64
    assert "is not after the one in force (2026-06-30)" in capsys.readouterr().err
    assert main([*args, "--new-expiry", "2027-06-30"]) == 0
