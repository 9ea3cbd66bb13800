"""@-mentions in group robots' digests (issue 19): who is the owner a line names, how the
mention is written at the end of that line, and which part of a split digest mentions whom."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import PERMIT_DUE, person
from renewd.channels.formatting import mentioned, render
from renewd.core.digests import owner_mention
from renewd.core.letter import Format, Letter, Level, Line, Section
from renewd.core.model import MilestoneKind
from renewd.core.plan import Planner
from renewd.core.policy import Owner, Owners
from renewd.core.reminders import Alert, AlertKind, MilestoneReminder

K = MilestoneKind
IDS = {"1001": "zhangsan01", "1002": "lisi02", "1003": ""}


def reminder(planner: Planner, kind: MilestoneKind) -> MilestoneReminder:
    plan = planner.plan(person("1001"), PERMIT_DUE)
    milestone = plan.milestone(kind)
    assert milestone is not None
    return MilestoneReminder(plan, milestone, 0, PERMIT_DUE, late=False)


@pytest.mark.parametrize(
    ("kind", "owners", "mentioned_id"),
    [
        (K.PERMIT_RENEWAL, Owners(), "1001"),  # the holder's step
        (K.POINTS_APPLICATION, Owners(), ""),  # HR's own step: nobody to mention
        (K.EMPLOYER_SUBMISSION, Owners(), ""),
        (K.POINTS_APPROVAL, Owners(), "1001"),  # both's: he is told too
        (K.EXPIRY, Owners(), "1001"),
        (K.POINTS_APPLICATION, Owners(points_application=Owner.HOLDER), "1001"),
        (K.PERMIT_RENEWAL, Owners(permit_renewal=Owner.EMPLOYER), ""),
    ],
)
def test_the_owner_of_a_step_is_the_one_mentioned(
    planner: Planner, kind: MilestoneKind, owners: Owners, mentioned_id: str
) -> None:
    assert owner_mention(reminder(planner, kind), owners) == mentioned_id


def test_a_critical_date_at_risk_mentions_its_holder_an_infeasible_plan_nobody(
    planner: Planner,
) -> None:
    plan = planner.plan(person("1001"), PERMIT_DUE)
    infeasible = Alert(plan, AlertKind.INFEASIBLE, PERMIT_DUE)
    assert owner_mention(infeasible, Owners()) == ""
    summary = Alert(plan, AlertKind.STILL_OPEN, PERMIT_DUE, week=PERMIT_DUE)
    assert owner_mention(summary, Owners()) == ""


def digest(lines_per_person: int = 1) -> Letter:
    lines = tuple(
        Line(f"{name}（{pid}）：居住证签注，截止 2026-12-{10 + n:02d}", mention=pid)
        for pid, name in (("1001", "张三"), ("1002", "李四"), ("1003", "王五"))
        for n in range(lines_per_person)
    )
    detail = Line("  请先与员工确认", Level.DETAIL)
    return Letter("汇总", (), (Section("研发部", (*lines, detail)),), ("footer",))


def test_a_line_naming_an_owner_ends_with_his_id_and_the_message_lists_it() -> None:
    [message] = render(digest(), Format.TEXT, mention=IDS.get)
    lines = message.body.split("\n")
    assert lines[1] == "- 张三（1001）：居住证签注，截止 2026-12-10 @zhangsan01"
    assert lines[2] == "- 李四（1002）：居住证签注，截止 2026-12-10 @lisi02"
    assert lines[3] == "- 王五（1003）：居住证签注，截止 2026-12-10"  # no id in the roster
    assert message.mentions == ("zhangsan01", "lisi02")


def test_without_a_mention_resolver_nobody_is_mentioned() -> None:
    [message] = render(digest(), Format.TEXT)
    assert "@" not in message.body
    assert message.mentions == ()


def test_each_part_of_a_split_digest_mentions_only_the_owners_it_names() -> None:
    parts = render(digest(lines_per_person=12), Format.TEXT, max_bytes=900, mention=IDS.get)
    assert len(parts) > 2
    for part in parts:
        named = {pid for pid in IDS if f"（{pid}）" in part.body}
        assert set(part.mentions) == {IDS[pid] for pid in named if IDS[pid]}
    assert {m for p in parts for m in p.mentions} == {"zhangsan01", "lisi02"}


@given(st.lists(st.text(alphabet="u123 @ab\n", max_size=12), max_size=8))
def test_a_user_id_is_mentioned_only_where_a_line_ends_with_it(texts: list[str]) -> None:
    body = "\n".join(texts)
    got = mentioned(body, ("u1", "u2", "u3"))
    for user in got:
        assert any(line.endswith(f" @{user}") for line in body.split("\n"))
    for user in {"u1", "u2", "u3"} - set(got):
        assert not any(line.endswith(f" @{user}") for line in body.split("\n"))
