"""Relays (docs/design.md §7): an employee whom no personal channel reaches is told through HR.
HR's digest carries, for each such person, the full message he would have received (his steps,
the window's first day, what to bring, the warnings, his moved dates) once, under "请转告：张三",
ready to copy and forward.

The message is the person's own letter (`renewd.core.messages.personal_letter`), written for
a `PersonalEnvelope` whose address is `routing.forward_address(person)` on the HR channel; so
the hooks that add sections to a person's message (dates moved, in
`renewd.delivery.calendar_notes`) find the relayed person at that address. It is not signed:
HR forwards it as its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from renewd.core.doc_letters import letter_for
from renewd.core.letter import Level, Line, Section
from renewd.core.model import Lang
from renewd.core.policy import Policy
from renewd.core.routing import Item, PersonalEnvelope, forward_address
from renewd.core.wording import say

Extra = Callable[[PersonalEnvelope], Sequence[Section]]


def forwarded(items: Sequence[Item], channel: str) -> list[PersonalEnvelope]:
    """One envelope per relayed person, in the order the items come (chain order per person)."""
    by_person: dict[str, list[Item]] = {}
    for item in items:
        by_person.setdefault(item.reminder.plan.person.id, []).append(item)
    return [
        PersonalEnvelope(channel, forward_address(person), tuple(its))
        for person, its in by_person.items()
    ]


def forward_sections(
    envelope: PersonalEnvelope,
    today: dt.date,
    default: Lang,
    policy: Policy,
    extra: Extra | None = None,
) -> list[Section]:
    """The person's message as digest sections: a heading naming him (and his roster id, for
    HR), the title and greeting, his sections, his notes."""
    person = envelope.person
    lang = person.lang or default
    letter = letter_for(envelope, today, lang, policy, extra(envelope) if extra else ())
    heading = say(default, "section.forward", name=person.name, id=person.id)
    # The title names him: a group robot @-mentions him there (he may read the group himself).
    top = [
        Line(letter.title, Level.TEXT, mention=person.id),
        *(Line(t, Level.TEXT) for t in letter.opening),
    ]
    out = [Section(heading, tuple(top)), *letter.sections]
    closing = [Line(t, Level.TEXT) for t in letter.closing]
    # Where his message ends: what follows in the digest (HR's own checklist, its notes) is not
    # to be forwarded with it.
    closing.append(Line(say(default, "section.forward.end", name=person.name), Level.TEXT))
    out.append(Section("", tuple(closing)))
    return out
