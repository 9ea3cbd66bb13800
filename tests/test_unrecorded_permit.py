"""Issue 9 point 5 with automatic endorsement: a permit renewal nobody records (the SMS came, nobody
told renewd) must not keep HR from hearing of 续办申请. Checked on the mail a real SMTP server on
127.0.0.1 receives from `renewd notify --due` over injected days.

Permit expiry 2026-12-28: the window opens 2026-11-28, permit_by is 2026-12-10, apply_by
2026-12-15 (leads 7, 3, 1, 0: 12-08, 12-12, 12-14, 12-15)."""

from __future__ import annotations

import email
import email.policy
from collections import defaultdict
from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main

pytestmark = pytest.mark.integration

HR_BOX = "hr-rd@example.com"
HEADER = "工号,姓名,部门,居住证到期日,邮箱,居住证续签日期\n"
STEP = "积分“续办申请”"
CONFIRM_HR = "居住证续签尚未登记（可能已自动签注）：请先与员工确认居住证已签注"
CONFIRM_FAMILY = "您的居住证续签尚未登记（可能已自动签注）：请先确认居住证已签注"


def write_roster(config: Path, e1_renewed: str = "") -> None:
    rows = [
        f"E1,孙浩,研发部,2026-12-28,e1@example.com,{e1_renewed}",
        "E2,李思琪,研发部,2026-12-28,e2@example.com,2026-12-03",  # recorded
        "F1,陈嘉怡,,2026-12-28,f1@example.com,",  # a family: no HR, hears every step
    ]
    (config.parent / "people.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture
def config(tmp_path: Path, smtp: tuple[Sink, int]) -> Path:
    _, port = smtp
    keys = f'host = "127.0.0.1"\nport = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
    path = tmp_path / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f'[[channels]]\nname = "mail"\ntype = "email"\n{keys}'
        f'[[channels]]\nname = "hr-rd"\ntype = "email"\nto = ["{HR_BOX}"]\n{keys}'
        '[groups."研发部"]\nchannels = ["hr-rd"]\n',
        encoding="utf-8",
    )
    write_roster(path)
    return path


def run_pass(config: Path, sink: Sink, day: str) -> dict[str, str]:
    """Recipient -> the text (subject and plain body) of what one pass on `day` sent him."""
    before = len(sink.messages)
    assert main(["notify", "-c", str(config), "--due", "--today", day]) == 0
    out: dict[str, list[str]] = defaultdict(list)
    for _, rcpts, raw in sink.messages[before:]:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        for to in rcpts:
            out[to].append(f"{parsed['Subject']}\n{body.get_content()}")
    return {to: "\n\n".join(texts) for to, texts in out.items()}


def lines_of(text: str, who: str) -> list[str]:
    """The digest's lines about `who` (his step line and the detail lines under it)."""
    lines = text.splitlines()
    out: list[str] = []
    for n, line in enumerate(lines):
        if who in line:
            out.append(line)
            out += [x for x in lines[n + 1 : n + 3] if x.startswith("  ")]
    return out


def test_hr_hears_of_the_application_once_the_permit_is_due_unrecorded(
    config: Path, smtp: tuple[Sink, int]
) -> None:
    sink, _ = smtp
    run_pass(config, sink, "2026-12-01")  # first contact
    # Before permit_by, unrecorded: no 续办申请 for E1; E2 (recorded) gets it, normally worded.
    mails = run_pass(config, sink, "2026-12-08")
    digest = mails[HR_BOX]
    assert f"李思琪（E2）：{STEP}" in digest
    assert f"孙浩（E1）：{STEP}" not in digest
    assert "尚未登记" not in digest
    assert STEP not in mails.get("f1@example.com", "")
    # On permit_by, still unrecorded: HR hears of it, worded to confirm first and record.
    mails = run_pass(config, sink, "2026-12-10")
    digest = mails[HR_BOX]
    e1 = "\n".join(lines_of(digest, "孙浩（E1）"))
    assert f"孙浩（E1）：{STEP}" in e1
    assert CONFIRM_HR in e1
    assert "签注确认短信或“一网通办”查询" in e1
    assert "点击“续办申请”" in e1
    assert "在控制台登记续签（E1 的人员页" in e1
    assert "renewd done" not in e1  # HR is no sysadmin: the console, not the command line
    assert "若尚未签注，请员工立即办理居住证签注" in e1
    # The employee hears his overdue permit step, never the employer's step.
    assert STEP not in mails["e1@example.com"]
    # The family's holder hears it too, worded for him: confirm, record, ask HR.
    family = mails["f1@example.com"]
    assert CONFIRM_FAMILY in family
    assert "请联系单位人事在 " not in family.split(CONFIRM_FAMILY)[0]  # no plain "ask HR"
    assert "联系单位人事在 2026-12-15（周二）前为您点击“续办申请”" in family
    assert "E1" not in family  # roster ids are for HR
    assert "renewd done" not in family
    assert "打印或领取积分通知单" not in family  # nothing past the application yet
    # Recorded (the roster column), later on: the normal wording again.
    write_roster(config, "2026-12-09")
    mails = run_pass(config, sink, "2026-12-14")
    e1 = "\n".join(lines_of(mails[HR_BOX], "孙浩（E1）"))
    assert f"孙浩（E1）：{STEP}" in e1
    assert "尚未登记" not in e1


def test_overdue_unrecorded_application_asks_the_family_to_act_now(
    config: Path, smtp: tuple[Sink, int]
) -> None:
    sink, _ = smtp
    run_pass(config, sink, "2026-12-01")
    mails = run_pass(config, sink, "2026-12-17")  # apply_by 12-15 passed, nothing recorded
    assert CONFIRM_HR in mails[HR_BOX]
    family = mails["f1@example.com"]
    assert CONFIRM_FAMILY in family
    assert "联系单位人事立即为您点击“续办申请”" in family
    assert "单位网上审核并递交积分材料" not in family  # waits for the application's record
    assert "打印或领取积分通知单" not in family


def test_no_approval_or_notice_is_announced_for_a_submission_nobody_recorded(
    config: Path, smtp: tuple[Sink, int]
) -> None:
    """E2's permit is recorded, but neither 续办申请 nor the submission ever is: nobody may read
    "submitted, the approval SMS is expected" or "collect the notice" while HR is still being
    reminded to submit. Once the submission is recorded, the approval is announced."""
    sink, _ = smtp
    run_pass(config, sink, "2026-12-01")
    seen: list[str] = []
    for day in ("2026-12-16", "2026-12-18", "2026-12-21", "2026-12-23", "2026-12-25", "2026-12-28"):
        mails = run_pass(config, sink, day)
        seen.append(mails.get(HR_BOX, ""))
        for text in (
            mails.get("e2@example.com", ""),
            "\n".join(lines_of(mails.get(HR_BOX, ""), "（E2）")),
        ):
            assert "已递交" not in text, day
            assert "积分审批结果" not in text, day
            assert "打印或领取积分通知单" not in text, day
    assert any("李思琪（E2）：单位网上审核并递交积分材料" in text for text in seen)  # HR is asked
    (config.parent / "people.csv").write_text(  # recorded in the roster's own columns
        "工号,姓名,部门,居住证到期日,邮箱,居住证续签日期,积分续办申请日期,单位提交日期\n"
        "E2,李思琪,研发部,2026-12-28,e2@example.com,2026-12-03,2026-12-28,2026-12-28\n",
        encoding="utf-8",
    )
    later = [run_pass(config, sink, day) for day in ("2026-12-31", "2027-01-04", "2027-01-08")]
    assert any("积分审批结果" in m.get("e2@example.com", "") for m in later)
