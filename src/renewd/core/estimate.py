"""The calendar estimate: which plans rest on a year whose holidays are only estimated, and the
words that ask for the State Council notice before it is needed.

Pure: the plans, the working-day calendar, `[calendar] warn_from` and `today` come as arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from renewd.core.model import Lang, PersonPlan
from renewd.core.wording import say
from renewd.core.workdays import WorkdayCalendar

FIX_COMMAND = "renewd calendar import NOTICE.txt"


def touched_years(plans: Iterable[PersonPlan], today: dt.date) -> list[int]:
    """Years a plan has a date in, and the current one."""
    years = {today.year}
    for plan in plans:
        for m in plan.milestones:
            years.add(m.due.year)
            if m.opens is not None:
                years.add(m.opens.year)
    return sorted(years)


def warn_day(warn_from: str, year: int) -> dt.date:
    """From this day an estimated `year` is a warning: `warn_from` (MM-DD) of the year before."""
    month, day = (int(part) for part in warn_from.split("-"))
    return dt.date(year - 1, month, day)


@dataclass(frozen=True)
class Estimate:
    """Plans that rest on estimated years: `str()` is the operator's text (/healthz, `check`,
    the log); `line(lang)` what the escalation channel reads, pointing at the console."""

    affected: int
    years: tuple[int, ...]

    def __str__(self) -> str:
        names = ", ".join(map(str, self.years))
        return (
            f"{self.affected} plan{'s' if self.affected != 1 else ''} rest on an estimated"
            f" holiday calendar for {names}: when the State Council notice is published, run"
            f" `{FIX_COMMAND}` (see `renewd calendar status`)"
        )

    def line(self, lang: Lang, console: str) -> str:
        years = say(lang, "p.list").join(map(str, self.years))
        return say(
            lang,
            "estimate.line",
            n=self.affected,
            years=years,
            console=console,
            command=FIX_COMMAND,
        )


def estimate(
    plans: Sequence[PersonPlan], calendar: WorkdayCalendar, warn_from: str, today: dt.date
) -> Estimate | None:
    """From `warn_from` (MM-DD) of the year before an estimated year (1 November 2026 for 2027)
    on: the estimated years that plans depend on; None when no plan rests on an estimate that
    is due to be asked for."""
    official: dict[int, bool] = {}

    def estimated(year: int) -> bool:
        if year not in official:
            official[year] = calendar.describe(year).official
        return not official[year] and today >= warn_day(warn_from, year)

    years: set[int] = set()
    affected = 0
    for plan in plans:
        if not plan.provisional:
            continue
        # A date in 2026 may rest on 2027's days (counted back from an expiry in 2027).
        dues = [m.due.year for m in plan.milestones if m.provisional] or [plan.cycle.year]
        span = range(min(dues), max(*dues, plan.cycle.year) + 1)
        found = {year for year in span if estimated(year)}
        years |= found
        affected += bool(found)
    if not years:
        return None
    return Estimate(affected, tuple(sorted(years)))
