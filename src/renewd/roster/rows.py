"""One roster row's cells -> a `Person` (`renewd.roster.reader` finds the rows): each present cell
parsed by its column's parser (`renewd.roster.cells`), every bad cell a `Problem` naming file,
row, column and value; a row naming another document than Shanghai points (docs/packs.md) reads
its issue day, a points row reads as before renewd read that column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from renewd.core.errors import Problem
from renewd.core.model import DEFAULT_DOCUMENT, NO_PROGRESS, CriticalDate, Person, Progress
from renewd.roster.cells import (
    DOT_IDS,
    EMAIL_RE,
    ROBOT_AND_PUSH_PARSERS,
    CellError,
    is_blank,
    parse_changes,
    parse_critical_dates,
    parse_date,
    parse_document,
    parse_email,
    parse_id,
    parse_lang,
    parse_name,
    parse_tags,
    parse_telegram,
    parse_wecom_user,
    parse_yes_no,
    shown_value,
)
from renewd.roster.columns import PROGRESS_FIELDS, REQUIRED
from renewd.roster.limits import RosterLimits

_REQUIRED_SET = frozenset(REQUIRED)


def read_person(
    file: str,
    name: str,
    row: int | str,
    headers: Mapping[str, str],
    cells: Mapping[str, Any],
    problems: list[Problem],
    limits: RosterLimits,
    memo: dict[str, dict[Any, Any]] | None = None,
) -> Person | tuple[int | str, str, str]:
    """One row's raw cells -> a Person, or (row, id, group) after recording every bad cell.

    Only the cells present are parsed (most are empty); `memo` keeps what a cell of the columns
    that repeat (dates, departments, yes/no...) parsed to, problem or value, for later rows: one
    value shared by every row that wrote the same cell. Plain text an id, name or email column
    reads as it is (`_FAST`) skips the general parser; anything else takes it."""
    before = len(problems)
    values: dict[str, Any] = {}
    later: list[Problem] = []  # the issue day's: it matters only on another document's row
    memo = {} if memo is None else memo
    max_chars = limits.max_cell_chars
    memo_of, fast_of = memo.get, _FAST.get
    for field, raw in cells.items():
        if isinstance(raw, str):
            raw = raw.strip()
            if not raw:
                continue
            seen = memo_of(field)  # a repeating column's cell seen before: one lookup
            if seen is not None:
                value = seen.get(raw, _MISSING)
                if value is not _MISSING and not isinstance(value, CellError):
                    values[field] = value
                    continue
            fast = fast_of(field)
            if fast is not None and len(raw) <= max_chars and fast(raw):
                values[field] = raw
                continue
        elif raw is None:
            continue
        if field in _MEMO_FIELDS and isinstance(raw, _HASHABLE):
            seen = memo.get(field)
            if seen is None:
                seen = memo[field] = {}
            key = raw if type(raw) is str else (type(raw), raw)  # 1, 1.0 and True are equal
            value = seen.get(key, _MISSING)
            if value is _MISSING:
                if len(seen) >= _MEMO_SIZE:  # a roster of unique values: stay bounded
                    seen.clear()
                value = seen[key] = _parsed(field, raw, limits)
        else:
            value = _parsed(field, raw, limits)
        if isinstance(value, CellError):
            bad = Problem(file, str(value), row, headers[field], shown_value(field, raw))
            (later if field == "issued_on" else problems).append(bad)
        else:
            values[field] = value
    if "document" not in values or values["document"] == DEFAULT_DOCUMENT:
        values.pop("issued_on", None)  # a points row reads as before renewd read the column
    else:
        problems.extend(later)
        if "permit_expires" not in values and "issued_on" in values:
            # Anniversary packs (Guangzhou) count from the issue day; the expiry may stay blank.
            values["permit_expires"] = values["issued_on"]
    whole = values.keys() >= _REQUIRED_SET
    if not whole:
        for field in REQUIRED:
            if field in headers and field not in values and is_blank(cells.get(field)):
                problems.append(Problem(file, "missing required value", row, headers[field]))
    if not whole or len(problems) > before:
        return (row, values.get("id") or "", values.get("group") or "")
    progress = NO_PROGRESS
    if not values.keys().isdisjoint(PROGRESS_FIELDS):
        progress = Progress(**{f: values.pop(f) for f in PROGRESS_FIELDS if f in values})
    source = f"{name}, row {row}" if type(row) is int else f"{name}, {row}"
    return Person(**values, progress=progress, source=source)


# Columns whose cells repeat down a big roster: parsed once per distinct cell (`read_person`).
_MEMO_FIELDS = frozenset(
    {
        "permit_expires",
        "group",
        "changes",
        "has_points",
        "lang",
        "tags",
        "document",
        *PROGRESS_FIELDS,
    }
)
_MEMO_SIZE = 50_000
_HASHABLE = (str, int, float, dt.date)
_MISSING = object()


# A stripped text cell these parsers would give back unchanged, when `_FAST[field](cell)` says
# so: an ASCII id (NFKC leaves it as it is), a name without a control or invisible character
# (`str.isprintable` refuses every one `cells._CONTROL_RE` finds), one email address.
_FAST: dict[str, Callable[[str], object]] = {
    "id": lambda text: text.isascii() and text.isprintable() and text not in DOT_IDS,
    "name": str.isprintable,
    "email": EMAIL_RE.fullmatch,
}
# Columns whose values hold dates, each checked against the working-day calendar's years.
_DATED = frozenset({"permit_expires", "critical_dates", "issued_on", *PROGRESS_FIELDS})


def _parsed(field: str, raw: Any, limits: RosterLimits) -> Any:
    """One cell's value, or the CellError that says what is wrong with it."""
    try:
        if isinstance(raw, str) and len(raw) > limits.max_cell_chars:
            raise CellError(
                f"{len(raw):,} characters, over [roster] max_cell_chars = {limits.max_cell_chars:,}"
            )
        value = _PARSERS[field](raw)
        if field in _DATED:
            _check_years(value, limits)
    except CellError as exc:
        return exc
    return value


def _check_years(value: Any, limits: RosterLimits) -> None:
    """Every date a person has must be one the working-day calendar can plan."""
    days: tuple[Any, ...] = value if isinstance(value, tuple) else (value,)
    for day in days:
        if isinstance(day, CriticalDate):
            day = day.date
        if isinstance(day, dt.date):
            problem = limits.date_problem(day)
            if problem:
                raise CellError(problem)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "id": parse_id,
    "name": parse_name,
    "permit_expires": parse_date,
    "group": parse_name,
    "changes": parse_changes,
    "has_points": parse_yes_no,
    "email": parse_email,
    "telegram": parse_telegram,
    "wecom_user": parse_wecom_user,
    **ROBOT_AND_PUSH_PARSERS,
    "lang": parse_lang,
    "tags": parse_tags,
    "critical_dates": parse_critical_dates,
    "document": parse_document,
    "issued_on": parse_date,
    **dict.fromkeys(PROGRESS_FIELDS, parse_date),
}
