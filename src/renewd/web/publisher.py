"""The feed cache: what the server and `renewd export` publish, rebuilt only when data changes.

`FeedCache.refresh(people, plans, today, now)` recomputes the feeds, their events and stamps when
the roster, the plans, the day or the settings changed, and does nothing otherwise. Feed bytes are
rendered on first request and kept until the next change; requests never touch the database
except for one `PRAGMA data_version` that notices a rotation made by another process.

Between refreshes the cache keeps the plans and one stamp per event, not the events' text: a
feed's events are written again from its members' plans when it is first rendered (`plan_events`
is pure, so they are the same events). For 10,000 people that is a few MB instead of ~100 MB.
A person's own feed is not even specified until it is requested (`renewd.web.feedgen`): of each
person a generation keeps his plans' stamps and shares and his feed's Last-Modified, and the
token index keeps 8 bytes of his feed's token hash (`renewd.web.feedindex`).

A refresh on the same day and settings writes again only the events of plans that changed
(recording one person's step, one roster row edited): every other plan keeps its stamps and its
share of each feed's digest from the last refresh (`renewd.web.feedshares`).

A refresh builds a new generation and swaps it in with one assignment, so a request in between
sees either the old feeds or the new ones, never a mix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from renewd.calendar.snapshot import Snapshot
from renewd.core.docevents import AnyPlan, document_holders, document_uid, events_of
from renewd.core.documents import DocumentPlan
from renewd.core.errors import UsageError
from renewd.core.events import EventContent, Stamp, event_uid, ymd
from renewd.core.feeds import FeedKind, FeedSpec, person_spec, shared_specs
from renewd.core.ics import combine, feed_digest, render_stamped
from renewd.core.model import Person, PersonPlan
from renewd.core.pack import StepType
from renewd.core.policy import Owner
from renewd.core.wording import say
from renewd.delivery.actionlinks import ActionLinks, action_key, action_url, holder_acts
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.feedstamps import FeedStore
from renewd.store.tokens import Tokens, token_hash, uid_key
from renewd.web.feedgen import Generation, Held
from renewd.web.feedindex import TokenIndex
from renewd.web.feedshares import Done, Window, done_plan, still
from renewd.web.published import CACHE_CONTROL, FeedUrls, Published

__all__ = ["CACHE_CONTROL", "FeedCache", "FeedUrls", "Published"]

# Past either, a feed is more than calendar apps hold in a subscription (issue 20).
LARGE_BYTES = 5_000_000
LARGE_EVENTS = 10_000

_CHUNK = 1000  # people planned into events and stamped at a time (bounds a refresh's memory)
Feeds = tuple[tuple[str, Window], ...]  # the HR feeds holding a person, with their windows


def _feeds_of(specs: Sequence[FeedSpec], today: dt.date) -> dict[str, Feeds]:
    """person → the HR feeds that hold him, with their windows (his own feed holds all his
    events: not listed). People in the same feeds share one tuple."""
    out: dict[str, Feeds] = {}
    alike: dict[Feeds, Feeds] = {}
    for spec in specs:
        until = dt.date.max
        if spec.window_days is not None:
            until = today + dt.timedelta(days=spec.window_days)
        entry = (spec.name, (until, spec.hr_only))
        for person_id in spec.members:
            feeds = (*out.get(person_id, ()), entry)
            out[person_id] = alike.setdefault(feeds, feeds)
    return out


PAGES_KEPT = 256  # subscribe pages kept between requests (a few KB each)


class FeedCache:
    """Every feed of one roster and configuration. Construct once; call `refresh` whenever the
    roster, the day or the settings may have changed (cheap when nothing did)."""

    def __init__(self, settings: Settings, db: Database, key: bytes) -> None:
        self.settings = settings
        self.store = FeedStore(db)
        self.tokens = Tokens(db, key)
        self.uid_key = uid_key(key)
        self._links_key = action_key(key)
        self._gen: Generation | None = None
        self._index = TokenIndex(self.tokens, {})
        self._counters: dict[str, int] = {}
        self._version = -1
        self._pages: dict[str, bytes] = {}

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
        only: set[str] = set()
        if documents:
            holders = document_holders(people, documents)
            people, items = [*people, *holders], [*plans, *documents]
            only = {p.id for p in holders}
        options = settings.feed_options()
        head, tail = shared_specs(people, options)
        lang = settings.language
        policy = settings.policy.core()
        owners, auto = policy.owners, policy.auto_endorsement  # what each event says
        hours = settings.server.refresh_hours
        held = {p.id: Held(p, p.id in only) for p in people}
        # One pass over the plans, a chunk of people at a time: each event's text is written,
        # hashed into its key and dropped; its key lives until its chunk is stamped and its
        # share added to the digest of every HR feed it is in. Only the stamps are kept.
        feeds_of = _feeds_of((*head, *tail), today)
        totals = dict.fromkeys((s.name for s in (*head, *tail)), 0)
        counts = dict.fromkeys((s.name for s in (*head, *tail)), 0)
        # A plan equal to one of the last refresh (same day and settings) keeps its stamps and
        # digest shares: recording one person's step writes only his events again.
        last: dict[str, Held] = {}
        if self._gen is not None and self._gen.key[3:] == key[3:]:
            last = self._gen.people
        alike: dict[tuple[int, ...], tuple[Stamp, ...]] = {}  # stamps' ids -> the stamps
        for start in range(0, len(items), _CHUNK):
            part: list[tuple[AnyPlan, Done | None]] = []
            nth: dict[str, int] = {}  # person → his plans so far (in this chunk)
            for plan in items[start : start + _CHUNK]:
                person_id = plan.person.id
                own = held.get(person_id)
                n = nth[person_id] = nth.get(person_id, len(own.plans()) if own else 0) + 1
                before = last.get(person_id)
                was = before.plans()[n - 1] if before and len(before.plans()) >= n else None
                fit = still(was, plan, feeds_of.get(person_id, ()))
                part.append((plan, was if fit else None))
            keyed = []
            for plan, was in part:
                if was is None:
                    events = events_of(plan, lang, owners, auto, uid_key=self.uid_key)
                    keyed.append((plan, [e.key for e in events], [e.hr for e in events]))
            flat = iter(self.store.stamp((k for _, ks, _ in keyed for k in ks), now))
            made: dict[int, Done] = {}
            for plan, own_keys, hrs in keyed:
                stamps = tuple(next(flat) for _ in own_keys)
                # Most people's events were stamped alike (the store hands out one Stamp per
                # sequence and time): one tuple for all of them, 100 bytes less per person.
                stamps = alike.setdefault(tuple(map(id, stamps)), stamps)
                windows = {w for _, w in feeds_of.get(plan.person.id, ())}
                made[id(plan)] = done_plan(plan, own_keys, hrs, stamps, windows)
            for plan, was in part:
                entry = was or made[id(plan)]
                person_id = plan.person.id
                own = held.get(person_id)
                if own is not None:
                    own.add(entry)
                for name, window in feeds_of.get(person_id, ()):
                    found = entry.share(window)
                    assert found is not None  # `still` checked it, or it was just made
                    total, n = found
                    totals[name] = combine(totals[name], total)
                    counts[name] += n
        digests = {s.name: feed_digest(s, totals[s.name], counts[s.name], hours) for s in head}
        digests.update(
            {s.name: feed_digest(s, totals[s.name], counts[s.name], hours) for s in tail}
        )
        modified = self.store.published(digests, now)
        crowded: dict[str, int] = {}

        def own_digests() -> Iterator[tuple[str, str]]:
            for record in held.values():
                spec = person_spec(record.person, options, record.documents_only)
                total, count = record.share()
                if count > LARGE_EVENTS:
                    crowded[spec.name] = count
                yield spec.name, feed_digest(spec, total, count, hours)

        for record, moment in zip(
            held.values(), self.store.moments(own_digests(), now), strict=True
        ):
            record.modified = moment
        old = self._gen
        self.settings = settings
        self._gen = Generation(
            key,
            options,
            head,
            tail,
            held,
            lang,
            owners,
            auto,
            modified,
            counts,
            (LARGE_BYTES, LARGE_EVENTS),
            crowded,
            hours,
            today,
            self.uid_key,
        )
        if (
            old is None
            or old.shared.keys() != self._gen.shared.keys()
            or old.people.keys() != held.keys()
        ):
            self._reindex(force=True)
        self._pages = {}
        return True

    def refresh_from(self, snap: Snapshot, now: dt.datetime) -> bool:
        """`refresh` with a snapshot's people, plans (the points' and the documents'), day and
        settings."""
        return self.refresh(snap.people, snap.plans, snap.day, now, snap.settings, snap.documents)

    def _generation(self) -> Generation:
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
        gen = self._gen
        if gen is None:
            self._index = TokenIndex(self.tokens, counters)
        else:
            self._index = TokenIndex(self.tokens, counters, gen.shared, gen.people)
        self._pages = {}

    # -- reading -----------------------------------------------------------------------------

    @property
    def specs(self) -> tuple[FeedSpec, ...]:
        """Every feed, the people's own made for the occasion (`hr_specs`: HR's alone)."""
        return tuple(self._generation().specs())

    @property
    def hr_specs(self) -> tuple[FeedSpec, ...]:
        """HR's feeds: all people, one per group and the extra feeds."""
        return tuple(self._generation().shared.values())

    def exists(self, name: str) -> bool:
        gen = self._generation()
        return name in gen.shared or gen.held(name) is not None

    def spec(self, name: str) -> FeedSpec:
        spec = self._generation().spec(name)
        if spec is None:
            raise UsageError(f"no feed named {name!r}; `renewd feeds` lists them")
        return spec

    def published(self, name: str) -> Published:
        """The feed's bytes and headers, rendered on first use after a refresh."""
        gen = self._generation()
        entry = gen.rendered(name)
        if entry is None:
            spec = self.spec(name)
            stamped = gen.stamped(spec)
            if spec.kind is FeedKind.PERSON:
                stamped = self.linked(spec, stamped)
            body = render_stamped(spec, stamped, gen.refresh_hours)
            entry = Published.build(spec, body, gen.last_modified(name))
            gen.keep(name, entry)
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
        here: group and all-people feeds carry no bearer links): the points' steps he does
        (`[policy.owners]`) and his documents' steps their pack makes his to do (owner holder,
        type act), as his messages have them. The stamps stay: the link is not a change of the
        step."""
        plan = self.person_plan(spec.name)
        links = ActionLinks(self._links_key, self.settings.server.base_url)
        policy = self.settings.policy.core()
        urls: dict[str, str] = {}
        if plan is not None:
            for m in plan.milestones:
                url = action_url(links, plan.person.id, plan.cycle, m.kind)
                if holder_acts(policy, m.kind) and not m.done and url:
                    urls[event_uid(plan.person.id, plan.cycle, m.kind, self.uid_key)] = url
        held = self._generation().held(spec.name)
        for doc in (e.plan for e in held.plans()) if held is not None else ():
            if not isinstance(doc, DocumentPlan):
                continue
            for step in doc.plan.steps:
                own = doc.pack.step(step.kind)
                if step.done or own.owner is not Owner.HOLDER or own.type is not StepType.ACT:
                    continue
                uid = document_uid(
                    doc.person.id, doc.pack.name, ymd(doc.cycle), step.kind, self.uid_key
                )
                urls[uid] = links.document_url(doc.person.id, doc.cycle, doc.pack.name, step.kind)
        for event, stamp in stamped:
            url = urls.get(event.uid)
            if url:
                line = say(event.lang, "links.feed", url=url)
                event = replace(event, description=f"{event.description}\n{line}")
            yield event, stamp

    def person_plan(self, name: str) -> PersonPlan | None:
        """The plan behind a person's feed (None for group and other feeds)."""
        held = self._generation().held(name)
        plans = [entry.plan for entry in held.plans()] if held is not None else []
        return next((p for p in plans if isinstance(p, PersonPlan)), None)

    def large(self) -> list[tuple[FeedSpec, int, int | None]]:
        """The feeds past `LARGE_EVENTS` events or `LARGE_BYTES` bytes, largest first: (feed,
        events, bytes or None when not rendered yet). Empty before the first refresh."""
        return self._gen.large() if self._gen is not None else []

    def rendered(self, name: str) -> Published | None:
        """The feed's bytes if they are rendered already (a warm request), else None."""
        return self._generation().rendered(name)

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
            while len(self._pages) >= PAGES_KEPT:  # the oldest goes: memory stays bounded
                del self._pages[next(iter(self._pages))]
            self._pages[name] = page
        return page
