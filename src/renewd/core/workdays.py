"""Mainland-China working days, layered: user tables, imported notices, a package, an estimate.

Layer 1, the user's `[calendar.years.Y]` tables, wins for the dates they list (or for the whole
year when `complete = true`). Layer 1b, the State Council notices imported with `renewd calendar
import` (`renewd.core.notices`), is the whole truth for its year, and for the days of the
December before that its 元旦 entry names. Layer 2, the `chinese-calendar` package, knows the
notices it ships with, make-up working weekends (调休) included, and raises for other years.
Layer 3 estimates years nothing covers: the statutory holidays, a Monday off for a one-day
holiday on a weekend, and the customary long breaks (Spring Festival eight days from New Year's
Eve, Labour Day 1–5 May, National Day 1–7 October). It guesses no make-up working weekends, so it
has too few working days rather than too many, and deadlines computed on it err early. Every
answer that rests on layer 3 is *provisional*: it may move when that year's notice is published.

Arithmetic runs on one sorted array of working-day ordinals built per year on first use, so a
deadline costs a bisection, not a walk over days.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import chinese_calendar
from lunardate import LunarDate

from renewd.core.errors import CalendarError
from renewd.core.policy import CalendarOptions, Fallback, YearTable

MIN_YEAR = 1901  # lunardate's range, and far enough back for any permit
# Two years past lunardate's last (2099), so that every step of a chain for a date up to
# 2099-12-31 (the roster's latest allowed year) can be planned; those years are estimated
# without the lunar holidays.
MAX_YEAR = 2101
LUNAR_MAX_YEAR = 2099


class Layer(StrEnum):
    """Which calendar layer answers a year."""

    CONFIG = "config"  # a complete [calendar.years.Y] table
    NOTICE = "notice"  # an imported State Council notice
    PACKAGE = "package"  # chinese-calendar
    ESTIMATE = "estimate"  # provisional
    WEEKENDS_ONLY = "weekends-only"  # provisional

    @property
    def official(self) -> bool:
        return self in (Layer.CONFIG, Layer.NOTICE, Layer.PACKAGE)


@dataclass(frozen=True)
class YearInfo:
    """One year as the calendar answers it: rest days (holidays, weekends inside them included),
    make-up working days, and the days a table or a notice fixed on top of an estimate."""

    year: int
    layer: Layer
    source: str
    holidays: set[dt.date]
    makeup: set[dt.date]
    fixed: set[dt.date] = field(default_factory=set)

    @property
    def official(self) -> bool:
        return self.layer.official


@dataclass(frozen=True)
class WorkdayAnswer:
    """A date computed on the calendar, and whether an estimated (provisional) day was involved."""

    date: dt.date
    provisional: bool


def _days(year: int) -> Iterable[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def _library_year(year: int) -> tuple[set[dt.date], set[dt.date]] | None:
    """(holidays, make-up working days) of `year` from chinese-calendar, or None if not covered."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return None
    holidays = {d for d in chinese_calendar.constants.holidays if d.year == year}
    workdays = {d for d in chinese_calendar.constants.workdays if d.year == year}
    return holidays, workdays


def _library_version() -> str:
    return str(getattr(chinese_calendar, "__version__", "(unknown version)"))


def estimated_holidays(year: int) -> set[dt.date]:
    """Layer 3: the rest days we expect for a year whose holiday notice is not known.

    Conservative by construction: every rest day a notice is likely to give is a rest day here,
    and no make-up working weekend is guessed, so the estimate has fewer working days than the
    real notice and deadlines computed on it can only be earlier (tested against 2015–2026).
    A one-day holiday on a weekend is compensated on the Monday; one on a Tuesday or Thursday
    gets the bridge day (the Monday or Friday) that notices give it with a make-up weekend, e.g.
    2024's Mid-autumn (Tue 17 Sep, Mon 16 off) and 2026's New Year (Thu 1 Jan, Fri 2 off).
    """
    off: set[dt.date] = set()

    def single(day: dt.date) -> None:
        off.add(day)
        if day.weekday() == 5:  # a statutory day on Saturday is compensated on Monday
            off.add(day + dt.timedelta(days=2))
        elif day.weekday() == 6:
            off.add(day + dt.timedelta(days=1))
        elif day.weekday() == 1:  # Tuesday: the Monday bridges it to the weekend
            off.add(day - dt.timedelta(days=1))
        elif day.weekday() == 3:  # Thursday: the Friday does
            off.add(day + dt.timedelta(days=1))

    def span(start: dt.date, days: int) -> None:
        off.update(start + dt.timedelta(days=i) for i in range(days))

    single(dt.date(year, 1, 1))
    lunar = year <= LUNAR_MAX_YEAR
    if lunar:
        new_years_eve = LunarDate(year, 1, 1).to_solar_date() - dt.timedelta(days=1)
        span(new_years_eve, 8)
    qingming = [
        d
        for d, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
        if name == "清明"
    ]
    single(qingming[0] if qingming else dt.date(year, 4, 5))
    span(dt.date(year, 5, 1), 5)
    if dt.date(year, 5, 1).weekday() == 1:  # 2018: 29 April to 1 May, the Monday bridged
        off.add(dt.date(year, 4, 30))
    if lunar:
        single(LunarDate(year, 5, 5).to_solar_date())
    mid_autumn = LunarDate(year, 8, 15).to_solar_date() if lunar else dt.date(year, 9, 1)
    if dt.date(year, 9, 30) <= mid_autumn <= dt.date(year, 10, 8):
        span(dt.date(year, 10, 1), 8)  # merged with National Day into one long break
    else:
        if lunar:
            single(mid_autumn)
        span(dt.date(year, 10, 1), 7)
    single(dt.date(year + 1, 1, 1))  # next New Year's bridge may fall on 31 December (2018)
    return {d for d in off if d.year == year}


class WorkdayCalendar:
    """Answers working-day questions for mainland China. Build once; share freely (read-mostly)."""

    def __init__(
        self,
        overrides: Mapping[int, YearTable] | None = None,
        fallback: Fallback = Fallback.ESTIMATE,
        notices: Mapping[int, YearTable] | None = None,
    ) -> None:
        self._overrides = dict(overrides or {})
        self._fallback = fallback
        self._notices = dict(notices or {})
        self._years: set[int] = set()
        self._workdays: list[int] = []  # sorted ordinals of working days in the loaded years
        self._estimated: list[int] = []  # sorted ordinals of days answered by the estimate
        self._lo = self._hi = 0  # loaded years, inclusive

    @classmethod
    def from_options(cls, options: CalendarOptions) -> WorkdayCalendar:
        return cls(options.years, options.fallback, options.notices)

    # -- building ---------------------------------------------------------------------------

    def describe(self, year: int) -> YearInfo:
        """Which layer answers `year`, its source and its rest and make-up day counts."""
        return self._resolve(year)

    def _resolve(self, year: int) -> YearInfo:
        override = self._overrides.get(year)
        user_off = set(override.off) if override else set()
        user_on = set(override.on) if override else set()
        if override is not None and override.complete:
            return YearInfo(year, Layer.CONFIG, override.source or "config", user_off, user_on)
        notice = self._notices.get(year)
        if notice is not None:
            holidays = {d for d in notice.off if d.year == year}
            makeup = {d for d in notice.on if d.year == year}
            layer, source = Layer.NOTICE, notice.source
        else:
            library = _library_year(year)
            if library is not None:
                holidays, makeup = library
                layer, source = Layer.PACKAGE, f"chinese-calendar {_library_version()}"
            elif self._fallback is Fallback.ERROR:
                raise CalendarError(
                    f"no working-day calendar for {year}: chinese-calendar does not cover it yet."
                    f" Import the State Council notice (renewd calendar import FILE), add"
                    f" [calendar.years.{year}] with complete = true, or set"
                    ' [calendar] fallback = "estimate" or "weekends-only"'
                )
            elif self._fallback is Fallback.ESTIMATE:
                holidays, makeup = estimated_holidays(year), set()
                layer, source = Layer.ESTIMATE, "estimate"
            else:
                holidays, makeup = set(), set()
                layer, source = Layer.WEEKENDS_ONLY, "weekends only"
        following = self._notices.get(year + 1)  # its 元旦 may fix days of this December
        if following is not None and layer is not Layer.NOTICE:
            spill_off = {d for d in following.off if d.year == year}
            spill_on = {d for d in following.on if d.year == year}
            holidays = (holidays - spill_on) | spill_off
            makeup = (makeup - spill_off) | spill_on
            fixed = spill_off | spill_on
        else:
            fixed = set()
        holidays = (holidays - user_on) | user_off
        makeup = (makeup - user_off) | user_on
        if override is not None and (user_off or user_on) and layer is not Layer.CONFIG:
            source += " + config"
        return YearInfo(year, layer, source, holidays, makeup, fixed | user_off | user_on)

    def _year_table(self, year: int) -> tuple[list[int], list[int]]:
        """Working-day ordinals and estimated-day ordinals of one year."""
        info = self._resolve(year)
        estimated = info.layer in (Layer.ESTIMATE, Layer.WEEKENDS_ONLY)
        workdays, guessed = [], []
        for day in _days(year):
            is_workday = day in info.makeup or (day.weekday() < 5 and day not in info.holidays)
            if is_workday:
                workdays.append(day.toordinal())
            if estimated and day not in info.fixed:
                guessed.append(day.toordinal())
        return workdays, guessed

    def _load(self, lo: int, hi: int) -> None:
        """Load years so that the loaded range is contiguous and covers [lo, hi]."""
        if self._years:
            lo, hi = min(lo, self._lo), max(hi, self._hi)
        lo, hi = max(lo, MIN_YEAR), min(hi, MAX_YEAR)
        missing = [y for y in range(lo, hi + 1) if y not in self._years]
        if not missing:
            return
        # All or nothing: a CalendarError for one year leaves the loaded tables untouched.
        tables = [self._year_table(y) for y in missing]
        for year, (workdays, guessed) in zip(missing, tables, strict=True):
            self._workdays.extend(workdays)
            self._estimated.extend(guessed)
            self._years.add(year)
        self._workdays.sort()
        self._estimated.sort()
        self._lo, self._hi = min(self._years), max(self._years)

    def _ensure(self, day: dt.date) -> None:
        if not self._years or not self._lo <= day.year <= self._hi:
            self._load(day.year, day.year)

    # -- questions --------------------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        self._ensure(day)
        i = bisect.bisect_left(self._workdays, day.toordinal())
        return i < len(self._workdays) and self._workdays[i] == day.toordinal()

    def is_provisional(self, start: dt.date, end: dt.date | None = None) -> bool:
        """True if any day in [start, end] was answered by the estimate."""
        lo, hi = (start, end or start) if (end or start) >= start else (end or start, start)
        self._ensure(lo)
        self._ensure(hi)
        i = bisect.bisect_left(self._estimated, lo.toordinal())
        return i < len(self._estimated) and self._estimated[i] <= hi.toordinal()

    def _answer(self, ordinal: int, origin: dt.date) -> WorkdayAnswer:
        day = dt.date.fromordinal(ordinal)
        return WorkdayAnswer(day, self.is_provisional(min(day, origin), max(day, origin)))

    def last_workday(self, day: dt.date) -> WorkdayAnswer:
        """`day` if it is a working day, else the nearest earlier one."""
        return self.sub(day + dt.timedelta(days=1), 1)

    def next_workday(self, day: dt.date) -> WorkdayAnswer:
        """`day` if it is a working day, else the nearest later one."""
        return self.add(day - dt.timedelta(days=1), 1)

    def sub(self, day: dt.date, n: int) -> WorkdayAnswer:
        """The n-th working day before `day`, not counting `day` itself (n = 0: `day`)."""
        if n < 0:
            return self.add(day, -n)
        if n == 0:
            return WorkdayAnswer(day, self.is_provisional(day))
        self._ensure(day)
        while True:
            i = bisect.bisect_left(self._workdays, day.toordinal()) - n
            if i >= 0:
                return self._answer(self._workdays[i], day)
            if self._lo <= MIN_YEAR:
                raise CalendarError(f"{day} minus {n} working days is before {MIN_YEAR}")
            self._load(self._lo - 1, self._hi)

    def add(self, day: dt.date, n: int) -> WorkdayAnswer:
        """The n-th working day after `day`, not counting `day` itself (n = 0: `day`)."""
        if n < 0:
            return self.sub(day, -n)
        if n == 0:
            return WorkdayAnswer(day, self.is_provisional(day))
        self._ensure(day)
        while True:
            i = bisect.bisect_right(self._workdays, day.toordinal()) + n - 1
            if i < len(self._workdays):
                return self._answer(self._workdays[i], day)
            if self._hi >= MAX_YEAR:
                raise CalendarError(f"{day} plus {n} working days is after {MAX_YEAR}")
            self._load(self._lo, self._hi + 1)
