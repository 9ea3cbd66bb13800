"""How a step reminder's lead is written in its delivery key (`renewd.core.reminders`): its days
before the due date (negative once overdue), or, for a step whose due date moved after that lead
was issued under the old one, a *dated* lead: the new due date's ordinal * 1000 + 500 + days
before. A points key whose date did not move stays byte-identical; the moved one goes out once
for its new date. Pure and free of imports, so that wording and keys can both read it."""

from __future__ import annotations

import datetime as dt

DATED = 1_000_000  # a lead from here on is a dated one
_SPAN = 500  # a dated lead's days before, offset by this: -499 to 499


def dated_lead(due: dt.date, days_before: int) -> int:
    """The lead of a step's reminder `days_before` its moved due date `due`."""
    return due.toordinal() * 1000 + _SPAN + max(-_SPAN + 1, min(_SPAN - 1, days_before))


def days_before(lead: int) -> int:
    """A step key's days before its due date, dated or not."""
    return lead % 1000 - _SPAN if lead >= DATED else lead
