"""HR's notes of roster problems: each problem once, on the digest channels of its group.

A bad row holds back only its own person (`renewd.roster.assemble.read_partial`); HR has to
correct it. Each problem HR was not told of yet goes to that group's digest channels
(`[groups.X] channels`), or to `notify.escalate_to` when the row has no group (or its group has
no channels): as a section of the digest the pass writes that channel anyway (one message per
recipient per pass, docs/design.md §9; `RosterNotes.digest_extra`), else in a note of its own.
The rows that carry them and the record that HR was told (`renewd.store.records.mark_noticed`)
commit in one transaction, so a crash cannot tell HR twice or not at all; a problem that is fixed
is forgotten, and told again should it come back. The words are `renewd.core.notes`'.

The escalation channel's weekly summary (the digest that lists what is still open) also says the
problems HR was told of on an earlier day and has not fixed (`renewd.core.notes.unfixed_section`):
HR hears each problem once, the lead hears every week of those left standing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from renewd.channels.base import Channel
from renewd.channels.formatting import render
from renewd.core.errors import Problem
from renewd.core.escalations import summary_day
from renewd.core.letter import Section
from renewd.core.notes import roster_letter, roster_section, unfixed_section
from renewd.core.reminders import DigestKey
from renewd.core.routing import GroupEnvelope, notice_channels, notice_is_groups
from renewd.delivery.routes import routes_of
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import NewDelivery
from renewd.store.records import mark_noticed, told_on, unnoticed


class RosterNotes:
    """One pass's roster notes. In a pass that writes digests: `begin()` inside the claim
    transaction, build the outbox (which asks `digest_extra`), then `rest(today, True)`; in one
    that writes none, `build(today, True)` alone."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        channels: Mapping[str, Channel],
        problems: Mapping[str, Sequence[Problem]],
    ) -> None:
        self.db = db
        self.settings = settings
        self.channels = channels
        self.routes = routes_of(settings, channels)
        self.problems = problems  # by group; "" = no group known
        self.pending: dict[str, list[Problem]] = {}  # by group: not told yet
        self.left: dict[str, set[str]] = {}  # by group: channels no digest carried them to
        self.told: list[tuple[Problem, str]] = []  # told of on the day given, the oldest first

    def _channels(self, group: str) -> tuple[str, ...]:
        return notice_channels(group, self.routes)

    def begin(self) -> None:
        """Read which problems HR was not told of yet (on the caller's transaction)."""
        self.pending = unnoticed(self.db, self.problems) if any(self.problems.values()) else {}
        self.left = {group: set(self._channels(group)) for group in self.pending}
        self.told = told_on(self.db, self.problems) if any(self.problems.values()) else []

    def digest_extra(self, envelope: GroupEnvelope) -> Sequence[Section]:
        """The roster sections of a digest: the problems of the groups this channel serves."""
        lang = self.settings.language
        out = []
        for group, problems in sorted(self.pending.items()):
            if envelope.channel in self.left[group]:
                self.left[group].discard(envelope.channel)
                out.append(roster_section(group or None, problems, lang))
        week = summary_day(envelope.attention)
        unfixed = [(p, day) for p, day in self.told if week is not None and day < week.isoformat()]
        if week is not None and unfixed:  # the weekly summary: what is left unfixed
            since = dt.date.fromisoformat(unfixed[0][1])
            page = f"{self.settings.server.base_url}/roster"
            out.append(unfixed_section([p for p, _ in unfixed], since, week, lang, page))
        return out

    def rest(self, today: dt.date, record: bool) -> list[NewDelivery]:
        """A note of its own on every channel no digest carried a group's problems to; with
        `record`, mark every group told that some channel hears (inside the caller's
        transaction, with the rows)."""
        out: list[NewDelivery] = []
        log = DeliveryLog(self.db)
        lang = self.settings.language
        for group, problems in sorted(self.pending.items()):
            names = self._channels(group)
            key_group = group if notice_is_groups(group, self.routes) else None
            key = DigestKey(today, log.next_digest_number(key_group, today), key_group)
            letter = roster_letter(group or None, problems, lang)
            for name in names:
                if name in self.left[group]:
                    chan = self.channels[name]
                    parts = render(letter, chan.format, chan.max_bytes, lang)
                    out += [NewDelivery(key, i, name, "", m, False) for i, m in enumerate(parts)]
            if names and record:
                mark_noticed(self.db, group, problems, today.isoformat())
        self.pending = {}
        return out

    def build(self, today: dt.date, record: bool) -> list[NewDelivery]:
        """Every note on its own (a pass that writes no digest)."""
        self.begin()
        return self.rest(today, record)
