"""Which years of the calendar are official, and why: `renewd calendar status`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from renewd.calendar.snapshot import Planned
from renewd.core.errors import RosterError
from renewd.core.estimate import touched_years
from renewd.core.model import PersonPlan
from renewd.store.database import Database
from renewd.store.notices import NoticeStore


@dataclass(frozen=True)
class YearStatus:
    year: int
    official: bool
    layer: str
    source: str
    rest_days: int
    makeup_days: int
    imported_at: dt.datetime | None = None
    plans: int = 0  # plans with a date in this year

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "official": self.official,
            "layer": self.layer,
            "source": self.source,
            "rest_days": self.rest_days,
            "makeup_days": self.makeup_days,
            "imported_at": self.imported_at.isoformat() if self.imported_at else None,
            "plans": self.plans,
        }


@dataclass
class CalendarReport:
    today: dt.date
    years: list[YearStatus] = field(default_factory=list)
    roster_problem: str | None = None

    @property
    def provisional(self) -> list[int]:
        return [y.year for y in self.years if not y.official]


def calendar_status(app: Planned, today: dt.date, db: Database | None = None) -> CalendarReport:
    """Every year the plans touch (and the current one): official or provisional, and why."""
    report = CalendarReport(today)
    plans: Sequence[PersonPlan] = ()
    try:
        plans = app.snapshot(today, db).plans
    except RosterError as exc:
        report.roster_problem = exc.message
    counts: dict[int, int] = {}
    for plan in plans:
        for year in {m.due.year for m in plan.milestones}:
            counts[year] = counts.get(year, 0) + 1
    imported: dict[int, dt.datetime] = {}
    if db is not None:
        imported = {y: s.imported_at for y, s in NoticeStore(db).load().items()}
    for year in touched_years(plans, today):
        info = app.calendar.describe(year)
        report.years.append(
            YearStatus(
                year,
                info.official,
                info.layer.value,
                info.source,
                sum(1 for d in info.holidays if d.year == year),
                sum(1 for d in info.makeup if d.year == year),
                imported.get(year) if info.layer.value == "notice" else None,
                counts.get(year, 0),
            )
        )
    return report
