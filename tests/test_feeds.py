"""Feed rendering: parsed back by icalendar and the strict `ical`, stable bytes, SEQUENCE."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from feedkit import NOW, PLANNER, TODAY, make_settings, people
from renewd.core.events import Stamp, plan_events
from renewd.core.feeds import FeedKind, FeedSpec, feed_specs, mask_name
from renewd.core.ics import escape_text, fold, render_feed
from renewd.core.materials import HOLDER_DOCS, HR_OWN, Reader, checklist, step_checklist
from renewd.core.model import Change, Lang, MilestoneKind, Person, Progress
from renewd.core.wording import CATALOGUE, step_name
from renewd.store.database import Database
from renewd.store.tokens import uid_key
from renewd.web.publisher import FeedCache

KEY = b"k" * 32
UID_KEY = uid_key(KEY)


def cache_for(tmp_path: Path, **extra: object) -> FeedCache:
    return FeedCache(make_settings(tmp_path, **extra), Database.in_dir(tmp_path), KEY)


def test_checklist_has_the_basic_set_then_each_change_once() -> None:
    items = checklist({Change.CHILD, Change.SPOUSE}, Lang.ZH)
    basic = (HR_OWN[Lang.ZH], *HOLDER_DOCS[Lang.ZH])
    assert items[: len(basic)] == basic
    assert "结婚证" in items
    assert "子女户口簿" in items
    assert len(items) == len(set(items))
    assert checklist((), Lang.EN) == (HR_OWN[Lang.EN], *HOLDER_DOCS[Lang.EN])


def test_hr_own_id_card_is_only_on_hr_list_and_points_materials_on_points_steps() -> None:
    for kind in MilestoneKind:
        holder = step_checklist(kind, {Change.EMPLOYER}, Lang.ZH, Reader.HOLDER)
        assert HR_OWN[Lang.ZH] not in holder
    permit = step_checklist(MilestoneKind.PERMIT_RENEWAL, {Change.EMPLOYER}, Lang.ZH, Reader.HOLDER)
    assert "劳动合同" not in permit
    assert "您的身份证" in permit
    hr = step_checklist(MilestoneKind.EMPLOYER_SUBMISSION, (), Lang.ZH, Reader.HR)
    assert hr[0] == HR_OWN[Lang.ZH]


def test_both_catalogues_say_everything_and_name_every_step() -> None:
    assert set(CATALOGUE[Lang.ZH]) == set(CATALOGUE[Lang.EN])
    for kind in MilestoneKind:
        for lang in Lang:
            assert step_name(kind, lang)


def test_mask_name_keeps_first_and_last_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("张小明") == "张*明"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("Anna Schmidt") == "A*** S******"


def test_render_parses_back_with_icalendar_and_ical(tmp_path: Path) -> None:
    cache = cache_for(tmp_path)
    crowd = people()
    plans = PLANNER.plan_all(crowd, TODAY)
    cache.refresh(crowd, plans, TODAY, NOW)
    body = cache.published("all").body
    expected = {
        e.uid: e for plan in plans for e in plan_events(plan, Lang.ZH, uid_key=UID_KEY)
    }  # every milestone and critical date
    assert len(expected) == sum(len(p.milestones) + len(p.person.critical_dates) for p in plans)
    window = TODAY + dt.timedelta(days=120)  # HR's feed: HR's events, 120 days ahead
    every, expected = expected, {u: e for u, e in expected.items() if e.hr and e.day <= window}

    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["VERSION"]) == "2.0"
    assert parsed["PRODID"]
    assert str(parsed["X-WR-CALNAME"]) == str(parsed["NAME"])
    events = parsed.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == set(expected)
    for event in events:
        content = expected[str(event["UID"])]
        assert event.decoded("DTSTART") == content.day
        assert event.decoded("DTEND") == content.day + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == content.masked_summary
        assert str(event["DESCRIPTION"]) == content.brief_description  # HR's feed: short
        assert event.decoded("DTSTAMP") == NOW
        assert int(str(event["SEQUENCE"])) == 0
        assert not event.walk("VALARM")

    strict = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    assert {e.uid: (e.dtstart, e.dtend) for e in strict.events} == {
        uid: (c.day, c.day + dt.timedelta(days=1)) for uid, c in expected.items()
    }
    assert {e.uid: e.description for e in strict.events} == {
        uid: c.brief_description for uid, c in expected.items()
    }
    # Each person's own feed carries the full description, checklist included.
    own = IcsCalendarStream.calendar_from_ics(
        cache.published(f"person-{crowd[0].id}").body.decode("utf-8")
    )
    link = "\n办完了？点这里确认："  # the holder's one-click link, on his own feed only
    assert {e.uid: (e.description or "").split(link)[0] for e in own.events} == {
        c.uid: c.description for c in every.values() if c.person_id == crowd[0].id
    }
    assert any(link in (e.description or "") for e in own.events)
    assert not any(link in (e.description or "") for e in strict.events)


def test_calendar_properties_are_written_as_rfc_7986_says(tmp_path: Path) -> None:
    cache = cache_for(tmp_path, server={"refresh_hours": 6})
    cache.refresh(people(), PLANNER.plan_all(people(), TODAY), TODAY, NOW)
    body = cache.published("person-E001").body
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in body
    assert b"\r\nDTSTART;VALUE=DATE:" in body
    assert b"\r\nNAME:" in body
    assert b"\r\nX-WR-CALNAME:" in body
    assert body.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_person_feed_has_full_name_group_feed_masks_it(tmp_path: Path) -> None:
    cache = cache_for(tmp_path)
    cache.refresh(people(), PLANNER.plan_all(people(), TODAY), TODAY, NOW)
    own = cache.published("person-E002").body.decode()
    group = cache.published("group-研发部").body.decode()
    assert "【积分】李小明：积分“续办申请”" in own
    assert "李小明" not in group
    assert "【积分】李*明（E002）：积分“续办申请”" in group  # masked, with the roster id
    assert "Anna" not in group  # another group


def test_english_people_get_english_events(tmp_path: Path) -> None:
    cache = cache_for(tmp_path)
    cache.refresh(people(), PLANNER.plan_all(people(), TODAY), TODAY, NOW)
    body = cache.published("person-E003").body.decode()
    assert "[Permit] Anna Schmidt: residence permit endorsement (renewal)" in body


def test_infeasible_plan_and_critical_date_are_described(tmp_path: Path) -> None:
    crowd = people()
    plans = PLANNER.plan_all(crowd, TODAY)
    changed = next(p for p in plans if p.person.id == "E002")
    assert not changed.feasible
    events = plan_events(changed, Lang.ZH, uid_key=UID_KEY)
    assert all(f"积分预计中断 {changed.gap_days} 天" in e.description for e in events)
    prepare = next(e for e in events if e.uid.endswith("-prepare@renewd"))
    assert "原单位退工证明" in prepare.description  # the employer-change materials
    crit = plan_events(plans[0], Lang.ZH, uid_key=UID_KEY)[-1]
    assert crit.summary == "【关键日期】张三：子女入学登记"
    assert crit.day == dt.date(2027, 4, 20)


def test_provisional_dates_say_so() -> None:
    plan = PLANNER.plan(people()[0], TODAY)
    events = plan_events(plan, Lang.ZH, uid_key=UID_KEY)
    provisional = [m for m in plan.milestones if m.provisional]
    assert provisional  # 2027 is beyond the published holiday notices
    marked = [e for e in events if "（暂定）" in e.summary]
    assert len(marked) == len(provisional)
    assert all("节假日安排公布后可能调整" in e.description for e in marked)


def test_alarms_are_off_by_default_and_on_per_feed(tmp_path: Path) -> None:
    extra = {"extra": [{"name": "expats", "tags": ["expat"], "alarms": True}]}
    cache = cache_for(tmp_path, feeds=extra)
    cache.refresh(people(), PLANNER.plan_all(people(), TODAY), TODAY, NOW)
    assert b"VALARM" not in cache.published("all").body
    with_alarms = icalendar.Calendar.from_ical(cache.published("expats").body)
    events = with_alarms.walk("VEVENT")
    assert events
    assert all(e.walk("VALARM") for e in events)
    assert {str(e["SUMMARY"]).split(": ")[0] for e in events} <= {
        "[Permit] A*** S****** (E003)",
        "[Points] A*** S****** (E003)",
    }


def test_same_data_renders_to_the_same_bytes(tmp_path: Path) -> None:
    crowd = people()
    first = cache_for(tmp_path)
    first.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    before = {s.name: first.published(s.name).body for s in first.specs}
    later = NOW + dt.timedelta(days=3)
    second = cache_for(tmp_path)  # a restart: the stamps come from the database
    second.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, later)
    assert {s.name: second.published(s.name).body for s in second.specs} == before
    assert second.published("all").last_modified == first.published("all").last_modified


def test_moved_date_keeps_uid_and_raises_sequence(tmp_path: Path) -> None:
    person = people()[0]
    cache = cache_for(tmp_path)
    cache.refresh([person], [PLANNER.plan(person, TODAY)], TODAY, NOW)
    before = icalendar.Calendar.from_ical(cache.published("person-E001").body)
    later = NOW + dt.timedelta(days=1)
    renewed = dataclasses.replace(person, progress=Progress(permit_renewed_on=dt.date(2027, 1, 25)))
    cache.refresh([renewed], [PLANNER.plan(renewed, TODAY)], TODAY, later)
    after = icalendar.Calendar.from_ical(cache.published("person-E001").body)
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    new = {str(e["UID"]): e for e in after.walk("VEVENT")}
    apply_uid = next(u for u in old if u.endswith("-points_application@renewd"))
    assert apply_uid in new
    assert new[apply_uid].decoded("DTSTART") != old[apply_uid].decoded("DTSTART")
    assert int(str(new[apply_uid]["SEQUENCE"])) == int(str(old[apply_uid]["SEQUENCE"])) + 1
    assert new[apply_uid].decoded("DTSTAMP") == later
    crit_uid = next(u for u in old if "-critical-" in u)
    assert int(str(new[crit_uid]["SEQUENCE"])) == 0  # untouched events keep their stamp
    assert new[crit_uid].decoded("LAST-MODIFIED") == NOW
    assert cache.published("person-E001").last_modified == later


def test_feeds_written_again_from_plans_match_the_events_that_were_stamped(
    tmp_path: Path,
) -> None:
    """The cache drops event text after a refresh and writes it again on first render: every
    feed must be what rendering the refresh's own events with the stored stamps gives."""
    extra = {"extra": [{"name": "expats", "tags": ["expat"], "alarms": True}]}
    crowd = people()
    cache = cache_for(tmp_path, feeds=extra)
    cache.refresh(crowd, PLANNER.plan_all(crowd, TODAY), TODAY, NOW)
    renewed = [
        dataclasses.replace(p, progress=Progress(permit_renewed_on=dt.date(2027, 1, 25)))
        if p.id == "E001"
        else p
        for p in crowd
    ]
    plans = PLANNER.plan_all(renewed, TODAY)
    events = {
        p.person.id: plan_events(p, Lang.ZH, uid_key=UID_KEY) for p in plans
    }  # what refresh stamped
    cache.refresh(renewed, plans, TODAY, NOW + dt.timedelta(days=1))
    rows = Database.in_dir(tmp_path).conn.execute(
        "SELECT uid, sequence, changed_at FROM feed_events"
    )
    stored = {r[0]: Stamp(r[1], dt.datetime.fromisoformat(r[2])) for r in rows}
    assert {s.sequence for s in stored.values()} == {0, 1}  # some events changed
    for spec in reversed(cache.specs):  # person feeds first: no feed renders another's events
        own = [
            e
            for person_id in spec.members
            for e in events[person_id]
            if spec.holds(e.day, TODAY, e.hr)
        ]
        if spec.kind is FeedKind.PERSON:  # the holder's one-click links, on his feed only
            own = [e for e, _ in cache.linked(spec, ((e, stored[e.uid]) for e in own))]
        expected = render_feed(spec, own, stored, 12)
        assert cache.published(spec.name).body == expected, spec.name


def test_uid_never_contains_the_person_id() -> None:
    person = dataclasses.replace(people()[0], id="310101199001011234")
    for event in plan_events(PLANNER.plan(person, TODAY), Lang.ZH, uid_key=UID_KEY):
        assert "310101199001011234" not in event.uid
        assert event.uid.endswith("@renewd")


def test_feed_specs_cover_all_groups_people_and_extras() -> None:
    extra = {"extra": [{"name": "expats", "tags": ["expat"]}]}
    specs = {s.name: s for s in feed_specs(people(), make_settings(feeds=extra).feed_options())}
    assert specs["all"].kind is FeedKind.ALL
    assert specs["all"].members == ("E001", "E002", "E003", "E004")
    assert specs["group-研发部"].members == ("E001", "E002")
    assert specs["person-E004"].members == ("E004",)
    assert not specs["person-E004"].mask_names
    assert specs["expats"].members == ("E003",)


# -- folding and escaping, for any text ---------------------------------------------------------

nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from([*"张三李明欧阳,;\\\n\r:\"'\t ", "😀", "👨", "\u200d", "é", "\u200b"]),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    min_size=1,
    max_size=120,
)


@given(name=nasty, note=nasty)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_name_and_note_render_to_valid_folded_lines(name: str, note: str) -> None:
    person = Person(id=name, name=name, permit_expires=dt.date(2027, 2, 10), group=note)
    spec = FeedSpec("x", FeedKind.PERSON, note, (name,), False, True)
    events = plan_events(PLANNER.plan(person, TODAY), Lang.ZH, uid_key=UID_KEY)
    body = render_feed(spec, events, {e.uid: Stamp(0, NOW) for e in events}, 12)
    body.decode("utf-8")  # valid UTF-8 throughout
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n")[:-1]:
        assert b"\n" not in line
        assert b"\r" not in line
        assert len(line) <= 75
        line.decode("utf-8")  # no physical line splits a character
    parsed = icalendar.Calendar.from_ical(body)
    # icalendar keeps NAME and X-WR-CALNAME as raw (still escaped) text
    assert str(parsed["NAME"]) == str(parsed["X-WR-CALNAME"]) == escape_text(note)
    assert {str(e["SUMMARY"]) for e in parsed.walk("VEVENT")} == {_clean(e.summary) for e in events}
    strict = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    assert {e.summary for e in strict.events} == {_clean(e.summary) for e in events}


def _clean(text: str) -> str:
    """What a parser gives back: line breaks as LF, other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))


@given(st.text(min_size=0, max_size=400))
def test_fold_never_splits_a_character(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    parts = folded[:-2].split(b"\r\n")
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8") == line


def test_a_refresh_after_one_change_equals_a_refresh_from_scratch(tmp_path: Path) -> None:
    """After one person's step is recorded the cache writes only his events again, keeping the
    others' stamps and shares; what it publishes (bytes, ETag, Last-Modified of every feed) must
    be what a fresh cache over the same state computes from nothing."""
    extra = {"extra": [{"name": "expats", "tags": ["expat"], "alarms": True}]}
    crowd = people()
    cache = cache_for(tmp_path, feeds=extra)
    plans = PLANNER.plan_all(crowd, TODAY)
    cache.refresh(crowd, plans, TODAY, NOW)
    renewed = dataclasses.replace(
        crowd[0], progress=Progress(permit_renewed_on=dt.date(2027, 1, 25))
    )
    kept = (PLANNER.plan(renewed, TODAY), *plans[1:])  # as the daemon's snapshot keeps them
    written: list[str] = []
    stamp = cache.store.stamp

    def counted(events: object, now: dt.datetime) -> list[Stamp]:
        keys = list(events)  # type: ignore[call-overload]
        written.extend(k.uid for k in keys)
        return stamp(keys, now)

    cache.store.stamp = counted  # type: ignore[method-assign]
    later = NOW + dt.timedelta(days=1)
    assert cache.refresh([renewed, *crowd[1:]], kept, TODAY, later)
    assert written
    assert written == [e.key.uid for e in plan_events(kept[0], Lang.ZH, uid_key=UID_KEY)]
    # A roster reload plans everyone again: equal plans are found equal, not restamped.
    written.clear()
    renamed = dataclasses.replace(crowd[1], name="王小明")
    again = (kept[0], PLANNER.plan(renamed, TODAY), *PLANNER.plan_all(crowd[2:], TODAY))
    assert cache.refresh([renewed, renamed, *crowd[2:]], again, TODAY, later)
    assert written == [e.key.uid for e in plan_events(again[1], Lang.ZH, uid_key=UID_KEY)]
    fresh = cache_for(tmp_path, feeds=extra)
    fresh.refresh([renewed, renamed, *crowd[2:]], again, TODAY, later)
    assert [s.name for s in fresh.specs] == [s.name for s in cache.specs]
    for spec in cache.specs:
        mine, theirs = cache.published(spec.name), fresh.published(spec.name)
        assert (mine.body, mine.etag, mine.last_modified) == (
            theirs.body, theirs.etag, theirs.last_modified
        ), spec.name  # fmt: skip
