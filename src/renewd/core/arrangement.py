"""A year's holiday arrangement as data, and the checks it must pass before it is stored.

`Notice` is what `renewd.core.notices` reads from the State Council notice or holiday-cn JSON:
the rest-day ranges and make-up working days of one year (and of the December before, when its
元旦 reaches back). `check_arrangement` refuses an arrangement that is incomplete (a statutory
holiday missing), inconsistent (outside the year, a make-up day that is not a weekend,
overlaps) or implausible (a rest period longer than any real one: a mistyped date), listing
every problem. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from renewd.core.errors import EX_DATAERR, Problem, RenewdError
from renewd.core.policy import YearTable

STATUTORY = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
ALIASES = {"清明": "清明节", "五一": "劳动节", "国庆": "国庆节", "中秋": "中秋节", "端午": "端午节"}
# The longest rest any holiday may have: a little above the longest it ever had (Spring Festival
# 9, National Day with Mid-autumn 8, the Labour Day golden weeks of 2000–2007 7, the others 3),
# so a mistyped date (a 37-day Spring Festival) is refused, and a real notice never.
MAX_REST_DAYS = {"春节": 10, "国庆节": 10, "劳动节": 7}
MAX_OTHER_REST_DAYS = 4
# Rest days of a whole year, every range together: the most any year had is 33 (2026).
MAX_YEAR_REST_DAYS = 40


class NoticeError(RenewdError):
    """A holiday notice that cannot be stored: not published, incomplete or inconsistent."""

    exit_code = EX_DATAERR


class NoticeYearMissing(NoticeError):
    """Notice text that names no year anywhere it could: the caller must give it (`--year`, or
    the console's 年份 field)."""


class NoticeFormat(StrEnum):
    TEXT = "notice-text"
    HOLIDAY_CN = "holiday-cn"


@dataclass(frozen=True, slots=True)
class HolidayRange:
    """One holiday's rest days, inclusive; `name` may join two holidays (中秋节、国庆节)."""

    name: str
    start: dt.date
    end: dt.date

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True, slots=True)
class MakeupDay:
    """A weekend day that is a working day (调休上班), and the holiday it pays for."""

    name: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Notice:
    """One year's complete official arrangement."""

    year: int
    holidays: tuple[HolidayRange, ...]
    makeup: tuple[MakeupDay, ...]
    source: str
    format: NoticeFormat

    @property
    def off(self) -> frozenset[dt.date]:
        return frozenset(d for h in self.holidays for d in h.days())

    @property
    def on(self) -> frozenset[dt.date]:
        return frozenset(m.date for m in self.makeup)

    def table(self) -> YearTable:
        """The arrangement as a complete table for `year`; it may hold days of the December
        before, which the calendar applies to that year (`CalendarOptions.notices`)."""
        return YearTable(complete=True, off=self.off, on=self.on, source=self.source)


def _canonical(names: Iterable[str]) -> set[str]:
    out = set()
    for name in names:
        for part in re.split(r"[、,]", name):
            part = part.strip()
            out.add(ALIASES.get(part, part))
    return out


def _longest(names: str) -> tuple[str, int]:
    """The holiday of a range named `names` (中秋节、国庆节: both) allowed the longest rest,
    and that many days."""
    found = [(n, MAX_REST_DAYS.get(n, MAX_OTHER_REST_DAYS)) for n in sorted(_canonical([names]))]
    return max(found, key=lambda item: item[1], default=(names, MAX_OTHER_REST_DAYS))


def _plausible(
    ranges: list[HolidayRange], lines: Mapping[HolidayRange, int], name: str
) -> list[Problem]:
    """Rest periods longer than any real one, and a year with more rest days than any had."""
    problems = []
    for r in ranges:
        holiday, most = _longest(r.name)
        length = (r.end - r.start).days + 1
        if length > most:
            problems.append(
                Problem(
                    name,
                    f"{length} rest days from {r.start} to {r.end}: longer than {holiday} has"
                    f" ever been (at most {most}); is a date mistyped?",
                    lines.get(r),
                    r.name,
                )
            )
    total = len({day for r in ranges for day in r.days()})
    if total > MAX_YEAR_REST_DAYS:
        problems.append(
            Problem(
                name,
                f"{total} rest days in all: more than any year has had (at most"
                f" {MAX_YEAR_REST_DAYS}); is a date mistyped?",
            )
        )
    return problems


def check_arrangement(
    year: int,
    ranges: list[HolidayRange],
    makeup: list[MakeupDay],
    problems: list[Problem],
    name: str,
    lines: Mapping[HolidayRange, int] | None = None,
) -> None:
    """Raise NoticeError with `problems` and every inconsistency found here, if any: a holiday
    missing, dates outside the year, overlaps, make-up days that are not weekends, a rest
    period longer than any real one (`lines`: where each range was read, to name it)."""
    problems = [*problems, *_plausible(ranges, lines or {}, name)]
    first, last = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    present = _canonical(r.name for r in ranges)
    for holiday in STATUTORY:
        if holiday not in present:
            problems.append(
                Problem(name, f"{holiday} is missing: is the text cut short?", None, holiday)
            )
    for unknown in sorted(present - set(STATUTORY)):
        problems.append(Problem(name, "not a statutory holiday name", None, unknown))
    rest: dict[dt.date, str] = {}
    for r in ranges:
        if r.start < first or r.end > last:
            problems.append(
                Problem(
                    name,
                    f"{r.start}..{r.end} is outside {year} and the December before",
                    None,
                    r.name,
                )
            )
        for day in r.days():
            if day in rest:
                problems.append(
                    Problem(name, f"{day} is also a rest day of {rest[day]}", None, r.name)
                )
            rest[day] = r.name
    for m in makeup:
        if not first <= m.date <= last:
            problems.append(
                Problem(
                    name,
                    f"make-up day {m.date} is outside {year} and the December before",
                    None,
                    m.name,
                )
            )
        if m.date.weekday() < 5:
            problems.append(
                Problem(
                    name,
                    f"make-up day {m.date} is a {m.date:%A}, not a weekend:"
                    " it would be a working day anyway",
                    None,
                    m.name,
                )
            )
        if m.date in rest:
            problems.append(
                Problem(name, f"{m.date} is both a rest day and a working day", None, m.name)
            )
    if problems:
        raise NoticeError(
            f"{name}: the {year} arrangement is refused, nothing was stored", problems
        )
