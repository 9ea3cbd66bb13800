"""The feed server under idle, slow and malformed clients (issue 11, defects 11 and 13).

Over real sockets on 127.0.0.1: in-process servers for the rules, and one daemon limited to
1,024 file descriptors facing 1,100 idle sockets.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import resource
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict

from daemonkit import Daemon
from feedkit import NOW, PLANNER, TODAY, make_settings, people
from netkit import free_port
from renewd.store.database import Database
from renewd.store.tokens import load_key
from renewd.web.publisher import FeedCache
from renewd.web.server import ListenError, bound_port, build_app, start

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
Check = Callable[[str, FeedCache], Awaitable[None]]


def serve_and(tmp_path: Path, check: Check, **limits: float) -> None:
    settings = make_settings(tmp_path)
    db = Database.in_dir(tmp_path)
    cache = FeedCache(settings, db, load_key(tmp_path, {}))
    crowd = people()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("s", "1")))
        return web.Response(text="slow")

    async def main() -> None:
        app = build_app(cache)
        app.router.add_get("/slow", slow)
        runner = await start(app, "127.0.0.1:0", **limits)  # type: ignore[arg-type]
        try:
            await check(f"http://127.0.0.1:{bound_port(runner)}", cache)
        finally:
            await runner.cleanup()

    try:
        asyncio.run(main())
    finally:
        db.close()


def feed(cache: FeedCache, name: str = "person-E001") -> str:
    return "/feeds/" + cache.token(name) + ".ics"


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, CIMultiDict[str]]:
    async with (
        aiohttp.ClientSession(auto_decompress=False) as session,
        session.get(url, headers=headers or {}) as resp,
    ):
        await resp.read()
        return resp.status, CIMultiDict(resp.headers)


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [("gzip;q=abc", False), ("gzip;q=", False), ("gzip; q=0.5", True), ("gzip;q=0", False),
     ("gzip;q=2", False), ("gzip;q=nan", False), (";;,,", False)],
)  # fmt: skip
def test_a_malformed_accept_encoding_never_fails_the_request(
    tmp_path: Path, accept: str, gzipped: bool
) -> None:
    async def check(base: str, cache: FeedCache) -> None:
        status, headers = await get(base + feed(cache), {"Accept-Encoding": accept})
        assert status == 200
        assert (headers.get("Content-Encoding") == "gzip") is gzipped

    serve_and(tmp_path, check)


def test_if_modified_since_in_the_future_or_malformed_is_ignored(tmp_path: Path) -> None:
    future = format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(days=365), usegmt=True)

    async def check(base: str, cache: FeedCache) -> None:
        for value in (future, "not a date", "Mon, 99 Foo 2026 99:99:99 GMT"):
            status, _ = await get(base + feed(cache), {"If-Modified-Since": value})
            assert status == 200, value

    serve_and(tmp_path, check)


def test_a_304_to_a_gzip_client_carries_the_gzip_etag(tmp_path: Path) -> None:
    async def check(base: str, cache: FeedCache) -> None:
        url = base + feed(cache)
        _, first = await get(url, {"Accept-Encoding": "gzip"})
        assert first["ETag"].endswith('-gz"')
        status, again = await get(url, {"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]})
        assert status == 304
        assert again["ETag"] == first["ETag"]
        modified = {"Accept-Encoding": "gzip", "If-Modified-Since": first["Last-Modified"]}
        status, by_date = await get(url, modified)
        assert (status, by_date["ETag"]) == (304, first["ETag"])

    serve_and(tmp_path, check)


def test_the_access_log_never_shows_a_token_whatever_the_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tokens: list[str] = []

    async def check(base: str, cache: FeedCache) -> None:
        token = cache.token("person-E001")
        tokens.append(token)
        for path in (f"//feeds/{token}.ics", f"/FEEDS/{token}", f"/Feeds//{token}.ics",
                     f"/feeds/{token}.ics", f"///feeds/{token}"):  # fmt: skip
            await get(base + path)

    with caplog.at_level(logging.INFO, logger="renewd.access"):
        serve_and(tmp_path, check)
    lines = [r.getMessage() for r in caplog.records if r.name == "renewd.access"]
    assert len(lines) == 5
    assert not any(tokens[0] in line for line in lines)


def test_a_connection_without_a_request_is_closed_after_the_header_timeout(
    tmp_path: Path,
) -> None:
    async def check(base: str, cache: FeedCache) -> None:
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /feeds/x HTTP/1.1\r\nHost: a\r\n")  # headers never finished
        started = time.monotonic()
        assert await asyncio.wait_for(reader.read(), timeout=10) == b""
        assert time.monotonic() - started < 5
        writer.close()

    serve_and(tmp_path, check, header_timeout=0.5, idle_timeout=60)


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout(tmp_path: Path) -> None:
    async def check(base: str, cache: FeedCache) -> None:
        port = int(base.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET {feed(cache)} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head)[1])  # type: ignore[index]
        await reader.readexactly(length)
        started = time.monotonic()
        assert await asyncio.wait_for(reader.read(), timeout=10) == b""
        assert 0.5 <= time.monotonic() - started < 5

    serve_and(tmp_path, check, header_timeout=30, idle_timeout=1)


def test_at_the_cap_the_oldest_idle_connection_makes_room(tmp_path: Path) -> None:
    async def check(base: str, cache: FeedCache) -> None:
        port = int(base.rsplit(":", 1)[1])
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
        await asyncio.sleep(0.2)
        status, _ = await asyncio.wait_for(get(base + feed(cache)), timeout=2)
        assert status == 200
        first_reader = idle[0][0]
        assert await asyncio.wait_for(first_reader.read(), timeout=2) == b""  # evicted
        for _, writer in idle:
            writer.close()

    serve_and(tmp_path, check, max_connections=5, header_timeout=60)


def test_when_every_connection_is_busy_a_new_one_gets_a_clean_503(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def check(base: str, cache: FeedCache) -> None:
        busy = [asyncio.create_task(get(base + "/slow?s=1.5")) for _ in range(3)]
        await asyncio.sleep(0.5)
        refused = await asyncio.gather(*(get(base + feed(cache)) for _ in range(20)))
        assert {status for status, _ in refused} == {503}
        assert [status for status, _ in await asyncio.gather(*busy)] == [200, 200, 200]
        assert (await get(base + feed(cache)))[0] == 200

    with caplog.at_level(logging.WARNING):
        serve_and(tmp_path, check, max_connections=3)
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1  # rate-limited: one line, not one per socket
    assert not any(r.exc_info or r.exc_text for r in caplog.records)


def test_a_taken_port_is_a_clean_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def main() -> None:
            with pytest.raises(ListenError, match=f"127.0.0.1:{port}"):
                await start(web.Application(), f"127.0.0.1:{port}")

        asyncio.run(main())


@pytest.fixture
def fd_limited_daemon(write: Write) -> Iterator[Daemon]:
    write("people.csv", "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-03-15\n")
    port = free_port()
    config = write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0.5
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        [[channels]]
        name = "console"
        type = "console"
        """,
    )
    daemon = Daemon(config, port).start()
    assert daemon.proc is not None
    resource.prlimit(daemon.proc.pid, resource.RLIMIT_NOFILE, (1024, 1024))
    assert daemon.read_notify("READY=1"), daemon.kill()
    yield daemon
    daemon.stop()


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_1100_idle_sockets_leave_healthz_answering_within_a_second(
    fd_limited_daemon: Daemon,
) -> None:
    daemon = fd_limited_daemon
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1300:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    sockets = []
    try:
        for _ in range(1100):
            sock = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
            sockets.append(sock)
        time.sleep(1.0)
        for _ in range(5):
            started = time.monotonic()
            status, _ = daemon.health()
            assert status == 200
            assert time.monotonic() - started < 1.0
            time.sleep(0.5)
    finally:
        for sock in sockets:
            sock.close()
    assert daemon.proc is not None
    assert daemon.proc.poll() is None
    output = daemon.output()
    assert len(output) < 20_000, output[-3000:]
    assert "Traceback" not in output
