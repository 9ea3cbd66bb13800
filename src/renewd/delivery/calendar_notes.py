"""A delivery pass's calendar mail: the pending "dates moved" notes, and the weekly "import the
notice" warning.

Each note goes to the owners of its step (`core.routing.moved_hearers`, docs/design.md §7): the
holder at his own addresses (a holder no personal channel reaches: inside the message HR forwards
to him, `core.relays`, else in HR's), the group's HR channels for the employer's steps, both for
shared steps. Where
the pass writes that recipient a message anyway (his one message, HR's one digest), the note is a
section of it (`Delivery.extra`, `Delivery.digest_extra`); a recipient the pass writes nothing else
gets one message of its own (kind `dates_moved`). Either way every note of the pass is claimed in
the same transaction as the delivery rows that carry it, so it is sent once, and a crash before that
transaction sends it on the next pass.

`calendar_estimate`: to `notify.escalate_to`, once per ISO week (key: the week's Monday) while a
plan rests on an estimated year from `[calendar] warn_from`, with the command that fixes it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from renewd.channels.base import Channel
from renewd.channels.formatting import render
from renewd.core.estimate import Estimate
from renewd.core.letter import Letter, Section
from renewd.core.model import Lang, Person, PersonPlan
from renewd.core.moves import moved_letter, moved_section
from renewd.core.notes import estimate_letter, signed
from renewd.core.reminders import CalendarNote, ReminderKey
from renewd.core.routing import (
    GroupEnvelope,
    PersonalEnvelope,
    escalation_channels,
    forward_address,
    is_forward,
    moved_hearers,
)
from renewd.delivery.routes import routes_of, signature_of
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.delivery_rows import NewDelivery
from renewd.store.dialect import Connection
from renewd.store.moves import MoveStore, Note

Personal = tuple[str, str]  # (channel, address)


class CalendarMail:
    """One pass's calendar mail. Call `begin(conn)` inside the claim transaction, then build the
    outbox (which asks `extra` and `digest_extra`), then `rest(conn)` for what is left."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        channels: Mapping[str, Channel],
        plans: Sequence[PersonPlan],
        today: dt.date,
        warning: Estimate | None,
    ) -> None:
        self.store = MoveStore(db)
        self.settings, self.channels, self.today, self.warning = settings, channels, today, warning
        self.routes = routes_of(settings, channels)
        self.people: dict[str, Person] = {p.person.id: p.person for p in plans}
        self.notes: list[Note] = []
        self.personal: dict[int, set[Personal]] = {}  # note id -> addresses still to reach
        self.hr: dict[int, set[str]] = {}  # note id -> HR channels still to reach
        self.week = today - dt.timedelta(days=today.weekday())  # the estimate ask's Monday
        self.ask: set[str] = set()  # escalation channels still to ask this week
        self.asked: set[str] = set()  # ... and those this pass asks

    def begin(self, conn: Connection | None = None) -> None:
        """Read the pending notes (on `conn`, inside the claim transaction) and who hears each.
        Notes of people not in the plans (a leaver) stay pending."""
        self.notes = [n for n in self.store.pending(conn) if n.move.person in self.people]
        if self.warning is not None:
            told = self.store.asked(self.week, conn)
            self.ask = {n for n in escalation_channels(self.routes) if n not in told}
        for note in self.notes:
            hearers = moved_hearers(self.people[note.move.person], note.move.kind, self.routes)
            self.personal[note.id] = set(hearers.personal)
            self.hr[note.id] = set(hearers.hr)

    # -- inside the pass's messages ----------------------------------------------------------

    def extra(self, envelope: PersonalEnvelope) -> Sequence[Section]:
        """The moved section of a person's one message (`outbox.Extra`)."""
        target = (envelope.channel, envelope.address)
        ids = {p.person.id for p in envelope.plans}
        carried = [n for n in self.notes if n.move.person in ids and target in self.personal[n.id]]
        for note in carried:
            self.personal[note.id].discard(target)
            if is_forward(target[1]):  # HR reads it in the message it forwards
                self.hr[note.id].discard(envelope.channel)
        if not carried:
            return ()
        lang = envelope.plans[0].person.lang or self.settings.language
        return (moved_section([n.move for n in carried], lang),)

    def digest_extra(self, envelope: GroupEnvelope) -> Sequence[Section]:
        """The moved section of an HR digest (the employer's steps of the channel's groups, and a
        relayed person's steps no forward of the digest carried) and, in an escalation digest,
        this week's ask to import the holiday notice. Asked after the digest's forwards."""
        out: list[Section] = []
        relayed = {(envelope.channel, forward_address(p)) for p in self.people}
        carried = [
            n
            for n in self.notes
            if envelope.channel in self.hr[n.id] or self.personal[n.id] & relayed
        ]
        for note in carried:  # a relayed person's, when no forward carried it: in HR's own list
            self.hr[note.id].discard(envelope.channel)
            self.personal[note.id] -= relayed
        if carried:
            names = {n.move.person: self.people[n.move.person].name for n in carried}
            out.append(moved_section([n.move for n in carried], self.settings.language, names))
        if envelope.channel in self.ask:
            self.ask.discard(envelope.channel)
            self.asked.add(envelope.channel)
            out.append(self._estimate_letter().sections[0])
        return out

    # -- what is left ------------------------------------------------------------------------

    def rest(self, conn: Connection | None = None) -> list[NewDelivery]:
        """A message of its own for every recipient no message of the pass carried a note to,
        and this week's estimate warning; with `conn`, the notes are claimed on it."""
        out: list[NewDelivery] = []
        personal: dict[Personal, list[Note]] = defaultdict(list)
        hr: dict[str, list[Note]] = defaultdict(list)
        for note in self.notes:
            for target in self.personal[note.id]:
                if is_forward(target[1]):  # a relayed person: HR's own dates-moved message
                    hr[target[0]].append(note)
                else:
                    personal[target].append(note)
            for channel in self.hr[note.id]:
                if note not in hr[channel]:
                    hr[channel].append(note)
        for (channel, address), notes in sorted(personal.items()):
            person = self.people[notes[0].move.person]
            lang = person.lang or self.settings.language
            letter = moved_letter([n.move for n in notes], lang, cause=notes[-1].cause)
            letter = signed(letter, signature_of(self.settings), lang)
            out += self._rows(person.id, notes, channel, address, letter, lang)
        for channel, notes in sorted(hr.items()):
            names = {n.move.person: self.people[n.move.person].name for n in notes}
            lang = self.settings.language
            letter = moved_letter([n.move for n in notes], lang, cause=notes[-1].cause, names=names)
            out += self._rows(f"@moved:{channel}", notes, channel, "", letter, lang)
        out += self._estimate()
        if conn is not None:
            self.store.claim(conn, [n.id for n in self.notes], self.today)
            self.store.mark_asked(conn, self.week, self.asked | self.ask)
        return out

    def _rows(
        self, who: str, notes: Sequence[Note], channel: str, to: str, letter: Letter, lang: Lang
    ) -> list[NewDelivery]:
        chan = self.channels.get(channel)
        if chan is None:
            return []
        key = ReminderKey(who, self.today, CalendarNote.DATES_MOVED, min(n.id for n in notes))
        parts = render(letter, chan.format, chan.max_bytes, lang)
        return [NewDelivery(key, i, channel, to, m, False) for i, m in enumerate(parts)]

    def _estimate_letter(self) -> Letter:
        console = f"{self.settings.server.base_url}/"
        return estimate_letter(self.warning, self.settings.language, console)

    def _estimate(self) -> list[NewDelivery]:
        """The week's ask, on its own, to the escalation channels no digest carried it to."""
        if self.warning is None or not self.ask:
            return []
        key = ReminderKey("@calendar", self.week, CalendarNote.CALENDAR_ESTIMATE, 0)
        lang = self.settings.language
        letter = self._estimate_letter()
        out = []
        for name in sorted(self.ask):
            channel = self.channels[name]
            parts = render(letter, channel.format, channel.max_bytes, lang)
            out += [NewDelivery(key, i, name, "", m, False) for i, m in enumerate(parts)]
        return out


__all__ = ["CalendarMail"]
