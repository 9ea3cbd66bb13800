"""What each calendar event says (SPEC §4): one event per milestone of a plan and one per critical
date, with stable UIDs, before any SEQUENCE or timestamp (`Stamp`, kept by
`renewd.store.feedstamps`). Pure: the same plan always gives the same events.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import NamedTuple

from renewd.core.feeds import mask_name, person_lang
from renewd.core.materials import Actor, checklist, step_text
from renewd.core.model import Lang, MilestoneKind, Person, PersonPlan

K = MilestoneKind
# Steps whose description carries the materials checklist.
_CHECKLIST_KINDS = frozenset({K.PREPARE, K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION})


@dataclass(frozen=True, slots=True)
class EventContent:
    """What one event says, before SEQUENCE and timestamps. `digest` covers every field."""

    uid: str
    person_id: str
    day: dt.date
    summary: str
    masked_summary: str
    description: str
    lang: Lang

    @property
    def digest(self) -> str:
        """Computed when asked (stamping needs it, rendering does not)."""
        return _digest(
            self.uid,
            self.day.isoformat(),
            self.summary,
            self.masked_summary,
            self.description,
            self.lang.value,
        )

    @property
    def key(self) -> EventKey:
        return EventKey(self.day, self.uid, self.digest)


class EventKey(NamedTuple):
    """What stamping and feed digests need of an event: where it sorts, and its content digest.
    Small enough to hold for every event while the full `EventContent` is dropped."""

    day: dt.date
    uid: str
    digest: str


@dataclass(frozen=True, slots=True)
class Stamp:
    """How often an event's content changed, and when it last did (UTC)."""

    sequence: int
    changed: dt.datetime


def person_hash(person_id: str, uid_key: bytes) -> str:
    """The person part of a UID: keyed (HMAC-SHA256 with a key derived from the feed key), so
    that neither the id nor anything about other people can be recovered from it by trying
    ids; stable as long as the feed key is (rotating one feed's token keeps it)."""
    if len(uid_key) < 16:
        raise ValueError("a UID key must hold at least 16 bytes")
    mac = hmac.new(uid_key, person_id.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:20]


def critical_uid(person_id: str, index: int, uid_key: bytes) -> str:
    return f"{person_hash(person_id, uid_key)}-critical-{index}@renewd"


def ymd(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _content(
    uid: str,
    person: Person,
    masked_name: str,
    day: dt.date,
    head: str,
    rest: str,
    desc: str,
    lang: Lang,
) -> EventContent:
    return EventContent(
        uid=uid,
        person_id=person.id,
        day=day,
        summary=f"{head}{person.name}{rest}",
        masked_summary=f"{head}{masked_name}{rest}",
        description=desc,
        lang=lang,
    )


_checklist = functools.lru_cache(maxsize=256)(checklist)
_step_text = functools.lru_cache(maxsize=64)(step_text)


def plan_events(plan: PersonPlan, default_lang: Lang, uid_key: bytes) -> list[EventContent]:
    """One event per milestone of the plan, and one per critical date of the person."""
    person = plan.person
    lang = person_lang(person, default_lang)
    zh = lang is Lang.ZH
    warnings: list[str] = []
    if not plan.feasible:
        approval = plan.projected_approval.isoformat() if plan.projected_approval else "?"
        warnings.append(
            f"⚠ 按当前进度无法按时完成：积分预计中断 {plan.gap_days} 天（预计审批 {approval}）。"
            "请立即联系人事。"
            if zh
            else f"⚠ Not feasible at the current pace: the points would lapse for {plan.gap_days}"
            f" days (approval expected {approval}). Contact HR now."
        )
    for crit in plan.critical_at_risk:
        label = crit.label or ("关键日期" if zh else "critical date")
        warnings.append(
            f"⚠ {crit.date.isoformat()} {label} 届时积分可能无效。"
            if zh
            else f"⚠ {crit.date.isoformat()} {label}: the points may not be valid then."
        )
    items = _checklist(person.changes, lang)
    who, cycle = person_hash(person.id, uid_key), ymd(plan.cycle)
    masked_name = mask_name(person.name)
    out: list[EventContent] = []
    for m in plan.milestones:
        step = _step_text(m.kind, lang)
        heads_up = step.actor is Actor.NOBODY
        lines = [step.action]
        if zh:
            lines.append(f"{'日期' if heads_up else '截止'}：{m.due.isoformat()}")
            if m.opens and m.opens < m.due:
                lines.append(f"可办理：{m.opens.isoformat()} 起")
            lines.append(f"办理人：{step.actor_text}")
            if m.done_on:
                lines.append(f"已完成：{m.done_on.isoformat()}")
            if m.provisional:
                lines.append(f"日期暂定：{m.due.year} 年节假日安排公布后可能调整。")
        else:
            lines.append(f"{'On' if heads_up else 'By'}: {m.due.isoformat()}")
            if m.opens and m.opens < m.due:
                lines.append(f"From: {m.opens.isoformat()}")
            lines.append(f"Who: {step.actor_text}")
            if m.done_on:
                lines.append(f"Done: {m.done_on.isoformat()}")
            if m.provisional:
                lines.append(
                    f"Provisional: may move when the holiday notice for {m.due.year} is published."
                )
        lines.extend(warnings)
        if person.has_points and m.kind in _CHECKLIST_KINDS:
            lines.append("材料清单：" if zh else "Materials:")
            lines.extend(f"- {item}" for item in items)
        tag = ("【积分】" if step.points else "【居住证】") if zh else ""
        if not zh:
            tag = "[Points] " if step.points else "[Permit] "
        done = "✓" if m.done_on else ""
        suffix = ("：" if zh else ": ") + step.title
        if m.provisional:
            suffix += "（暂定）" if zh else " (provisional)"
        # Stable across dates and titles: (person hash, cycle, kind) only.
        uid = f"{who}-{cycle}-{m.kind.value}@renewd"
        out.append(
            _content(uid, person, masked_name, m.due, done + tag, suffix, "\n".join(lines), lang)
        )
    for index, crit in enumerate(person.critical_dates):
        label = crit.label or ("关键日期" if zh else "critical date")
        at_risk = crit in plan.critical_at_risk
        if zh:
            desc = "这一天需要有效的居住证积分。"
            if at_risk:
                desc += (
                    f"\n⚠ 按当前进度届时积分可能无效（中断 {plan.gap_days} 天）。请立即联系人事。"
                )
            head, rest = "【关键日期】", f"：{label}"
        else:
            desc = "Valid residence-permit points are needed on this day."
            if at_risk:
                desc += (
                    f"\n⚠ At the current pace the points may not be valid then (gap"
                    f" {plan.gap_days} days). Contact HR now."
                )
            head, rest = "[Critical] ", f": {label}"
        uid = critical_uid(person.id, index, uid_key)
        out.append(_content(uid, person, masked_name, crit.date, head, rest, desc, lang))
    return out
