"""A person's own feed is made when it is requested (issue 20, idle RSS): after a refresh the
feed cache holds no spec, title or bytes of a person's feed nobody asked for, keeps the bytes
of a bounded number of them, and serves the same bytes, validators and 304s as before."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import types
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import aiohttp
import pytest
from ical.calendar_stream import IcsCalendarStream

from feedkit import NOW, PLANNER, TODAY, make_settings, people
from renewd.calendar.snapshot import build_snapshot
from renewd.core.feeds import FeedKind, FeedSpec
from renewd.core.model import Person
from renewd.delivery.actionlinks import ActionLinks, action_key
from renewd.roster.reader import load_roster
from renewd.settings import load_settings
from renewd.store.database import Database
from renewd.store.tokens import load_key
from renewd.web import feedgen, feedindex, publisher
from renewd.web.published import Published
from renewd.web.publisher import FeedCache
from renewd.web.server import bound_port, build_app, start

Write = Callable[[str, str], Path]
CROWD = 60
T = TypeVar("T")
STOP = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.CodeType,
)  # people, each with his own feed


def crowd() -> list[Person]:
    base = people()
    return [
        dataclasses.replace(base[n % len(base)], id=f"P{n:04d}", name=f"{base[n % 4].name}{n}")
        for n in range(CROWD)
    ]


def refreshed(tmp_path: Path, who: list[Person]) -> FeedCache:
    cache = FeedCache(make_settings(tmp_path), Database.in_dir(tmp_path), load_key(tmp_path, {}))
    cache.refresh(who, PLANNER.plan_all(who, TODAY), TODAY, NOW)
    return cache


def held_by(cache: FeedCache, kind: type[T]) -> list[T]:
    """The objects of `kind` the cache holds (reachable from it, not through classes, modules or
    functions: other tests' caches in this process are not counted)."""
    gc.collect()
    seen: set[int] = set()
    found: list[T] = []
    todo: list[object] = [cache]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, STOP):
            continue
        seen.add(id(obj))
        if isinstance(obj, kind):
            found.append(obj)
        todo.extend(gc.get_referents(obj))
    return found


def person_specs(cache: FeedCache) -> list[FeedSpec]:
    return [s for s in held_by(cache, FeedSpec) if s.kind is FeedKind.PERSON]


def test_a_refresh_holds_no_person_feed_until_it_is_requested(tmp_path: Path) -> None:
    who = crowd()
    cache = refreshed(tmp_path, who)
    assert person_specs(cache) == []  # no spec, title or members tuple of anyone's own feed
    assert held_by(cache, Published) == []
    assert [s.name for s in cache.specs][CROWD // 2 + 3] == "person-P0030"  # made when listed
    assert {s.kind for s in cache.hr_specs} == {FeedKind.ALL, FeedKind.GROUP}
    assert cache.exists("person-P0007")
    assert not cache.exists("person-X")
    assert cache.feed_name(cache.token("person-P0007")) == "person-P0007"
    assert cache.feed_name(cache.token("group-Sales")) == "group-Sales"
    first = cache.published("person-P0007")
    assert [s.name for s in person_specs(cache)] == ["person-P0007"]  # the one served, kept
    assert b"\r\nSUMMARY:" in first.body

    # Made again on a restart over the same state, the bytes and validators are the same.
    again = refreshed(tmp_path, who).published("person-P0007")
    assert (again.body, again.etag, again.last_modified) == (
        first.body,
        first.etag,
        first.last_modified,
    )


def test_the_bytes_kept_are_bounded_and_made_again_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedgen, "PERSON_FEEDS_KEPT", 5)
    cache = refreshed(tmp_path, crowd())
    bodies = {n: cache.published(f"person-P{n:04d}").body for n in range(20)}
    assert len(person_specs(cache)) == 5  # the last five served
    assert cache.rendered("person-P0000") is None  # the first fell out; made again alike
    assert cache.published("person-P0000").body == bodies[0]
    assert cache.rendered("person-P0000") is not None
    cache.published("all")
    assert len(held_by(cache, Published)) == 6  # HR's feeds stay once made


def test_subscribe_pages_kept_are_bounded_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publisher, "PAGES_KEPT", 3)
    cache = refreshed(tmp_path, crowd())
    built: list[str] = []

    def build(spec: FeedSpec, urls: object) -> bytes:
        built.append(spec.name)
        return spec.name.encode()

    names = [f"person-P{n:04d}" for n in range(10)]
    assert [cache.page(name, build) for name in names] == [n.encode() for n in names]
    assert cache.page(names[-1], build) == names[-1].encode()  # kept: not built again
    assert built == names
    assert cache.page(names[0], build) == names[0].encode()  # dropped: built again alike
    assert built == [*names, names[0]]


def test_a_get_serves_the_feed_made_on_demand_with_its_validators(tmp_path: Path) -> None:
    cache = refreshed(tmp_path, crowd())
    name = "person-P0042"
    url_path = "/feeds/" + cache.token(name) + ".ics"

    async def main() -> None:
        runner = await start(build_app(cache), "127.0.0.1:0")
        try:
            base = f"http://127.0.0.1:{bound_port(runner)}"
            plain = {"Accept-Encoding": "identity"}
            async with aiohttp.ClientSession(auto_decompress=False) as session:
                async with session.get(base + url_path, headers=plain) as resp:
                    assert resp.status == 200
                    body, etag = await resp.read(), resp.headers["ETag"]
                assert [s.name for s in person_specs(cache)] == [name]
                # A refresh (another person renamed) drops it; the same bytes come back.
                who = crowd()
                who[1] = dataclasses.replace(who[1], name="赵六")
                assert cache.refresh(who, PLANNER.plan_all(who, TODAY), TODAY, NOW)
                assert person_specs(cache) == []
                async with session.get(
                    base + url_path, headers={**plain, "If-None-Match": etag}
                ) as resp:
                    assert resp.status == 304
                async with session.get(base + url_path, headers=plain) as resp:
                    assert await resp.read() == body
                    assert resp.headers["ETag"] == etag
        finally:
            await runner.cleanup()

    asyncio.run(main())


def test_hits_of_the_short_index_are_confirmed_by_the_whole_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedindex, "_prefix", lambda digest: 7 << feedindex.PLACE_BITS)
    cache = refreshed(tmp_path, crowd())  # every person's entry the same 5 bytes
    for n in (0, 29, CROWD - 1):
        assert cache.feed_name(cache.token(f"person-P{n:04d}")) == f"person-P{n:04d}"
    assert cache.feed_name("A" * 32) is None
    cache.rotate("person-P0029")
    assert cache.feed_name(cache.token("person-P0029")) == "person-P0029"


def test_a_holders_feed_links_the_document_steps_he_does(write: Write, tmp_path: Path) -> None:
    roster = (
        "工号,姓名,部门,证件类型,到期日\n2001,John Smith,研发部,foreign-work-permit,2027-04-20\n"
    )
    write("people.csv", roster)
    config = '[roster]\nfiles = ["people.csv"]\n[server]\nbase_url = "https://renew.example.com"\n'
    settings = load_settings(write("config.toml", config))
    snap = build_snapshot(settings, load_roster(settings.roster.files), {}, TODAY, {}, {})
    state = tmp_path / "state"
    state.mkdir()
    cache = FeedCache(snap.settings, Database.in_dir(state), b"k" * 32)
    cache.refresh_from(snap, NOW)
    body = cache.published("person-2001").body.decode()
    calendar = IcsCalendarStream.calendar_from_ics(body)
    linked = {
        e.uid.split("-20270420-")[1].removesuffix("@renewd"): (e.description or "")
        for e in calendar.events
    }
    links = ActionLinks(action_key(b"k" * 32), "https://renew.example.com")
    (signature,) = [d for k, d in linked.items() if "办完了？点这里确认" in d]
    assert signature == linked["holder_signature"]  # the holder's own step; HR's have none
    url = signature.rsplit("：", 1)[1]
    claim = links.claim(url.rsplit("/", 1)[1])
    assert claim is not None
    assert (claim.person, claim.document, claim.step) == (
        "2001",
        "foreign-work-permit",
        "holder_signature",
    )
    assert "renew.example.com" not in cache.published("all").body.decode()  # HR's: no links
