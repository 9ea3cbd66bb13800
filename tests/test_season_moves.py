"""A step whose due day moves because an earlier step was recorded late is reminded on its new
dates, read from a real SMTP server's inboxes after daily `renewd notify --due` passes: the
points' 续办申请 once the permit renewal is recorded after its date, and a work-permit holder's
signature once the decision is recorded late. What was sent for the old date is not said again
for it, and each new date's reminder goes out once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from netkit import Sink
from seasonkit import HR, LEAD, config, season

pytestmark = pytest.mark.integration

WORK = "foreign-work-permit"
JOHN = "john@example.com"


def test_a_points_step_moved_by_a_late_record_is_reminded_on_its_new_due_day(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # Permit expiry 2027-01-20: the permit step is due 01-04, 续办申请 01-07. The endorsement
    # is recorded on 01-12 (done 01-11): 续办申请 is due 01-14 instead.
    path = config(tmp_path, port, ["1001,张三,研发部,2027-01-20,,是,zhang@example.com"])
    done = {"2027-01-12": [["1001", "permit", "--on", "2027-01-11"]]}
    inboxes = season(sink, path, "2026-12-28", "2027-01-24", done)
    inbox = inboxes[HR]
    lines = [(m.day.isoformat(), line) for m in inbox for line in m.body.splitlines()]
    apply = [(day, line) for day, line in lines if "积分“续办申请”，截止" in line]
    old = [day for day, line in apply if "截止 2027-01-07（周四）" in line]
    new = [day for day, line in apply if "截止 2027-01-14（周四）" in line]
    assert old[:4] == ["2027-01-04", "2027-01-06", "2027-01-07", "2027-01-09"]
    assert all(day < "2027-01-12" for day in old)  # the old date is not said again
    assert new[0] == "2027-01-14"  # its new due day: "today", once
    assert sum("截止 2027-01-14（周四），今天截止" in line for _, line in apply) == 1
    assert len(new) == len(set(new))  # once a day at most
    assert all(day >= "2027-01-14" for day in new)
    # The escalation heard it fall overdue once: under its old date.
    news = [x for m in inboxes[LEAD] for x in m.body.splitlines() if "积分“续办申请”，截止" in x]
    assert len(news) == 1
    assert "截止 2027-01-07" in news[0]
    # The state records the due date each step reminder was issued for.
    conn = sqlite3.connect(tmp_path / "state" / "renewd.sqlite3")
    try:
        dues = set(conn.execute("SELECT due FROM reminder WHERE kind = 'points_application'"))
    finally:
        conn.close()
    assert dues == {("2027-01-07",), ("2027-01-14",)}


def test_a_document_step_moved_by_a_late_record_is_reminded_on_its_new_due_day(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # Work permit expiring 2027-04-20, filed 02-01: the decision is expected 03-09 and the
    # holder signs by 03-12. The decision comes (is recorded) on 03-15: he signs by 03-18.
    header = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱,证件类型,语言\n"
    path = config(tmp_path, port, [], "workdays_only = true")
    row = f"2001,John Smith,研发部,2027-04-20,,,{JOHN},{WORK},en\n"
    (tmp_path / "people.csv").write_text(header + row, "utf-8")
    step = ["2001", "--document", WORK, "--on"]
    done = {
        "2027-02-01": [[*step[:1], "extension_filing", *step[1:], "2027-02-01"]],
        "2027-03-15": [[*step[:1], "permit_processing", *step[1:], "2027-03-15"]],
    }
    john = season(sink, path, "2027-02-01", "2027-03-26", done)[JOHN]
    said = [(m.day.isoformat(), m.subject.split(": ", 1)[1]) for m in john[1:]]
    assert said[:4] == [
        ("2027-03-09", "Decision (today), Holder signs (3 days left)"),
        ("2027-03-11", "Holder signs (1 day left)"),
        ("2027-03-12", "Holder signs (due today)"),
        # The decision recorded: the signature's new dates, each once.
        ("2027-03-15", "Holder signs (3 days left)"),
    ]
    assert ("2027-03-18", "Holder signs (due today)") in said
    assert sum(s == "Holder signs (due today)" for _, s in said) == 2  # old day, new day
    assert next(d for d, s in said if "overdue" in s) == "2027-03-19"
    assert len({d for d, _ in said}) == len(said)


def overdue_lines(body: str, who: str) -> list[str]:
    return [x for x in body.splitlines() if x.startswith(f"- {who}") and "已逾期" in x]


def test_a_readers_weekly_overdue_repeats_come_together_in_one_message(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # HR never acts. 张三's 续办申请 (due 01-07) and submission (due 01-11) are overdue, and
    # so are John's work-permit filing and residence-permit letter, both HR's: each weekly
    # repeat of one of them brings the other's, on one day a week, each step still listed.
    header = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱,证件类型,语言\n"
    rows = (
        f"2001,John Smith,研发部,2027-04-20,,,{JOHN},{WORK},en",
        f"2001,John Smith,研发部,2027-04-02,,,{JOHN},foreign-residence-permit,en",
        "1001,张三,研发部,2027-01-20,,是,zhang@example.com,,",
    )
    path = config(tmp_path, port, [], "workdays_only = true")
    (tmp_path / "people.csv").write_text(header + "".join(r + "\n" for r in rows), "utf-8")
    done = {"2027-01-04": [["1001", "permit", "--on", "2027-01-04"]]}
    inbox = season(sink, path, "2027-01-04", "2027-03-18", done)[HR]
    late = [m for m in inbox if m.day.isoformat() >= "2027-02-24"]  # all weekly by then
    zhang = [overdue_lines(m.body, "张三（1001）") for m in late]
    zhang_days = [m.day for m, lines in zip(late, zhang, strict=True) if lines]
    assert all(len(lines) == 2 for lines in zhang if lines)  # both steps, each listed
    assert {day.weekday() for day in zhang_days} == {2}  # one day a week: Wednesdays
    assert len(zhang_days) == 4
    # John's filing (weekly, on Wednesdays from 03-03) and letter (due 02-24), until the
    # filing's cut-off: the letter's last every-other-day repeat (Tuesday 03-02) brings the
    # filing's of the next day, and from then on both come on Tuesdays.
    john = [
        (m.day, overdue_lines(m.body, "John Smith（2001）"))
        for m in late
        if "2027-03-02" <= m.day.isoformat() <= "2027-03-17"
    ]
    said = [(day, lines) for day, lines in john if lines]
    assert all(len(lines) == 2 for _, lines in said)  # not Tuesdays one, Wednesdays the other
    assert [day.weekday() for day, _ in said] == [1, 1, 1]
