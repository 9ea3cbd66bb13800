"""What one delivery pass sends: the pass's reminders routed to envelopes (`core.routing`),
each written as one letter (`core.messages`) and rendered for its channel (`channels.formatting`).

One envelope is one message: per (channel, address) for people, per channel for HR. A message
becomes one delivery row per part (parts only when a digest exceeds the channel's length limit);
`items` lists the reminder keys it carries, so the delivery log can say, per person, what each
message held, and a retry of a message whose every step is done since can be cancelled.

`Extra` is the hook for sections a later feature adds to a person's one message (a calendar
change: "dates moved"): it is asked once per personal envelope and its sections are rendered
inside that message, before the notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from renewd.channels.formatting import render
from renewd.channels.transports import Channel, routes_of
from renewd.core.messages import (
    Message,
    Section,
    digest_letter,
    lang_of,
    personal_letter,
)
from renewd.core.model import Lang
from renewd.core.policy import Policy
from renewd.core.routing import PersonalEnvelope, route
from renewd.core.schedule import Reminder, ReminderKey
from renewd.settings import Settings

MESSAGE = "message"  # a person's one message of a pass (delivery.kind)
DIGEST = "digest"  # a channel's one digest of a pass

Extra = Callable[[PersonalEnvelope], Sequence[Section]]


@dataclass(frozen=True)
class Claim:
    """One delivery row to insert: a message part to one recipient on one channel."""

    person: str  # the person (first of the envelope) or "@digest:<channel>"
    cycle: dt.date  # the pass day
    kind: str  # MESSAGE or DIGEST
    lead: int  # the pass's number on that day
    part: int
    channel: str
    recipient: str  # "" = the channel's own recipients
    message: Message
    late: bool
    items: tuple[ReminderKey, ...]


@dataclass(frozen=True)
class Outbox:
    claims: tuple[Claim, ...]
    unheard: tuple[str, ...]  # "1001 permit_renewal: no channel reaches him"
    messages: int  # envelopes (a split digest counts once)


def build(
    reminders: Sequence[Reminder],
    today: dt.date,
    number: int,
    settings: Settings,
    policy: Policy,
    channels: Mapping[str, Channel],
    extra: Extra | None = None,
) -> Outbox:
    """Every message of a pass, rendered for its channel."""
    routed = route(reminders, routes_of(settings, channels))
    claims: list[Claim] = []
    default: Lang = settings.language
    for envelope in routed.personal:
        channel = channels[envelope.channel]
        plans = envelope.plans
        lang = lang_of(plans[0], default)
        sections = extra(envelope) if extra is not None else ()
        letter = personal_letter(envelope, today, lang, policy, sections)
        keys = tuple(i.reminder.key for i in envelope.items)
        late = any(i.reminder.late for i in envelope.items)
        for part, message in enumerate(render(letter, channel.format, channel.max_bytes, lang)):
            claims.append(
                Claim(
                    plans[0].person.id,
                    today,
                    MESSAGE,
                    number,
                    part,
                    envelope.channel,
                    envelope.address,
                    message,
                    late,
                    keys,
                )
            )
    for digest in routed.group:
        channel = channels[digest.channel]
        letter = digest_letter(digest, today, default, policy)
        keys = tuple(
            dict.fromkeys(
                [i.reminder.key for s in digest.sections for i in (*s.items, *s.unreachable)]
                + [r.key for r in digest.attention]
            )
        )
        parts = render(letter, channel.format, channel.max_bytes, default)
        for part, message in enumerate(parts):
            claims.append(
                Claim(
                    f"@digest:{digest.channel}",
                    today,
                    DIGEST,
                    number,
                    part,
                    digest.channel,
                    "",
                    message,
                    False,
                    keys,
                )
            )
    unheard = tuple(
        f"{r.plan.person.id} {r.kind.value}: no channel reaches this person" for r in routed.unheard
    )
    return Outbox(tuple(claims), unheard, len(routed.personal) + len(routed.group))
