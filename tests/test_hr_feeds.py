"""HR's feeds (group, all-people, extra) at scale: masked names carry the roster id, short
descriptions without the checklist, only what HR acts on or watches, and a window of
`[feeds] window_days` ahead of today."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ical.calendar_stream import IcsCalendarStream

from feedkit import NOW, PLANNER, TODAY, make_settings, people
from renewd.core.model import Change, CriticalDate, Person, Progress
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
    wide = cache_for(tmp_path / "a", feeds={"window_days": 800})
    default, narrow = (
        cache_for(tmp_path / "b"),
        cache_for(tmp_path / "c", feeds={"window_days": 90}),
    )
    for cache in (wide, default, narrow):
        cache.refresh(crowd, plans, TODAY, NOW)
    # The default window (120 days) leaves out the critical date in 2028, 517 days ahead.
    for feed in ("all", "group-研发部"):
        days = [day for day, _, _ in events_of(default, feed).values()]
        assert max(days) <= TODAY + dt.timedelta(days=120)
        assert dt.date(2028, 4, 20) not in days
        assert dt.date(2028, 4, 20) in [d for d, _, _ in events_of(wide, feed).values()]
    assert dt.date(2028, 4, 20) in [d for d, _, _ in events_of(default, "person-E0013").values()]
    # 90 days: only what falls by 2027-02-18 (and everything before today stays).
    limit = TODAY + dt.timedelta(days=90)
    held = events_of(narrow, "all")
    assert held
    assert all(day <= limit for day, _, _ in held.values())
    assert set(held) == {uid for uid, (day, _, _) in events_of(wide, "all").items() if day <= limit}


def kinds_of(cache: FeedCache, name: str) -> set[str]:
    """The milestone kinds (or `critical`) of a feed's events, read from their UIDs."""
    return {uid.split("-")[-1].split("@")[0] if "critical" not in uid else "critical"
            for uid in events_of(cache, name)}  # fmt: skip


def test_hr_feeds_hold_what_hr_acts_on_or_watches_and_person_feeds_every_step(
    tmp_path: Path,
) -> None:
    crowd = namesakes()
    cache = cache_for(tmp_path, feeds={"window_days": 800})
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    hr = {"points_application", "employer_submission", "points_approval", "expiry", "critical"}
    assert kinds_of(cache, "all") == hr
    assert kinds_of(cache, "group-研发部") == hr
    own = kinds_of(cache, "person-E0013")
    assert own > hr
    assert {"prepare", "permit_window", "permit_renewal", "collect_notice"} <= own
    # An extra feed is HR's too.
    extra = cache_for(tmp_path / "x", feeds={"window_days": 800, "extra": [
        {"name": "rd", "groups": ["研发部"]}]})  # fmt: skip
    extra.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    assert kinds_of(extra, "rd") == hr


def test_a_holders_overdue_step_is_in_hr_feeds_and_leaves_them_once_recorded(
    tmp_path: Path,
) -> None:
    late = [Person(id="E0020", name="陈晨", permit_expires=dt.date(2026, 12, 1), group="研发部")]
    cache = cache_for(tmp_path)
    plans = PLANNER.plan_all(late, TODAY)
    overdue = {m.kind.value for m in plans[0].milestones if m.status.value == "overdue"}
    assert "permit_renewal" in overdue  # the holder's step, past its due date
    cache.refresh(late, plans, TODAY, NOW)
    assert "permit_renewal" in kinds_of(cache, "all")
    assert "prepare" not in kinds_of(cache, "all")  # past, but a heads-up, not a step
    done = [replace(late[0], progress=Progress(permit_renewed_on=dt.date(2026, 11, 18)))]
    cache.refresh(done, PLANNER.plan_all(done, TODAY), TODAY, NOW)
    assert "permit_renewal" not in kinds_of(cache, "all")
    assert "permit_renewal" in kinds_of(cache, "person-E0020")
    # The same feed as a cache that never saw the overdue step (the incremental refresh
    # counts the same events into the feed's digest).
    fresh = cache_for(tmp_path / "fresh")
    fresh.refresh(done, PLANNER.plan_all(done, TODAY), TODAY, NOW)
    assert set(events_of(fresh, "all")) == set(events_of(cache, "all"))


def test_an_event_that_leaves_the_window_and_comes_back_keeps_its_uid_and_sequence(
    tmp_path: Path,
) -> None:
    crowd = namesakes()
    plans = PLANNER.plan_all(crowd, TODAY)
    cache = cache_for(tmp_path)
    narrow = make_settings(tmp_path, feeds={"window_days": 5})

    def sequences() -> dict[str, bytes]:
        body = cache.published("all").body.replace(b"\r\n ", b"")
        blocks = body.split(b"BEGIN:VEVENT")[1:]
        return {
            b.split(b"UID:")[1].split(b"\r\n")[0].decode(): b.split(b"SEQUENCE:")[1][:3]
            for b in blocks
        }

    cache.refresh(crowd, plans, TODAY, NOW)
    first = sequences()
    cache.refresh(crowd, plans, TODAY, NOW + dt.timedelta(hours=1), narrow)
    assert len(sequences()) < len(first)
    cache.refresh(crowd, plans, TODAY, NOW + dt.timedelta(hours=2), make_settings(tmp_path))
    assert sequences() == first
    mine = set(events_of(cache, "person-E0012")) | set(events_of(cache, "person-E0013"))
    assert set(first) <= mine  # the same UIDs as in each person's own feed


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


def test_window_days_is_a_setting_with_a_default_of_120() -> None:
    assert make_settings().feeds.window_days == 120
    assert make_settings(feeds={"window_days": 30}).feed_options().window_days == 30


def test_sample_roster_still_builds_every_feed(tmp_path: Path) -> None:
    cache = cache_for(tmp_path)
    crowd = people()
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    assert {"all", "group-研发部", "person-E001"} <= {s.name for s in cache.specs}
