"""Relays (issue 17 item 8): for an employee no personal channel reaches, HR's digest carries the
whole message he would have read, once, ready to forward ("请转告：李四（1002）"): his steps, the
window's first day, what to bring, the infeasibility warning and the dates a holiday notice
moved. Checked on the mail a real SMTP server on 127.0.0.1 receives from `renewd notify --due`."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

import seasonkit as sk
from netkit import Sink
from renewd.cli import main

pytestmark = pytest.mark.integration

NOTICE_2027 = Path(__file__).parent / "fixtures" / "notices" / "2027-synthetic.txt"
ROSTER = (
    "工号,姓名,部门,居住证到期日,变更事项,邮箱\n"
    "1001,张三,研发部,2027-02-10,,zhang@example.com\n"
    "1002,李四,研发部,2027-02-10,子女,\n"
)
HR = "hr-desk@example.com"


def config(folder: Path, port: int) -> Path:
    (folder / "people.csv").write_text(ROSTER, encoding="utf-8")
    path = folder / "config.toml"
    mail = f'type = "email"\nhost = "127.0.0.1"\nport = {port}\nmode = "plain"\n'
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f'[[channels]]\nname = "mail"\n{mail}sender = "人事部 <hr@example.com>"\n'
        f'[[channels]]\nname = "hr"\n{mail}sender = "人事部 <hr@example.com>"\n'
        f'to = ["{HR}"]\n[groups."研发部"]\nchannels = ["hr"]\n',
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


def notify(path: Path, day: str) -> None:
    assert main(["notify", "-c", str(path), "--due", "--today", day]) == 0


def forward_of(digest: str, name: str) -> str:
    """The forward section of `name` in a digest: from its heading to the digest's footer."""
    start = digest.index(f"请转告：{name}")
    return digest[start : digest.index("员工本人的步骤已直接通知员工", start)]


def test_hr_gets_the_full_message_of_a_person_without_a_channel_once(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port)
    notify(path, "2026-12-01")  # first contact: his status and the permit step, in one forward
    first = received(sink, 0)[HR]
    assert first.count("请转告：李四（1002）") == 1
    assert first.count("李四（1002）") == 1  # he appears once
    forward = forward_of(first, "李四（1002）")
    assert "【续签状态】李四：居住证 2027-02-10 到期" in forward  # what he would have read
    assert "李四，您好" in forward
    assert "签注窗口 2027-01-11（周一）开放" in forward  # the window's first day
    assert "居住证签注（续签）需准备" in forward  # the materials
    assert "积分有效期可能中断约 13 天" in forward  # the infeasibility warning
    assert "—— 人事部" not in forward  # HR forwards it as its own
    assert forward.rstrip().endswith("（以上为转告李四的消息）")  # where it ends

    notice = ["calendar", "import", "-c", str(path), str(NOTICE_2027), "--today", "2026-12-10"]
    assert main(notice) == 0
    seen = len(sink.messages)
    notify(path, "2026-12-11")  # `prepare` is due; the notice moved two of his dates
    digest = received(sink, seen)[HR]
    assert digest.count("李四（1002）") == 1
    forward = forward_of(digest, "李四（1002）")
    assert "准备续办材料：日期 2026-12-11（周五），就是今天" in forward
    assert "子女户口簿" in forward  # his own checklist, his change included
    assert "请在签注窗口开放的 2027-01-11（周一）当天办理" in forward
    assert "积分有效期可能中断约 10 天" in forward
    assert "积分审批：2027-02-23 → 2027-02-20" in forward  # a moved date, in his message
    assert "领取积分通知单：2027-03-02 → 2027-02-26" in forward
    # HR's own list of moved dates holds the employer's steps of the reachable colleague only
    assert "张三（1001）积分续办申请：2027-01-22 → 2027-01-25" in digest
    assert digest.count("积分审批：2027-02-23 → 2027-02-20") == 1


def test_a_forward_comes_after_hrs_own_lines_and_checklist_and_says_where_it_ends(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    # 陈静's submission is HR's and overdue on 01-02; 孙强 has no address and his permit's
    # 30-day lead is that day: HR's own step and its checklist first, then his message, ended,
    # so that nothing of HR's reads as his.
    sink, port = smtp
    rows = ["1005,陈静,研发部,2027-01-08,,是,chen@example.com", "1006,孙强,研发部,2027-02-25,,是,"]
    path = sk.config(tmp_path, port, rows)
    done = {
        "2026-12-10": [["1005", "permit", "--on", "2026-12-09"]],
        "2026-12-14": [["1005", "applied", "--on", "2026-12-14"]],
    }
    inbox = sk.season(sink, path, "2026-12-09", "2027-01-02", done)
    digest = next(m for m in inbox[HR] if m.day.isoformat() == "2027-01-02").body
    own = digest.index("陈静（1005）：单位网上审核并递交积分材料")
    checklist = digest.index("单位网上审核并递交积分材料需准备")
    forward = digest.index("请转告：孙强（1006）")
    end = digest.index("（以上为转告孙强的消息）")
    assert own < checklist < forward < end
    assert "居住证签注（续签）：截止 2027-02-01（周一），还剩 30 天" in digest[forward:end]
    assert "需准备" not in digest[end:]  # after his message: HR's notes and footer only
