"""Readable lines for people: what a pass did (`notify --due`) and the history (`renewd log`).

Leads are words ("截止前 60 天" / "60 days before", "截止后 6 天" / "6 days after the due date",
"首次联系" / "first contact", "补发（renewd 在 … 未运行）" / "late (renewd was not running on
…)"); times carry their UTC offset; every line follows `language`. The words come from the
wording catalogue, as in the messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from renewd.core.model import Lang, MilestoneKind, Step
from renewd.core.schedule import Alert, Notice, ReminderKey
from renewd.core.wording import CATALOGUE, lead_text, say, step_name
from renewd.service.delivery import Delivery, Outcome, PassReport, ReminderFact
from renewd.service.outbox import DIGEST, MESSAGE
from renewd.store.progress import Fact, ProgressStore, kind_of


def item_text(key: ReminderKey, fact: ReminderFact | None, lang: Lang, owner: str = "") -> str:
    """One reminder a message carried: its step and its lead in words."""
    try:
        kind: MilestoneKind | Alert | Notice = MilestoneKind(key.kind)
    except ValueError:
        kind = Notice(key.kind) if key.kind in set(Notice) else Alert(key.kind)
    if isinstance(kind, MilestoneKind):
        name = step_name(kind, lang)
        if fact is not None and fact.first:
            lead = say(lang, "lead.first")
        elif fact is not None and fact.late:
            lead = say(lang, "cli.lead.late_on", day=fact.fire_on.isoformat())
        else:
            lead = lead_text(key.lead, lang)
    elif kind is Notice.FIRST_CONTACT:
        name, lead = say(lang, "cli.first_contact"), say(lang, "lead.first")
    else:
        name, lead = say(lang, "lead.alert"), say(lang, f"cli.alert.{kind.value}")
    person = f"{key.person} " if key.person and key.person != owner else ""
    return f"{person}{name}（{lead}）" if lang is Lang.ZH else f"{person}{name} ({lead})"


def outcome_text(outcome: Outcome, facts: Mapping[ReminderKey, ReminderFact], lang: Lang) -> str:
    if outcome.kind == MESSAGE:
        what = say(lang, "cli.message", person=outcome.person)
    elif outcome.kind == DIGEST:
        what = say(lang, "cli.digest", channel=outcome.channel)
        if outcome.part:
            what += f" #{outcome.part + 1}"
    else:  # a row from 0.1.0: one reminder per row
        key = ReminderKey(outcome.person, dt.date.min, outcome.kind, outcome.lead)
        what = item_text(key, None, lang)
    to = outcome.recipient or say(lang, "cli.configured")
    text = f"{what} {say(lang, 'cli.via', channel=outcome.channel, to=to)}"
    if outcome.items:
        sep = "；" if lang is Lang.ZH else "; "
        text += ("：" if lang is Lang.ZH else ": ") + sep.join(
            item_text(k, facts.get(k), lang, outcome.person) for k in outcome.items
        )
    if outcome.reason:
        text += f" — {outcome.reason}"
    return text


def print_report(report: PassReport, delivery: Delivery, lang: Lang) -> None:
    """What one pass did, with counts that add up."""
    outcomes = [*report.planned, *report.sent, *report.failed, *report.dead, *report.cancelled]
    facts = delivery.reminder_facts(k for o in outcomes for k in o.items)
    head = "cli.dry" if report.dry_run else "cli.pass"
    print(say(lang, head, day=report.today.isoformat(), issued=report.issued,
              messages=report.messages, first=report.first_contacts, late=report.late))  # fmt: skip
    width = 14 if lang is Lang.EN else 10
    rows: Sequence[tuple[str, Iterable[Outcome]]] = (
        ("cli.would", report.planned),
        ("cli.sent", report.sent),
        ("cli.failed", report.failed),
        ("cli.dead", report.dead),
        ("cli.cancelled", report.cancelled),
    )
    for label, items in rows:
        for outcome in items:
            extra = ""
            if label in ("cli.failed", "cli.dead"):
                extra = f" ({say(lang, 'cli.attempt', n=outcome.attempts)})"
            print(f"  {say(lang, label):<{width}}{outcome_text(outcome, facts, lang)}{extra}")
    for text in report.skipped:
        print(f"  {say(lang, 'cli.skipped'):<{width}}{text}")
    counts = delivery.counts()
    waiting = counts.get("failed", 0) + counts.get("pending", 0)
    print(say(lang, "cli.total", sent=len(report.sent), failed=len(report.failed),
              dead=len(report.dead), cancelled=len(report.cancelled),
              skipped=len(report.skipped), waiting=waiting))  # fmt: skip


def _when(stamp: float, zone: ZoneInfo) -> str:
    moment = dt.datetime.fromtimestamp(stamp, dt.UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M %z")[:-2] + ":" + moment.strftime("%z")[-2:]


def _fact_when(text: str, zone: ZoneInfo) -> str:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _when(moment.timestamp(), zone)


def print_log(
    delivery: Delivery, progress: ProgressStore, person: str | None, limit: int,
    lang: Lang, zone: ZoneInfo,
) -> bool:  # fmt: skip
    """The delivery history and the recorded progress, newest first; False when empty."""
    rows = delivery.history(person, limit)
    facts_by_row = {int(str(r["id"])): delivery.items(int(str(r["id"]))) for r in rows}
    facts = delivery.reminder_facts(k for keys in facts_by_row.values() for k in keys)
    lines: list[tuple[str, str]] = []
    for row in rows:
        when = _when(float(str(row["created_at"])), zone)
        status = str(row["status"])
        label = say(lang, f"cli.{status}") if f"cli.{status}" in _labels(lang) else status
        outcome = Outcome(
            str(row["person"]), str(row["kind"]), int(str(row["lead"])), str(row["channel"]),
            str(row["recipient"]), bool(row["late"]), int(str(row["attempts"])),
            str(row["reason"] or ""), int(str(row["part"])),
            tuple(facts_by_row[int(str(row["id"]))]),
        )  # fmt: skip
        text = outcome_text(outcome, facts, lang)
        if outcome.kind not in (MESSAGE, DIGEST):
            text += f" [{lead_text(outcome.lead, lang)}]"
        attempt = say(lang, "cli.attempt", n=outcome.attempts)
        lines.append((when, f"{when}  {label:<10} {text} · {attempt}"))
    for fact in progress.facts(person):
        when = _fact_when(fact.recorded_at, zone)
        lines.append((when, f"{when}  {say(lang, 'cli.recorded'):<10} {_fact_text(fact, lang)}"))
    for _, line in sorted(lines, key=lambda pair: pair[0], reverse=True)[:limit]:
        print(line)
    return bool(lines)


def _fact_text(fact: Fact, lang: Lang) -> str:
    try:
        step = step_name(kind_of(Step(fact.field)), lang)
    except ValueError:
        step = fact.field
    return say(lang, "cli.progress", person=fact.person, step=step, day=fact.day.isoformat(),
               by=fact.recorded_by)  # fmt: skip


def _labels(lang: Lang) -> frozenset[str]:
    return frozenset(CATALOGUE[lang])
