"""The wording of reminders, digests and escalations: pure functions of (reminder, today, language,
format). No I/O, no clock.

Every piece of user data (names, groups, critical-date labels) goes through `escape(text, fmt)` so
a name with `*`, `_` or `<` cannot break Telegram's or WeCom's parser. ID-card and phone numbers
are never part of a Person, so they cannot appear here; the roster id (工号) appears only in
messages to HR (digests and escalations), never in a message to the person.

The materials checklist comes from `renewd.core.materials`, shared with the feeds.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from renewd.core import materials
from renewd.core.model import Lang, MilestoneKind, PersonPlan
from renewd.core.reminders import Alert, AlertKind, MilestoneReminder, Reminder

K = MilestoneKind


class Format(StrEnum):
    """How a channel renders a message body."""

    TEXT = "text"
    MARKDOWN = "markdown"  # CommonMark subset: **bold**, lists (WeCom robot markdown)
    HTML = "html"  # the subset Telegram accepts: <b>, <i>, plain newlines


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    format: Format


# -- wording tables --------------------------------------------------------------------------

STEP: dict[MilestoneKind, tuple[str, str]] = {
    K.PREPARE: (
        "准备续办材料，核对社保缴纳和变更事项",
        "Prepare: gather materials, check social insurance and changes",
    ),
    K.PERMIT_WINDOW: ("居住证签注窗口今天开放", "The permit renewal window opens"),
    K.PERMIT_RENEWAL: ("办理居住证签注（续签）", "Renew (endorse) the residence permit"),
    K.POINTS_APPLICATION: (
        "网上点击“续办申请”（积分续办）",
        "Apply for the points renewal (续办申请)",
    ),
    K.EMPLOYER_SUBMISSION: (
        "单位网上审核并递交材料",
        "Employer reviews online and hands in the materials",
    ),
    K.POINTS_APPROVAL: ("等待积分审批通过短信", "Points approval SMS expected"),
    K.COLLECT_NOTICE: ("打印或领取积分通知单", "Print or collect the points notice (积分通知单)"),
    K.EXPIRY: ("居住证及积分到期", "The permit and the points expire"),
    K.GRACE_END: (
        "逾期签注最后一天（不中断居住年限）",
        "Last day to endorse late without breaking residence years",
    ),
}

_WEEKDAY_ZH = "一二三四五六日"


def checklist(plan: PersonPlan, lang: Lang) -> tuple[str, ...]:
    """The basic set plus one situational set per change recorded for the person (the same list
    the feeds carry)."""
    return materials.checklist(plan.person.changes, lang)


# -- escaping --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape(text: str, fmt: Format) -> str:
    """Make user data inert in `fmt`: no markup, no tags, no line breaks."""
    text = " ".join(text.split())
    if fmt is Format.HTML:
        return html.escape(text, quote=False)
    if fmt is Format.MARKDOWN:
        return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)
    return text


def _bold(text: str, fmt: Format) -> str:
    if fmt is Format.HTML:
        return f"<b>{text}</b>"
    if fmt is Format.MARKDOWN:
        return f"**{text}**"
    return text


def _date(day: dt.date, lang: Lang) -> str:
    if lang is Lang.ZH:
        return f"{day.isoformat()}（周{_WEEKDAY_ZH[day.weekday()]}）"
    return day.strftime("%Y-%m-%d (%a)")


def days_left(due: dt.date, today: dt.date, lang: Lang) -> str:
    n = (due - today).days
    if lang is Lang.ZH:
        if n > 0:
            return f"还剩 {n} 天"
        return "今天截止" if n == 0 else f"已逾期 {-n} 天"
    if n > 0:
        return f"{n} day{'s' if n != 1 else ''} left"
    return "due today" if n == 0 else f"overdue by {-n} day{'s' if n != -1 else ''}"


def lang_of(plan: PersonPlan, default: Lang) -> Lang:
    return plan.person.lang or default


# -- one reminder to one person --------------------------------------------------------------


def reminder_message(
    reminder: MilestoneReminder, today: dt.date, lang: Lang, fmt: Format
) -> Message:
    """A personal reminder: who, what step, by when, how many days are left, what to bring."""
    milestone = reminder.milestone
    plan = reminder.plan
    zh = lang is Lang.ZH
    i = 0 if zh else 1
    step = STEP[milestone.kind][i]
    name = plan.person.name
    left = days_left(milestone.due, today, lang)
    if zh:
        title = f"【续签提醒】{name}：{step}，{left}（截止 {milestone.due.isoformat()}）"
    else:
        title = f"[Renewal] {name}: {step}, {left} (by {milestone.due.isoformat()})"

    def b(text: str) -> str:
        return _bold(text, fmt)

    who = escape(name, fmt)
    lines = [f"{who}，您好：" if zh else f"Hello {who},", ""]
    if zh:
        lines += [
            f"{b('步骤')}：{step}",
            f"{b('截止')}：{_date(milestone.due, lang)}，{left}",
            f"{b('居住证到期')}：{_date(plan.cycle, lang)}",
        ]
    else:
        lines += [
            f"{b('Step')}: {step}",
            f"{b('By')}: {_date(milestone.due, lang)}, {left}",
            f"{b('Permit expires')}: {_date(plan.cycle, lang)}",
        ]
    if milestone.opens is not None and milestone.opens > today:
        opens = _date(milestone.opens, lang)
        lines.append(f"{b('可办理')}：{opens} 起" if zh else f"{b('Possible from')}: {opens}")
    lines.append("")
    lines.append(f"{b('需准备材料')}：" if zh else f"{b('What to bring')}:")
    lines += [f"- {item}" for item in checklist(plan, lang)]
    notes = _notes(reminder, lang, fmt)
    if notes:
        lines.append("")
        lines += notes
    return Message(title=title, body="\n".join(lines), format=fmt)


def _notes(reminder: MilestoneReminder, lang: Lang, fmt: Format) -> list[str]:
    plan = reminder.plan
    milestone = reminder.milestone
    zh = lang is Lang.ZH
    notes = []
    if reminder.kind in (K.PREPARE, K.PERMIT_RENEWAL) and reminder.days_before > 0:
        notes.append(
            "社保断缴或工作变动会影响续办，请尽早核对。"
            if zh
            else "A gap in social insurance or a job change puts the renewal at risk: check now."
        )
    if not plan.feasible and plan.person.has_points:
        notes.append(
            f"按当前进度，积分有效期可能中断约 {plan.gap_days} 天，请立即办理并联系人事。"
            if zh
            else f"At the current pace the points may lapse for about {plan.gap_days} days:"
            " act now and tell HR."
        )
    for critical in plan.critical_at_risk:
        label = escape(critical.label, fmt) or ("关键日期" if zh else "critical date")
        notes.append(
            f"注意：{label}（{critical.date.isoformat()}）时积分可能无效。"
            if zh
            else f"Warning: the points may be invalid on {label} ({critical.date.isoformat()})."
        )
    if milestone.provisional:
        year = milestone.due.year
        notes.append(
            f"该日期依据估算的 {year} 年节假日安排，国务院公布放假通知后可能调整。"
            if zh
            else f"This date is provisional: it may move when the holiday notice for {year}"
            " is published."
        )
    if reminder.late:
        notes.append(
            f"（本提醒原定 {reminder.fire_on.isoformat()} 发送，因服务中断延后。）"
            if zh
            else f"(This reminder was due on {reminder.fire_on.isoformat()} and is sent late.)"
        )
    return notes


# -- digests for HR ----------------------------------------------------------------------------


def _item_line(reminder: Reminder, today: dt.date, lang: Lang, fmt: Format) -> str:
    plan = reminder.plan
    person = plan.person
    zh = lang is Lang.ZH
    who = f"{escape(person.name, fmt)}（{escape(person.id, fmt)}）"
    if not zh:
        who = f"{escape(person.name, fmt)} ({escape(person.id, fmt)})"
    if isinstance(reminder, Alert) and reminder.kind is AlertKind.INFEASIBLE:
        what = (
            f"计划不可行，积分预计中断约 {plan.gap_days} 天（到期 {plan.cycle.isoformat()}）"
            if zh
            else f"plan infeasible: points lapse about {plan.gap_days} days"
            f" (expiry {plan.cycle.isoformat()})"
        )
    elif isinstance(reminder, Alert):
        critical = reminder.critical
        label = escape(critical.label, fmt) if critical and critical.label else ""
        day = reminder.due.isoformat()
        what = (
            f"关键日期 {label} {day} 积分可能无效" if zh else f"critical date {label} {day} at risk"
        )
    else:
        milestone = reminder.milestone
        step = STEP[reminder.kind][0 if zh else 1]
        due = milestone.due.isoformat()
        left = days_left(milestone.due, today, lang)
        what = f"{step}，截止 {due}，{left}" if zh else f"{step}, by {due}, {left}"
        if milestone.provisional:
            what += "（日期待定）" if zh else " (provisional)"
    return f"- {who}：{what}" if zh else f"- {who}: {what}"


def digest_messages(
    reminders: Sequence[Reminder],
    today: dt.date,
    lang: Lang,
    fmt: Format,
    *,
    heading: str,
    escalation: bool = False,
    max_bytes: int | None = None,
) -> list[Message]:
    """One digest listing every item, split into parts when a channel limits the length.

    `heading` is the group name (already chosen by the caller; escaped here). Items are sorted
    by person then due date so HR reads the list top-down. `max_bytes` counts UTF-8 bytes (WeCom
    counts bytes, Telegram characters; bytes is the stricter of the two).
    """
    zh = lang is Lang.ZH
    people = len({r.plan.person.id for r in reminders})
    group = escape(heading, fmt)
    if escalation:
        title = (
            f"【需关注】{today.isoformat()}：{people} 人 {len(reminders)} 项"
            if zh
            else f"[Attention] {today.isoformat()}: {len(reminders)} items, {people} people"
        )
    else:
        title = (
            f"【续签提醒汇总】{heading} {today.isoformat()}：{people} 人 {len(reminders)} 项"
            if zh
            else f"[Renewal digest] {heading} {today.isoformat()}: {len(reminders)} items,"
            f" {people} people"
        )
    head = _bold(group or ("全部" if zh else "all"), fmt)
    ordered = sorted(reminders, key=_order)
    lines = [_item_line(r, today, lang, fmt) for r in ordered]
    footer = (
        "带“日期待定”的日期依据估算的节假日安排，可能调整。"
        if zh
        else "Provisional dates may move when the holiday notice is published."
    )
    if not any(isinstance(r, MilestoneReminder) and r.milestone.provisional for r in reminders):
        footer = ""
    parts = _split([head, *lines], footer, max_bytes)
    if len(parts) == 1:
        return [Message(title=title, body=parts[0], format=fmt)]
    return [
        Message(title=f"{title}（{n}/{len(parts)}）", body=body, format=fmt)
        for n, body in enumerate(parts, start=1)
    ]


def _order(reminder: Reminder) -> tuple[str, dt.date, str]:
    """By person, then due date (an alert sorts at its plan's expiry), then kind."""
    due = reminder.due if isinstance(reminder, MilestoneReminder) else reminder.plan.cycle
    return reminder.plan.person.id, due, reminder.kind.value


def _split(lines: list[str], footer: str, max_bytes: int | None) -> list[str]:
    """Pack lines into as few bodies as fit `max_bytes`; the heading repeats on each part."""
    tail = f"\n\n{footer}" if footer else ""
    if max_bytes is None:
        return ["\n".join(lines) + tail]
    head, items = lines[0], lines[1:]
    budget = max_bytes - len(tail.encode()) - 32  # room for the part counter and slack
    parts: list[str] = []
    current = [head]
    size = len(head.encode())
    for line in items:
        cost = len(line.encode()) + 1
        if cost + len(head.encode()) > budget:  # one huge line: cut it rather than loop
            line = line.encode()[: budget - len(head.encode()) - 4].decode(errors="ignore") + "…"
            cost = len(line.encode()) + 1
        if size + cost > budget and len(current) > 1:
            parts.append("\n".join(current))
            current, size = [head], len(head.encode())
        current.append(line)
        size += cost
    parts.append("\n".join(current))
    parts[-1] += tail
    return parts


def test_message(channel: str, lang: Lang, fmt: Format) -> Message:
    if lang is Lang.ZH:
        return Message(
            title="【renewd】测试消息",
            body=f"这是来自 renewd 的测试消息（通道 {escape(channel, fmt)}）。收到即表示配置正确。",
            format=fmt,
        )
    return Message(
        title="[renewd] test message",
        body=f"A test message from renewd (channel {escape(channel, fmt)}). It works.",
        format=fmt,
    )
