"""The feed server over a real socket on 127.0.0.1, and the tokens behind it."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import os
import sqlite3
import stat
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest

from feedkit import NOW, PLANNER, TODAY, make_settings, people
from renewd.core.errors import ConfigError
from renewd.core.model import Lang
from renewd.core.wording import step_name
from renewd.store.database import Database
from renewd.store.tokens import Tokens, derive, load_key
from renewd.web.publisher import FeedCache
from renewd.web.server import NOT_FOUND_BODY, bound_port, build_app, start

Check = Callable[[aiohttp.ClientSession, str, FeedCache], Awaitable[None]]


def serve_and(tmp_path: Path, check: Check) -> None:
    settings = make_settings(tmp_path)
    db = Database.in_dir(tmp_path)
    cache = FeedCache(settings, db, load_key(tmp_path, {}))
    crowd = people()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)

    async def main() -> None:
        runner = await start(build_app(cache), "127.0.0.1:0")
        try:
            base = f"http://127.0.0.1:{bound_port(runner)}"
            async with aiohttp.ClientSession(auto_decompress=False) as session:
                await check(session, base, cache)
        finally:
            await runner.cleanup()

    asyncio.run(main())


def path_of(cache: FeedCache, name: str) -> str:
    return "/feeds/" + cache.token(name) + ".ics"


def test_get_head_and_conditional_requests(tmp_path: Path) -> None:
    async def check(session: aiohttp.ClientSession, base: str, cache: FeedCache) -> None:
        url = base + path_of(cache, "person-E001")
        async with session.get(url, headers={"Accept-Encoding": "identity"}) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "text/calendar; charset=utf-8"
            body = await resp.read()
            etag = resp.headers["ETag"]
            last_modified = resp.headers["Last-Modified"]
            assert resp.headers["Cache-Control"]
        assert body == cache.published("person-E001").body
        assert etag.startswith('"')
        assert last_modified == format_datetime(NOW, usegmt=True)

        async with session.head(url, headers={"Accept-Encoding": "identity"}) as resp:
            assert resp.status == 200
            assert resp.headers["ETag"] == etag
            assert int(resp.headers["Content-Length"]) == len(body)
            assert await resp.read() == b""

        plain = {"If-None-Match": etag, "Accept-Encoding": "identity"}
        async with session.get(url, headers=plain) as resp:
            assert resp.status == 304
            assert resp.headers["ETag"] == etag
            assert await resp.read() == b""
        async with session.get(url, headers={"If-None-Match": '"other"'}) as resp:
            assert resp.status == 200
        async with session.get(url, headers={"If-Modified-Since": last_modified}) as resp:
            assert resp.status == 304
        earlier = format_datetime(NOW - dt.timedelta(seconds=1), usegmt=True)
        async with session.get(url, headers={"If-Modified-Since": earlier}) as resp:
            assert resp.status == 200

    serve_and(tmp_path, check)


def test_gzip_when_asked(tmp_path: Path) -> None:
    async def check(session: aiohttp.ClientSession, base: str, cache: FeedCache) -> None:
        url = base + path_of(cache, "all")
        async with session.get(url, headers={"Accept-Encoding": "gzip, deflate"}) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Encoding"] == "gzip"
            assert resp.headers["Vary"] == "Accept-Encoding"
            zipped = await resp.read()
            etag = resp.headers["ETag"]
        assert gzip.decompress(zipped) == cache.published("all").body
        async with session.get(url, headers={"Accept-Encoding": "identity"}) as resp:
            assert "Content-Encoding" not in resp.headers
            assert resp.headers["ETag"] != etag  # a strong ETag per representation
        headers = {"Accept-Encoding": "gzip", "If-None-Match": etag}
        async with session.get(url, headers=headers) as resp:
            assert resp.status == 304

    serve_and(tmp_path, check)


def test_wrong_rotated_and_malformed_tokens_get_the_same_404(tmp_path: Path) -> None:
    async def check(session: aiohttp.ClientSession, base: str, cache: FeedCache) -> None:
        old = path_of(cache, "person-E002")
        async with session.get(base + old) as resp:
            assert resp.status == 200
        # rotated by another process, as `renewd feeds rotate` does
        other = Tokens(Database.in_dir(tmp_path), load_key(tmp_path, {}))
        other.rotate("person-E002")
        new = path_of(cache, "person-E002")
        assert new != old
        token = cache.token("all")
        misses = [
            old,
            "/feeds/" + "A" * len(token) + ".ics",
            "/feeds/" + token[:-1] + ".ics",
            "/feeds/%2e%2e%2fetc%2fpasswd",
            "/feeds/%00.ics",
            "/feeds/" + token + ".ics/x",
            "/feeds/" + token + ".ICS",
            "/feeds/",
            "/feeds/" + "x" * 3000,
        ]
        for path in misses:
            async with session.get(base + path) as resp:
                assert resp.status == 404, path
                assert await resp.read() == NOT_FOUND_BODY, path
                assert "ETag" not in resp.headers
        async with session.get(base + new) as resp:
            assert resp.status == 200

    serve_and(tmp_path, check)


def test_subscribe_page_has_both_links_and_a_qr_code(tmp_path: Path) -> None:
    async def check(session: aiohttp.ClientSession, base: str, cache: FeedCache) -> None:
        token = cache.token("person-E001")
        async with session.get(f"{base}/feeds/{token}") as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/html")
            assert resp.headers["Referrer-Policy"] == "no-referrer"
            page = (await resp.read()).decode()
        urls = cache.urls("person-E001")
        assert urls.webcal.startswith("webcal://")
        assert f'href="{urls.webcal}"' in page
        assert urls.https in page
        assert page.count("<svg") == 2  # a QR code of the webcal and of the https link
        assert "订阅" in page
        assert "Subscribe" in page
        plan = cache.person_plan("person-E001")
        assert plan is not None
        nxt = min(
            (m for m in plan.milestones if m.status.value != "done"),
            key=lambda m: m.due,
        )
        assert f"<b>{step_name(nxt.kind, Lang.ZH)}</b>" in page  # the next step...
        assert nxt.due.isoformat() in page  # ...and its date
        assert "loopback" in page  # base_url is 127.0.0.1: no phone reaches it

    serve_and(tmp_path, check)


def test_last_modified_never_moves_backwards(tmp_path: Path) -> None:
    crowd = people()
    cache = FeedCache(make_settings(tmp_path), Database.in_dir(tmp_path), b"k" * 32)
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    first = cache.published("all").last_modified
    # someone leaves: no event changed, yet the feed did; the clock also went back a day
    fewer = crowd[:-1]
    cache.refresh(fewer, PLANNER.plan_all(fewer, TODAY), TODAY, NOW - dt.timedelta(days=1))
    assert cache.published("all").last_modified > first


def test_key_file_is_private_and_tokens_never_stored(tmp_path: Path) -> None:
    key = load_key(tmp_path, {})
    assert stat.S_IMODE((tmp_path / "feed.key").stat().st_mode) == 0o600
    assert load_key(tmp_path, {}) == key
    cache = FeedCache(make_settings(tmp_path), Database.in_dir(tmp_path), key)
    crowd = people()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    cache.rotate("all")
    tokens = [cache.token(s.name) for s in cache.specs]
    assert all(len(t) * 6 >= 128 for t in tokens)
    assert len(set(tokens)) == len(tokens)
    assert cache.token("all") == derive(key, "all", 1)
    dump = "\n".join(sqlite3.connect(tmp_path / "renewd.sqlite3").iterdump())
    assert not any(t in dump for t in tokens)
    assert key.hex() not in dump


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    load_key(tmp_path, {})
    os.chmod(tmp_path / "feed.key", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_key(tmp_path, {})


def test_credentials_directory_key_wins(tmp_path: Path) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "feed.key").write_bytes(b"s" * 32)
    assert load_key(tmp_path / "state", {"CREDENTIALS_DIRECTORY": str(creds)}) == b"s" * 32
    assert not (tmp_path / "state" / "feed.key").exists()
