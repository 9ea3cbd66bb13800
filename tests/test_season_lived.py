"""A season as an HR department lives it, on a real SMTP server: daily passes from 2026-12-07 to
2027-02-26 with `workdays_only`, progress recorded out of order and late by HR, a permit endorsed
after its expiry, an employee without email; then every inbox read in order against what a
reader may expect of it (issue 17)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import seasonkit as sk
from netkit import Sink
from renewd.core.policy import CalendarOptions
from renewd.core.workdays import WorkdayCalendar

pytestmark = pytest.mark.integration

ROWS = [
    "1001,张三,研发部,2027-01-20,,是,zhang@example.com",
    "1002,李四,研发部,2027-02-10,单位,是,li@example.com",
    "1003,王五,研发部,2027-01-05,,是,wang@example.com",
    "1004,赵六,研发部,2027-02-25,,是,",
]
DONE = {
    # HR records 续办申请 first: the permit renewal was never recorded, and is implied.
    "2026-12-28": [["1001", "applied", "--on", "2026-12-28"]],
    "2027-01-04": [["1001", "submitted", "--on", "2027-01-04"]],
    "2027-01-12": [["1001", "approved", "--on", "2027-01-12", "--new-expiry", "2028-01-20"]],
    "2027-01-15": [["1003", "permit", "--on", "2027-01-14"]],  # late: after the expiry
}


def test_a_season_reads_right_for_every_reader(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    path = sk.config(tmp_path, port, ROWS, "workdays_only = true\n")
    inbox = sk.season(sink, path, "2026-12-07", "2027-02-26", DONE)
    calendar = WorkdayCalendar.from_options(CalendarOptions())
    for reader, mails in inbox.items():
        days = [m.day for m in mails]
        assert all(calendar.is_workday(day) for day in days), reader  # workdays_only holds
        assert len(days) == len(set(days)), reader  # one message per reader per pass
        for a, b in itertools.pairwise(mails):  # nothing said twice in a row
            assert a.body != b.body, (reader, a.day, b.day)
    zhang = inbox["zhang@example.com"]
    after = [m for m in zhang if m.day.isoformat() >= "2026-12-28"]
    assert after  # he still hears of his own last step
    assert not any("居住证签注" in m.subject for m in after)  # implied by HR's record
    assert sum("本年度续办已完成" in m.text for m in zhang) == 1  # a finished cycle, told once
    wang = inbox["wang@example.com"]
    lapsed = [m for m in wang if "2027-01-06" <= m.day.isoformat() <= "2027-01-14"]
    assert lapsed
    assert all("最迟于 2027-03-06（含当日）补办签注" in m.text for m in lapsed)
    assert not [m for m in wang if m.day.isoformat() > "2027-01-15"]  # endorsed: done with him
    lead = inbox[sk.LEAD]
    assert len(lead) < 30  # news and weekly summaries over 82 days, not a daily copy
    assert all("renewd" not in m.text for m in (*zhang, *wang, *inbox["li@example.com"]))
