"""HR's feeds (group, all-people, extra) at scale: masked names carry the roster id, short
descriptions without the checklist, and a window of `[feeds] window_days` ahead of today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ical.calendar_stream import IcsCalendarStream

from feedkit import NOW, PLANNER, TODAY, make_settings, people
from renewd.core.model import Change, CriticalDate, Person
from renewd.store.database import Database
from renewd.web.publisher import FeedCache

KEY = b"k" * 32


def cache_for(tmp_path: Path, **extra: object) -> FeedCache:
    return FeedCache(make_settings(tmp_path, **extra), Database.in_dir(tmp_path), KEY)


def events_of(cache: FeedCache, name: str) -> dict[str, tuple[dt.date, str, str]]:
    """uid → (day, summary, description) of a published feed, parsed by the strict `ical`."""
    calendar = IcsCalendarStream.calendar_from_ics(cache.published(name).body.decode("utf-8"))
    return {e.uid: (e.dtstart, e.summary, e.description or "") for e in calendar.events}  # type: ignore[misc]


def namesakes() -> list[Person]:
    """Two people who mask to the same 高*, one far-away critical date."""
    return [
        Person(id="E0012", name="高峰", permit_expires=dt.date(2027, 2, 10), group="研发部",
               changes=frozenset({Change.EMPLOYER})),
        Person(id="E0013", name="高阳", permit_expires=dt.date(2027, 3, 1), group="研发部",
               critical_dates=(CriticalDate(dt.date(2028, 4, 20), "子女入学登记"),)),
    ]  # fmt: skip


def test_masked_names_in_hr_feeds_carry_the_roster_id(tmp_path: Path) -> None:
    cache = cache_for(tmp_path)
    crowd = namesakes()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    for feed in ("all", "group-研发部"):
        summaries = [summary for _, summary, _ in events_of(cache, feed).values()]
        assert any("高*（E0012）：" in s for s in summaries)
        assert any("高*（E0013）：" in s for s in summaries)
        assert not any("高峰" in s or "高阳" in s for s in summaries)
    own = [summary for _, summary, _ in events_of(cache, "person-E0012").values()]
    assert all("高峰" in s and "E0012" not in s for s in own)  # his own feed: his name, no id


def test_hr_feeds_keep_descriptions_short_and_person_feeds_keep_the_checklist(
    tmp_path: Path,
) -> None:
    cache = cache_for(tmp_path)
    crowd = namesakes()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    mine = events_of(cache, "person-E0012")
    own = "\n".join(d for _, _, d in mine.values())
    group = "\n".join(
        d for uid, (_, _, d) in events_of(cache, "group-研发部").items() if uid in mine
    )
    assert "材料清单" in own
    assert "原单位退工证明" in own  # the employer-change checklist
    assert "材料清单" not in group
    assert "原单位退工证明" not in group
    assert "截止：" in group  # the dates and who acts stay
    assert "办理人：" in group
    assert len(group.encode()) * 2 < len(own.encode())  # the same events, under half as long


def test_hr_feeds_hold_window_days_ahead_and_person_feeds_everything(tmp_path: Path) -> None:
    crowd = namesakes()
    plans = PLANNER.plan_all(crowd, TODAY)
    wide, narrow = cache_for(tmp_path / "a"), cache_for(tmp_path / "b", feeds={"window_days": 90})
    wide.refresh(crowd, plans, TODAY, NOW)
    narrow.refresh(crowd, plans, TODAY, NOW)
    far = TODAY + dt.timedelta(days=400)
    # The default window (400 days) leaves out the critical date in 2028, 517 days ahead.
    for feed in ("all", "group-研发部"):
        days = [day for day, _, _ in events_of(wide, feed).values()]
        assert max(days) <= far
        assert dt.date(2028, 4, 20) not in days
    assert dt.date(2028, 4, 20) in [d for d, _, _ in events_of(wide, "person-E0013").values()]
    # 90 days: only what falls by 2027-02-18 (and everything before today stays).
    limit = TODAY + dt.timedelta(days=90)
    held = events_of(narrow, "all")
    assert held
    assert all(day <= limit for day, _, _ in held.values())
    every = {uid for p in ("person-E0012", "person-E0013") for uid in events_of(narrow, p)}
    expected = {
        uid
        for p in ("person-E0012", "person-E0013")
        for uid, (day, _, _) in events_of(narrow, p).items()
        if day <= limit
    }
    assert set(held) == expected
    assert expected < every


def test_the_window_moves_with_the_day_and_the_feed_bytes_follow(tmp_path: Path) -> None:
    crowd = namesakes()
    cache = cache_for(tmp_path, feeds={"window_days": 90})
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    before = cache.published("all")
    later = TODAY + dt.timedelta(days=30)
    cache.refresh(crowd, PLANNER.plan_all(crowd, later), later, NOW + dt.timedelta(days=30))
    after = cache.published("all")
    assert len(events_of(cache, "all")) > before.body.count(b"BEGIN:VEVENT")
    assert after.etag != before.etag
    assert after.last_modified > before.last_modified


def test_window_days_is_a_setting_with_a_default_of_400() -> None:
    assert make_settings().feeds.window_days == 400
    assert make_settings(feeds={"window_days": 30}).feed_options().window_days == 30


def test_sample_roster_still_builds_every_feed(tmp_path: Path) -> None:
    cache = cache_for(tmp_path)
    crowd = people()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    assert {"all", "group-研发部", "person-E001"} <= {s.name for s in cache.specs}
