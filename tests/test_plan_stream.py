"""`plan --json`'s fast path (memoised per plan shape: commands/plan_stream.py, core/plan.py)
writes exactly the bytes the straightforward encoding of `plan_json` writes (issue 20)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from renewd.cli import main
from renewd.commands import plan_stream
from renewd.commands.app import App
from renewd.commands.plan import plan_json
from renewd.core.plan import Planner
from renewd.core.progress import merge_progress

HEADER = (
    "工号,姓名,部门,居住证到期日,变更事项,积分,居住证续签日期,积分续办申请日期,单位提交日期,"
    "积分核定日期,通知单领取日期,新居住证到期日,关键日期,证件类型,签发日期"
)
NAMES = ["张三", 'A "Q" \\ B', "Zoë x", "王五", "😀 emoji", "</script>"]


def _day(day: dt.date) -> str:
    return day.isoformat()


def _row(rng: random.Random, i: int) -> list[str]:
    """One varied person: lapsed, overdue, due, far; changes; no points; steps recorded (in
    order, some left out so later ones imply them); a new expiry; a critical date."""
    expires = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randrange(0, 1100))
    cells = [f"E{i:04d}", f"{rng.choice(NAMES)}{i}", f"部门{i % 7}", _day(expires)]
    cells += [rng.choice(["", "", "单位", "学历"]), rng.choice(["是", "是", "是", "否"])]
    steps = ["", "", "", "", "", ""]
    if rng.random() < 0.5:
        day = expires - dt.timedelta(days=rng.randrange(5, 40))
        for k in range(rng.randrange(1, 6)):
            if rng.random() < 0.7:
                steps[k] = _day(day)
            day += dt.timedelta(days=rng.randrange(1, 25))
        if rng.random() < 0.3:
            steps[5] = _day(expires + dt.timedelta(days=rng.choice([365, 366, 730])))
    cells += steps
    critical = expires + dt.timedelta(days=rng.randrange(1, 90))
    cells.append(f"{_day(critical)} 入学登记" if rng.random() < 0.2 else "")
    cells += ["", ""]
    return cells


def _roster(people: int, seed: int = 20) -> str:
    rng = random.Random(seed)
    rows = [_row(rng, i) for i in range(people)]
    for n, (document, expires, issued) in enumerate(
        [
            ("foreign-work-permit", "2027-04-20", ""),
            ("居留许可", "2026-12-20", ""),
            ("广州居住证", "", "2019-05-15"),
        ]
    ):
        rows.append([f"D{n}", f"Doc {n}", "外籍", expires, "", "", *[""] * 7, document, issued])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER.split(","), *rows])
    return out.getvalue()


@pytest.fixture
def config(write: Callable[[str, str], Path]) -> Path:
    write("people.csv", _roster(400))
    return write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("memo_size", [1 << 16, 3])
@pytest.mark.parametrize("today", ["2026-12-07", "2027-09-30"])
def test_streamed_bytes_are_the_plain_encoding_of_the_pretty_document(
    config: Path,
    today: str,
    memo_size: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(plan_stream, "_MEMO_SIZE", memo_size)  # 3: memos start again often
    args = ["plan", "-c", str(config), "--today", today, "--json"]
    pretty_status = main([*args, "--pretty"])
    pretty = capsys.readouterr().out
    status = main(args)
    streamed = capsys.readouterr().out
    assert status == pretty_status
    doc = json.loads(pretty)
    assert len(doc["people"]) > 400  # everyone planned, and the other documents' rows
    assert {p["profile"] for p in doc["people"] if "profile" in p} == {"changed", "unchanged"}
    everyone = doc["people"][:400]
    assert any(p["critical_dates_at_risk"] for p in everyone)
    assert any(not p["feasible"] for p in everyone)
    assert any(p["feasible"] for p in everyone)
    assert any(p["expiry_estimated"] for p in everyone)
    assert any(m["implied_by"] for p in everyone for m in p["milestones"])
    assert any(m["done_on"] for p in everyone for m in p["milestones"])
    assert streamed == _compact(doc) + "\n"  # byte for byte


def test_encoder_matches_plan_json_person_by_person(config: Path) -> None:
    """In any order and with memos shared across days: each person's bytes are those of the
    C encoder over `plan_json`, and the memoised planner plans as a fresh one does."""
    app = App.load(config)
    people = merge_progress(app.partial.people, app.recorded())
    shuffled = random.Random(5).sample(people, len(people))
    encoder = plan_stream.PlanEncoder()
    planner = app.planner
    for today in (dt.date(2026, 12, 7), dt.date(2027, 3, 1), dt.date(2026, 12, 7)):
        for person in [*people, *shuffled]:
            plan = planner.plan(person, today)
            assert encoder.encode(plan) == _compact(plan_json(plan))
            # Not seen in a roster, but a plan may say so: an overdue step escalates alone.
            feasible = replace(plan, feasible=True, gap_days=0, critical_at_risk=())
            assert encoder.encode(feasible) == _compact(plan_json(feasible))
        for person in people[:60]:
            fresh = Planner(planner.policy, planner.calendar).plan(person, today)
            assert planner.plan(person, today) == fresh
