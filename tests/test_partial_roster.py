"""A bad row holds back only its own person; an unreadable file keeps its last good version;
both survive a restart (the last good records live in the state database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import EXPIRES, PERMIT_DUE, Recorder, at, load_keeping, settings
from renewd.core.errors import RosterError
from renewd.core.model import MilestoneKind
from renewd.core.plan import Planner
from renewd.delivery.passes import Delivery
from renewd.roster.assemble import PartialRoster, read_partial
from renewd.store.database import Database
from renewd.store.records import RosterRecords

HEADER = "工号,姓名,部门,居住证到期日,邮箱"
GROUPS = ("市场部", "研发部")


def rows(n: int, start: int = 1) -> list[str]:
    return [
        f"E{i:04},员工{i},{GROUPS[i % 2]},2027-{1 + i % 12:02}-15,e{i}@example.com"
        for i in range(start, start + n)
    ]


def write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def load(paths: list[Path], state: Path) -> PartialRoster:
    """What the daemon does on each load: read, stand in last good records, save the good."""
    db = Database.in_dir(state)
    try:
        return load_keeping(paths, db)
    finally:
        db.close()


def test_one_bad_row_among_500_holds_back_only_its_own_person(tmp_path: Path) -> None:
    state, people = tmp_path / "state", tmp_path / "people.csv"
    good = rows(500)
    write(people, good)
    assert len(load([people], state).people) == 500
    # E0250 gets a typo in his date, and a new person E0900 arrives with one too.
    edited = list(good)
    edited[249] = "E0250,员工250,研发部,2027-13-45,e250@example.com"
    write(people, [*edited, "E0900,新人,研发部,not a date,new@example.com"])
    roster = load([people], state)
    ids = [p.id for p in roster.people]
    assert len(ids) == 500  # E0900 left out, everyone else (E0250 from his record) in
    assert "E0900" not in ids
    kept = roster.roster.by_id()["E0250"]
    assert kept.permit_expires == dt.date(2027, 1 + 250 % 12, 15)  # his last good record
    assert roster.kept == ("E0250",)
    assert roster.left_out == 1
    locations = sorted(p.location for p in roster.problems)
    assert locations == [
        f"{people}, row 251, field '居住证到期日'",
        f"{people}, row 502, field '居住证到期日'",
    ]
    # Both problems are in the digest of the group the row belongs to.
    assert [p.row for p in roster.by_group["研发部"]] == [251, 502]
    assert "市场部" not in roster.by_group


def test_a_restart_keeps_the_last_good_record(tmp_path: Path) -> None:
    state, people = tmp_path / "state", tmp_path / "people.csv"
    write(people, rows(10))
    load([people], state)
    write(people, [*rows(9), "E0010,员工10,研发部,,e10@example.com"])  # date emptied
    load([people], state)
    again = load([people], state)  # a second start reads the same broken file
    assert [p.id for p in again.people] == [f"E{i:04}" for i in range(1, 11)]
    assert again.roster.by_id()["E0010"].permit_expires == dt.date(2027, 11, 15)
    # Fixed: the new value loads and becomes the record.
    write(people, [*rows(9), "E0010,员工10,研发部,2027-05-01,e10@example.com"])
    fixed = load([people], state)
    assert fixed.roster.by_id()["E0010"].permit_expires == dt.date(2027, 5, 1)
    assert not fixed.problems
    assert not fixed.kept


def test_first_start_with_a_bad_row_loads_everyone_else(tmp_path: Path) -> None:
    people = write(tmp_path / "people.csv", [*rows(3), "E0004,四,研发部,2027-02-30,"])
    roster = load([people], tmp_path / "state")
    assert [p.id for p in roster.people] == ["E0001", "E0002", "E0003"]
    assert roster.left_out == 1
    assert len(roster.problems) == 1


@pytest.mark.parametrize(
    "breakage",
    ["deleted", "header only", "required column gone", "undecodable"],
)
def test_an_unreadable_file_keeps_its_last_good_version(tmp_path: Path, breakage: str) -> None:
    state = tmp_path / "state"
    rd = write(tmp_path / "rd.csv", rows(5))
    sales = write(tmp_path / "sales.csv", rows(5, start=100))
    load([rd, sales], state)
    if breakage == "deleted":
        rd.unlink()
    elif breakage == "header only":
        write(rd, [])
    elif breakage == "required column gone":
        write(rd, [r.rsplit(",", 2)[0] for r in rows(5)], header="工号,姓名,部门")
    else:
        rd.write_bytes(b"\xff\xfe\x00\xd8" * 3)  # a UTF-16 mark, then an unpaired surrogate
    # sales.csv changes at the same time: its new version loads.
    write(sales, rows(6, start=100))
    roster = load([rd, sales], state)
    assert roster.stale_files == (str(rd),)
    assert [p.id for p in roster.people] == [
        *(f"E{i:04}" for i in range(1, 6)),
        *(f"E{i:04}" for i in range(100, 106)),
    ]
    assert roster.problems
    assert all(p.file == str(rd) for p in roster.problems)
    # HR of every group the file held hears of it.
    assert set(roster.by_group) == {"研发部", "市场部"}


def test_a_person_removed_from_the_file_loses_his_record(tmp_path: Path) -> None:
    state, people = tmp_path / "state", tmp_path / "people.csv"
    write(people, rows(3))
    load([people], state)
    write(people, rows(2))
    load([people], state)
    write(people, [*rows(2), "E0003,员工3,研发部,bad,"])  # back, with a bad row: no record
    roster = load([people], state)
    assert [p.id for p in roster.people] == ["E0001", "E0002"]
    assert roster.left_out == 1


def test_no_roster_at_all_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as caught:
        load([tmp_path / "missing.csv"], tmp_path / "state")
    assert "no valid roster" in caught.value.message
    assert str(tmp_path / "missing.csv") in str(caught.value.problems[0])


def test_an_unchanged_reload_writes_nothing(tmp_path: Path) -> None:
    people = write(tmp_path / "people.csv", rows(50))
    db = Database.in_dir(tmp_path / "state")
    try:
        records = RosterRecords(db)
        assert records.save(read_partial([people], records).save) == 50
        assert records.save(read_partial([people], records).save) == 0
    finally:
        db.close()


def test_with_one_bad_row_everyone_gets_reminders_the_bad_row_from_his_last_record(
    tmp_path: Path, planner: Planner
) -> None:
    """Through a delivery pass: 50 people due a reminder; one row breaks after a good load."""
    expires = EXPIRES.isoformat()
    lines = [f"E{i:04},员工{i},研发部,{expires},e{i}@example.com" for i in range(50)]
    people = write(tmp_path / "people.csv", lines)
    state = tmp_path / "state"
    load([people], state)
    lines[25] = f"E0025,员工25,研发部,{expires[:4]}/13/01,e25@example.com"
    write(people, lines)
    roster = load([people], state)
    assert roster.kept == ("E0025",)
    db = Database.in_dir(state)
    try:
        rec = Recorder()
        day = PERMIT_DUE - dt.timedelta(days=3)
        conf = settings(
            channels=[{"name": "rec", "type": "console"}],
            notify={"lead_days_by_kind": {k.value: [] for k in MilestoneKind
                                          if k is not MilestoneKind.PERMIT_RENEWAL}},
        )  # fmt: skip
        report = Delivery(db, conf, {"rec": rec}).run_pass(
            planner.plan_all(roster.people, day), day, at(day)
        )
    finally:
        db.close()
    assert not report.failed
    assert sorted({to for _, to in rec.sent}) == sorted(f"e{i}@example.com" for i in range(50))
    kept = [m for m, to in rec.sent if to == "e25@example.com"]
    assert kept
    assert all("员工25" in m.body for m in kept)


def test_hr_hears_of_each_roster_problem_once_in_its_groups_channel(
    tmp_path: Path, planner: Planner
) -> None:
    people = write(tmp_path / "people.csv", rows(4))
    state = tmp_path / "state"
    load([people], state)
    write(people, [*rows(3), "E0004,员工4,研发部,2027-02-30,", "E0009,无组,,bad,"])
    roster = load([people], state)
    hr, boss = Recorder("hr", personal=False), Recorder("boss", personal=False)
    conf = settings(
        channels=[{"name": "hr", "type": "console"}, {"name": "boss", "type": "console"}],
        groups={"研发部": {"channels": ["hr"]}},
        notify={"escalate_to": ["boss"]},
    )
    day = dt.date(2026, 11, 20)
    db = Database.in_dir(state)
    try:
        d = Delivery(db, conf, {"hr": hr, "boss": boss})
        plans = planner.plan_all(roster.people, day)
        dry = d.run_pass(plans, day, at(day), dry_run=True, notices=roster.by_group)
        assert any(o.channel == "hr" for o in dry.planned)
        d.run_pass(plans, day, at(day), notices=roster.by_group)
        d.run_pass(plans, day, at(day, 10), notices=roster.by_group)  # told already: silent
    finally:
        db.close()
    # In the day's digest (it forwards the first-contact status of people without a channel)
    notices = [m for m, _ in hr.sent if "第5行" in m.body]
    assert len(notices) == 1
    assert (
        "people.csv 第5行 居住证到期日：没有这一天（2027-02-30）" in notices[0].body
    )  # in Chinese
    assert "E0009" not in notices[0].body
    escalated = [m for m, _ in boss.sent if m.title.startswith("【名单问题】未分组")]
    assert len(escalated) == 1
    assert "第6行" in escalated[0].body
    # Fixed, then broken the same way again: HR hears of it again.
    write(people, rows(4))
    load([people], state)
    write(people, [*rows(3), "E0004,员工4,研发部,2027-02-30,"])
    again = load([people], state)
    db = Database.in_dir(state)
    try:
        Delivery(db, conf, {"hr": hr, "boss": boss}).run_pass(
            planner.plan_all(again.people, day), day, at(day, 11), notices=again.by_group
        )
    finally:
        db.close()
    sent_titles = [m.title for m, _ in hr.sent]
    assert len([m for m, _ in hr.sent if "第5行" in m.body]) == 2, sent_titles


def test_a_roster_problem_rides_in_the_digest_the_pass_writes_anyway(
    tmp_path: Path, planner: Planner
) -> None:
    """One message per recipient per pass (docs/design.md §9): on a day HR gets a digest, its
    group's roster problems are a section of it, not a second message; the same for the escalation
    channel and the rows without a group. Told once: the next pass says nothing of them."""
    people = write(
        tmp_path / "people.csv",
        [f"E000{i},员工{i},研发部,{EXPIRES},e{i}@example.com" for i in (1, 2)]
        + ["E0003,员工3,研发部,2026-02-30,e3@example.com", "E0004,员工4,,bad,"],
    )
    roster = load([people], tmp_path / "state")
    hr, boss = Recorder("hr", personal=False), Recorder("boss", personal=False)
    conf = settings(
        channels=[{"name": "hr", "type": "console"}, {"name": "boss", "type": "console"},
                  {"name": "mail", "type": "console"}],
        groups={"研发部": {"channels": ["hr"]}},
        notify={"escalate_to": ["boss"]},
    )  # fmt: skip
    day = PERMIT_DUE + dt.timedelta(days=1)
    db = Database.in_dir(tmp_path / "state")
    try:
        d = Delivery(db, conf, {"hr": hr, "boss": boss, "mail": Recorder("mail")})
        plans = planner.plan_all(roster.people, day)
        dry = d.run_pass(plans, day, at(day), dry_run=True, notices=roster.by_group)
        assert [o.channel for o in dry.planned].count("hr") == 1
        d.run_pass(plans, day, at(day), notices=roster.by_group)
        d.run_pass(plans, day + dt.timedelta(days=3), at(day, 10), notices=roster.by_group)
    finally:
        db.close()
    first = [m for m, _ in hr.sent if "2026-06-12" in m.title]
    assert len(first) == 1, [m.title for m, _ in hr.sent]
    digest = first[0]
    assert digest.title.startswith("【续签提醒汇总】研发部")
    assert "员工1（E0001）" in digest.body
    assert "名单问题：研发部，1 处需要更正" in digest.body
    assert "people.csv 第4行 居住证到期日：没有这一天（2026-02-30）" in digest.body
    assert "第5行" not in digest.body  # the row without a group is the escalation's
    escalation = [m for m, _ in boss.sent if "2026-06-12" in m.title]
    assert len(escalation) == 1, [m.title for m, _ in boss.sent]
    assert "名单问题：未分组" in escalation[0].body
    assert "第5行" in escalation[0].body
    later = [m.body for m, _ in (*hr.sent, *boss.sent) if "2026-06-12" not in m.title]
    assert later
    assert not any("名单问题" in body for body in later)
