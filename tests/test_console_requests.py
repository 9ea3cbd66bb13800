"""Requests a client crafts (issue 18): redirects stay on the site and carry no byte the client
chose, a duplicated proxy user header is refused, malformed requests are one quiet log line,
and ids a browser cannot ask for are refused in the roster."""

from __future__ import annotations

import http.client
import logging
import re
import socket
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from consolekit import NOW, PASSWORD, ROSTER, Server, csrf_of, four_people, running
from renewd.cli import main
from renewd.store.signins import key

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
OFF_SITE = ["/%09/evil.example", "/\t/evil.example", "/%0d/evil.example", "/ /evil.example"]


@pytest.fixture
def config(write: Write) -> Path:
    return four_people(write)


@pytest.fixture
def server(config: Path) -> Iterator[Server]:
    with running(config, NOW) as srv:
        yield srv


def raw_get(server: Server, target: str) -> tuple[int, str]:
    """GET `target` exactly as given (no client-side quoting): (status, Location)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def test_the_language_switch_never_redirects_off_site(server: Server) -> None:
    for target in OFF_SITE:
        quoted = urllib.parse.quote(urllib.parse.unquote(target), safe="/")
        assert raw_get(server, f"/lang?to=en&next={quoted}") == (303, "/"), target


def test_sign_in_never_redirects_off_site_after_a_tab(server: Server) -> None:
    for target in OFF_SITE:
        web = requests.Session()
        quoted = urllib.parse.quote(urllib.parse.unquote(target), safe="/")
        page = web.get(server.url(f"/signin?next={quoted}")).text
        shown = re.search(r'name="next" value="([^"]*)"', page)
        assert shown
        assert shown.group(1) == "/", target
        for given in (shown.group(1), target):  # the page's field, or what a client posts
            form = {"name": "admin", "password": PASSWORD, "csrf": csrf_of(page), "next": given}
            response = web.post(server.url("/signin"), data=form, allow_redirects=False)
            assert response.status_code == 303
            assert response.headers["Location"] == "/", target


def test_cr_lf_in_next_is_a_redirect_home_not_a_dropped_connection(server: Server) -> None:
    for target in ("/%0d%0aSet-Cookie:%20renewd_session=evil", "/x%0aX-Evil:%201"):
        status, location = raw_get(server, f"/lang?to=en&next={target}")
        assert (status, location) == (303, "/")
    status, location = raw_get(server, "/lang?to=en&next=/people%3Fq%3D%E5%BC%A0")
    assert (status, location) == (303, "/people?q=%E5%BC%A0")  # a path of ours still works


def test_a_duplicated_proxy_user_header_is_refused(config: Path) -> None:
    """A client's own "X-Remote-User: admin" before the one the proxy appended must not win."""
    config.write_text(
        config.read_text().replace(
            "session_hours = 1",
            'session_hours = 1\ntrusted_proxy_header = "X-Remote-User"\n'
            'trusted_proxies = ["127.0.0.1/32"]',
        )
    )
    with running(config, NOW) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        try:
            conn.putrequest("GET", "/people/E003")  # 市场部: only admin may see him
            conn.putheader("X-Remote-User", "admin")  # the client's
            conn.putheader("X-Remote-User", "rd")  # the proxy's
            conn.endheaders()
            response = conn.getresponse()
            body = response.read().decode()
        finally:
            conn.close()
        assert response.status == 400
        assert "王五" not in body
        one = requests.get(srv.url("/"), headers={"X-Remote-User": "rd"}, allow_redirects=False)
        assert one.status_code == 200  # one copy from the proxy: signed in


SECRET = "renewd_session=Sup3rSecretSessionValue"
MALFORMED = [
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + SECRET.encode() + b"A" * 9000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + SECRET.encode() + b"\x01\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: " + SECRET.encode() + b"\r\n\r\n",
    b"\x16\x03\x01" + SECRET.encode() + b"\r\n\r\n",
]


def send_raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        try:
            return sock.recv(64)
        except OSError:
            return b""


def test_malformed_requests_are_one_quiet_line_without_header_values(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda d: send_raw(server.port, d), MALFORMED * 50))
    assert all(a.startswith(b"HTTP/1.") or a == b"" for a in answers)
    assert any(b" 400 " in a for a in answers)
    records = [r for r in caplog.records if not r.name.startswith(("urllib3", "asyncio"))]
    for record in records:
        assert record.exc_info is None, record.getMessage()
        assert "Sup3rSecret" not in record.getMessage()
    told = [r for r in records if "malformed" in r.getMessage()]
    assert len(told) == 1  # once a minute, however many
    assert len(records) < 10, [r.getMessage() for r in records]
    assert requests.get(server.url("/healthz")).status_code in (200, 503)  # still serving


def test_an_id_a_browser_cannot_ask_for_is_refused_in_the_roster(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    """/people/.. (or %2E%2E) is "the folder above" to every browser: such a person's page could
    never be opened, so the roster refuses the id and names the row and field."""
    rows = "".join(f"{dots},孙七,研发部,2026-06-30,\n" for dots in (".", "..", "．．"))
    write("people.csv", ROSTER + rows)
    config = write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')
    assert main(["check", "-c", str(config)]) != 0
    err = capsys.readouterr().err
    for row in (6, 7, 8):
        assert f"row {row}" in err
    assert err.count("cannot be an id") == 3


def failed_sign_in(srv: Server, forwarded: str | None) -> None:
    web = requests.Session()
    page = web.get(srv.url("/signin")).text
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"name": "rd", "password": "wrong-password", "csrf": csrf_of(page)}
    assert web.post(srv.url("/signin"), data=data, headers=headers).status_code == 401


def throttled_addresses(srv: Server) -> set[str]:
    with srv.db() as conn:
        rows = conn.execute("SELECT key FROM console_signin_failure WHERE key LIKE 'addr:%'")
        return {r[0] for r in rows}


@pytest.mark.parametrize("trusted", [True, False])
def test_behind_a_trusted_proxy_the_throttle_counts_the_client_not_the_proxy(
    config: Path, trusted: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """Every user behind a reverse proxy arrives from its address: counting that address would
    lock everyone out after one user's mistakes. From a trusted proxy, the nearest
    X-Forwarded-For hop is the client (a hop the client wrote itself, further left, is not);
    from anyone else the header is the client's own claim and is ignored."""
    if trusted:
        config.write_text(
            config.read_text().replace(
                "session_hours = 1", 'session_hours = 1\ntrusted_proxies = ["127.0.0.1/32"]'
            )
        )
    caplog.set_level(logging.INFO)
    with running(config, NOW) as srv:
        failed_sign_in(srv, "198.51.100.9, 203.0.113.7")  # the client claimed the first hop
        failed_sign_in(srv, "203.0.113.8")
        failed_sign_in(srv, None)
        seen = throttled_addresses(srv)
    counted = {"203.0.113.7", "203.0.113.8", "127.0.0.1"} if trusted else {"127.0.0.1"}
    assert seen == {key("addr", a) for a in counted}
    logged = " ".join(r.getMessage() for r in caplog.records if "failed sign-in" in r.getMessage())
    assert ("203.0.113.7" in logged) is trusted
    assert "198.51.100.9" not in logged
