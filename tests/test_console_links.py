"""One-click action links, the trusted proxy header, and what the logs never show."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import NOW, PASSWORD, Server, csrf_of, four_people, running, sign_in
from renewd.core.model import Step
from renewd.delivery.actionlinks import ActionLinks, action_key
from renewd.store.tokens import load_key

pytestmark = pytest.mark.integration


@pytest.fixture
def config(write: Callable[[str, str], Path]) -> Path:
    return four_people(write)


@pytest.fixture
def server(config: Path) -> Iterator[Server]:
    with running(config, NOW) as srv:
        yield srv


def links(server: Server) -> ActionLinks:
    key = load_key(server.daemon.settings.state.dir)
    return ActionLinks(action_key(key), server.url(""))


CYCLE = dt.date(2026, 6, 30)  # E001's permit expiry


def test_opening_a_link_changes_nothing_confirming_records_via_link(server: Server) -> None:
    url = links(server).url("E001", CYCLE, Step.PERMIT_RENEWED)
    web = requests.Session()
    page = web.get(url)
    assert page.status_code == 200
    assert "张三" in page.text
    assert server.facts("E001") == {}  # a mail scanner's prefetch records nothing
    done = web.post(url, data={"csrf": csrf_of(page.text), "on": "2026-06-13",
                               "expires": "2027-06-30"})  # fmt: skip
    assert done.status_code == 200
    assert 'id="link-done"' in done.text
    assert server.facts("E001") == {
        "permit_renewed_on": "2026-06-13",
        "new_permit_expires": "2027-06-30",
    }
    with server.db() as conn:
        actors = [r[0] for r in conn.execute("SELECT actor FROM console_audit")]
    assert actors == ["link"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # altered signature
        lambda t: "x" + t,  # altered payload
        lambda t: t.split(".")[0],  # no signature
        lambda t: "nonsense",
    ],
)
def test_a_forged_or_altered_link_changes_nothing(server: Server, tamper: object) -> None:
    token = links(server).token("E001", CYCLE, Step.PERMIT_RENEWED)
    bad = tamper(token)  # type: ignore[operator]
    web = requests.Session()
    page = web.get(server.url(f"/a/{bad}"))
    assert page.status_code == 404
    assert 'id="message"' in page.text
    csrf = web.cookies.get("renewd_presign") or ""
    posted = web.post(server.url(f"/a/{bad}"), data={"csrf": csrf, "on": "2026-06-13"})
    assert posted.status_code == 404
    assert server.facts("E001") == {}


def test_a_link_of_another_cycle_or_key_is_expired(server: Server) -> None:
    old = links(server).url("E001", dt.date(2025, 6, 30), Step.PERMIT_RENEWED)
    other_key = ActionLinks(action_key(b"another key entirely!!"), server.url(""))
    for url in (old, other_key.url("E001", CYCLE, Step.PERMIT_RENEWED)):
        web = requests.Session()
        assert web.get(url).status_code == 404
        posted = web.post(url, data={"csrf": web.cookies.get("renewd_presign") or ""})
        assert posted.status_code == 404
    assert server.facts("E001") == {}


def test_a_link_form_without_csrf_is_refused(server: Server) -> None:
    url = links(server).url("E001", CYCLE, Step.PERMIT_RENEWED)
    assert requests.post(url, data={"on": "2026-06-13"}).status_code == 403
    assert server.facts("E001") == {}


def test_no_password_session_id_or_token_in_any_log_line(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    web = sign_in(server, "admin")
    wrong = requests.Session()
    page = wrong.get(server.url("/signin")).text
    form = {"name": "admin", "password": "hunter2-wrong", "csrf": csrf_of(page)}
    wrong.post(server.url("/signin"), data=form)
    # A password typed into the name field is not logged either.
    wrong.post(server.url("/signin"), data={**form, "name": PASSWORD, "password": ""})
    token = links(server).token("E001", CYCLE, Step.PERMIT_RENEWED)
    link = requests.Session()
    page = link.get(server.url(f"/a/{token}")).text
    link.post(server.url(f"/a/{token}"), data={"csrf": csrf_of(page), "on": "2026-06-13"})
    web.get(server.url("/people/E001"))
    session_id = web.cookies.get("renewd_session")
    assert session_id
    secrets = [PASSWORD, "hunter2-wrong", token, session_id]
    # Every line renewd logs (the test's own HTTP client logs its URLs: not ours).
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("renewd")]
    assert any("/a/" in line for line in lines)  # the access log did log the request...
    for line in lines:
        for secret in secrets:
            assert secret not in line  # ...without its token


def test_trusted_proxy_header_only_from_configured_proxies(write: object, config: Path) -> None:
    text = config.read_text().replace(
        "session_hours = 1", 'session_hours = 1\ntrusted_proxy_header = "X-Remote-User"\n'
        'trusted_proxies = ["127.0.0.1/32"]'
    )  # fmt: skip
    config.write_text(text)
    with running(config, NOW) as srv:
        ok = requests.get(srv.url("/"), headers={"X-Remote-User": "rd"}, allow_redirects=False)
        assert ok.status_code == 200
        unknown = requests.get(srv.url("/"), headers={"X-Remote-User": "mallory"},
                               allow_redirects=False)  # fmt: skip
        assert unknown.status_code == 303
    untrusted = config.read_text().replace('["127.0.0.1/32"]', '["10.0.0.1"]')
    config.write_text(untrusted)
    with running(config, NOW) as srv:
        spoofed = requests.get(srv.url("/"), headers={"X-Remote-User": "admin"},
                               allow_redirects=False)  # fmt: skip
        assert spoofed.status_code == 303


def test_only_the_personal_feed_carries_the_holders_link(server: Server) -> None:
    feeds = server.daemon.feeds
    assert feeds is not None

    def text(name: str) -> str:
        return feeds.published(name).body.replace(b"\r\n ", b"").decode()

    token = links(server).token("E001", CYCLE, Step.PERMIT_RENEWED)
    assert token in text("person-E001")
    for name in ("all", "group-研发部"):
        assert "/a/" not in text(name)
