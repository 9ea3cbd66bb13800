"""One generation of feeds (`renewd.web.publisher.FeedCache`): what a refresh made, swapped in
whole.

HR's feeds (all people, one per group, the extra feeds: few) are kept as specs. A person's own
feed is not: a generation keeps of each person a `Held` record (the person, his plans' stamps
and digest shares, his feed's Last-Modified) and makes his feed's spec, title and bytes when it
is requested. The bytes of the last `PERSON_FEEDS_KEPT` person feeds served are kept; at 100,000
people that is about 400 bytes a person instead of about 1,200 (issue 20).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from renewd.core.docevents import AnyPlan, events_of
from renewd.core.events import EventContent, Stamp
from renewd.core.feeds import FeedSpec, person_spec
from renewd.core.ics import combine
from renewd.core.model import Lang, Person
from renewd.core.policy import FeedOptions, Owners
from renewd.web.feedindex import PERSON
from renewd.web.feedshares import Done
from renewd.web.published import Published

PERSON_FEEDS_KEPT = 128  # person feeds' bytes kept between requests (the most recently served)
_UNSET = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(slots=True)
class Held:
    """What a generation keeps of one person: enough to find his feed and build it on demand."""

    person: Person
    documents_only: bool  # holds other documents and no points (his feed's title says so)
    done: Done | tuple[Done, ...] = ()  # his plans as stamped: one, or (points, then documents)
    modified: dt.datetime = _UNSET  # his feed's Last-Modified

    def plans(self) -> tuple[Done, ...]:
        return self.done if isinstance(self.done, tuple) else (self.done,)

    def add(self, entry: Done) -> None:
        """Append his next plan (most people have one: kept without a tuple)."""
        empty = isinstance(self.done, tuple) and not self.done
        self.done = entry if empty else (*self.plans(), entry)

    def share(self) -> tuple[int, int]:
        """(digest sum, events) of his own feed, which holds every event of his plans."""
        total, count = 0, 0
        for entry in self.plans():
            total, count = combine(total, entry.total), count + entry.count
        return total, count


@dataclass
class Generation:
    key: Any
    options: FeedOptions  # makes the people's own feeds' specs
    head: tuple[FeedSpec, ...]  # HR's feeds before the people's own: all, groups
    tail: tuple[FeedSpec, ...]  # and after them: the extra feeds
    people: dict[str, Held]  # person id → his record, in roster order (then document holders)
    lang: Lang
    owners: Owners
    auto: bool  # [policy] auto_endorsement
    modified: dict[str, dt.datetime]  # HR's feeds' Last-Modified
    counts: dict[str, int]  # HR's feeds → how many events each holds
    limits: tuple[int, int]  # a large feed's bytes and events (`publisher.LARGE_BYTES`, ...)
    crowded: dict[str, int]  # person feeds past the events limit → their events (hardly any)
    refresh_hours: int
    today: dt.date  # HR's feeds hold events up to `window_days` after it
    uid_key: bytes
    shared: dict[str, FeedSpec] = field(init=False)
    published: dict[str, Published] = field(default_factory=dict)  # HR's feeds rendered
    recent: OrderedDict[str, Published] = field(default_factory=OrderedDict)  # person feeds
    sizes: dict[str, int] = field(default_factory=dict)  # person feeds past the bytes limit
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.shared = {s.name: s for s in (*self.head, *self.tail)}

    def held(self, name: str) -> Held | None:
        """The record behind a person's feed; None for HR's feeds and unknown names."""
        if not name.startswith(PERSON):
            return None
        return self.people.get(name[len(PERSON) :])

    def spec(self, name: str) -> FeedSpec | None:
        spec = self.shared.get(name)
        if spec is None:
            held = self.held(name)
            if held is not None:
                spec = person_spec(held.person, self.options, held.documents_only)
        return spec

    def specs(self) -> Iterator[FeedSpec]:
        """Every feed, in order: all, groups, each person's own, the extra feeds."""
        yield from self.head
        for held in self.people.values():
            yield person_spec(held.person, self.options, held.documents_only)
        yield from self.tail

    def last_modified(self, name: str) -> dt.datetime:
        held = self.held(name)
        return held.modified if held is not None else self.modified[name]

    def rendered(self, name: str) -> Published | None:
        entry = self.published.get(name)
        if entry is None and name.startswith(PERSON):
            with self._lock:
                entry = self.recent.get(name)
                if entry is not None:
                    self.recent.move_to_end(name)
        return entry

    def keep(self, name: str, entry: Published) -> None:
        if name in self.shared:
            self.published[name] = entry
            return
        if len(entry.body) > self.limits[0]:
            self.sizes[name] = len(entry.body)
        with self._lock:
            self.recent[name] = entry
            while len(self.recent) > PERSON_FEEDS_KEPT:
                self.recent.popitem(last=False)

    def large(self) -> list[tuple[FeedSpec, int, int | None]]:
        """`FeedCache.large`, with the limits of the refresh that made this generation."""
        large_bytes, large_events = self.limits
        found = []
        for spec in self.shared.values():
            entry = self.published.get(spec.name)
            size = len(entry.body) if entry is not None else None
            events = self.counts.get(spec.name, 0)
            if events > large_events or (size or 0) > large_bytes:
                found.append((spec, events, size))
        for name in {*self.crowded, *self.sizes}:
            held = self.held(name)
            if held is not None:
                spec = person_spec(held.person, self.options, held.documents_only)
                found.append((spec, held.share()[1], self.sizes.get(name)))
        return sorted(found, key=lambda f: (-f[1], f[0].name))

    def plans(self, person_id: str) -> tuple[AnyPlan, ...]:
        held = self.people.get(person_id)
        return tuple(entry.plan for entry in held.plans()) if held is not None else ()

    def stamped(self, spec: FeedSpec) -> Iterator[tuple[EventContent, Stamp]]:
        """The feed's events, written again from the plans, each with the stamp it was given."""
        for person_id in spec.members:
            held = self.people.get(person_id)
            for entry in held.plans() if held is not None else ():
                events = events_of(
                    entry.plan, self.lang, self.owners, self.auto, uid_key=self.uid_key
                )
                for event, stamp in zip(events, entry.stamps, strict=True):
                    if spec.holds(event.day, self.today, event.hr):
                        yield event, stamp
