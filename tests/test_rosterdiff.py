"""The pure parts of a roster swap's preview: the diff of two rosters and a problem in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import person
from renewd.core.errors import Problem
from renewd.core.model import Change, CriticalDate, Lang, Progress
from renewd.core.problemwords import describe, hide_numbers, message
from renewd.core.rosterdiff import FieldChange, Someone, diff


def test_diff_names_added_removed_and_each_changed_field() -> None:
    a, b, c = person("E001"), person("E002", name="李四"), person("E003", name="王五")
    later = replace(b, permit_expires=dt.date(2027, 4, 15), email="new@example.com",
                    progress=Progress(permit_renewed_on=dt.date(2026, 6, 1)))  # fmt: skip
    d = person("E004", name="赵六")
    result = diff([a, b, c], [later, d])
    assert result.added == (Someone("E004", "赵六"),)
    assert result.removed == (Someone("E001", "张三"), Someone("E003", "王五"))
    assert [c.id for c in result.changed] == ["E002"]
    assert result.changed[0].fields == (
        FieldChange("permit_expires", b.permit_expires, dt.date(2027, 4, 15)),
        FieldChange("email", "e002@example.com", "new@example.com"),
        FieldChange("permit_renewed_on", None, dt.date(2026, 6, 1)),
    )
    assert (result.current, result.resulting, result.unchanged) == (3, 2, 0)
    assert result.drastic  # 2 of 3 removed


def test_a_person_who_only_moved_rows_or_reordered_changes_is_unchanged() -> None:
    old = person(
        "E001", source="people.csv, row 2", changes=frozenset({Change.TITLE, Change.CHILD})
    )
    new = replace(old, source="people.csv, row 9", changes=frozenset({Change.CHILD, Change.TITLE}))
    result = diff([old], [new])
    assert result.empty
    assert result.unchanged == 1


def test_critical_dates_and_tags_compare_as_text() -> None:
    old = person("E001", critical_dates=(CriticalDate(dt.date(2027, 1, 5), "落户"),))
    new = replace(old, critical_dates=(CriticalDate(dt.date(2027, 1, 6), "落户"),), tags=("a",))
    fields = {f.field: (f.old, f.new) for f in diff([old], [new]).changed[0].fields}
    assert fields == {
        "tags": ((), ("a",)),
        "critical_dates": (("2027-01-05 落户",), ("2027-01-06 落户",)),
    }


DRASTIC = [(8, 4, False), (8, 5, True), (1, 1, True), (0, 0, False), (3, 1, False)]


@pytest.mark.parametrize(("current", "removed", "drastic"), DRASTIC)
def test_drastic_means_more_than_half_removed(current: int, removed: int, drastic: bool) -> None:
    now = [person(f"E{i:03}") for i in range(current)]
    assert diff(now, now[removed:]).drastic is drastic


@given(st.sets(st.integers(0, 30)), st.sets(st.integers(0, 30)))
def test_every_id_is_counted_once(old_ids: set[int], new_ids: set[int]) -> None:
    result = diff(
        [person(f"E{i}") for i in sorted(old_ids)], [person(f"E{i}") for i in sorted(new_ids)]
    )
    assert {s.id for s in result.added} == {f"E{i}" for i in new_ids - old_ids}
    assert {s.id for s in result.removed} == {f"E{i}" for i in old_ids - new_ids}
    assert result.unchanged == len(old_ids & new_ids)


@pytest.mark.parametrize(("problem", "zh", "en"), [
    (Problem("/srv/people.csv", "no such date (2027-02-30)", 2, "居住证到期日", "2027-02-30"),
     "people.csv 第2行 居住证到期日：没有这一天（2027-02-30）（值：2027-02-30）",
     "people.csv, row 2, field '居住证到期日': no such date (2027-02-30) (value: '2027-02-30')"),
    (Problem("people.csv", "missing required column (name / 姓名)", field="name"),
     "people.csv name：缺少必填列（name / 姓名）",
     "people.csv, field 'name': missing required column (name / 姓名)"),
    (Problem("people.toml", "missing required value", "people[3]", "name"),
     "people.toml people[3] name：必填项为空",
     "people.toml, people[3], field 'name': missing required value"),
    (Problem("a.csv", "duplicate id 'E1', first seen in b.csv, row 4", 7, "工号", "E1"),
     "a.csv 第7行 工号：工号 E1 重复，首次出现在 b.csv 第4行（值：E1）",
     "a.csv, row 7, field '工号': duplicate id 'E1', first seen in b.csv, row 4 (value: 'E1')"),
    (Problem("a.csv", "contains control or invisible characters", 3, "姓名"),
     "a.csv 第3行 姓名：contains control or invisible characters",
     "a.csv, row 3, field '姓名': contains control or invisible characters"),
])  # fmt: skip
def test_a_problem_is_worded_in_each_language(problem: Problem, zh: str, en: str) -> None:
    assert describe(problem, Lang.ZH) == zh
    assert describe(problem, Lang.EN) == en


def test_not_a_date_is_mapped_whichever_way_the_reader_says_it() -> None:
    for text in ("not a date; write it as 2027-02-10", "expected a date such as 2027-02-10"):
        assert message(text, Lang.ZH).startswith("不是日期")


@pytest.mark.parametrize("number", ["310101199001011234", "31010119900101123X", "13812345678",
                                    "138 1234 5678", "+86 138-1234-5678"])  # fmt: skip
def test_id_card_and_phone_numbers_are_never_shown(number: str) -> None:
    problem = Problem("p.csv", f"{number!r} does not start with a date", 2, "关键日期", number)
    for lang in Lang:
        said = describe(problem, lang)
        assert number not in said
        assert "1234" not in said
    assert hide_numbers("2027-02-10 20270210 E001", Lang.ZH) == "2027-02-10 20270210 E001"


def test_diff_counts_every_person_over_his_documents() -> None:
    """A holder of other documents only is added and removed like a points holder; a document
    come, gone or changed changes its person; a secret in a document row stays masked."""
    zhang = person("E001")
    work = replace(person("E002", name="John"), document="foreign-work-permit", has_points=False)
    residence = replace(work, document="foreign-residence-permit")
    maria = replace(work, id="E003", name="Maria")
    now = [zhang, work, residence]
    gone = diff(now, [zhang])
    assert (gone.current, gone.resulting, gone.removed) == (2, 1, (Someone("E002", "John"),))
    come = diff(now, [*now, maria])
    assert (come.resulting, come.added, come.unchanged) == (3, (Someone("E003", "Maria"),), 2)
    later = replace(work, permit_expires=dt.date(2028, 1, 1), bark="secret-key")
    zhang_work = replace(work, id="E001", name="张三")
    [zhang_changed, john] = diff(now, [zhang, zhang_work, later]).changed  # in roster order
    assert (john.id, john.fields) == ("E002", ())
    assert [(d.document, d.change) for d in john.documents] == [
        ("foreign-work-permit", "changed"),
        ("foreign-residence-permit", "removed"),
    ]
    assert john.documents[0].fields == (
        FieldChange("permit_expires", work.permit_expires, dt.date(2028, 1, 1)),
        FieldChange("bark", "", "***"),
    )
    assert john.documents[0].title[Lang.EN] == "foreign-work-permit"  # no titles given
    assert [(d.document, d.change) for d in zhang_changed.documents] == [
        ("foreign-work-permit", "added")
    ]
