"""The wall clock, read in one place, with a seam for tests and rehearsals.

Only the entry points (the CLI and the daemon) read the clock; the core takes `today` as an
argument. `RENEWD_NOW` (an ISO 8601 date-time with its offset, e.g. `2027-02-08T08:00+08:00`)
starts this process's clock at that moment; it then runs on at the real pace, so a daemon's sweeps
and timers behave as usual. Tests set it for daemons they start as subprocesses, so nothing they
assert depends on the day or the hour they run; an operator can use it to rehearse a day.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from functools import cache
from zoneinfo import ZoneInfo

from renewd.core.errors import ConfigError

ENV = "RENEWD_NOW"


@cache
def _offset() -> dt.timedelta:
    """How far this process's clock is set from the real one (zero unless `RENEWD_NOW`)."""
    given = os.environ.get(ENV, "").strip()
    if not given:
        return dt.timedelta(0)
    try:
        start = dt.datetime.fromisoformat(given)
    except ValueError:
        raise ConfigError(f"{ENV}={given!r} is not an ISO 8601 date-time") from None
    if start.tzinfo is None:
        raise ConfigError(f"{ENV}={given!r} has no UTC offset (write e.g. 2027-02-08T08:00+08:00)")
    return start - dt.datetime.fromtimestamp(time.time(), dt.UTC)


def now(zone: ZoneInfo | str) -> dt.datetime:
    """The current moment in `zone` (an aware datetime)."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return (dt.datetime.now(dt.UTC) + _offset()).astimezone(tz)


def today(zone: ZoneInfo | str) -> dt.date:
    """The current date in `zone`: Asia/Shanghai's date, whatever the server's own zone."""
    return now(zone).date()
