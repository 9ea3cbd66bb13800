"""The working-day calendar, checked against the State Council's 2026 holiday notice
(国办发明电〔2025〕7号), not against the library it wraps."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewd.core.errors import CalendarError
from renewd.core.policy import Fallback, YearTable
from renewd.core.workdays import WorkdayCalendar, estimated_holidays

D = dt.date.fromisoformat

# 2026 notice: rest days and make-up working weekends (调休).
NOTICE_2026_OFF = [
    ("2026-01-01", "2026-01-03"),  # 元旦
    ("2026-02-15", "2026-02-23"),  # 春节
    ("2026-04-04", "2026-04-06"),  # 清明
    ("2026-05-01", "2026-05-05"),  # 劳动节
    ("2026-06-19", "2026-06-21"),  # 端午
    ("2026-09-25", "2026-09-27"),  # 中秋
    ("2026-10-01", "2026-10-07"),  # 国庆
]
NOTICE_2026_MAKEUP = [
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
]


def _span(a: str, b: str) -> list[dt.date]:
    start, end = D(a), D(b)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@pytest.mark.parametrize("day", [d for a, b in NOTICE_2026_OFF for d in _span(a, b)])
def test_2026_holidays_are_rest_days(calendar: WorkdayCalendar, day: dt.date) -> None:
    assert not calendar.is_workday(day)
    assert not calendar.is_provisional(day)


@pytest.mark.parametrize("day", NOTICE_2026_MAKEUP)
def test_2026_makeup_weekends_are_working_days(calendar: WorkdayCalendar, day: str) -> None:
    assert D(day).weekday() >= 5
    assert calendar.is_workday(D(day))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Spring Festival: the Saturday before (14 Feb) is a make-up working day.
        ("2026-02-24", 1, "2026-02-14"),
        ("2026-02-24", 2, "2026-02-13"),
        # ... and so is the Saturday after (28 Feb).
        ("2026-03-02", 1, "2026-02-28"),
        ("2026-03-02", 2, "2026-02-27"),
        # Qingming: Mon 6 Apr off, Tue 7 Apr back.
        ("2026-04-07", 1, "2026-04-03"),
        # Labour Day: 1–5 May off, Sat 9 May works.
        ("2026-05-11", 1, "2026-05-09"),
        ("2026-05-06", 1, "2026-04-30"),
        # National Day: 1–7 Oct off, Sun 20 Sep and Sat 10 Oct work.
        ("2026-10-08", 1, "2026-09-30"),
        ("2026-10-12", 1, "2026-10-10"),
        ("2026-09-21", 1, "2026-09-20"),
        ("2026-01-05", 1, "2026-01-04"),
        ("2026-01-04", 1, "2025-12-31"),
    ],
)
def test_counting_back_crosses_2026_holidays(
    calendar: WorkdayCalendar, start: str, n: int, expected: str
) -> None:
    answer = calendar.sub(D(start), n)
    assert answer.date == D(expected)
    assert not answer.provisional


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-04-30", 2, "2026-05-07"),
        ("2026-12-31", 1, "2027-01-04"),  # crosses into an estimated year
    ],
)
def test_counting_forward_crosses_2026_holidays(
    calendar: WorkdayCalendar, start: str, n: int, expected: str
) -> None:
    assert calendar.add(D(start), n).date == D(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-10-05", "2026-09-30"),
        ("2026-02-14", "2026-02-14"),
        ("2026-02-22", "2026-02-14"),
        ("2026-03-01", "2026-02-28"),
        ("2026-03-02", "2026-03-02"),
    ],
)
def test_last_workday(calendar: WorkdayCalendar, day: str, expected: str) -> None:
    assert calendar.last_workday(D(day)).date == D(expected)


def test_2027_is_estimated_and_provisional(calendar: WorkdayCalendar) -> None:
    # Spring Festival 2027: New Year's Eve is 5 Feb; eight days off from then.
    for day in _span("2027-02-05", "2027-02-12"):
        assert not calendar.is_workday(day)
    assert calendar.is_workday(D("2027-02-04"))
    assert calendar.is_workday(D("2027-02-15"))
    assert calendar.is_provisional(D("2027-03-01"))
    assert calendar.sub(D("2027-01-04"), 1) == calendar.sub(D("2027-01-04"), 1)
    answer = calendar.sub(D("2027-01-04"), 1)
    assert answer.date == D("2026-12-31")
    assert answer.provisional  # the range touched 1–3 Jan 2027, which is estimated


def test_estimate_covers_the_statutory_holidays() -> None:
    off = estimated_holidays(2027)
    assert D("2027-01-01") in off
    assert D("2027-04-05") in off  # 清明 (a Monday in 2027)
    assert {D("2027-05-01"), D("2027-05-05")} <= off
    assert D("2027-06-09") in off  # 端午
    assert D("2027-09-15") in off  # 中秋
    assert set(_span("2027-10-01", "2027-10-07")) <= off


def test_weekends_only_fallback_has_no_holidays() -> None:
    cal = WorkdayCalendar(fallback=Fallback.WEEKENDS_ONLY)
    assert cal.is_workday(D("2027-02-08"))
    assert cal.is_provisional(D("2027-02-08"))


def test_error_fallback_refuses_uncovered_years() -> None:
    cal = WorkdayCalendar(fallback=Fallback.ERROR)
    assert cal.is_workday(D("2026-12-31"))
    with pytest.raises(CalendarError, match=r"2027.*calendar\.years\.2027"):
        cal.is_workday(D("2027-02-08"))
    assert cal.sub(D("2026-12-31"), 5).date == D("2026-12-24")  # still answers for 2026


def test_complete_override_is_authoritative() -> None:
    override = YearTable.from_ranges(
        off=("2027-01-01", "2027-02-05..2027-02-12"), on=("2027-02-20",), complete=True
    )
    cal = WorkdayCalendar({2027: override}, fallback=Fallback.ERROR)
    assert not cal.is_workday(D("2027-02-08"))
    assert cal.is_workday(D("2027-02-20"))  # a Saturday made a working day
    assert cal.is_workday(D("2027-04-05"))  # not listed, so an ordinary Monday
    assert not cal.is_provisional(D("2027-01-01"), D("2027-12-31"))


def test_partial_override_wins_over_the_library() -> None:
    cal = WorkdayCalendar({2026: YearTable.from_ranges(off=("2026-03-02",), on=("2026-02-15",))})
    assert not cal.is_workday(D("2026-03-02"))
    assert cal.is_workday(D("2026-02-15"))
    assert not cal.is_workday(D("2026-02-16"))  # the library still answers the rest


def test_partial_override_in_an_estimated_year_is_not_provisional_where_listed() -> None:
    cal = WorkdayCalendar({2027: YearTable.from_ranges(off=("2027-02-05..2027-02-12",))})
    assert not cal.is_provisional(D("2027-02-05"), D("2027-02-12"))
    assert cal.is_provisional(D("2027-02-13"))


@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(min_value=1, max_value=40),
)
def test_add_and_sub_are_inverse_on_working_days(day: dt.date, n: int) -> None:
    cal = _shared
    start = cal.last_workday(day).date
    forward = cal.add(start, n).date
    assert cal.sub(forward, n).date == start
    assert cal.is_workday(forward)
    between = [start + dt.timedelta(days=i) for i in range(1, (forward - start).days + 1)]
    assert sum(cal.is_workday(d) for d in between) == n


_shared = WorkdayCalendar()
