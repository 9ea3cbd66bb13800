"""Builders for the feed tests: people, settings and a planner, without a roster file.

A plain module, not a conftest, so it merges beside the shared tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from renewd.core.model import Change, CriticalDate, Lang, Person
from renewd.core.plan import Planner
from renewd.core.workdays import WorkdayCalendar
from renewd.settings import Settings

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)


def make_settings(state_dir: Path | None = None, **extra: Any) -> Settings:
    data: dict[str, Any] = {"roster": {"files": ["people.toml"]}, **extra}
    if state_dir is not None:
        data["state"] = {"dir": str(state_dir)}
    return Settings(**data)


def people() -> list[Person]:
    return [
        Person(
            id="E001",
            name="张三",
            permit_expires=dt.date(2027, 2, 10),
            group="研发部",
            critical_dates=(CriticalDate(dt.date(2027, 4, 20), "子女入学登记"),),
        ),
        Person(
            id="E002",
            name="李小明",
            permit_expires=dt.date(2027, 2, 10),
            group="研发部",
            changes=frozenset({Change.EMPLOYER, Change.CHILD}),
        ),
        Person(
            id="E003",
            name="Anna Schmidt",
            permit_expires=dt.date(2027, 3, 15),
            group="Sales",
            lang=Lang.EN,
            tags=("expat",),
        ),
        Person(
            id="E004",
            name="王五",
            permit_expires=dt.date(2027, 1, 5),
            has_points=False,
        ),
    ]


PLANNER = Planner(
    make_settings().policy.core(), WorkdayCalendar.from_options(make_settings().calendar.core())
)
