"""After the expiry, the one date that matters: every reminder to a holder whose permit is not
endorsed, and HR's digest line for him, give the late-endorsement limit (E + 60, inclusive) and
what the suspension means; past it, that the residence years restart. Checked on the mail a real
SMTP server on 127.0.0.1 receives from `renewd notify --due`."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main

pytestmark = pytest.mark.integration

ROSTER = "工号,姓名,部门,居住证到期日,邮箱\n1001,张三,研发部,2026-11-20,zhang@example.com\n"
LIMIT = "2027-01-19"  # 2026-11-20 + 60 days


def config(folder: Path, port: int) -> Path:
    (folder / "people.csv").write_text(ROSTER, encoding="utf-8")
    path = folder / "config.toml"
    mail = f'type = "email"\nhost = "127.0.0.1"\nport = {port}\nmode = "plain"\n'
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f'[[channels]]\nname = "mail"\n{mail}sender = "人事部 <hr@example.com>"\n'
        f'[[channels]]\nname = "hr"\n{mail}sender = "renewd <hr@example.com>"\n'
        'to = ["hr-desk@example.com"]\n[groups."研发部"]\nchannels = ["hr"]\n',
        encoding="utf-8",
    )
    return path


def received(sink: Sink, since: int) -> dict[str, str]:
    """recipient -> the subject and plain text of what it got since message `since`."""
    out: dict[str, str] = {}
    for _, rcpts, raw in sink.messages[since:]:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        for to in rcpts:
            out[to] = out.get(to, "") + f"{parsed['Subject']}\n{body.get_content()}\n"
    return out


def test_a_lapsed_holder_and_his_hr_are_told_the_late_endorsement_limit(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port)
    assert main(["notify", "-c", str(path), "--due", "--today", "2026-11-23"]) == 0
    got = received(sink, 0)
    holder, hr = got["zhang@example.com"], got["hr-desk@example.com"]
    for text in (holder, hr):
        assert "居住证已于 2026-11-20（周五）到期，使用功能中止，积分暂不能使用" in text
        assert f"最迟于 {LIMIT}（含当日）补办签注，居住年限连续计算" in text
    assert hr.count("补办签注，居住年限连续计算") == 1  # once per person in a digest

    seen = len(sink.messages)
    assert main(["notify", "-c", str(path), "--due", "--today", "2027-01-20"]) == 0
    later = received(sink, seen)
    assert "逾期签注的期限 2027-01-19 已过，居住年限将重新计算" in later["zhang@example.com"]


def test_once_the_permit_is_endorsed_the_limit_is_not_said(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port)
    assert main(["done", "-c", str(path), "1001", "permit", "--on", "2026-11-22"]) == 0
    assert main(["notify", "-c", str(path), "--due", "--today", "2026-11-23"]) == 0
    text = "\n".join(received(sink, 0).values())
    assert text  # HR still hears of the points steps
    assert "补办签注" not in text
