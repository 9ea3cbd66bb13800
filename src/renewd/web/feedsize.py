"""The warning that a feed has grown past what calendar apps hold in a subscription (issue 20):
on the console's feeds page per feed, and on `/healthz` as a count (no titles there).

    large_feed_words(cache, lang, shown)   # signed in: one line per large feed shown
    large_feed_warning(cache)              # /healthz: one line, or None
"""

from __future__ import annotations

from collections.abc import Container

from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.web import publisher
from renewd.web.publisher import FeedCache


def large_feed_words(cache: FeedCache, lang: Lang, shown: Container[str]) -> list[str]:
    """One warning per feed of `shown` past the size calendar apps hold, pointing to the group
    feeds (the console's feeds page: signed in, so the feeds' titles may be named)."""
    limits = {
        "limit_mb": publisher.LARGE_BYTES // 1_000_000,
        "limit_events": f"{publisher.LARGE_EVENTS:,}",
    }
    words = []
    for spec, events, size in cache.large():
        if spec.name not in shown:
            continue
        mb = say(lang, "feeds.large.size", mb=f"{size / 1e6:.1f}") if size is not None else ""
        words.append(
            say(lang, "feeds.large", title=spec.title, events=f"{events:,}", size=mb, **limits)
        )
    return words


def large_feed_warning(cache: FeedCache) -> str | None:
    """The `/healthz` warning when any feed is past the size calendar apps hold (no titles:
    /healthz is unauthenticated, and a group's title names a department)."""
    large = cache.large()
    if not large:
        return None
    return say(
        Lang.EN,
        "feeds.large.health",
        count=len(large),
        events=f"{large[0][1]:,}",
        limit_mb=publisher.LARGE_BYTES // 1_000_000,
        limit_events=f"{publisher.LARGE_EVENTS:,}",
    )
