"""Shared fixtures: a calendar and planner, people built directly, a recording channel, and a
way to write config files.

Every test runs at one frozen moment: `RENEWD_NOW` (read by `renewd.clock`, the one place renewd
reads the wall clock) is set here for this process and inherited by every `renewd` subprocess and
daemon a test starts, so nothing a test asserts depends on the day or hour it runs. A test that
needs another moment sets `RENEWD_NOW` for its own subprocess.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from netkit import Sink, smtp_server
from pgkit import PgServer, running_postgres
from renewd.channels.base import Channel, Result
from renewd.channels.formatting import render
from renewd.channels.settings import ChannelType, ConsoleChannelSettings
from renewd.core.letter import Format, Message
from renewd.core.messages import personal_letter
from renewd.core.model import Lang, Person
from renewd.core.plan import Planner
from renewd.core.policy import CalendarOptions, Policy
from renewd.core.reminders import MilestoneReminder
from renewd.core.routing import AddressField, ChannelRoute, Item, PersonalEnvelope, Scope
from renewd.core.wording import Role
from renewd.core.workdays import WorkdayCalendar
from renewd.roster.assemble import PartialRoster
from renewd.roster_read import read_roster
from renewd.settings import Settings
from renewd.store.database import DB_NAME, Database
from renewd.store.records import RosterRecords, keep

# The test SMTP servers' own log (aiosmtpd's "mail.log": a connection closed, EOF) says nothing a
# test asserts, and a server thread of a module's fixture may write it after pytest closed the
# stream a test's handler held ("--- Logging error ---" in the run's output): it goes nowhere.
logging.getLogger("mail.log").addHandler(logging.NullHandler())
logging.getLogger("mail.log").propagate = False

NOW_TZ = dt.timezone(dt.timedelta(hours=8))
# The suite's frozen moment: a Monday, after `send_at` (09:30), in the 2026 season.
FROZEN_NOW = "2026-12-07T10:00:00+08:00"
os.environ["RENEWD_NOW"] = FROZEN_NOW
EXPIRES = dt.date(2026, 6, 30)  # permit_renewal due 2026-06-11 under the default policy
PERMIT_DUE = dt.date(2026, 6, 11)


@pytest.fixture(scope="session")
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar.from_options(CalendarOptions())


@pytest.fixture(scope="session")
def planner(calendar: WorkdayCalendar) -> Planner:
    return Planner(Policy(), calendar)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("config.toml", text) -> path, dedented, UTF-8."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


def person(pid: str = "E001", **kw: Any) -> Person:
    defaults: dict[str, Any] = {
        "name": "张三",
        "permit_expires": EXPIRES,
        "email": f"{pid.lower()}@example.com",
        "group": "研发部",
    }
    defaults.update(kw)
    return Person(id=pid, **defaults)


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), NOW_TZ)


class Recorder(Channel):
    """A fake channel: records what it is asked to send; fails the first `fail` sends."""

    type = ChannelType.CONSOLE

    def __init__(self, name: str = "rec", *, personal: bool = True, fail: int = 0,
                 fmt: Format = Format.TEXT, max_bytes: int | None = None,
                 field: AddressField = AddressField.EMAIL) -> None:  # fmt: skip
        super().__init__(ConsoleChannelSettings(name=name))
        self.personal = personal
        self.field = field
        self.fail = fail
        self.format = fmt
        self.max_bytes = max_bytes
        self.sent: list[tuple[Message, str]] = []
        self.calls = 0

    def address(self, person: Person) -> str | None:
        return self.field.of(person) if self.personal else None

    @property
    def fixed(self) -> bool:
        return not self.personal

    @property
    def scope(self) -> Scope:
        return Scope.PERSONAL if self.personal else Scope.GROUP

    def route(self) -> ChannelRoute:
        field = self.field if self.personal else None
        return ChannelRoute(self.name, self.scope, field, self.fixed)

    def _send(self, message: Message, recipient: str) -> Result:
        self.calls += 1
        if self.calls <= self.fail:
            return Result(False, "simulated outage")
        self.sent.append((message, recipient))
        return Result(True)


def settings(**kw: Any) -> Settings:
    data: dict[str, Any] = {"roster": {"files": ["people.toml"]}}
    data.update(kw)
    return Settings(**data)


def load_keeping(files: Sequence[Path], db: Database) -> PartialRoster:
    """The daemon's roster read (`renewd.roster_read`) over the last good records of `db`, whose
    good rows then become the new last good records, as a swapped-in roster's do."""
    partial = read_roster(settings(roster={"files": list(files)}), RosterRecords(db))
    keep(db, partial)
    return partial


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgServer]:
    """A real PostgreSQL for this test session (skipped without it, except under CI=true)."""
    with running_postgres() as server:
        yield server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_databases` that use `db` run on SQLite and on PostgreSQL."""
    marked = metafunc.definition.get_closest_marker
    if "db" in metafunc.fixturenames and marked("both_databases"):
        pg = pytest.param("postgresql", marks=pytest.mark.postgres)
        params = (
            ["sqlite"]
            if marked("only_sqlite")
            else [pg]
            if marked("only_postgres")
            else ["sqlite", pg]
        )
        metafunc.parametrize("db", params, indirect=True)


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The state database: SQLite in tmp_path, or (param "postgresql") a fresh PostgreSQL one."""
    if getattr(request, "param", "sqlite") == "postgresql":
        server = request.getfixturevalue("postgres")
        database = Database.postgresql(server.fresh(), None, tmp_path / "state" / DB_NAME)
    else:
        database = Database.in_dir(tmp_path / "state")
    yield database
    database.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives: (sink, port)."""
    with smtp_server() as server:
        yield server


def a_message(planner: Planner, fmt: Format, kind: int = 2, **kw: Any) -> Message:
    """A person's one message with one step (the permit by default), rendered for `fmt`."""
    day = PERMIT_DUE - dt.timedelta(days=3)
    plan = planner.plan(person(**kw), day)
    milestone = plan.milestones[kind]
    reminder = MilestoneReminder(plan, milestone, 3, day, late=False)
    envelope = PersonalEnvelope("x", "x", (Item(reminder, Role.ACT),))
    return render(personal_letter(envelope, day, Lang.ZH, planner.policy), fmt)[0]
