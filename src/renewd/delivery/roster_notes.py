"""HR's notes of roster problems: each problem once, on the digest channels of its group.

A bad row holds back only its own person (`renewd.roster.assemble.read_partial`); HR has to
correct it. Each problem HR was not told of yet goes to that group's digest channels
(`[groups.X] channels`), or to `notify.escalate_to` when the row has no group (or its group has
no channels): as a section of the digest the pass writes that channel anyway (one message per
recipient per pass, docs/design.md §9; `RosterNotes.digest_extra`), else in a note of its own.
The rows that carry them and the record that HR was told (`renewd.store.records.mark_noticed`)
commit in one transaction, so a crash cannot tell HR twice or not at all; a problem that is fixed
is forgotten, and told again should it come back. The words are `renewd.core.notes`'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from renewd.channels.base import Channel
from renewd.channels.formatting import render
from renewd.core.errors import Problem
from renewd.core.letter import Section
from renewd.core.notes import roster_letter, roster_section
from renewd.core.reminders import DigestKey
from renewd.core.routing import GroupEnvelope, notice_channels, notice_is_groups
from renewd.delivery.routes import routes_of
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import NewDelivery
from renewd.store.records import mark_noticed, unnoticed


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

    def _channels(self, group: str) -> tuple[str, ...]:
        return notice_channels(group, self.routes)

    def begin(self) -> None:
        """Read which problems HR was not told of yet (on the caller's transaction)."""
        self.pending = unnoticed(self.db, self.problems) if any(self.problems.values()) else {}
        self.left = {group: set(self._channels(group)) for group in self.pending}

    def digest_extra(self, envelope: GroupEnvelope) -> Sequence[Section]:
        """The roster sections of a digest: the problems of the groups this channel serves."""
        lang = self.settings.language
        out = []
        for group, problems in sorted(self.pending.items()):
            if envelope.channel in self.left[group]:
                self.left[group].discard(envelope.channel)
                out.append(roster_section(group or None, problems, lang))
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
