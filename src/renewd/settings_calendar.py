"""`[calendar]`: the working-day calendar's settings (`[calendar.years.N]` tables of a user's
own, the fallback for a year nobody published, the day a provisional year starts to warn)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from renewd.core.policy import (
    CalendarOptions,
    Fallback,
    YearTable,
    expand_ranges,
    parse_date_range,
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class YearOverride(_Section):
    """A user's own table for one year: `off` and `on` dates (or `A..B` ranges) win over the rest.

    With `complete = true` the table is the whole truth for that year: every date not listed is a
    working day on Monday to Friday and a rest day on weekends, and nothing is provisional.
    """

    complete: bool = False
    off: tuple[str, ...] = ()
    on: tuple[str, ...] = ()
    source: str = ""

    @field_validator("off", "on")
    @classmethod
    def _ranges(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for item in values:
            parse_date_range(item)
        return values

    def dates(self, which: Literal["off", "on"]) -> set[dt.date]:
        return set(expand_ranges(getattr(self, which)))

    def core(self) -> YearTable:
        return YearTable.from_ranges(self.off, self.on, complete=self.complete, source=self.source)


class CalendarSettings(_Section):
    fallback: Fallback = Fallback.ESTIMATE
    years: dict[int, YearOverride] = Field(default_factory=dict)
    # From this day of the year (MM-DD), a plan resting on an estimated year is a warning.
    warn_from: str = "11-01"

    @field_validator("warn_from")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(f"2001-{value}")  # not a leap year: every year has the day
        except ValueError:
            raise ValueError("must be a day of the year like 11-01 (MM-DD)") from None
        return value

    def core(self, notices: Mapping[int, YearTable] | None = None) -> CalendarOptions:
        """The calendar's layers, with the imported `notices` (`renewd.store.notices`)."""
        years = {year: table.core() for year, table in self.years.items()}
        return CalendarOptions(
            MappingProxyType(years), self.fallback, MappingProxyType(dict(notices or {}))
        )


__all__ = ["CalendarSettings", "YearOverride"]
