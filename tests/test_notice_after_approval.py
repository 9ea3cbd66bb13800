"""The notice is printed after the approval, not before: a season on a real SMTP server where
HR hands in the points renewal and the approval comes late (and is recorded later still). The
holder is never told to collect a notice nobody approved yet; the approval's messages say what to
do once its SMS comes, with the link that records it; once the approval is recorded, the notice's
reminders name the day it was approved; an approval nobody records is repeated weekly, never as a
notice to collect, and the lead's advice on its lapse is to ask after it. And when nobody handed
it in, HR's expiry line says the points alone lapse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import seasonkit as sk
from netkit import Sink

pytestmark = pytest.mark.integration

ROWS = [
    "1001,张三,研发部,2027-02-10,单位,是,zhang@example.com",
    "1002,李四,研发部,2027-01-20,,是,li@example.com",
]
DONE = {
    # 1001: HR hands in on 12-18 (records it on 12-21); approved 01-22, recorded 01-25.
    "2026-12-21": [["1001", "submitted", "--on", "2026-12-18"]],
    "2027-01-25": [["1001", "approved", "--on", "2027-01-22"]],
    # 1002: the whole chain by HR, the approval recorded on its day.
    "2026-12-28": [["1002", "applied", "--on", "2026-12-28"]],
    "2027-01-04": [["1002", "submitted", "--on", "2027-01-04"]],
    "2027-01-12": [["1002", "approved", "--on", "2027-01-12"]],
}
COLLECT = "打印或领取积分通知单"


def test_the_notice_waits_for_the_approval(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    path = sk.config(tmp_path, port, ROWS)
    inbox = sk.season(sink, path, "2026-12-08", "2027-02-05", DONE)

    zhang = inbox["zhang@example.com"]
    recorded = dt.date(2027, 1, 25)
    # Nothing about the notice until the approval is recorded, however late it came.
    early = [m for m in zhang if m.day < recorded]
    assert early
    assert not [m for m in early if COLLECT in m.subject or "需要您办理：\n- " + COLLECT in m.body]
    # The approval's own messages: what to do once the SMS comes, with the notice's link.
    waits = [m for m in zhang if "积分审批结果" in m.subject]
    # Its expected day, then two days overdue; the next would come a week later (01-27): a
    # wait repeats weekly after its first overdue day, it is nobody's act.
    assert [m.day for m in waits] == [dt.date(2027, 1, 18), dt.date(2027, 1, 20)]
    hr = [m for m in inbox[sk.HR] if "张三（1001）：积分审批结果，已逾期" in m.body]
    assert [m.day for m in hr] == [dt.date(2027, 1, 20)]
    assert "请登录积分系统查询审批进度" in hr[0].body
    for mail in waits:
        assert "收到审批短信后，请在线打印或到区人才服务中心领取《居住证积分通知单》" in mail.body
        assert f"- {COLLECT}: http://127.0.0.1:8765/a/" in mail.body
    # From the record on: the notice, with the day of the approval, due 5 working days after.
    notice = [m for m in zhang if COLLECT in m.subject]
    assert notice[0].day == recorded
    assert all("积分审批已于 2027-01-22（周五）通过" in m.body for m in notice)
    assert "截止 2027-01-29（周五）" in notice[0].body

    li = inbox["li@example.com"]
    notice = [m for m in li if COLLECT in m.subject]
    assert notice
    assert notice[0].day == dt.date(2027, 1, 12)  # the day the approval is recorded
    assert not [m for m in li if "积分审批结果" in m.subject]  # recorded before its day


def test_hr_collecting_the_notice_gets_no_holder_link(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = sk.config(tmp_path, port, ROWS[:1])
    text = path.read_text("utf-8").replace(
        "[notify]", '[policy.owners]\ncollect_notice = "employer"\n[notify]'
    )
    path.write_text(text, "utf-8")
    mine = {day: [a for a in done if a[0] == "1001"] for day, done in DONE.items()}
    inbox = sk.season(sink, path, "2026-12-08", "2027-01-24", mine)
    waits = [m for m in inbox["zhang@example.com"] if "积分审批结果" in m.subject]
    assert waits
    for mail in waits:
        assert "收到审批短信后" not in mail.body
        assert "/a/" not in mail.body


def test_hr_hears_the_points_lapse_when_only_the_permit_was_renewed(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    # The permit is renewed and the application made, but nobody hands it in: on the expiry
    # day HR's line says the points alone lapse until the new approval, and whose move it is.
    sink, port = smtp
    path = sk.config(tmp_path, port, ["1005,陈静,研发部,2027-01-08,,是,chen@example.com"])
    done = {
        "2026-12-10": [["1005", "permit", "--on", "2026-12-09"]],
        "2026-12-14": [["1005", "applied", "--on", "2026-12-14"]],
    }
    inbox = sk.season(sink, path, "2026-12-09", "2027-01-08", done)
    last = inbox[sk.HR][-1]
    assert last.day == dt.date(2027, 1, 8)
    assert "陈静（1005）：居住证及积分到期，日期 2027-01-08（周五），就是今天" in last.body
    assert "居住证已续签，但积分续办尚未审批通过：原积分通知单到期后积分暂不可用" in last.body


def test_an_approval_nobody_records_is_repeated_weekly_after_its_first_overdue_day(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = sk.config(tmp_path, port, ROWS[1:])
    mine = {day: [a for a in done if a[0] == "1002"] for day, done in DONE.items()}
    del mine["2027-01-12"]  # the approval is never recorded
    inbox = sk.season(sink, path, "2026-12-08", "2027-02-05", mine)
    waits = [m.day.isoformat() for m in inbox["li@example.com"] if "积分审批结果" in m.subject]
    # Expected by 01-13 (the submission on 01-04 + 7 working days): told that day, two days
    # later, then weekly; not every other day through the first week.
    assert waits == ["2027-01-13", "2027-01-15", "2027-01-22", "2027-01-29", "2027-02-05"]
    lead = inbox[sk.LEAD]
    summaries = [m for m in lead if "每周汇总" in m.body]
    assert summaries
    assert all("积分审批结果（已逾期" in m.body for m in summaries)
    assert not [m for m in lead if COLLECT in m.body]  # nobody prints what is not approved
    # Past the expiry the wait makes the plan infeasible: what is left is the approval, not
    # "endorse the permit and submit right away".
    lapse = next(m for m in lead if "计划不可行，积分预计中断" in m.body)
    assert "积分续办已递交、尚待审批：积分预计在 2027-01-20 至" in lapse.body
    assert "立即办理签注" not in lapse.body
