"""Words about the size of HR's feeds (issue 20), in English: part of the English catalogue
(`words_en.EN`)."""

from __future__ import annotations

FEEDS_EN: dict[str, str] = {
    "feeds.large": (
        "“{title}” holds {events} events{size}: calendar apps give up on subscriptions this"
        " large (over {limit_mb} MB or {limit_events} events). Subscribe to the group feeds"
        " (one per department) instead, or lower [feeds] window_days."
    ),
    "feeds.large.size": ", {mb} MB",
    "feeds.large.health": (
        "{count} feed(s) over {limit_mb} MB or {limit_events} events (the largest holds"
        " {events} events): calendar apps give up on subscriptions this large; subscribe to the"
        " group feeds instead, or lower [feeds] window_days"
    ),
}
