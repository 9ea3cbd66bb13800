"""The estimate may only make deadlines earlier than the real notice: for every published year
2015–2026, treat that year as unknown (the estimate answers it), plan every expiry whose chain
touches it, and check no estimated deadline is later than the official one (chinese-calendar)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from renewd.core.model import Profile
from renewd.core.plan import Planner
from renewd.core.policy import Policy, YearTable
from renewd.core.workdays import WorkdayCalendar, estimated_holidays

YEARS = range(2015, 2027)
# One-off holidays no estimate can foresee: the 70th anniversary of the victory in the War of
# Resistance (3–4 September 2015, declared by a notice of its own).
ONE_OFF = {dt.date(2015, 9, 3), dt.date(2015, 9, 4)}
OFFICIAL = Planner(Policy(), WorkdayCalendar())


def _unknown(year: int) -> Planner:
    """A planner on which `year` is answered by the estimate and every other by the package
    (the one-off days, which nothing can estimate, are given)."""
    one_off = {d for d in ONE_OFF if d.year == year}
    estimate = YearTable(complete=True, off=frozenset(estimated_holidays(year) | one_off))
    return Planner(Policy(), WorkdayCalendar({year: estimate}))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@pytest.mark.parametrize("year", YEARS)
def test_estimate_rests_only_on_days_the_notice_rests(year: int) -> None:
    """The estimate's working days are a subset of the official ones: it never counts a day
    people do not work (make-up weekends it does not guess only make it stricter)."""
    estimated = _unknown(year).calendar
    wrong = [
        d
        for d in _days(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if estimated.is_workday(d) and not chinese_calendar.is_workday(d) and d not in ONE_OFF
    ]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("profile", list(Profile))
def test_no_estimated_deadline_is_later_than_the_official_one(year: int, profile: Profile) -> None:
    estimated = _unknown(year)
    late = []
    # Every expiry whose chain (up to 20 + 2 + 3 working days back) or prepare step touches `year`.
    for expiry in _days(dt.date(year, 1, 1), dt.date(year + 1, 3, 15)):
        guess, real = estimated.deadlines(expiry, profile), OFFICIAL.deadlines(expiry, profile)
        for name in ("permit_by", "apply_by", "submit_by", "last_workday"):
            if getattr(guess, name) > getattr(real, name):
                late.append((expiry, name, getattr(guess, name), getattr(real, name)))
        if guess.feasible_in_window and not real.feasible_in_window:
            late.append((expiry, "feasible", guess.permit_by, real.permit_by))
        prepare = expiry - dt.timedelta(days=Policy().prepare_days)
        if (
            estimated.calendar.last_workday(prepare).date
            > OFFICIAL.calendar.last_workday(prepare).date
        ):
            late.append((expiry, "prepare", prepare, prepare))
    assert late == []
