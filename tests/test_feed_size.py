"""A feed larger than calendar apps hold (5 MB or 10,000 events) is a warning on /healthz and on
the console's feeds page, pointing to the group feeds (issue 20). The limits are lowered here so
that four people pass them; the daemon, /healthz and the console run for real."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from consolekit import NOW, Server, four_people, running, sign_in
from renewd.web import publisher
from renewd.web.console.app import LANG_COOKIE

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]


def health(server: Server) -> dict[str, object]:
    body: dict[str, object] = requests.get(server.url("/healthz")).json()
    return body


def test_a_feed_past_the_event_limit_is_a_warning_on_healthz_and_the_feeds_page(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publisher, "LARGE_EVENTS", 3)
    with running(four_people(write), NOW) as server:
        body = health(server)
        assert body["status"] == "degraded"  # still serving: HTTP 200
        warnings = [str(w) for w in body["warnings"]]  # type: ignore[attr-defined]
        large = [w for w in warnings if "group feeds" in w]
        assert len(large) == 1
        assert "over 5 MB or 3 events" in large[0]
        assert "研发部" not in large[0]  # /healthz is unauthenticated: no department named
        page = sign_in(server, "admin").get(server.url("/subscriptions")).text
        assert 'class="warning large-feed"' in page
        assert "全部人员" in page.split("large-feed", 1)[1].split("</p>", 1)[0]
        assert "分组日历" in page  # pointing to the group feeds, in the page's language
        web = sign_in(server, "admin")
        web.cookies.set(LANG_COOKIE, "en")
        english = web.get(server.url("/subscriptions")).text
        assert "Subscribe to the group feeds" in english


def test_a_rendered_feed_past_the_size_limit_says_its_size_and_none_before(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publisher, "LARGE_BYTES", 2_000)
    with running(four_people(write), NOW) as server:
        assert not any("group feeds" in str(w) for w in health(server)["warnings"])  # type: ignore[attr-defined]
        web = sign_in(server, "admin")
        assert "large-feed" not in web.get(server.url("/subscriptions")).text
        cache = server.daemon.feeds
        assert cache is not None
        size = len(cache.published("all").body)  # as a first GET renders it
        assert size > 2_000
        assert any("group feeds" in str(w) for w in health(server)["warnings"])  # type: ignore[attr-defined]
        page = web.get(server.url("/subscriptions")).text
        assert f"{size / 1e6:.1f} MB" in page
