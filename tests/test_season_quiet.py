"""A quieter season, read from the inboxes of a real SMTP server after daily `renewd notify
--due` passes: a person's overdue steps of one owner come together every other day in the first
overdue week (not on alternate days), a step is not heard on two consecutive pass days with
nothing new to say (brought forward by a corrected expiry), and a lead that falls just before a
step's window opens comes on the opening day with the window's own reminder, in one message."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from netkit import Sink
from seasonkit import HOLDER, HR, LEAD, Mail, config, season

pytestmark = pytest.mark.integration

HEADER = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱,证件类型,语言\n"
JOHN = "john@example.com"


def documents(folder: Path, port: int, rows: list[str], notify: str = "") -> Path:
    path = config(folder, port, [], notify)
    (folder / "people.csv").write_text(HEADER + "".join(r + "\n" for r in rows), "utf-8")
    return path


def lines(mail: Mail, who: str, *words: str) -> list[str]:
    return [
        x for x in mail.body.splitlines() if x.startswith(f"- {who}") and all(w in x for w in words)
    ]


def test_a_persons_overdue_steps_come_together_every_other_day_in_the_first_week(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # HR never acts. John's work-permit filing is due 01-20 and his residence permit's
    # employer letter 01-21, both HR's: from the filing's first overdue repeat on, HR hears
    # both in one digest every other day (not one a day, alternating), then once a week.
    rows = [
        f"2001,John Smith,研发部,2027-04-20,,,{JOHN},foreign-work-permit,en",
        f"2001,John Smith,研发部,2027-02-27,,,{JOHN},foreign-residence-permit,en",
    ]
    path = documents(tmp_path, port, rows)
    inbox = season(sink, path, "2027-01-15", "2027-02-12")
    filing, letter = "申报工作许可延期，截止 2027-01-20", "出具居留延期单位函件，截止 2027-01-21"
    overdue = [m for m in inbox[HR] if lines(m, "John Smith（2001）", "已逾期")]
    days = [m.day.isoformat() for m in overdue]
    assert days[:5] == ["2027-01-22", "2027-01-24", "2027-01-26", "2027-02-02", "2027-02-09"]
    for mail in overdue:  # each says both steps, each how late it truly is
        for step, due in ((filing, dt.date(2027, 1, 20)), (letter, dt.date(2027, 1, 21))):
            late = (mail.day - due).days
            assert lines(mail, "John Smith（2001）", step, f"已逾期 {late} 天"), mail.body
    # The escalation still hears each step fall overdue, once.
    news = [x for m in inbox[LEAD] for x in lines(m, "John Smith（2001）", "截止")]
    assert sum(filing in x for x in news) == 1
    assert sum(letter in x for x in news) == 1


def test_a_step_brought_forward_is_not_heard_again_the_next_day(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # 张三's 续办申请 is HR's, due 01-07 (expiry 01-20): HR hears "3 days left" on 01-04. On
    # 01-05 HR corrects the expiry to 01-19: it is due 01-06, and its "1 day left" on the new
    # date would tell HR the same step again, beside 李四's expiry day in the same digest. The
    # digest says 李四's; 张三's step is told on its (new) due day.
    li = "1002,李四,研发部,2027-01-05,,是,li@example.com"
    path = config(tmp_path, port, ["1001,张三,研发部,2027-01-20,,是,zhang@example.com", li])
    first = season(sink, path, "2026-12-28", "2027-01-04")[HR]
    rows = ["1001,张三,研发部,2027-01-19,,是,zhang@example.com", li]
    path = config(tmp_path, port, rows)
    then = season(sink, path, "2027-01-05", "2027-01-08")[HR]
    assert lines(first[-1], "张三（1001）", "积分“续办申请”，截止 2027-01-07", "还剩 3 天")
    by_day = {m.day.isoformat(): m for m in then}
    assert lines(by_day["2027-01-05"], "李四（1002）", "居住证及积分到期", "就是今天")
    assert not lines(by_day["2027-01-05"], "张三（1001）")
    assert lines(by_day["2027-01-06"], "张三（1001）", "截止 2027-01-06", "今天截止")


def test_a_lead_just_before_a_window_opens_comes_with_the_opening(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # The sample roster's John: the work-permit extension can be filed from 12-20 (90 days
    # before 2027-03-20); its 30-day lead falls on 12-19. HR hears it on 12-20 with "filing
    # opens", in one digest, not "30 days left" and then "filing opens" the next day.
    rows = [
        f"1009,John Smith,研发部,2027-03-20,,,{JOHN},工作许可,en",
        f"1009,John Smith,研发部,2027-03-28,,,{JOHN},居留许可,en",
    ]
    path = documents(tmp_path, port, rows)
    hr = season(sink, path, "2026-12-14", "2026-12-31")[HR]
    john = [m for m in hr if lines(m, "John Smith（1009）", "外国人工作许可证")]
    assert [m.day.isoformat() for m in john][:2] == ["2026-12-14", "2026-12-20"]
    opening = john[1]
    assert lines(opening, "John Smith（1009）", "工作许可延期申报开放", "就是今天")
    assert lines(opening, "John Smith（1009）", "申报工作许可延期，截止 2027-01-18", "还剩 29 天")
    # The points' permit step likewise: its 14-day lead (12-15) comes with the window (12-16).
    (tmp_path / "b").mkdir()
    path = config(tmp_path / "b", port, ["1001,张三,研发部,2027-01-15,,是,zhang@example.com"])
    holder = season(sink, path, "2026-12-14", "2026-12-18")[HOLDER]
    assert [m.day.isoformat() for m in holder] == ["2026-12-14", "2026-12-16"]
    assert "居住证可以开始签注" in holder[1].body
    assert "居住证签注（续签）：截止 2026-12-29（周二），还剩 13 天" in holder[1].body
    for a, b in itertools.pairwise(holder):
        assert (b.day - a.day).days > 1


def test_a_readers_weekly_repeats_of_one_person_come_on_one_day_whoever_owns_them(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # 张三 has no address: HR forwards his own permit step (due 01-04) beside its own 续办申请
    # (due 01-07). Both are HR's to read, so their weekly repeats come in one digest a week
    # (not the holder's on one weekday and HR's on another), each step still listed.
    path = config(tmp_path, port, ["1001,张三,研发部,2027-01-20,,是,"])
    hr = season(sink, path, "2026-12-28", "2027-02-28")[HR]
    weekly = [m for m in hr if m.day.isoformat() >= "2027-01-21" and "张三" in m.body]
    weekly = [m for m in weekly if "已逾期" in m.body]
    assert len(weekly) == 6
    assert {(b.day - a.day).days for a, b in itertools.pairwise(weekly)} == {7}
    for mail in weekly:
        assert "居住证签注（续签）（已逾期" in mail.body  # the forwarded message
        assert lines(mail, "张三（1001）", "积分“续办申请”", "已逾期")


def test_a_readers_leads_of_one_person_due_a_day_apart_come_together(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # John's work-permit filing is due 01-20 and his residence permit's employer letter 01-21,
    # both HR's. The filing's 3-day lead (01-17) brings the letter's (01-18) with it, each with
    # its own countdown: HR hears nothing of John on 01-18. The due days and the first overdue
    # day are still heard on their day, and the letter's lead is not said twice.
    rows = [
        f"2001,John Smith,研发部,2027-04-20,,,{JOHN},foreign-work-permit,en",
        f"2001,John Smith,研发部,2027-02-27,,,{JOHN},foreign-residence-permit,en",
    ]
    path = documents(tmp_path, port, rows)
    inbox = season(sink, path, "2027-01-15", "2027-01-22")
    john = {m.day.isoformat(): m for m in inbox[HR] if lines(m, "John Smith（2001）")}
    assert sorted(john) == ["2027-01-15", "2027-01-17", "2027-01-20", "2027-01-21", "2027-01-22"]
    filing, letter = "申报工作许可延期，截止 2027-01-20", "出具居留延期单位函件，截止 2027-01-21"
    assert lines(john["2027-01-17"], "John Smith（2001）", filing, "还剩 3 天")
    assert lines(john["2027-01-17"], "John Smith（2001）", letter, "还剩 4 天")
    assert lines(john["2027-01-20"], "John Smith（2001）", filing, "今天截止")
    assert lines(john["2027-01-20"], "John Smith（2001）", letter, "还剩 1 天")
    assert lines(john["2027-01-21"], "John Smith（2001）", letter, "今天截止")
    assert lines(john["2027-01-22"], "John Smith（2001）", filing, "已逾期 2 天")
    said = [x for m in inbox[HR] for x in lines(m, "John Smith（2001）", letter, "还剩")]
    assert len(said) == len(set(said)) == 3  # 6, 4 and 1 days left: each lead once


def test_leads_come_together_over_a_weekend_under_workdays_only(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # The same two steps under workdays_only: the filing's 3-day lead (Sunday 01-17) comes on
    # Friday 01-15, and the letter's (Monday 01-18, the next pass day) with it: HR hears John
    # on Friday and not again on Monday, nor on Thursday 01-14 for the letter's 7-day lead.
    rows = [
        f"2001,John Smith,研发部,2027-04-20,,,{JOHN},foreign-work-permit,en",
        f"2001,John Smith,研发部,2027-02-27,,,{JOHN},foreign-residence-permit,en",
    ]
    path = documents(tmp_path, port, rows, "workdays_only = true\n")
    inbox = season(sink, path, "2027-01-11", "2027-01-21")
    john = {m.day.isoformat(): m for m in inbox[HR] if lines(m, "John Smith（2001）")}
    assert sorted(john) == ["2027-01-11", "2027-01-13", "2027-01-15", "2027-01-20", "2027-01-21"]
    letter = "出具居留延期单位函件，截止 2027-01-21"
    assert lines(john["2027-01-13"], "John Smith（2001）", letter, "还剩 8 天")
    assert lines(john["2027-01-15"], "John Smith（2001）", letter, "还剩 6 天")
    assert lines(john["2027-01-15"], "John Smith（2001）", "截止 2027-01-20", "还剩 5 天")


def test_a_permit_only_holders_prepare_day_rides_with_his_renewals_lead_the_day_before(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # Without points the renewal is due on the expiry's last working day (02-19): its 60-day
    # lead falls on 12-21, the prepare day (the expiry less 60 days) on 12-22. One message, on
    # 12-21, says both, the prepare day with its own date; nothing of it on 12-22.
    path = config(tmp_path, port, [f"1001,张三,研发部,2027-02-20,,否,{HOLDER}"])
    inbox = season(sink, path, "2026-12-19", "2026-12-28")
    mails = [m for m in inbox[HOLDER] if m.day.isoformat() >= "2026-12-20"]
    assert [m.day.isoformat() for m in mails] == ["2026-12-21"]
    assert "准备续办材料：日期 2026-12-22（周二），1 天后" in mails[0].body
    assert "居住证签注（续签）：截止 2027-02-19（周五），还剩 60 天" in mails[0].body
