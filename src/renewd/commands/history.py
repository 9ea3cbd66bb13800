"""Readable lines for people: what a pass did (`notify --due`) and the history (`renewd log`).

Leads are words ("截止前 60 天" / "60 days before", "截止后 6 天" / "6 days after the due date",
"首次联系" / "first contact", "补发（renewd 在 … 未运行）" / "late (renewd was not running on
…)"); times carry their UTC offset; every line follows `language`. The words come from the
wording catalogue, as in the messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from renewd.core.model import Lang, MilestoneKind, Step
from renewd.core.progress import kind_of
from renewd.core.reminders import DigestKey, DocKind, MessageKey, NoticeKind, ReminderKey
from renewd.core.wording import CATALOGUE, lead_text, say, step_name
from renewd.delivery.sending import Outcome, PassReport
from renewd.settings import Settings
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import DeliveryStatus, ReminderFact
from renewd.store.progress import Fact, ProgressStore


def item_text(key: ReminderKey, fact: ReminderFact | None, lang: Lang, owner: str = "") -> str:
    """One reminder a message carried: its step and its lead in words."""
    kind = key.kind
    if isinstance(kind, DocKind) and kind.alert:  # a document's: "<pack>/!infeasible"
        name = say(lang, "lead.alert") + " " + kind.pack
        lead = say(
            lang, f"cli.alert.{kind.step[1:]}" if kind.step != "!first_contact" else "lead.first"
        )
    elif isinstance(kind, MilestoneKind | DocKind):
        name = step_name(kind, lang) if isinstance(kind, MilestoneKind) else kind.value
        if fact is not None and fact.first:
            lead = say(lang, "lead.first")
        elif fact is not None and fact.late:
            key_late = "cli.lead.due_on" if fact.legacy else "cli.lead.late_on"
            lead = say(lang, key_late, day=fact.fire_on.isoformat())
        else:
            lead = lead_text(key.lead, lang)
    elif kind is NoticeKind.FIRST_CONTACT:
        name, lead = say(lang, "cli.first_contact"), say(lang, "lead.first")
    else:
        name, lead = say(lang, "lead.alert"), say(lang, f"cli.alert.{kind.value}")
    person = f"{key.person} " if key.person and key.person != owner else ""
    return person + name + say(lang, "p.paren", text=lead)


def hidden_addresses(settings: Settings) -> frozenset[str]:
    """The channels whose recipients are secrets (Bark device keys, PushPlus tokens)."""
    return frozenset(c.name for c in settings.channels if c.hides_addresses)


def outcome_text(
    outcome: Outcome,
    facts: Mapping[ReminderKey, ReminderFact],
    lang: Lang,
    hidden: frozenset[str] = frozenset(),
) -> str:
    subject = outcome.subject
    owner = ""
    if isinstance(subject, MessageKey):
        owner = subject.person
        what = say(lang, "cli.message", person=subject.person)
    elif isinstance(subject, DigestKey):
        what = say(lang, "cli.digest", channel=outcome.channel)
        if outcome.part:
            what += f" #{outcome.part + 1}"
    else:  # one reminder per row (0.1.0)
        what = item_text(subject, facts.get(subject), lang)
    to = outcome.recipient or say(lang, "cli.configured")
    if outcome.recipient and outcome.channel in hidden:
        to = "***"  # the person is named already; his key is a secret
    text = f"{what} {say(lang, 'cli.via', channel=outcome.channel, to=to)}"
    if outcome.items:
        sep = say(lang, "p.semi")
        text += say(lang, "p.colon") + sep.join(
            item_text(k, facts.get(k), lang, owner) for k in outcome.items
        )
    if outcome.reason:
        text += f" — {outcome.reason}"
    return text


def print_report(
    report: PassReport, delivery: DeliveryLog, lang: Lang, hidden: frozenset[str] = frozenset()
) -> None:
    """What one pass did, with counts that add up; recipients on `hidden` channels as ***."""
    outcomes = [*report.planned, *report.sent, *report.failed, *report.dead, *report.cancelled]
    keys = [k for o in outcomes for k in o.items]
    keys += [o.subject for o in outcomes if isinstance(o.subject, ReminderKey)]
    facts = {**delivery.reminder_facts(keys), **report.facts}
    head = "cli.dry" if report.dry_run else "cli.pass"
    print(
        say(
            lang,
            head,
            day=report.today.isoformat(),
            issued=report.issued,
            messages=report.messages,
            first=report.first_contacts,
            late=report.late,
        )
    )
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
            text = outcome_text(outcome, facts, lang, hidden)
            print(f"  {say(lang, label):<{width}}{text}{extra}")
    for text in report.skipped:
        print(f"  {say(lang, 'cli.skipped'):<{width}}{text}")
    counts = delivery.counts()
    waiting = counts.get(DeliveryStatus.FAILED, 0) + counts.get(DeliveryStatus.PENDING, 0)
    print(
        say(
            lang,
            "cli.total",
            sent=len(report.sent),
            failed=len(report.failed),
            dead=len(report.dead),
            cancelled=len(report.cancelled),
            skipped=len(report.skipped),
            waiting=waiting,
        )
    )


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
    delivery: DeliveryLog,
    progress: ProgressStore,
    person: str | None,
    limit: int,
    failed: bool,
    lang: Lang,
    zone: ZoneInfo,
    hidden: frozenset[str] = frozenset(),
) -> bool:
    """The delivery history and the recorded progress, newest first; False when empty.
    `failed`: only the deliveries that failed or died (and no progress); recipients on
    `hidden` channels as ***."""
    only = (DeliveryStatus.FAILED, DeliveryStatus.DEAD) if failed else ()
    rows = delivery.history(person, limit, only=only)  # the limit counts only those
    keys = [k for r in rows for k in r.items]
    keys += [r.subject for r in rows if isinstance(r.subject, ReminderKey)]
    facts = delivery.reminder_facts(keys)
    lines: list[tuple[str, str]] = []
    for row in rows:
        when = _when(row.created_at, zone)
        status = row.status.value
        label = say(lang, f"cli.{status}") if f"cli.{status}" in _labels(lang) else status
        outcome = replace(Outcome.of(row), reason=row.reason)
        text = outcome_text(outcome, facts, lang, hidden)
        attempt = say(lang, "cli.attempt", n=outcome.attempts)
        if row.status is DeliveryStatus.FAILED:  # when it will be tried again
            attempt += f" · {say(lang, 'cli.next_try', at=_when(row.next_at, zone))}"
        lines.append((when, f"{when}  {label:<10} {text} · {attempt}"))
    for fact in () if failed else progress.facts(person):
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
    return say(
        lang,
        "cli.progress",
        person=fact.person,
        step=step,
        day=fact.day.isoformat(),
        by=fact.recorded_by,
    )


def _labels(lang: Lang) -> frozenset[str]:
    return frozenset(CATALOGUE[lang])
