"""What one delivery pass sends: the pass's reminders routed to envelopes (`core.routing`),
each written as one letter (`core.messages`) and rendered for its channel (`channels.formatting`).

One envelope is one message: per (channel, address) for people, per channel for HR. A message
becomes one delivery row per part (parts only when a digest exceeds the channel's length limit);
`items` lists the reminder keys it carries, so the delivery log can say, per person, what each
message held, and a retry of a message whose every step is done since can be cancelled.

`Extra` is the hook for sections a later feature adds to a person's one message (a calendar
change: "dates moved"): it is asked once per personal envelope and its sections are rendered
inside that message, before the notes; `DigestExtra` likewise once per HR digest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from renewd.channels.base import Channel
from renewd.channels.formatting import render
from renewd.core.digests import digest_letter
from renewd.core.doc_letters import letter_for
from renewd.core.letter import Section
from renewd.core.model import Lang
from renewd.core.notes import signed, with_console_footer
from renewd.core.policy import Policy
from renewd.core.reminders import (
    DigestKey,
    DocumentReminder,
    MessageKey,
    MilestoneReminder,
    Reminder,
    ReminderKey,
)
from renewd.core.repeats import Heard, heard, repeats, said_again
from renewd.core.routing import GroupEnvelope, Item, PersonalEnvelope, route
from renewd.delivery.routes import routes_of, signature_of
from renewd.settings import Settings
from renewd.store.delivery_rows import NewDelivery

Extra = Callable[[PersonalEnvelope], Sequence[Section]]
DigestExtra = Callable[[GroupEnvelope], Sequence[Section]]
Said = Mapping[tuple[str, str], Sequence[ReminderKey]]


E = TypeVar("E", PersonalEnvelope, GroupEnvelope)


def joined(*extras: Callable[[E], Sequence[Section]] | None) -> Callable[[E], Sequence[Section]]:
    """One hook asking each of `extras` in turn (None: not there)."""
    present = [e for e in extras if e is not None]

    def every(envelope: E) -> Sequence[Section]:
        return tuple(section for extra in present for section in extra(envelope))

    return every


@dataclass(frozen=True)
class Outbox:
    claims: tuple[NewDelivery, ...]
    unheard: tuple[str, ...]  # "1001 permit_renewal: no channel reaches him"
    messages: int  # envelopes (a split digest counts once)
    repeated: int = 0  # messages not sent: the reader was told the same yesterday


def build(
    reminders: Sequence[Reminder],
    today: dt.date,
    number: int,
    settings: Settings,
    policy: Policy,
    channels: Mapping[str, Channel],
    extra: Extra | None = None,
    digest_extra: DigestExtra | None = None,
    forward_extra: Extra | None = None,
    said: Said | None = None,
    news: Extra | None = None,
) -> Outbox:
    """Every message of a pass, rendered for its channel. `forward_extra`: sections for the
    message HR forwards to a person no personal channel reaches (no action links there).

    `said`: what each reader's message of the pass day before carried, by (channel, address);
    a step said then with the same status is left out of the reader's message, and a message
    that would say nothing new (`renewd.core.repeats`) is left out: its reminders are issued,
    nothing is sent. `news`: sections for a person's message, after `extra`'s, that
    make it news whatever its steps say (dates moved); `extra`'s (action links) do not."""
    said = said or {}
    repeated = 0
    loud = [r for r in reminders if not (isinstance(r, MilestoneReminder) and r.quiet)]
    routed = route(loud, routes_of(settings, channels))
    claims: list[NewDelivery] = []
    default: Lang = settings.language
    for envelope in routed.personal:
        channel = channels[envelope.channel]
        person = envelope.person
        lang = person.lang or default
        told = news(envelope) if news is not None else ()
        last = said.get((envelope.channel, envelope.address))
        kept = fresh(envelope.items, heard(last))
        if not kept and not told:
            repeated += 1  # every step said the pass day before: nothing new to him
            continue
        envelope = replace(envelope, items=kept) if kept else envelope
        sections = (*(extra(envelope) if extra is not None else ()), *told)
        letter = signed(
            letter_for(envelope, today, lang, policy, sections), signature_of(settings), lang
        )
        keys = tuple(i.reminder.key for i in envelope.items)
        if not told and repeats(keys, last):
            repeated += 1
            continue
        late = any(i.reminder.late for i in envelope.items)
        subject = MessageKey(today, number, person.id)
        for part, message in enumerate(render(letter, channel.format, channel.max_bytes, lang)):
            claims.append(
                NewDelivery(
                    subject,
                    part,
                    envelope.channel,
                    envelope.address,
                    message,
                    late,
                    keys if part == 0 else (),
                )
            )
    for digest in routed.group:
        channel = channels[digest.channel]
        last = said.get((digest.channel, ""))
        new = fresh_digest(digest, heard(last))
        digest = new or digest  # nothing new: sent whole only for its notes (`asked`)
        asked: list[Section] = []  # what the hooks added: news, whatever the steps say
        tail = _noting(digest_extra, asked) if digest_extra is not None else ()
        forward = _noting(forward_extra, asked) if forward_extra is not None else None
        letter = digest_letter(digest, today, default, policy, tail, forward)
        letter = with_console_footer(letter, default, f"{settings.server.base_url}/")
        keys = tuple(
            dict.fromkeys(
                [i.reminder.key for s in digest.sections for i in (*s.items, *s.unreachable)]
                + [r.key for r in digest.attention]
            )
        )
        if not asked and (new is None or repeats(keys, last)):
            repeated += 1
            continue
        people = {
            r.plan.person.id: r.plan.person
            for r in (
                *(i.reminder for s in digest.sections for i in (*s.items, *s.unreachable)),
                *digest.attention,
            )
        }
        ids = {pid: channel.mention_of(p) for pid, p in people.items()}
        parts = render(letter, channel.format, channel.max_bytes, default, mention=ids.get)
        digest_key = DigestKey(today, number, None, digest.channel)
        for part, message in enumerate(parts):
            claims.append(
                NewDelivery(
                    digest_key, part, digest.channel, "", message, False, keys if part == 0 else ()
                )
            )
    unheard = tuple(
        f"{r.plan.person.id} {r.kind.value}: no channel reaches this person" for r in routed.unheard
    )
    sent = len(routed.personal) + len(routed.group) - repeated
    return Outbox(tuple(claims), unheard, sent, repeated)


def fresh(items: Sequence[Item], before: Heard) -> tuple[Item, ...]:
    """`items` but the steps the reader heard on the pass day before with the same status
    (`core.repeats.said_again`); a first contact's or a late reminder's are news of their own."""
    return tuple(i for i in items if not _again(i.reminder, before))


def _again(reminder: Reminder, before: Heard) -> bool:
    if not isinstance(reminder, MilestoneReminder | DocumentReminder):
        return False
    return not reminder.first and not reminder.late and said_again(reminder.key, before)


def fresh_digest(digest: GroupEnvelope, before: Heard) -> GroupEnvelope | None:
    """The digest without the steps HR heard on the pass day before (`fresh`); None when that
    leaves nothing (the whole digest is a repeat, unless its notes are news)."""
    sections = tuple(replace(s, items=fresh(s.items, before)) for s in digest.sections)
    sections = tuple(s for s in sections if s.items or s.unreachable)
    if not sections and not digest.attention:
        return None
    return replace(digest, sections=sections)


def _noting(
    hook: Callable[[E], Sequence[Section]], asked: list[Section]
) -> Callable[[E], Sequence[Section]]:
    """`hook`, keeping what it answers in `asked`."""

    def noted(envelope: E) -> Sequence[Section]:
        sections = hook(envelope)
        asked.extend(sections)
        return sections

    return noted
