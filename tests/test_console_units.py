"""The console's pure parts: the people index, the timeline picture, action-link tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import person
from renewd.core.model import Lang, Progress, Status, Step
from renewd.core.plan import Planner
from renewd.core.workdays import WorkdayCalendar
from renewd.delivery.actionlinks import ActionLinks
from renewd.web.console.index import Flag, PeopleIndex, Query
from renewd.web.console.timeline import timeline_svg

TODAY = dt.date(2026, 6, 15)


def plans(planner: Planner, count: int = 30) -> list:  # type: ignore[type-arg]
    people = [
        person(f"P{i:03d}", group=f"G{i % 3}", name=f"人{i}",
               permit_expires=dt.date(2026, 6, 20) + dt.timedelta(days=7 * i))
        for i in range(count)
    ]  # fmt: skip
    return planner.plan_all(people, TODAY)


def test_rows_are_sorted_by_next_due_date_and_groups_limit_them(planner: Planner) -> None:
    index = PeopleIndex.build(plans(planner), TODAY)
    dues = [r.next_due or dt.date.max for r in index.rows]
    assert dues == sorted(dues)
    page = index.query(Query(), frozenset({"G1"}))
    assert {r.group for r in page.rows} == {"G1"}
    assert page.total == 10
    assert index.query(Query(group="G2"), frozenset({"G1"})).total == 0  # not his group


def test_pagination_and_filters(planner: Planner) -> None:
    index = PeopleIndex.build(plans(planner), TODAY)
    first = index.query(Query(per_page=7), None)
    assert (first.total, first.pages, len(first.rows)) == (30, 5, 7)
    last = index.query(Query(per_page=7, page=99), None)
    assert (last.page, len(last.rows)) == (5, 2)
    overdue = index.query(Query(status=Status.OVERDUE), None)
    assert all(r.status is Status.OVERDUE for r in overdue.rows)
    assert index.query(Query(q="p007"), None).total == 1
    assert index.query(Query(q="人1"), None).total == 11  # 人1, 人10..人19
    infeasible = index.query(Query(flag=Flag.INFEASIBLE), None)
    assert all(not r.feasible for r in infeasible.rows)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 29), st.integers(-20, 5))
def test_replacing_one_plan_equals_a_rebuild(planner: Planner, which: int, shift: int) -> None:
    all_plans = plans(planner)
    index = PeopleIndex.build(all_plans, TODAY)
    target = all_plans[which].person
    done = replace(
        target, progress=Progress(permit_renewed_on=TODAY + dt.timedelta(days=min(shift, 0)))
    )
    new_plan = planner.plan(done, TODAY)
    rebuilt = PeopleIndex.build(
        [new_plan if p.person.id == target.id else p for p in all_plans], TODAY
    )
    assert [r.id for r in index.replaced(new_plan).rows] == [r.id for r in rebuilt.rows]


def test_timeline_shades_rest_and_make_up_days_and_draws_the_gap(
    planner: Planner, calendar: WorkdayCalendar
) -> None:
    # Spring Festival 2026 has make-up working Saturdays; a late permit shows a gap.
    plan = planner.plan(person(permit_expires=dt.date(2026, 3, 10)), dt.date(2026, 3, 5))
    svg = timeline_svg(plan, dt.date(2026, 3, 5), calendar, Lang.ZH)
    start = min(m.due for m in plan.milestones) - dt.timedelta(days=5)
    end = max([m.due for m in plan.milestones] + [plan.projected_approval or start])
    end += dt.timedelta(days=5)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    makeup = [d for d in days if d.weekday() >= 5 and calendar.is_workday(d)]
    rest = [d for d in days if not calendar.is_workday(d)]
    assert makeup  # the case must hold one
    assert svg.count('fill="#ffcc80"') == len(makeup)
    assert svg.count('fill="#d7dbe0"') == len(rest)
    assert plan.gap_days > 0
    assert 'fill="#e53935"' in svg
    assert "今天" in svg
    on_time = planner.plan(person(permit_expires=dt.date(2026, 12, 10)), TODAY)
    assert 'fill="#e53935"' not in timeline_svg(on_time, TODAY, calendar, Lang.EN)


def test_timeline_escapes_text(planner: Planner, calendar: WorkdayCalendar) -> None:
    plan = planner.plan(person(name="<script>"), TODAY)
    assert "<script>" not in timeline_svg(plan, TODAY, calendar, Lang.ZH)


@given(st.text(min_size=1, max_size=30), st.dates(), st.sampled_from(list(Step)))
def test_action_tokens_round_trip_and_any_change_breaks_them(
    who: str, cycle: dt.date, step: Step
) -> None:
    links = ActionLinks(b"k" * 32, "https://hr.example.com")
    token = links.token(who, cycle, step)
    claim = links.claim(token)
    assert claim is not None
    assert (claim.person, claim.cycle, claim.step) == (who, cycle, step)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert links.claim(flipped) is None
    assert ActionLinks(b"j" * 32, "https://x").claim(token) is None


def test_event_uid_is_the_uid_plan_events_gives(planner: Planner) -> None:
    from renewd.core.events import event_uid, plan_events

    plan = planner.plan(person(), TODAY)
    key = b"u" * 32
    uids = {e.uid for e in plan_events(plan, Lang.ZH, uid_key=key)}
    for m in plan.milestones:
        assert event_uid(plan.person.id, plan.cycle, m.kind, key) in uids


def test_sessions_expire_and_the_throttle_window_slides(tmp_path: object) -> None:
    from pathlib import Path

    from renewd.store.accounts import Accounts
    from renewd.store.database import Database
    from renewd.store.signins import PER_NAME, WINDOW

    db = Database.in_dir(Path(str(tmp_path)) / "state")
    try:
        accounts = Accounts(db)
        now = dt.datetime(2026, 6, 15, tzinfo=dt.UTC)
        account = accounts.add("hr", "long enough", groups=frozenset({"G"}), admin=False, now=now)
        sid, _ = accounts.open_session(account, 1000.0, hours=1)
        assert accounts.session(sid, 1000.0 + 3599) is not None
        assert accounts.session(sid, 1000.0 + 3600) is None  # expired
        stored = db.conn.execute("SELECT id_hash FROM console_session").fetchone()[0]
        assert sid.encode() not in stored  # only its hash is kept
        for n in range(PER_NAME):
            assert not accounts.throttle.throttled("hr", 2000.0 + n)
            assert accounts.throttle.reserve("hr", "1.2.3.4", 2000.0 + n) is not None
        assert accounts.throttle.throttled("hr", 2010.0)
        assert accounts.throttle.reserve("hr", "5.6.7.8", 2010.0) is None  # from anywhere
        assert not accounts.throttle.throttled("hr", 2000.0 + WINDOW + 5)
    finally:
        db.close()
