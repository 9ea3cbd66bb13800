"""Which lead of another step may ride beside today's message (`core.cadence.pulls`): the next one
within two pass days, never a due day, nor one of a step whose window has not opened."""

from __future__ import annotations

import datetime as dt

from renewd.core.cadence import lead_window, pulls

D = dt.date


def weekdays(day: dt.date) -> dt.date:
    """`workdays_only` without holidays: a weekend day moves back to its Friday."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def test_the_window_is_the_second_pass_day_after_today() -> None:
    assert lead_window(D(2027, 1, 13)) == D(2027, 1, 15)
    # Friday under workdays_only: the Tuesday after.
    assert lead_window(D(2027, 1, 15), weekdays) == D(2027, 1, 19)


def test_the_next_lead_within_the_window_never_the_due_day() -> None:
    today = D(2027, 1, 17)
    until = lead_window(today)
    due = D(2027, 1, 21)
    fires = [(due - dt.timedelta(days=n), n) for n in (14, 7, 3, 1, 0)]
    assert pulls(fires, today, until) == [(D(2027, 1, 18), 3)]
    # The 1-day lead on 01-20 is beyond 01-19; the due day (lead 0) never rides.
    fires = [(D(2027, 1, 19), 0)]
    assert pulls(fires, today, until) == []
    assert pulls(fires, today, None) == []


def test_no_lead_before_the_window_opens() -> None:
    today = D(2027, 1, 17)
    fires = [(D(2027, 1, 18), 3)]
    assert pulls(fires, today, lead_window(today), opens=D(2027, 1, 18)) == []
    assert pulls(fires, today, lead_window(today), opens=D(2027, 1, 17)) == [(D(2027, 1, 18), 3)]


def test_an_overdue_repeat_is_offered_whatever_the_window() -> None:
    today = D(2027, 1, 23)
    fires = [(D(2027, 1, 21), 0), (D(2027, 1, 23), -2), (D(2027, 1, 25), -4)]
    assert pulls(fires, today, lead_window(today)) == [(D(2027, 1, 25), -4)]
