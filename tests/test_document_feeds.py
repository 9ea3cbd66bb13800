"""Feeds carry each document's chain (issue 22): a person's feed holds every step of each of
their documents' current cycle, in the pack's words, with the checklist and the hard cut-off;
HR's feeds carry the employer's steps, overdue steps, expiries and cut-offs within the window.
UIDs name the document; a points-only roster's feeds do not change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ical.calendar_stream import IcsCalendarStream

from renewd.calendar.snapshot import Snapshot, build_snapshot
from renewd.roster.reader import load_roster
from renewd.settings import load_settings
from renewd.store.database import Database
from renewd.web.publisher import FeedCache

Write = Callable[[str, str], Path]

TODAY = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
KEY = b"k" * 32
POINTS = "工号,姓名,部门,证件类型,到期日\n1001,张三,研发部,,2027-03-10\n"
DOCUMENTS = (
    "2001,John Smith,研发部,foreign-work-permit,2027-04-20\n"
    "2001,John Smith,研发部,居留许可,2027-04-25\n"
    "3001,陈大文,研发部,hmt-residence-permit,2026-12-20\n"
)


def snapshot(write: Write, roster: str, config: str = "") -> Snapshot:
    write("people.csv", roster)
    settings = load_settings(write("config.toml", f'[roster]\nfiles = ["people.csv"]\n{config}'))
    return build_snapshot(settings, load_roster(settings.roster.files), {}, TODAY, {}, {})


def cache_of(snap: Snapshot, state: Path, now: dt.datetime = NOW) -> FeedCache:
    state.mkdir(exist_ok=True)
    cache = FeedCache(snap.settings, Database.in_dir(state), KEY)
    cache.refresh_from(snap, now)
    return cache


def events(cache: FeedCache, name: str) -> dict[str, tuple[dt.date, str, str]]:
    """uid → (day, summary, description), parsed back by the strict `ical` package."""
    body = cache.published(name).body.decode("utf-8")
    calendar = IcsCalendarStream.calendar_from_ics(body)
    return {e.uid: (e.dtstart, e.summary, e.description or "") for e in calendar.events}  # type: ignore[misc]


def test_a_persons_feed_holds_each_documents_chain(write: Write, tmp_path: Path) -> None:
    snap = snapshot(write, POINTS + DOCUMENTS, "[feeds]\nalarms = true\n")
    cache = cache_of(snap, tmp_path / "state")
    # John holds no points row and still has his feed, titled for documents.
    spec = cache.spec("person-2001")
    assert spec.title == "John Smith·证件续办"
    found = events(cache, "person-2001")
    work = {u: e for u, e in found.items() if "-foreign-work-permit-20270420-" in u}
    residence = {u: e for u, e in found.items() if "-foreign-residence-permit-20270425-" in u}
    kinds = {u.split("-20270420-")[1].removesuffix("@renewd") for u in work}
    assert kinds == {
        "filing_window",
        "extension_filing",
        "extension_filing-cutoff",
        "permit_processing",
        "holder_signature",
        "expiry",
    }
    assert len(residence) >= 4
    filing = next(e for u, e in work.items() if u.endswith("-extension_filing@renewd"))
    # 2027's holidays are estimated until the notice: the dates are provisional.
    assert filing[1] == "【外国人工作许可证】John Smith：申报工作许可延期（暂定）"
    assert "材料清单：" in filing[2]
    assert "硬性截止：2027-03-21" in filing[2]
    assert "办理人：单位人事专员" in filing[2]
    cutoff = next(e for u, e in work.items() if u.endswith("-extension_filing-cutoff@renewd"))
    assert cutoff[0] == dt.date(2027, 3, 21)
    assert "硬性截止" in cutoff[1]
    # Every event of the person's feed has its alarm, as the points' steps.
    body = cache.published("person-2001").body.decode()
    assert body.count("BEGIN:VALARM") == len(found)


def test_hr_feeds_hold_the_documents_hr_events_within_the_window(
    write: Write, tmp_path: Path
) -> None:
    snap = snapshot(write, POINTS + DOCUMENTS)
    cache = cache_of(snap, tmp_path / "state")
    for name in ("all", "group-研发部"):
        found = events(cache, name)
        uids = set(found)
        # The employer's filing and its cut-off are in; the holder's signature is not.
        assert any(
            u.endswith("-foreign-work-permit-20270420-extension_filing@renewd") for u in uids
        )
        assert any(u.endswith("-extension_filing-cutoff@renewd") for u in uids)
        assert not any(
            u.endswith("-foreign-work-permit-20270420-holder_signature@renewd") for u in uids
        )
        # The work permit's expiry (2027-04-20) lies past the 120-day window.
        assert not any(u.endswith("-foreign-work-permit-20270420-expiry@renewd") for u in uids)
        # The HMT holder's own application is overdue: HR sees it, and the expiry.
        assert any(
            u.endswith("-hmt-residence-permit-20261220-card_application@renewd") for u in uids
        )
        assert any(u.endswith("-hmt-residence-permit-20261220-expiry@renewd") for u in uids)
        assert all(day <= TODAY + dt.timedelta(days=120) for day, _, _ in found.values())
        # HR's feeds carry no checklist.
        assert not any("材料清单" in desc for _, _, desc in found.values())


def test_points_feeds_do_not_change_beside_documents(write: Write, tmp_path: Path) -> None:
    alone = cache_of(snapshot(write, POINTS), tmp_path / "a")
    beside = cache_of(snapshot(write, POINTS + DOCUMENTS), tmp_path / "b")
    assert alone.published("person-1001").body == beside.published("person-1001").body
    assert [s.name for s in alone.specs] == ["all", "group-研发部", "person-1001"]
    assert [s.name for s in beside.specs] == [
        "all",
        "group-研发部",
        "person-1001",
        "person-2001",
        "person-3001",
    ]


def test_document_feeds_are_stable_across_passes_and_instances(
    write: Write, tmp_path: Path
) -> None:
    snap = snapshot(write, POINTS + DOCUMENTS)
    one = cache_of(snap, tmp_path / "one")
    other = cache_of(snap, tmp_path / "other")
    names = [s.name for s in one.specs]
    first = {n: one.published(n).body for n in names}
    assert first == {n: other.published(n).body for n in names}
    # A later pass with nothing changed keeps every byte and Last-Modified.
    later = NOW + dt.timedelta(hours=3)
    modified = {n: one.published(n).last_modified for n in names}
    again = FeedCache(snap.settings, one.store.db, KEY)
    again.refresh_from(snap, later)
    assert {n: again.published(n).body for n in names} == first
    assert {n: again.published(n).last_modified for n in names} == modified


def test_a_recorded_step_shows_in_the_feed_and_bumps_only_its_events(
    write: Write, tmp_path: Path
) -> None:
    snap = snapshot(write, POINTS + DOCUMENTS)
    cache = cache_of(snap, tmp_path / "state")
    before = cache.published("person-3001").body.decode()
    filed = {("3001", "hmt-residence-permit"): {"card_application": dt.date(2026, 12, 4)}}
    after, changed = snap.with_documents(filed)
    assert changed
    assert cache.refresh_from(after, NOW + dt.timedelta(hours=1))
    found = events(cache, "person-3001")
    application = next(e for u, e in found.items() if u.endswith("-card_application@renewd"))
    assert application[1].startswith("✓【港澳台居民居住证】陈大文")
    assert "已完成：2026-12-04" in application[2]
    body = cache.published("person-3001").body.decode()
    assert body != before
    assert "SEQUENCE:1" in body
    # The points' feed and its stamps are untouched.
    assert "SEQUENCE:1" not in cache.published("person-1001").body.decode()


def test_a_persons_feed_holds_the_points_then_the_documents_in_their_language(
    write: Write, tmp_path: Path
) -> None:
    roster = (
        "工号,姓名,部门,证件类型,到期日,语言\n"
        "1001,Anna Schmidt,Sales,,2027-03-10,en\n"
        "1001,Anna Schmidt,Sales,hmt-residence-permit,2027-02-20,en\n"
    )
    snap = snapshot(write, roster)
    cache = cache_of(snap, tmp_path / "state")
    found = events(cache, "person-1001")
    points = [u for u in found if "-hmt-residence-permit-" not in u]
    documents = [u for u in found if "-hmt-residence-permit-20270220-" in u]
    assert points
    assert len(documents) == 5
    application = next(found[u] for u in documents if u.endswith("-card_application@renewd"))
    assert application[1].startswith(
        "[Residence permit for Hong Kong, Macao and Taiwan residents] Anna Schmidt: "
    )
    assert "Materials:" in application[2]
