"""Read the roster: the people renewd tracks, from TOML, CSV/TSV or Excel files.

Contract: `load_roster` returns every person or raises one `RosterError` listing every problem
in every file (file, row, column as the user wrote it, value). It never returns a partial or
empty roster, so a half-written file cannot wipe the last good one. Columns renewd does not use
(ID-card numbers, phone numbers...) are never read: they cost one warning per file naming the
headers, and their values appear nowhere. (`renewd.roster.assemble`: the daemon's, per person.)
"""

from __future__ import annotations

import collections
import itertools
import logging
import tomllib
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from renewd.core.errors import Problem, RosterError
from renewd.core.headcount import Headcount, headcount
from renewd.core.model import DEFAULT_DOCUMENT, Person
from renewd.roster.cells import shown
from renewd.roster.columns import (
    COLUMNS,
    HEADER_FIELDS,
    HEADER_SEARCH_ROWS,
    REQUIRED,
    header_key,
    weak,
)
from renewd.roster.formats import check_rows, read_sheet, read_text
from renewd.roster.limits import FileError, LimitError, RosterLimits, check_size
from renewd.roster.rows import read_person

__all__ = ["COLUMNS", "Roster", "load_roster", "load_roster_file"]

log = logging.getLogger(__name__)
T = TypeVar("T")

TOML_SUFFIXES = frozenset({".toml"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})


@dataclass(frozen=True)
class Roster:
    """Everyone renewd tracks, in file order, and what it ignored on the way."""

    people: tuple[Person, ...]
    warnings: tuple[str, ...] = ()
    # Rows naming another document than Shanghai points (docs/packs.md): one per (id, document).
    documents: tuple[Person, ...] = ()

    def by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}

    @property
    def headcount(self) -> Headcount:
        """Each person once (a holder of other documents only too), and the other documents."""
        return headcount(self.people, self.documents)


def load_roster(paths: Sequence[Path], limits: RosterLimits | None = None) -> Roster:
    """Read every roster file; raise one RosterError listing all problems in all of them.
    Nothing in a file can make this allocate more than `limits` allow."""
    limits = limits or RosterLimits()
    if not paths:
        raise RosterError("no roster files configured")
    people: list[Person] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    documents: list[Person] = []
    first_seen: dict[tuple[str, str], Person] = {}
    for path in paths:
        loaded = _load_file(path, limits)
        problems.extend(loaded.problems)
        warnings.extend(loaded.warnings)
        for person, row in (*loaded.people, *loaded.documents):
            first = first_seen.setdefault((person.id, person.document), person)
            if first is person:
                (people if person.document == DEFAULT_DOCUMENT else documents).append(person)
                continue
            problems.append(
                Problem(
                    str(path),
                    f"duplicate id {person.id!r}, first seen in {first.source}",
                    row=row,
                    field=loaded.id_header,
                    value=person.id,
                )
            )
    if problems:
        files = len({p.file for p in problems})
        raise RosterError(
            f"the roster has {len(problems)} problem(s) in {files} file(s); nothing was loaded",
            problems,
        )
    return Roster(tuple(people), tuple(warnings), tuple(documents))


def load_roster_file(
    path: Path, limits: RosterLimits | None = None
) -> tuple[list[Person], list[Problem], list[str]]:
    """Read one roster file: its people, its problems and its warnings. Never raises for bad
    input; a file without any person is a problem."""
    loaded = _load_file(path, limits or RosterLimits())
    return [person for person, _ in loaded.people], loaded.problems, loaded.warnings


@dataclass(frozen=True)
class _Loaded:
    people: list[tuple[Person, int | str]]  # with the row each came from
    problems: list[Problem]
    warnings: list[str]
    id_header: str = "id"
    bad_rows: tuple[tuple[int | str, str, str], ...] = ()  # (row, id, group); "" if unreadable
    documents: tuple[tuple[Person, int | str], ...] = ()  # other packs' rows (docs/packs.md)


def _load_file(path: Path, limits: RosterLimits) -> _Loaded:
    loaded = guarded(path, lambda: _people(path, open_tables(path, limits), limits))
    return loaded


def open_tables(path: Path, limits: RosterLimits, *, checked: bool = False) -> _Tables:
    """The file's tables, its rows read as they are asked for. With `checked`, a text file is
    measured first (`read_text`), so that reading its rows raises nothing later."""
    suffix = path.suffix.lower()
    file = str(path)
    if suffix not in TOML_SUFFIXES | TEXT_SUFFIXES | SHEET_SUFFIXES:
        known = ", ".join(sorted(TOML_SUFFIXES | TEXT_SUFFIXES | SHEET_SUFFIXES))
        raise FileError(f"unknown roster file type {path.suffix!r}; expected one of {known}")
    check_size(path, limits)
    if suffix in TOML_SUFFIXES:
        return _read_toml(path, limits)
    if suffix in TEXT_SUFFIXES:
        return _read_grid(file, read_text(path, limits, checked=checked), limits)
    return _read_grid(file, read_sheet(path, limits), limits)


def guarded(path: Path, read: Callable[[], T]) -> T | _Loaded:
    """What `read` gives, or the file's one problem when it cannot be read (no person)."""
    file = str(path)
    try:
        return read()
    except OSError as exc:
        return _Loaded([], [Problem(file, f"cannot read file: {exc.strerror or exc}")], [])
    except (FileError, LimitError) as exc:
        return _Loaded([], [Problem(file, str(exc))], [])
    except Exception as exc:  # a reader's bug, an input no check foresaw: this file only
        # The message may quote the file: the log gets the type and where it was raised.
        where = "".join(traceback.format_tb(exc.__traceback__, limit=-4))
        log.error("reading %s failed with %s at:\n%s", file, type(exc).__name__, where)
        message = f"cannot read file: {type(exc).__name__} while reading it; see the log"
        return _Loaded([], [Problem(file, message)], [])


@dataclass(frozen=True)
class _Tables:
    """A file's rows, reduced to the columns renewd uses, whatever the format."""

    headers: dict[str, str]  # field -> the header as the user wrote it
    rows: Iterator[tuple[int | str, dict[str, Any]]]  # (row, field -> raw cell); no empty rows
    problems: list[Problem]
    ignored: list[str]


def _people(path: Path, tables: _Tables, limits: RosterLimits) -> _Loaded:
    header_problems(path, tables)
    people: list[tuple[Person, int | str]] = []
    documents: list[tuple[Person, int | str]] = []
    bad_rows: list[tuple[int | str, str, str]] = []
    for person, row in read_rows(path, tables, limits, bad_rows):
        (people if person.document == DEFAULT_DOCUMENT else documents).append((person, row))
    if not people and not documents and not bad_rows:
        tables.problems.append(no_people(path))
    id_header = tables.headers.get("id", "id")
    warnings = tables_warnings(path, tables)
    return _Loaded(people, tables.problems, warnings, id_header, tuple(bad_rows), tuple(documents))


def header_problems(path: Path, tables: _Tables) -> None:
    """A required column the file lacks: a problem before any row's (each row is then bad)."""
    has_header = bool(tables.headers or tables.ignored)  # an empty file only lacks people
    for field in REQUIRED:
        if has_header and field not in tables.headers:
            names = " / ".join((field, *COLUMNS[field]))
            tables.problems.append(
                Problem(str(path), f"missing required column ({names})", field=field)
            )


def read_rows(
    path: Path, tables: _Tables, limits: RosterLimits, bad_rows: list[tuple[int | str, str, str]]
) -> Iterator[tuple[Person, int | str]]:
    """Each good row's Person (points or another document) with its row, as the rows are read;
    each bad row's (row, id, group) goes to `bad_rows`, its problems to `tables.problems`."""
    file, name = str(path), path.name
    memo: dict[str, dict[Any, Any]] = {}  # field -> cell -> what it parsed to
    problems, headers = tables.problems, tables.headers
    for row, cells in tables.rows:
        person = read_person(file, name, row, headers, cells, problems, limits, memo)
        if isinstance(person, Person):
            yield person, row
        else:
            bad_rows.append(person)


def no_people(path: Path) -> Problem:
    return Problem(str(path), "no people in file (a header alone is not a roster)")


def tables_warnings(path: Path, tables: _Tables) -> list[str]:
    if not tables.ignored:
        return []
    listed = ", ".join(repr(h) for h in tables.ignored)
    return [f"{path}: ignored columns renewd does not use: {listed}"]


# --- reading files -------------------------------------------------------------------------


def _read_toml(path: Path, limits: RosterLimits) -> _Tables:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FileError(
            f"not UTF-8 (line {line}): a TOML roster must be saved as UTF-8, not GBK or GB18030"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise FileError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise FileError(
            "not a roster: arrays or tables nested hundreds deep (a roster is [[people]] tables"
            " of plain values)"
        ) from None
    entries = data.get("people", [])
    if not isinstance(entries, list):
        raise FileError("'people' must be an array of tables: [[people]]")
    check_rows(len(entries), limits)
    headers: dict[str, str] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    rows: list[tuple[int | str, dict[str, Any]]] = []
    for index, entry in enumerate(entries, start=1):
        row = f"people[{index}]"
        if not isinstance(entry, dict):
            problems.append(Problem(str(path), "expected a table", row=row))
            continue
        cells: dict[str, Any] = {}
        given: dict[str, str] = {}  # field -> the key it came from
        for key, value in entry.items():
            field = HEADER_FIELDS.get(header_key(key))
            if field is None:
                if key not in ignored:
                    ignored.append(key)
                continue
            if field in cells and weak(key):
                ignored += [] if key in ignored else [key]
                continue
            if field in cells and not weak(given[field]):
                problems.append(Problem(str(path), "key repeats another", row, key))
                continue
            headers.setdefault(field, key)
            cells[field], given[field] = value, key
        rows.append((row, cells))
    # Every table may spell a key differently; the required-column check is per row in TOML.
    for field in REQUIRED:
        headers.setdefault(field, field)
    return _Tables(headers, iter(rows), problems, ignored)


def _read_grid(file: str, grid: Iterable[list[Any]], limits: RosterLimits) -> _Tables:
    """Rows of cells (CSV or sheet) -> tables. Row numbers are what the user sees in the
    spreadsheet (1-based, header included). The rows after the first few are taken one at a
    time as `_Tables.rows` is read (CSV: as they are split, `renewd.roster.formats.read_text`)."""
    if isinstance(grid, list):
        check_rows(len(grid) - 10, limits)  # a title row and a header above the table are free
    rest = iter(grid)
    head = list(itertools.islice(rest, HEADER_SEARCH_ROWS))
    start = _header_index(head)
    header_row = head[start] if start < len(head) else []
    if start >= len(head):  # no row to start from: read the rest for its limits, take none
        collections.deque(rest, maxlen=0)
    headers: dict[str, str] = {}
    columns: list[tuple[str, int]] = []
    problems: list[Problem] = []
    ignored: list[str] = []
    for index, cell in enumerate(header_row):
        header = shown(cell)
        if not header:
            continue
        field = HEADER_FIELDS.get(header_key(header))
        if field is None:
            ignored.append(header)
        elif field in headers and weak(header):
            ignored.append(header)  # 到期日 beside 居住证到期日: another date
        elif field in headers and weak(headers[field]):
            ignored.append(headers[field])
            headers[field] = header
            columns = [(f, index if f == field else i) for f, i in columns]
        elif field in headers:
            problems.append(
                Problem(file, f"column repeats {headers[field]!r}", row=start + 1, field=header)
            )
        else:
            headers[field] = header
            columns.append((field, index))

    def rows() -> Iterator[tuple[int | str, dict[str, Any]]]:
        after = itertools.chain(head[start + 1 :], rest)
        for number, row in enumerate(after, start=start + 1):
            if _empty_row(row):
                continue
            width = len(row)
            yield number + 1, {f: row[i] for f, i in columns if i < width and row[i] != ""}

    return _Tables(headers, rows(), problems, ignored)


def _header_index(grid: list[list[Any]]) -> int:
    """The first non-empty row that names a column renewd knows, so that a title row above
    the header ("2027年居住证名单") is skipped; without one, the first non-empty row."""
    first = len(grid)
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if _empty_row(row):
            continue
        first = min(first, index)
        if any(isinstance(c, str) and header_key(c) in HEADER_FIELDS for c in row):
            return index
    return first


def _empty_row(row: Sequence[Any]) -> bool:
    try:  # a row of text (CSV): one call
        return not "".join(row).strip()
    except TypeError:  # a sheet's numbers, dates, None...
        pass
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)
