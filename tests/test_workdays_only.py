"""Issue 17 item 3: `workdays_only` holds everywhere (docs/design.md §8).

No reminder, digest or escalation on a rest day: what would fall on one goes out the working day
before (an overdue repeat that would land on or before its due date: the working day after), and
what comes due on a rest day otherwise waits for the next working day. Sixty days of daily passes
across Spring Festival 2027, on a year table with rest days 2027-02-06..2027-02-13 and make-up
working days on Sunday 2027-02-14 and Saturday 2027-02-20."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Recorder, at, person, settings
from netkit import Sink
from renewd.cli import main
from renewd.core.errors import Problem
from renewd.core.model import Person
from renewd.core.plan import Planner
from renewd.core.policy import CalendarOptions, Policy, YearTable
from renewd.core.reminders import MilestoneReminder, ReminderKey
from renewd.core.schedule import (
    LeadRules,
    PassHistory,
    due_reminders,
    fire_dates,
    overdue_send_day,
    rest_day,
)
from renewd.core.workdays import WorkdayCalendar
from renewd.delivery.passes import Delivery, PassReport, workday_move
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.records import RosterRecords

D = dt.date.fromisoformat
OFF = ["2027-01-01", "2027-02-06..2027-02-13"]
ON = ["2027-02-14", "2027-02-20"]
FESTIVAL = [D("2027-02-06") + dt.timedelta(days=i) for i in range(8)]
START = D("2027-01-18")
DAYS = [START + dt.timedelta(days=i) for i in range(60)]
RULES = LeadRules()
# Permit expiries whose leads, overdue repeats and heads-ups fall in the festival: due on 02-15
# (leads 7, 3 and 1 on rest or make-up days), overdue from 01-25 (repeats every other day),
# due on 02-05 just before the festival (repeats on rest days up to the due date), and one with
# points, whose chain runs through it.
PEOPLE = [
    person("P1", permit_expires=D("2027-02-15"), has_points=False),
    person("P2", permit_expires=D("2027-01-25"), has_points=False),
    person("P3", permit_expires=D("2027-02-09"), has_points=False),
    person("P4", permit_expires=D("2027-03-10")),
]


@pytest.fixture(scope="module")
def festival() -> WorkdayCalendar:
    table = YearTable.from_ranges(OFF, ON, complete=True, source="test")
    return WorkdayCalendar.from_options(CalendarOptions(years={2027: table}))


def simulate(
    planner: Planner, people: list[Person], move: Callable[[dt.date], dt.date] | None
) -> list[tuple[dt.date, MilestoneReminder]]:
    """Daily passes, as `Delivery.run_pass` makes them: nothing issued on a rest day."""
    issued: set[ReminderKey] = set()
    ran: set[dt.date] = set()
    out: list[tuple[dt.date, MilestoneReminder]] = []
    for day in DAYS:
        if not rest_day(day, move):
            plans = [planner.plan(p, day) for p in people]
            history = PassHistory(frozenset(ran))
            for r in due_reminders(plans, day, RULES, issued, move, history=history):
                issued.add(r.key)
                if isinstance(r, MilestoneReminder):
                    out.append((day, r))
        ran.add(day)
    return out


def test_sixty_days_across_spring_festival_send_nothing_on_a_rest_day_and_lose_nothing(
    festival: WorkdayCalendar,
) -> None:
    planner = Planner(Policy(), festival)

    def move(day: dt.date) -> dt.date:
        return festival.last_workday(day).date

    plain = simulate(planner, PEOPLE, None)
    held = simulate(planner, PEOPLE, move)
    assert any(day in FESTIVAL for day, _ in plain)  # the festival matters without the setting
    assert all(festival.is_workday(day) for day, _ in held)
    assert not any(r.late for _, r in held)
    sent = {(r.plan.person.id, r.kind, day) for day, r in held}
    for day, r in plain:  # each goes out the working day before (an overdue one: after due)
        when = overdue_send_day(day, r.due, move) if r.overdue else move(day)
        assert (r.plan.person.id, r.kind, when) in sent, (day, r.key)
    assert {D("2027-02-14"), D("2027-02-20")} <= {day for day, _ in held}  # make-up days send
    assert D("2027-02-05") in {day for day, _ in held}  # the working day before the festival


def test_an_overdue_repeat_on_a_rest_day_is_brought_forward(festival: WorkdayCalendar) -> None:
    # P2's permit step was due 2027-01-25; the repeat of Saturday 01-30 belongs to Friday 01-29.
    plan = Planner(Policy(), festival).plan(PEOPLE[1], D("2027-01-29"))
    permit = plan.milestones[2]

    def move(day: dt.date) -> dt.date:
        return festival.last_workday(day).date

    fired = list(fire_dates(permit, plan.cycle, RULES, "P2", D("2027-01-29"), move))
    leads = {lead: day for day, lead in fired}
    assert leads[-6] == D("2027-01-29")  # 01-31, a Sunday
    assert max(day for day, _ in fired) == D("2027-01-29")


def test_a_rest_day_sends_retries_but_holds_new_mail_and_roster_notes(
    db: Database, festival: WorkdayCalendar
) -> None:
    planner = Planner(Policy(), festival)
    RosterRecords(db)  # the roster notes' table, as the daemon and `notify --due` have it
    rec, hr = Recorder("rec", fail=1), Recorder("hr", personal=False)
    conf = settings(
        channels=[{"name": "rec", "type": "console"}, {"name": "hr", "type": "console"}],
        groups={"研发部": {"channels": ["hr"]}},
        notify={"workdays_only": True, "retry_after_seconds": [0]},
    )
    delivery = Delivery(db, conf, {"rec": rec, "hr": hr}, move=workday_move(conf, festival))
    people = [PEOPLE[0]]  # leads 7 and 3 fall in the festival: both belong to Friday 02-05
    notes = {"研发部": [Problem("people.csv", "no such day", row=3)]}

    def run(day: str, hour: int = 9) -> PassReport:
        today = D(day)
        plans = planner.plan_all(people, today)
        return delivery.run_pass(plans, today, at(today, hour), notices=notes)

    friday = run("2027-02-05")
    assert friday.issued
    assert len(friday.failed) == 1
    hr_before = len(hr.sent)
    saturday = run("2027-02-06", hour=10)
    assert saturday.issued == 0
    assert [o.attempts for o in saturday.sent] == [2]  # the retry is not held back
    assert len(hr.sent) == hr_before
    notes["研发部"].append(Problem("people.csv", "no such day", row=4))  # a new problem
    for day in ("2027-02-07", "2027-02-10", "2027-02-13"):
        report = run(day)
        assert (report.issued, report.sent) == (0, []), day
    assert len(hr.sent) == hr_before  # the new roster problem waits for a working day
    sunday = run("2027-02-14")  # a make-up working day
    assert len(hr.sent) > hr_before
    assert D("2027-02-06") in DeliveryLog(db).pass_days()  # it ran: never "not running"
    assert sunday.issued
    assert sunday.late == 0


# -- the same through `renewd notify --due` and a real SMTP server ----------------------------


@pytest.fixture
def config(tmp_path: Path, smtp: tuple[Sink, int]) -> Path:
    _, port = smtp
    keys = f'host = "127.0.0.1"\nport = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
    path = tmp_path / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[notify]\nworkdays_only = true\nescalate_to = ["boss"]\n'
        f"[calendar.years.2027]\ncomplete = true\noff = {OFF}\non = {ON}\n".replace("'", '"')
        + f'[[channels]]\nname = "mail"\ntype = "email"\n{keys}'
        f'[[channels]]\nname = "hr"\ntype = "email"\nto = ["hr-rd@example.com"]\n{keys}'
        f'[[channels]]\nname = "boss"\ntype = "email"\nto = ["boss@example.com"]\n{keys}'
        '[groups."研发部"]\nchannels = ["hr"]\n',
        encoding="utf-8",
    )
    rows = "".join(
        f"{p.id},{p.name},研发部,{p.permit_expires},{p.id.lower()}@example.com,"
        f"{'是' if p.has_points else '否'}\n"
        for p in PEOPLE
    )
    (tmp_path / "people.csv").write_text("工号,姓名,部门,居住证到期日,邮箱,积分\n" + rows)
    return path


def test_notify_due_sends_nothing_on_a_rest_day_across_spring_festival(
    config: Path, smtp: tuple[Sink, int], festival: WorkdayCalendar
) -> None:
    sink, _ = smtp
    by_day: dict[dt.date, list[str]] = {}
    boss: list[tuple[dt.date, str]] = []
    for day in DAYS:
        before = len(sink.messages)
        assert main(["notify", "-c", str(config), "--due", "--today", day.isoformat()]) == 0
        for _, rcpts, raw in sink.messages[before:]:
            subject = email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
            by_day.setdefault(day, []).extend(f"{to}: {subject}" for to in rcpts)
            if any(to.startswith("boss@") for to in rcpts):
                body = email.message_from_bytes(raw, policy=email.policy.default).get_body()
                boss.append((day, body.get_content() if body else ""))
    assert by_day  # the people are reminded
    assert [day for day in by_day if not festival.is_workday(day)] == []
    assert {D("2027-02-05"), D("2027-02-14"), D("2027-02-20")} <= set(by_day)
    summaries = [day for day, body in boss if "每周汇总" in body]
    # The festival week's Monday summary is not brought forward (Monday 02-01's came days
    # before) nor sent on its make-up Sunday 02-14 (Monday 02-15's comes the day after).
    assert summaries[:3] == [D("2027-02-01"), D("2027-02-15"), D("2027-02-22")]
    assert any(line.startswith("p1@") for line in by_day[D("2027-02-05")])  # leads 7 and 3
