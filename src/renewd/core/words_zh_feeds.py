"""Words about the size of HR's feeds (issue 20), in Chinese: part of the Chinese catalogue
(`words_zh.ZH`)."""

from __future__ import annotations

FEEDS_ZH: dict[str, str] = {
    "feeds.large": (
        "“{title}”有 {events} 个日程{size}：日历应用订阅不了这么大的日历（超过 {limit_mb} MB "
        "或 {limit_events} 个日程）。请改为订阅各部门的分组日历，或调小 [feeds] window_days。"
    ),
    "feeds.large.size": "，{mb} MB",
    "feeds.large.health": (
        "{count} 个日历超过 {limit_mb} MB 或 {limit_events} 个日程（最大的有 {events} 个）："
        "日历应用订阅不了这么大的日历；请改为订阅分组日历，或调小 [feeds] window_days"
    ),
}
