"""Compact per-person records and a lean daemon (issue 20 item 2): slots records built by
`renewd.core.frozen.quick_init` behave as the frozen dataclasses they were, a CSV roster is read
row by row, and a SQLite daemon never loads psycopg."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from renewd.core.frozen import quick_init
from renewd.core.model import (
    NO_PROGRESS,
    CriticalDate,
    Milestone,
    MilestoneKind,
    Person,
    PersonPlan,
    Profile,
    Progress,
    Status,
)
from renewd.roster.formats import read_text
from renewd.roster.limits import RosterLimits
from renewd.roster.reader import load_roster_file

DAY = dt.date(2027, 5, 1)


def test_records_have_no_instance_dict() -> None:
    person = Person("E1", "张三", DAY, group="研发", email="a@example.com")
    milestone = Milestone(MilestoneKind.EXPIRY, DAY, None, Status.UPCOMING, False)
    plan = PersonPlan(person, DAY, Profile.UNCHANGED, True, 0, False, (milestone,), DAY)
    for record in (person, person.progress, milestone, plan, CriticalDate(DAY, "入学")):
        assert not hasattr(record, "__dict__"), type(record).__name__


def test_quick_init_builds_the_same_frozen_values() -> None:
    person = Person("E1", "张三", DAY, tags=("a",), source="people.csv, row 2")
    assert person == Person(
        id="E1", name="张三", permit_expires=DAY, tags=("a",), source="people.csv, row 2"
    )
    assert hash(person) == hash(Person("E1", "张三", DAY, tags=("a",), source="people.csv, row 2"))
    assert person.progress == Progress()
    assert person.group == ""
    assert person.has_points
    assert pickle.loads(pickle.dumps(person)) == person
    assert dataclasses.replace(person, name="李四").name == "李四"
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.name = "李四"  # type: ignore[misc]
    with pytest.raises(TypeError, match="permit_expires"):
        Person("E1", "张三")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword"):
        Person("E1", "张三", DAY, nickname="x")  # type: ignore[call-arg]
    assert person.progress is NO_PROGRESS  # one shared empty record, not one per person
    assert "progress=Progress(permit_renewed_on=None" in str(inspect.signature(Person))
    assert "Person(id='E1', name='张三'" in repr(person)

    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Listed:
        items: list[int] = dataclasses.field(default_factory=list)

    first, second = Listed(), Listed()
    assert first.items == []
    assert first.items is not second.items
    assert Listed([1]).items == [1]
    assert "items=<factory>" in str(inspect.signature(Listed))


def test_quick_init_refuses_what_it_cannot_build() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="Checked"):
        quick_init(Checked)


def test_a_csv_roster_is_read_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,name,permit_expires\nE1,A,2027-05-01\n", encoding="utf-8")
    rows = read_text(path, RosterLimits())
    assert isinstance(rows, Iterator)
    assert list(rows) == [["id", "name", "permit_expires"], ["E1", "A", "2027-05-01"]]


def test_ten_blank_rows_before_the_header_still_read_as_no_people(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(",\n" * 12 + "id,name,permit_expires\nE1,A,2027-05-01\n", encoding="utf-8")
    people, problems, _ = load_roster_file(path)
    assert people == []
    assert [p.message for p in problems] == ["no people in file (a header alone is not a roster)"]


def test_a_limit_passed_late_in_a_csv_still_refuses_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    rows = "".join(f"E{i},A,2027-05-01\n" for i in range(50))
    path.write_text("id,name,permit_expires\n" + rows, encoding="utf-8")
    people, problems, _ = load_roster_file(path, RosterLimits(max_cells=100))
    assert people == []
    assert [p.message for p in problems] == ["more than [roster] max_cells = 100 cells"]


def test_a_sqlite_daemon_never_imports_psycopg() -> None:
    code = "import sys, renewd.daemon.runtime; print('psycopg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
