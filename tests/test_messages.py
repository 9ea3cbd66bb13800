"""Message wording: languages, escaping, provisional and late notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PERMIT_DUE, person
from renewd.core.messages import Format, digest_messages, escape, reminder_message
from renewd.core.model import Lang
from renewd.core.plan import Planner
from renewd.core.reminders import MilestoneReminder


def reminder(planner: Planner, late: bool = False, **kw: Any) -> tuple[MilestoneReminder, dt.date]:
    day = PERMIT_DUE - dt.timedelta(days=3)
    plan = planner.plan(person(**kw), day)
    m = plan.milestones[2]
    return MilestoneReminder(plan, m, 3, day - dt.timedelta(days=2 if late else 0), late), day


def test_english_for_lang_en(planner: Planner) -> None:
    r, day = reminder(planner, lang=Lang.EN)
    message = reminder_message(r, day, Lang.EN, Format.TEXT)
    assert message.title.startswith("[Renewal] 张三: Renew")
    assert "3 days left" in message.title
    assert "What to bring:" in message.body


def test_markdown_escapes_user_data(planner: Planner) -> None:
    r, day = reminder(planner, name="*张_三* <x>")
    body = reminder_message(r, day, Lang.ZH, Format.MARKDOWN).body
    assert body.startswith(r"\*张\_三\* &lt;x&gt;，您好")
    assert "**截止**" in body


def test_late_reminder_says_so(planner: Planner) -> None:
    r, day = reminder(planner, late=True)
    assert "因服务中断延后" in reminder_message(r, day, Lang.ZH, Format.TEXT).body


def test_escape_removes_line_breaks_and_tags() -> None:
    assert escape("a\n<b>", Format.HTML) == "a &lt;b&gt;"
    assert escape("a\nb", Format.TEXT) == "a b"


def test_digest_is_one_message_without_a_limit(planner: Planner) -> None:
    items = [reminder(planner, pid=f"E{i}")[0] for i in range(3)]
    day = PERMIT_DUE - dt.timedelta(days=3)
    [part] = digest_messages(items, day, Lang.ZH, Format.TEXT, heading="研发部")
    assert part.title == f"【续签提醒汇总】研发部 {day.isoformat()}：3 人 3 项"
    assert [line.split("（")[1][:2] for line in part.body.splitlines()[1:]] == ["E0", "E1", "E2"]


NAMES = st.text(
    alphabet=st.sampled_from("张三李四王五欧阳*_<>[]`#abcXYZ -"), min_size=1, max_size=24
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(NAMES, min_size=1, max_size=40),
    fmt=st.sampled_from(list(Format)),
    max_bytes=st.integers(min_value=400, max_value=4096),
)
def test_digest_parts_fit_the_budget_and_keep_every_item_in_order(
    planner: Planner, names: list[str], fmt: Format, max_bytes: int
) -> None:
    day = PERMIT_DUE - dt.timedelta(days=3)
    plans = [planner.plan(person(f"E{i:03}", name=n), day) for i, n in enumerate(names)]
    items = [MilestoneReminder(p, p.milestones[2], 3, day, False) for p in plans]
    [whole] = digest_messages(items, day, Lang.ZH, fmt, heading="研发部")
    parts = digest_messages(items, day, Lang.ZH, fmt, heading="研发部", max_bytes=max_bytes)
    assert all(len(part.body.encode()) <= max_bytes for part in parts)
    head, *lines = whole.body.splitlines()
    assert all(part.body.splitlines()[0] == head for part in parts)  # the heading repeats
    split = [line for part in parts for line in part.body.splitlines()[1:]]
    assert split == lines  # nothing lost, nothing added, order kept
    if len(parts) > 1:
        assert all(p.title.endswith(f"（{n}/{len(parts)}）") for n, p in enumerate(parts, 1))
