"""A season's cadence (issue 17, items 2, 4 and 7), read from the inboxes of a real SMTP server
after daily `renewd notify --due` passes over weeks: overdue repeats slow to weekly, the first
contact stands in for the next day's repeat of itself, the escalation channel hears each fact
once plus a weekly summary, and a finished cycle is told once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from netkit import Sink
from seasonkit import HOLDER, HR, LEAD, config, gaps, season

pytestmark = pytest.mark.integration

# Permit expiry 2027-01-20: the permit step is due 2027-01-04, the grace period ends 2027-03-21.
PERMIT_DUE = dt.date(2027, 1, 4)
ZHANG = "1001,张三,研发部,2027-01-20,,是,zhang@example.com"


def test_overdue_repeats_come_every_two_days_then_weekly(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    inbox = season(sink, path, "2027-01-03", "2027-02-10")[HOLDER]
    overdue = [m for m in inbox if "居住证签注（续签）（已逾期" in m.subject]
    said = [int(re.findall(r"已逾期 (\d+) 天", m.subject)[0]) for m in overdue]
    assert said == [2, 4, 6, 13, 20, 27, 34]
    assert gaps(overdue) == [2, 2, 7, 7, 7, 7]
    for mail, n in zip(overdue, said, strict=True):  # each says how late it is, truly
        assert (mail.day - PERMIT_DUE).days == n


def sections(body: str, heading: str) -> list[str]:
    """The lines of the section under `heading` (up to the blank line after it)."""
    if heading not in body:
        return []
    rest = body.split(heading, 1)[1].split("\n\n", 1)[0]
    return [line for line in rest.splitlines()[1:] if line.startswith("- ")]


def test_the_escalation_channel_hears_each_fact_once_and_a_weekly_summary(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    li = "1002,李四,研发部,2027-01-20,工作单位,是,li@example.com"  # infeasible by construction
    notify = 'escalation_summary_day = "wednesday"'
    path = config(tmp_path, port, [ZHANG, li], notify)
    inbox = season(sink, path, "2026-12-14", "2027-02-10")[LEAD]
    news = [line for m in inbox for line in sections(m.body, "需关注（")]
    facts = [line.split("，截止")[0] for line in news]
    assert len(facts) == len(set(facts)), news  # each fact once
    assert sum("李四（1002）：计划不可行" in line for line in news) == 1
    told = next(m.body for m in inbox if "李四（1002）：计划不可行" in m.body)
    assert "可做的：签注窗口 2026-12-21 开放当日即办理签注" in told  # known on day one
    assert inbox[0].day == dt.date(2026, 12, 14)
    assert "- 张三（1001）：居住证签注（续签），截止 2027-01-04（周一），已逾期 2 天" in news
    summaries = [m for m in inbox if "每周汇总：仍未完成的事项" in m.body]
    assert {m.day.weekday() for m in summaries} == {2}  # Wednesdays
    assert gaps(summaries) == [7] * (len(summaries) - 1)
    assert len(summaries) >= 5
    last = sections(summaries[-1].body, "每周汇总")
    assert any("张三（1001）：居住证签注（续签）（已逾期 37 天）" in x for x in last)
    assert not any("：仍未完成：" in x for x in last)  # the heading says it, once
    # no copies: besides the summaries, only the days with news (and Monday's holiday-notice ask)
    newsy = [m for m in inbox if sections(m.body, "需关注（")]
    assert len(newsy) == len({m.day for m in newsy}) <= 6


def test_the_first_contact_stands_in_for_the_next_days_repeat_of_itself(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # First contact on 2026-12-27: the permit step's 7-day reminder (2026-12-28) would repeat
    # it; the 3-day one (2027-01-01) is the next distinct reminder.
    (tmp_path / "a").mkdir()
    path = config(tmp_path / "a", port, [ZHANG])
    inbox = season(sink, path, "2026-12-27", "2027-01-02")[HOLDER]
    assert [(m.day.isoformat(), m.subject) for m in inbox] == [
        ("2026-12-27", "【续签状态】张三：居住证 2027-01-20 到期"),
        ("2027-01-01", "【续签提醒】张三：居住证签注（续签）（还剩 3 天）"),
    ]
    assert "居住证签注（续签）：截止 2027-01-04（周一），还剩 8 天" in inbox[0].body
    # First contact while overdue (2027-01-07, three days late): the next day's overdue repeat
    # would say the same; the 6-day repeat (01-10) does not.
    (tmp_path / "b").mkdir()
    path = config(tmp_path / "b", port, [ZHANG])
    inbox = season(sink, path, "2027-01-07", "2027-01-10")[HOLDER]
    assert [m.day.day for m in inbox] == [7, 10]
    assert "居住证签注（续签）：截止 2027-01-04（周一），已逾期 3 天" in inbox[0].body
    assert "居住证签注（续签）（已逾期 6 天）" in inbox[1].subject


PROGRESS = {  # as HR records it, each on its day
    "2026-12-22": [["1001", "permit"]],
    "2026-12-24": [["1001", "applied"]],
    "2026-12-28": [["1001", "submitted"]],
    "2027-01-08": [["1001", "approved"]],
}


@pytest.mark.parametrize("new_expiry", [None, pytest.param("2028-01-20", marks=pytest.mark.slow)])
def test_a_finished_cycle_is_told_once_then_nothing(
    tmp_path: Path, smtp: tuple[Sink, int], new_expiry: str | None
) -> None:
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    done = dict(PROGRESS)
    collected = ["1001", "collected"]
    done["2027-01-11"] = [collected + (["--new-expiry", new_expiry] if new_expiry else [])]
    box = season(sink, path, "2026-12-14", "2027-03-01", done)
    inbox = box[HOLDER]
    closing = [m for m in inbox if "本年度续办已完成" in m.text]
    assert len(closing) == 1
    assert closing[0].day.isoformat() == "2027-01-11"
    assert closing[0].subject == "【续签完成】张三：本年度续办已完成"
    assert inbox[-1] == closing[0]  # then silence: no expiry day, no overdue, nothing
    hr = [line for m in box.get(HR, []) for line in m.body.splitlines() if "续办已完成" in line]
    if new_expiry:
        assert "新居住证有效期至 2028-01-20" in closing[0].body
        assert hr == []
    else:
        assert "请把新的居住证有效期告知单位人事" in closing[0].body
        assert hr == [
            "- 张三（1001）：本年度续办已完成，尚未登记新的居住证有效期，请向员工确认后登记"
        ]
    lead = "".join(m.body for m in box.get(LEAD, []) if m.day >= closing[0].day)
    assert "张三" not in lead  # nothing open to summarise


def test_a_notice_nobody_confirms_collecting_is_waived_for_good(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    """The approval is recorded and the notice's collection never is: after its day the cycle
    is finished (the notice prints online at any time) and told once, and it stays finished
    when the announcement is a month old: no "已逾期 32 天" about the waived step after it."""
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    inbox = season(sink, path, "2027-01-05", "2027-04-15", PROGRESS)[HOLDER]
    closing = [m for m in inbox if "本年度续办已完成" in m.text]
    assert len(closing) == 1
    assert inbox[-1] == closing[0], [(m.day, m.subject) for m in inbox]


def test_an_overdue_wait_says_it_is_overdue_and_whom_to_ask(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    done = {k: v for k, v in PROGRESS.items() if k < "2027-01-01"}  # no approval comes
    inbox = season(sink, path, "2026-12-14", "2027-02-03", done)[HOLDER]
    expected = dt.date(2027, 1, 7)  # the approval SMS's last expected day, once submitted
    waits = [m for m in inbox if m.day > expected and "积分审批结果" in m.body]
    assert len(waits) >= 3
    for mail in waits:
        late = (mail.day - expected).days
        assert f"- 积分审批结果：已逾期 {late} 天" in mail.body
        assert f"现已逾期 {late} 天仍未到达：请向单位人事（或受理点）查询办理进度" in mail.body
        assert "开始）" not in mail.text
        assert "请提醒人事尽快完成" not in mail.text  # HR submitted: nobody chases it


def test_a_weekly_summary_missed_while_renewd_was_down_goes_out_on_the_next_pass(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG], 'escalation_summary_day = "wednesday"')
    down = {"2027-01-20", "2027-01-21"}  # a Wednesday and the Thursday after it
    inbox = season(sink, path, "2027-01-04", "2027-02-05", down=down)[LEAD]
    summaries = [m.day.isoformat() for m in inbox if "每周汇总：仍未完成的事项" in m.body]
    # 01-06 is the step's first overdue day's news, not a summary; then every Wednesday, and
    # the one renewd missed on its first pass back: once, not again on the days after.
    assert summaries == ["2027-01-13", "2027-01-22", "2027-01-27", "2027-02-03"]


def test_a_summary_day_at_rest_moves_forward_within_its_week_never_into_the_last(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    """With `workdays_only`, a Monday summary whose Monday is a rest day goes out on the week's
    first working day; the Spring Festival week (estimated 2027: 02-05 to 02-14, no working
    day) has none: moved back, it came on Thursday 02-04, three days after Monday's."""
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG], "workdays_only = true\n")
    inbox = season(sink, path, "2027-01-25", "2027-02-23")[LEAD]
    summaries = [m.day.isoformat() for m in inbox if "每周汇总：仍未完成的事项" in m.body]
    # 01-25, the first pass, tells the overdue step as news (a summary would repeat it).
    assert summaries == ["2027-02-01", "2027-02-15", "2027-02-22"]


def test_a_reader_is_not_told_the_same_steps_on_the_next_pass_day(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    wang = "1003,王五,研发部,2027-01-05,,是,wang@example.com"  # the permit step due 12-17 (Thu)
    path = config(tmp_path, port, [wang], "workdays_only = true\n")
    inbox = season(sink, path, "2026-12-14", "2026-12-31")
    holder = [(m.day.isoformat(), m.subject) for m in inbox["wang@example.com"]]
    overdue = [day for day, subject in holder if "居住证签注（续签）（已逾期" in subject]
    # Friday says "1 day overdue" (Saturday's repeat, brought forward); Monday's "4 days"
    # would say the same steps again on the next pass day: the next word is Wednesday's.
    assert overdue[:2] == ["2026-12-18", "2026-12-23"]
    desk = [m.day.isoformat() for m in inbox[HR] if "积分“续办申请”" in m.body]
    # HR: the application opens on Thursday 12-17 and is told then; Friday's reminder (three
    # days before, brought forward from Saturday) would repeat it; Monday's (one day) goes.
    assert desk[:3] == ["2026-12-17", "2026-12-21", "2026-12-22"]


def test_next_year_goes_on_from_an_estimated_expiry_until_the_new_one_is_recorded(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    """Nobody recorded the new expiry after last year's renewal: the holder is not silent for
    good; next year's reminders come on E + 1 year and say it is an estimate, until it is
    recorded."""
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    last_year = [
        ["1001", "permit", "--on", "2026-12-22"],
        ["1001", "approved", "--on", "2027-01-08"],
        ["1001", "collected", "--on", "2027-01-11"],
    ]
    inbox = season(sink, path, "2027-10-25", "2027-11-30", {"2027-10-25": last_year})[HOLDER]
    assert inbox, "silent a year on"
    estimate = "尚未登记新的居住证有效期：到期日 2028-01-20（周四）是按上次到期日加一年估算的"
    assert all(estimate in m.body for m in inbox), [m.body for m in inbox]
    assert all("本年度续办已完成" not in m.text for m in inbox)  # told last year, not again
    new_expiry = ["1001", "collected", "--on", "2027-01-11", "--new-expiry", "2028-01-18"]
    recorded = {"2027-12-01": [new_expiry]}
    later = season(sink, path, "2027-12-01", "2027-12-31", recorded)[HOLDER]
    assert later
    assert all(estimate not in m.body for m in later)


def test_a_cycle_finished_after_its_expiry_asks_hr_for_the_new_one_once(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    """Approved after the expiry passed: the next cycle's expiry is an estimate by the time the
    cycle is told finished. HR's line asks for the new expiry; the digest's note on estimates
    does not ask again in the same message."""
    sink, port = smtp
    path = config(tmp_path, port, ["1001,张三,研发部,2026-12-20,,是,zhang@example.com"])
    done = {
        "2026-12-16": [["1001", "submitted", "--on", "2026-12-15"]],
        "2026-12-24": [["1001", "approved", "--on", "2026-12-23"]],
    }
    hr = season(sink, path, "2026-12-14", "2027-01-15", done)[HR]
    said = [m.body for m in hr if "本年度续办已完成，尚未登记新的居住证有效期" in m.body]
    assert len(said) == 1, [m.body for m in hr]
    assert "加一年估算" not in said[0]


def test_hr_is_told_an_expiry_is_estimated_and_where_the_new_one_goes(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    """HR keeps the roster: its digests of a person whose new expiry nobody recorded say the
    dates rest on an estimate, and where the new expiry goes."""
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    last_year = [
        ["1001", "permit", "--on", "2026-12-22"],
        ["1001", "approved", "--on", "2027-01-08"],
        ["1001", "collected", "--on", "2027-01-11"],
    ]
    hr = season(sink, path, "2027-12-01", "2028-02-15", {"2027-12-01": last_year})[HR]
    digests = [m for m in hr if "张三（1001）" in m.body]
    assert digests, [m.body for m in hr]
    asked = "张三（1001）：尚未登记新的居住证有效期，到期日是按上次到期日加一年估算的"
    assert all(asked in m.body and "居住证到期日一栏" in m.body for m in digests), digests
