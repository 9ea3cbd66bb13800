"""The feed cache: what the server and `renewd export` publish, rebuilt only when data changes.

`FeedCache.refresh(people, plans, today, now)` recomputes the feeds, their events and stamps when
the roster, the plans, the day or the settings changed, and does nothing otherwise. Feed bytes are
rendered on first request and kept until the next change; requests never touch the database
except for one `PRAGMA data_version` that notices a rotation made by another process.

Between refreshes the cache keeps the plans and one stamp per event, not the events' text: a
feed's events are written again from its members' plans when it is first rendered (`plan_events`
is pure, so they are the same events). For 10,000 people that is a few MB instead of ~100 MB.

A refresh on the same day and settings writes again only the events of plans that changed
(recording one person's step, one roster row edited): every other plan keeps its stamps and its
share of each feed's digest from the last refresh (`renewd.web.feedshares`).

A refresh builds a new generation and swaps it in with one assignment, so a request in between
sees either the old feeds or the new ones, never a mix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from renewd.calendar.snapshot import Snapshot
from renewd.core.docevents import AnyPlan, document_holders, events_of
from renewd.core.documents import DocumentPlan
from renewd.core.errors import UsageError
from renewd.core.events import EventContent, Stamp, event_uid
from renewd.core.feeds import FeedKind, FeedSpec, feed_specs
from renewd.core.ics import combine, feed_digest, render_stamped
from renewd.core.model import Lang, Person, PersonPlan
from renewd.core.policy import Owners
from renewd.core.wording import say
from renewd.delivery.actionlinks import ActionLinks, action_key, action_url, holder_acts
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.feedstamps import FeedStore
from renewd.store.tokens import Tokens, token_hash, uid_key
from renewd.web.feedshares import Done, Window, done_plan, still
from renewd.web.published import CACHE_CONTROL, FeedUrls, Published

__all__ = ["CACHE_CONTROL", "FeedCache", "FeedUrls", "Published"]

# Past either, a feed is more than calendar apps hold in a subscription (issue 20).
LARGE_BYTES = 5_000_000
LARGE_EVENTS = 10_000
_CHUNK = 1000  # people planned into events and stamped at a time (bounds a refresh's memory)


@dataclass
class _Generation:
    key: Any
    specs: dict[str, FeedSpec]
    lang: Lang
    owners: Owners
    auto: bool  # [policy] auto_endorsement
    plans: dict[str, tuple[AnyPlan, ...]]  # person id → plans (points, then documents)
    stamps: dict[str, tuple[Stamp, ...]]  # person id → a stamp per event, in `events_of` order
    modified: dict[str, dt.datetime]
    refresh_hours: int
    today: dt.date  # HR's feeds hold events up to `window_days` after it
    uid_key: bytes
    counts: dict[str, int]  # feed → how many events it holds
    published: dict[str, Published] = field(default_factory=dict)

    def stamped(self, spec: FeedSpec) -> Iterator[tuple[EventContent, Stamp]]:
        """The feed's events, written again from the plans, each with the stamp it was given."""
        for person_id in spec.members:
            events = [
                e
                for plan in self.plans.get(person_id, ())
                for e in events_of(plan, self.lang, self.owners, self.auto, uid_key=self.uid_key)
            ]
            for event, stamp in zip(events, self.stamps.get(person_id, ()), strict=True):
                if spec.holds(event.day, self.today, event.hr):
                    yield event, stamp


class FeedCache:
    """Every feed of one roster and configuration. Construct once; call `refresh` whenever the
    roster, the day or the settings may have changed (cheap when nothing did)."""

    def __init__(self, settings: Settings, db: Database, key: bytes) -> None:
        self.settings = settings
        self.store = FeedStore(db)
        self.tokens = Tokens(db, key)
        self.uid_key = uid_key(key)
        self._links_key = action_key(key)
        self._gen: _Generation | None = None
        self._index: dict[bytes, str] = {}
        self._counters: dict[str, int] = {}
        self._version = -1
        self._pages: dict[str, bytes] = {}
        self._done: dict[tuple[str, int], Done] = {}  # (person, nth plan) → its stamps, shares
        # Told of every new generation's plans (the console's snapshot), in the refreshing thread.

    # -- building ----------------------------------------------------------------------------

    def refresh(
        self,
        people: Sequence[Person],
        plans: Sequence[PersonPlan],
        today: dt.date,
        now: dt.datetime,
        settings: Settings | None = None,
        documents: Sequence[DocumentPlan] = (),
    ) -> bool:
        """Rebuild if anything changed; return whether it did. `now` (aware) is recorded as the
        change time of new or changed events. `documents`: the other documents' plans, after
        the points' in each feed (a roster without any takes the points' path alone)."""
        settings = settings or self.settings
        key = (tuple(people), tuple(plans), tuple(documents), today, settings)
        if self._gen is not None and self._gen.key == key:
            return False
        items: Sequence[AnyPlan] = plans
        if documents:
            only = document_holders(people, documents)
            people, items = [*people, *only], [*plans, *documents]
            specs = feed_specs(people, settings.feed_options(), {p.id for p in only})
        else:
            specs = feed_specs(people, settings.feed_options())
        lang = settings.language
        policy = settings.policy.core()
        owners, auto = policy.owners, policy.auto_endorsement  # what each event says
        hours = settings.server.refresh_hours
        # One pass over the plans, a chunk of people at a time: each event's text is written,
        # hashed into its key and dropped; its key lives until its chunk is stamped and its
        # share added to the digest of every feed it is in. Only the stamps are kept.
        feeds_of: dict[str, list[tuple[str, Window]]] = {}  # person → (feed, its window)
        for spec in specs:
            until = dt.date.max
            if spec.window_days is not None:
                until = today + dt.timedelta(days=spec.window_days)
            for person_id in spec.members:
                feeds_of.setdefault(person_id, []).append((spec.name, (until, spec.hr_only)))
        totals = dict.fromkeys((s.name for s in specs), 0)
        counts = dict.fromkeys((s.name for s in specs), 0)
        plans_of: dict[str, list[AnyPlan]] = {}
        stamps: dict[str, tuple[Stamp, ...]] = {}
        # A plan equal to one of the last refresh (same day and settings) keeps its stamps and
        # digest shares: recording one person's step writes only his events again.
        last = self._done if self._gen is not None and self._gen.key[3:] == key[3:] else {}
        done: dict[tuple[str, int], Done] = {}
        alike: dict[tuple[int, ...], tuple[Stamp, ...]] = {}  # stamps' ids -> the stamps
        for start in range(0, len(items), _CHUNK):
            part: list[tuple[AnyPlan, tuple[str, int]]] = []
            for plan in items[start : start + _CHUNK]:
                own_plans = plans_of.setdefault(plan.person.id, [])
                part.append((plan, (plan.person.id, len(own_plans))))  # his nth plan
                own_plans.append(plan)
            todo = [(p, slot) for p, slot in part if not still(last.get(slot), p, feeds_of)]
            keyed = []
            for p, slot in todo:
                events = events_of(p, lang, owners, auto, uid_key=self.uid_key)
                keyed.append((p, slot, [e.key for e in events], [e.hr for e in events]))
            flat = iter(self.store.stamp((k for _, _, ks, _ in keyed for k in ks), now))
            for plan, slot, own_keys, hrs in keyed:
                own = tuple(next(flat) for _ in own_keys)
                # Most people's events were stamped alike (the store hands out one Stamp per
                # sequence and time): one tuple for all of them, 100 bytes less per person.
                own = alike.setdefault(tuple(map(id, own)), own)
                windows = {w for _, w in feeds_of.get(plan.person.id, ())}
                last[slot] = done_plan(plan, own_keys, hrs, own, windows)
            for plan, slot in part:
                entry = done[slot] = last[slot]
                person_id = plan.person.id
                stamps[person_id] = stamps.get(person_id, ()) + entry.stamps
                for name, window in feeds_of.get(person_id, ()):
                    found = entry.share(window)
                    assert found is not None  # `still` checked it, or it was just made
                    total, n = found
                    totals[name] = combine(totals[name], total)
                    counts[name] += n
        self._done = done
        digests = {s.name: feed_digest(s, totals[s.name], counts[s.name], hours) for s in specs}
        modified = self.store.published(digests, now)
        old_names = set(self._gen.specs) if self._gen else set()
        self.settings = settings
        self._gen = _Generation(
            key,
            {s.name: s for s in specs},
            lang,
            owners,
            auto,
            {person_id: tuple(own) for person_id, own in plans_of.items()},
            stamps,
            modified,
            hours,
            today,
            self.uid_key,
            counts,
        )
        if set(self._gen.specs) != old_names:
            self._reindex(force=True)
        self._pages = {}
        return True

    def refresh_from(self, snap: Snapshot, now: dt.datetime) -> bool:
        """`refresh` with a snapshot's people, plans (the points' and the documents'), day and
        settings."""
        return self.refresh(snap.people, snap.plans, snap.day, now, snap.settings, snap.documents)

    def _generation(self) -> _Generation:
        if self._gen is None:
            raise RuntimeError("FeedCache.refresh() has not been called yet")
        return self._gen

    def _reindex(self, force: bool = False) -> None:
        """Rebuild the token index when the set of feeds or a rotation counter changed."""
        version = self.tokens.data_version()
        if not force and version == self._version:
            return
        self._version = version
        counters = self.tokens.counters()
        if not force and counters == self._counters:
            return
        self._counters = counters
        self._index = self.tokens.index(self._gen.specs if self._gen else ())
        self._pages = {}

    # -- reading -----------------------------------------------------------------------------

    @property
    def specs(self) -> tuple[FeedSpec, ...]:
        return tuple(self._generation().specs.values())

    def spec(self, name: str) -> FeedSpec:
        try:
            return self._generation().specs[name]
        except KeyError:
            raise UsageError(f"no feed named {name!r}; `renewd feeds` lists them") from None

    def published(self, name: str) -> Published:
        """The feed's bytes and headers, rendered on first use after a refresh."""
        gen = self._generation()
        entry = gen.published.get(name)
        if entry is None:
            spec = self.spec(name)
            stamped = gen.stamped(spec)
            if spec.kind is FeedKind.PERSON:
                stamped = self.linked(spec, stamped)
            body = render_stamped(spec, stamped, gen.refresh_hours)
            entry = Published.build(spec, body, gen.modified[name])
            gen.published[name] = entry
        return entry

    def feed_name(self, token: str) -> str | None:
        """The feed a presented token opens, or None. Hashes every input, well-formed or not."""
        digest = token_hash(token)
        self._reindex()
        return self._index.get(digest)

    def linked(
        self, spec: FeedSpec, stamped: Iterator[tuple[EventContent, Stamp]]
    ) -> Iterator[tuple[EventContent, Stamp]]:
        """A personal feed's events, the holder's own open steps with their one-click link (only
        here: group and all-people feeds carry no bearer links). The stamps stay: the link is
        not a change of the step."""
        plan = self.person_plan(spec.name)
        links = ActionLinks(self._links_key, self.settings.server.base_url)
        policy = self.settings.policy.core()
        urls: dict[str, str] = {}
        if plan is not None:
            for m in plan.milestones:
                url = action_url(links, plan.person.id, plan.cycle, m.kind)
                if holder_acts(policy, m.kind) and not m.done and url:
                    urls[event_uid(plan.person.id, plan.cycle, m.kind, self.uid_key)] = url
        for event, stamp in stamped:
            url = urls.get(event.uid)
            if url:
                line = say(event.lang, "links.feed", url=url)
                event = replace(event, description=f"{event.description}\n{line}")
            yield event, stamp

    def person_plan(self, name: str) -> PersonPlan | None:
        """The plan behind a person's feed (None for group and other feeds)."""
        spec = self.spec(name)
        if spec.kind is not FeedKind.PERSON:
            return None
        plans = self._generation().plans.get(spec.members[0], ())
        return next((p for p in plans if isinstance(p, PersonPlan)), None)

    def large(self) -> list[tuple[FeedSpec, int, int | None]]:
        """The feeds past `LARGE_EVENTS` events or `LARGE_BYTES` bytes, largest first: (feed,
        events, bytes or None when not rendered yet). Empty before the first refresh."""
        gen = self._gen
        if gen is None:
            return []
        found = []
        for name, spec in gen.specs.items():
            entry = gen.published.get(name)
            size = len(entry.body) if entry is not None else None
            events = gen.counts.get(name, 0)
            if events > LARGE_EVENTS or (size or 0) > LARGE_BYTES:
                found.append((spec, events, size))
        return sorted(found, key=lambda f: (-f[1], f[0].name))

    def rendered(self, name: str) -> Published | None:
        """The feed's bytes if they are rendered already (a warm request), else None."""
        return self._generation().published.get(name)

    def token(self, name: str) -> str:
        self.spec(name)
        return self.tokens.token(name)

    def urls(self, name: str) -> FeedUrls:
        token = self.token(name)
        base = self.settings.server.base_url
        https = f"{base}/feeds/{token}.ics"
        webcal = "webcal://" + https.split("://", 1)[1]
        return FeedUrls(https=https, webcal=webcal, page=f"{base}/feeds/{token}")

    def rotate(self, name: str) -> int:
        self.spec(name)
        counter = self.tokens.rotate(name)
        self._reindex(force=True)
        return counter

    def rotate_all(self) -> list[str]:
        """Give every feed a new token; the feed names, in order."""
        names = [spec.name for spec in self.specs]
        for name in names:
            self.tokens.rotate(name)
        self._reindex(force=True)
        return names

    def page(self, name: str, build: Callable[[FeedSpec, FeedUrls], bytes]) -> bytes:
        """The subscribe page of a feed, built by `build(spec, urls)` once per token."""
        page = self._pages.get(name)
        if page is None:
            page = build(self.spec(name), self.urls(name))
            self._pages[name] = page
        return page
