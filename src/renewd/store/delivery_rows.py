"""The delivery log's rows and how their columns encode a subject.

A `delivery` row stores its subject in (person, cycle, kind, lead) columns: a reminder's
(person, cycle, kind, lead); a digest's "@digest:<group>", "@escalation" or "@channel:<channel>",
the pass day, kind "digest" and its number that day; a person's message of a pass his id, the
pass day, kind "message" and the pass's number that day. That encoding is this module's alone:
callers see `DeliveryRow`s whose `subject` is a `ReminderKey`, `DigestKey` or `MessageKey`, and
`DeliveryStatus` values, never raw rows (`renewd.store.deliveries` holds the queries).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from renewd.core.letter import Format, Message
from renewd.core.reminders import DigestKey, MessageKey, ReminderKey, parse_kind
from renewd.store.dialect import Cursor

log = logging.getLogger(__name__)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # will be retried when its wait is over
    DEAD = "dead"  # gave up after max_attempts
    CANCELLED = "cancelled"  # the step was done before a retry got through


Subject = ReminderKey | DigestKey | MessageKey

DIGEST = "digest"
MESSAGE = "message"
ESCALATION = "@escalation"
_GROUP_DIGEST = "@digest:"
_CHANNEL_DIGEST = "@channel:"


def columns(subject: Subject) -> tuple[str, dt.date, str, int]:
    """The (person, cycle, kind, lead) columns that store `subject`."""
    if isinstance(subject, MessageKey):
        return subject.person, subject.day, MESSAGE, subject.number
    if isinstance(subject, DigestKey):
        if subject.channel is not None:
            who = f"{_CHANNEL_DIGEST}{subject.channel}"
        else:
            who = ESCALATION if subject.group is None else f"{_GROUP_DIGEST}{subject.group}"
        return who, subject.day, DIGEST, subject.number
    return subject.person, subject.cycle, subject.kind.value, subject.lead


def subject_of(person: str, cycle: str, kind: str, lead: int) -> Subject | None:
    """The subject stored in those columns; None for a kind this version does not know."""
    day = dt.date.fromisoformat(cycle)
    if kind == MESSAGE:
        return MessageKey(day, lead, person)
    if kind == DIGEST:
        if person.startswith(_CHANNEL_DIGEST):
            return DigestKey(day, lead, None, person.removeprefix(_CHANNEL_DIGEST))
        group = None if person == ESCALATION else person.removeprefix(_GROUP_DIGEST)
        return DigestKey(day, lead, group)
    parsed = parse_kind(kind)
    return None if parsed is None else ReminderKey(person, day, parsed, lead)


@dataclass(frozen=True)
class NewDelivery:
    """A delivery to claim: what to send, on which channel, to whom."""

    subject: Subject
    part: int
    channel: str
    recipient: str  # "" = the channel's configured destination
    message: Message
    late: bool
    items: tuple[ReminderKey, ...] = ()  # the reminders a message or digest carries


@dataclass(frozen=True)
class ReminderFact:
    """How one reminder was issued, from the `reminder` table."""

    fire_on: dt.date
    issued_on: dt.date
    late: bool
    first: bool
    legacy: bool = False  # issued by 0.1.0, whose "late" only meant "after its fire day"


@dataclass(frozen=True)
class DeliveryRow:
    """One row of the delivery log."""

    id: int
    subject: Subject
    part: int
    channel: str
    recipient: str
    status: DeliveryStatus
    attempts: int
    next_at: float
    created_at: float
    updated_at: float
    sent_at: float | None
    late: bool
    reason: str
    message: Message
    items: tuple[ReminderKey, ...] = ()  # filled in by `with_items`
    holder: str = ""  # who claimed it, while `sending`


def _row(row: Any) -> DeliveryRow | None:
    subject = subject_of(row["person"], row["cycle"], row["kind"], int(row["lead"]))
    if subject is None:
        log.warning("delivery row %s has unknown kind %r; left alone", row["id"], row["kind"])
        return None
    return DeliveryRow(
        id=int(row["id"]),
        subject=subject,
        part=int(row["part"]),
        channel=str(row["channel"]),
        recipient=str(row["recipient"]),
        status=DeliveryStatus(row["status"]),
        attempts=int(row["attempts"]),
        next_at=float(row["next_at"]),
        created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]),
        sent_at=None if row["sent_at"] is None else float(row["sent_at"]),
        late=bool(row["late"]),
        reason=str(row["reason"]),
        message=Message(
            str(row["title"]),
            str(row["body"]),
            Format(str(row["format"])),
            tuple(str(row["mentions"]).split()),
        ),
        holder=str(row["holder"]),
    )


def rows_of(cursor: Cursor) -> list[DeliveryRow]:
    return [r for r in map(_row, cursor) if r is not None]


INSERT = (
    "INSERT OR IGNORE INTO delivery (person, cycle, kind, lead, part, channel, recipient, status,"
    " attempts, next_at, created_at, updated_at, late, title, body, format, mentions)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)  # no row back when the delivery was there already


def insert_values(d: NewDelivery, at: float) -> tuple[object, ...]:
    person, cycle, kind, lead = columns(d.subject)
    return (
        person,
        cycle.isoformat(),
        kind,
        lead,
        d.part,
        d.channel,
        d.recipient,
        DeliveryStatus.PENDING.value,
        at,
        at,
        at,
        int(d.late),
        d.message.title,
        d.message.body,
        d.message.format.value,
        " ".join(d.message.mentions),
    )
