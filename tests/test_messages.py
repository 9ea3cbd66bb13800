"""Message wording: languages, escaping, provisional and late notes."""

from __future__ import annotations

import datetime as dt

from conftest import PERMIT_DUE, person
from renewd.core.messages import Format, digest_messages, escape, reminder_message
from renewd.core.model import Lang
from renewd.core.plan import Planner
from renewd.core.reminders import MilestoneReminder


def reminder(
    planner: Planner, late: bool = False, **kw: object
) -> tuple[MilestoneReminder, dt.date]:
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
    parts = digest_messages(items, day, Lang.ZH, Format.TEXT, heading="研发部")
    assert len(parts) == 1
    assert "1 人 3 项" in parts[0].title or "3 项" in parts[0].title
