"""A calendar change, whatever its cause, is noticed once and told to the right owners once; an
estimated year is asked for from `warn_from`, on /healthz, and weekly to the escalation channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import aiohttp
import pytest

from conftest import Recorder, at, person, settings
from netkit import free_port
from renewd.calendar.changes import estimate_warning, note_calendar_changes
from renewd.calendar.notices import store_notice
from renewd.calendar.snapshot import Snapshot, build_snapshot
from renewd.cli import main
from renewd.core.model import Person
from renewd.core.notices import parse_notice
from renewd.core.policy import YearTable
from renewd.daemon.health import Health, Metrics
from renewd.daemon.runtime import Daemon
from renewd.delivery.passes import Delivery
from renewd.roster.reader import Roster
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.moves import MoveStore
from renewd.store.notices import NoticeStore
from renewd.web.health import add_health_routes
from renewd.web.server import bound_port, start

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
NOTICE_2027 = parse_notice((FIXTURES / "2027-synthetic.txt").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 12, 1)
GROUPED = {
    "channels": [
        {"name": "rec", "type": "console"},
        {"name": "hr", "type": "console"},
        {"name": "boss", "type": "console"},
    ],
    "groups": {"研发部": {"channels": ["hr"]}},
    "notify": {"escalate_to": ["boss"]},
}
HOLDER = person("E001", permit_expires=dt.date(2027, 2, 10))


def moved(rec: Recorder) -> list[str]:
    return [m.body for m, _ in rec.sent if "日期调整" in m.title]


@dataclass(frozen=True)
class World:
    """Settings and imported notices: what a snapshot is built from."""

    settings: Settings
    notices: Mapping[int, YearTable] = field(default_factory=lambda: MappingProxyType({}))

    def with_calendar(self, notices: Mapping[int, YearTable]) -> World:
        return World(self.settings, notices)

    def snap(self, people: Sequence[Person] = (HOLDER,), day: dt.date = TODAY) -> Snapshot:
        return build_snapshot(self.settings, Roster(tuple(people)), {}, day, {}, self.notices)


def pass_on(world: World, db: Database, delivery: Delivery, day: dt.date) -> None:
    snap = world.snap(day=day)
    note_calendar_changes(snap, db, snap.plans, day, at(day))
    warning = estimate_warning(snap, snap.plans, day)
    delivery.run_pass(snap.plans, day, at(day), calendar_warning=warning)


def test_holder_hears_his_steps_and_hr_the_employer_steps_once(db: Database) -> None:
    rec, hr, boss = (
        Recorder("rec"),
        Recorder("hr", personal=False),
        Recorder("boss", personal=False),
    )
    app = World(settings(**GROUPED))
    delivery = Delivery(db, app.settings, {"rec": rec, "hr": hr, "boss": boss})
    pass_on(app, db, delivery, TODAY)
    assert not moved(rec)
    assert not moved(hr)

    after = app.with_calendar(MappingProxyType({2027: NOTICE_2027.table()}))
    pass_on(after, db, delivery, TODAY)
    [holder] = moved(rec)
    assert "居住证签注：2027-01-19 → 2027-01-20" in holder
    assert "积分续办申请" not in holder  # the employer's step goes to HR
    [digest] = moved(hr)
    assert "张三（E001）积分续办申请：2027-01-22 → 2027-01-25" in digest
    assert "单位审核递交：2027-01-26 → 2027-01-27" in digest  # the one short label
    assert "居住证签注" not in digest

    for day in (TODAY, TODAY + dt.timedelta(days=1)):
        pass_on(after, db, delivery, day)
    assert len(moved(rec)) == 1
    assert len(moved(hr)) == 1


def test_a_config_table_change_moves_dates_and_escalates_an_infeasible_plan(
    db: Database,
) -> None:
    rec, hr, boss = (
        Recorder("rec"),
        Recorder("hr", personal=False),
        Recorder("boss", personal=False),
    )
    app = World(settings(**GROUPED))
    delivery = Delivery(db, app.settings, {"rec": rec, "hr": hr, "boss": boss})
    pass_on(app, db, delivery, TODAY)
    assert app.snap().plans[0].feasible

    # An operator's table declares a (fictional) fortnight off in January 2027.
    table = {"complete": False, "off": ["2027-01-11..2027-01-22"]}
    changed = World(settings(**GROUPED, calendar={"years": {2027: table}}))
    plan = changed.snap().plans[0]
    assert not plan.feasible
    pass_on(changed, db, delivery, TODAY)
    [body] = moved(rec)
    assert "居住证签注：2027-01-19 →" in body
    assert any("计划不可行" in m.body for m, _ in boss.sent), [m.title for m, _ in boss.sent]


def test_unchanged_calendar_notes_nothing_and_a_new_year_is_only_recorded(db: Database) -> None:
    snap = World(settings(**GROUPED)).snap()
    assert note_calendar_changes(snap, db, snap.plans, TODAY, at(TODAY)) == []
    assert note_calendar_changes(snap, db, snap.plans, TODAY, at(TODAY)) == []
    later = person("E002", permit_expires=dt.date(2029, 3, 1))  # touches 2028, 2029: new years
    more = World(settings(**GROUPED)).snap([HOLDER, later])
    assert note_calendar_changes(more, db, more.plans, TODAY, at(TODAY)) == []
    years = {r[0] for r in db.conn.execute("SELECT year FROM calendar_seen")}
    assert {2026, 2027, 2028, 2029} <= years


def test_estimate_warning_from_warn_from_and_weekly_to_escalation(db: Database) -> None:
    rec, boss = Recorder("rec"), Recorder("boss", personal=False)
    app = World(settings(**GROUPED))
    snap = app.snap()
    assert estimate_warning(snap, snap.plans, dt.date(2026, 10, 31)) is None
    warning = estimate_warning(snap, snap.plans, dt.date(2026, 11, 1))
    assert warning is not None
    assert "2027" in str(warning)
    assert "renewd calendar import" in str(warning)
    early = World(settings(**GROUPED, calendar={"warn_from": "10-15"}))
    assert estimate_warning(early.snap(), snap.plans, dt.date(2026, 10, 20)) is not None

    delivery = Delivery(db, app.settings, {"rec": rec, "boss": boss})
    monday = dt.date(2026, 11, 30)
    for offset in range(14):  # two weeks of daily passes
        pass_on(app, db, delivery, monday + dt.timedelta(days=offset))
    asks = [m for m, _ in boss.sent if "节假日安排尚未导入" in m.title]
    assert len(asks) == 2
    assert "renewd calendar import" in asks[0].body

    official = app.with_calendar(MappingProxyType({2027: NOTICE_2027.table()}))
    assert estimate_warning(official.snap(), official.snap().plans, TODAY) is None


def test_healthz_carries_the_warning_and_stays_ok() -> None:
    health = Health()
    health.last_sweep_ok = health.started
    health.calendar_warning = "1 plan rests on an estimated holiday calendar for 2027"

    async def main() -> tuple[int, dict[str, object]]:
        application = aiohttp.web.Application()
        add_health_routes(application, health, Metrics(), lambda: object())
        runner = await start(application, "127.0.0.1:0")
        try:
            url = f"http://127.0.0.1:{bound_port(runner)}/healthz"
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                return response.status, json.loads(await response.text())
        finally:
            await runner.cleanup()

    status, body = asyncio.run(main())
    assert status == 200
    assert body["status"] == "degraded"  # a warning: still serving, still 200
    assert body["warnings"] == [health.calendar_warning]


def test_a_notice_reaches_into_the_december_before_for_its_new_year(db: Database) -> None:
    reaching = YearTable(
        complete=True,
        off=NOTICE_2027.table().off | {dt.date(2026, 12, 31)},
        on=NOTICE_2027.table().on,
    )
    calendar = World(settings(**GROUPED), MappingProxyType({2027: reaching})).snap().calendar
    assert not calendar.is_workday(dt.date(2026, 12, 31))
    assert calendar.describe(2026).layer.value == "package"
    assert calendar.is_workday(dt.date(2026, 12, 30))


def test_a_long_hr_note_is_split_for_the_channel_and_sent_once(db: Database) -> None:
    rec, hr = Recorder("rec"), Recorder("hr", personal=False, max_bytes=600)
    app = World(settings(**GROUPED))
    delivery = Delivery(db, app.settings, {"rec": rec, "hr": hr})
    crowd = [person(f"E{i:03}", name=f"员工{i}", permit_expires=dt.date(2027, 2, 10))
             for i in range(20)]  # fmt: skip
    for world in (app, app.with_calendar(MappingProxyType({2027: NOTICE_2027.table()}))):
        for _ in range(2):
            snap = world.snap(crowd)
            note_calendar_changes(snap, db, snap.plans, TODAY, at(TODAY))
            delivery.run_pass(snap.plans, TODAY, at(TODAY))
    parts = [m for m, _ in hr.sent if "日期调整" in m.title]
    assert len(parts) > 1
    assert all(len(m.body.encode()) <= 600 for m in parts)
    body = "\n".join(m.body for m in parts)
    assert all(f"员工{i}（E{i:03}）积分续办申请" in body for i in range(20))
    assert len(moved(rec)) == 20  # one per holder


def test_the_daemon_replans_when_a_notice_is_imported(write: Callable[[str, str], Path]) -> None:
    """In-process, on an injected clock: /healthz warns, an import reaches the running daemon
    at its next sweep (a new calendar, no warning), and the next pass tells the holder once."""
    write("people.csv", "工号,姓名,部门,居住证到期日,邮箱\n1001,张三,研发部,2027-02-10,zs@x.cn\n")
    port = free_port()
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
    )
    clock = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    notice = str(FIXTURES / "2027-synthetic.txt")

    async def healthz(daemon: Daemon) -> dict[str, object]:
        url = f"http://127.0.0.1:{port}/healthz"
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 200
            body: dict[str, object] = json.loads(await response.text())
            return body

    async def scenario() -> None:
        daemon = Daemon(config, clock=lambda: clock)
        await daemon.start()
        try:
            await daemon.run_pass("sweep")
            before = await healthz(daemon)
            assert "2027" in " ".join(map(str, before["warnings"]))  # type: ignore[call-overload]
            args = ["calendar", "import", "-c", str(config), notice, "--today", "2026-12-01"]
            assert await asyncio.to_thread(main, args) == 0
            await daemon.run_pass("sweep")
            after = await healthz(daemon)
            assert after["warnings"] == []
            snap = daemon.snapshot
            assert snap is not None
            assert snap.calendar.describe(2027).layer.value == "notice"
            assert not snap.plans[0].provisional
            await daemon.run_pass("sweep")  # a sweep issues nothing new once a pass has run...
            await daemon.run_pass("send_at")  # ...the next pass at send_at tells the holder
            await daemon.run_pass("send_at")
            assert daemon.db is not None
            rows = daemon.db.conn.execute(
                "SELECT COUNT(*) FROM delivery WHERE kind = 'dates_moved' AND status = 'sent'"
            ).fetchone()[0]
            assert rows == 1
        finally:
            await daemon.stop()

    asyncio.run(scenario())


def test_two_processes_noticing_the_same_change_note_it_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = World(settings(**GROUPED))
    snap = app.snap()
    note_calendar_changes(snap, db, snap.plans, TODAY, at(TODAY))
    stale = MoveStore(db).seen()  # what a second process read before the first one recorded
    after = app.with_calendar(MappingProxyType({2027: NOTICE_2027.table()})).snap()
    assert note_calendar_changes(after, db, after.plans, TODAY, at(TODAY))
    monkeypatch.setattr(MoveStore, "seen", lambda self: stale)
    assert note_calendar_changes(after, db, after.plans, TODAY, at(TODAY)) == []
    assert db.conn.execute("SELECT COUNT(*) FROM moved_note").fetchone()[0] == 3


def test_the_note_rides_inside_the_holders_one_message_of_the_pass(db: Database) -> None:
    """On a day the holder has a reminder anyway, what moved is a section of that message: one
    message to him that pass, no second one; HR, with nothing else that day, gets its own."""
    rec, hr = Recorder("rec"), Recorder("hr", personal=False)
    app = World(settings(**GROUPED))
    delivery = Delivery(db, app.settings, {"rec": rec, "hr": hr})
    # `prepare` is due on the 11th; the pass before is out of its reach (a prepare day rides with
    # a message a day or two before it)
    eve, day = dt.date(2026, 12, 8), dt.date(2026, 12, 11)
    pass_on(app, db, delivery, eve)
    before = len(rec.sent)
    pass_on(app.with_calendar(MappingProxyType({2027: NOTICE_2027.table()})), db, delivery, day)
    mine = rec.sent[before:]
    assert len(mine) == 1, [m.title for m, _ in mine]
    message, _ = mine[0]
    assert "日期调整" in message.body
    assert "居住证签注：2027-01-19 → 2027-01-20" in message.body
    assert "日期调整" not in message.title  # it is the day's reminder, with the note inside
    assert len(moved(hr)) == 1


def test_a_form_stores_a_pasted_notice_against_the_daemons_snapshot(db: Database) -> None:
    """`store_notice` (what a console form calls): a dry run stores nothing and says what
    moves; the real one stores and notes the moves for the next pass."""
    snap = World(settings(**GROUPED)).snap()
    text = (FIXTURES / "2027-synthetic.txt").read_text(encoding="utf-8")
    trial = store_notice(snap, None, parse_notice(text), at(TODAY))
    assert not trial.stored
    assert sorted(m.kind.value for m in trial.moves) == [
        "employer_submission", "permit_renewal", "points_application",
    ]  # fmt: skip
    assert NoticeStore(db).load() == {}
    done = store_notice(snap, db, parse_notice(text), at(TODAY))
    assert done.stored
    assert 2027 in NoticeStore(db).load()
    assert len(MoveStore(db).pending()) == 3


def test_the_weekly_ask_rides_in_the_escalation_digest_of_that_pass(db: Database) -> None:
    """One message per recipient per pass: the week's "import the notice" ask is a section of
    the escalation digest when there is one, and is not asked again that week."""
    rec, boss = Recorder("rec"), Recorder("boss", personal=False)
    app = World(settings(**GROUPED))
    late = person(
        "E002", name="李四", permit_expires=dt.date(2026, 12, 10)
    )  # infeasible: escalated
    delivery = Delivery(db, app.settings, {"rec": rec, "boss": boss})
    monday = dt.date(2026, 11, 30)
    for offset in range(3):
        day = monday + dt.timedelta(days=offset)
        snap = app.snap([HOLDER, late], day=day)
        warning = estimate_warning(snap, snap.plans, day)
        assert warning is not None
        delivery.run_pass(snap.plans, day, at(day), calendar_warning=warning)
    first = [m for m, _ in boss.sent if "2026-11-30" in m.title]
    assert len(first) == 1, [m.title for m, _ in boss.sent]
    assert first[0].title.startswith("【需关注】2026-11-30")
    assert "李四（E002）" in first[0].body
    assert "节假日安排尚未导入" in first[0].body
    assert "估算的 2027 年节假日安排" in first[0].body  # in Chinese, for whoever reads it
    assert "控制台“工作日历”页" in first[0].body
    assert "/calendar" in first[0].body
    assert "renewd calendar import" in first[0].body
    asks = [m for m, _ in boss.sent if "节假日安排尚未导入" in m.title + m.body]
    assert len(asks) == 1, [m.title for m, _ in boss.sent]
    asked = db.conn.execute("SELECT channel, week FROM calendar_asked").fetchall()
    assert [tuple(row) for row in asked] == [("boss", "2026-11-30")]
