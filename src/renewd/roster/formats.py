"""Text and spreadsheet roster files as grids of cells, within `[roster]` limits.

CSV/TSV text is decoded as UTF-8 (with or without BOM), GB18030 (what Excel writes on Chinese
Windows) or UTF-16 with a BOM; one leading `'` before `=`, `+`, `-`, `@`, TAB or CR is dropped
(what a formula-safe export writes, so that it uploads back unchanged). A spreadsheet is read
in a child process (`renewd.roster.sandbox`), where `parse_sheet` measures it before the reader
sees it (`renewd.roster.ooxml`, `renewd.roster.limits`).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from renewd.roster.limits import (
    FileError,
    LimitError,
    RosterLimits,
    check_sheet,
    measure_xls,
)
from renewd.roster.sandbox import read_sheet

__all__ = ["FileError", "check_rows", "guarded", "parse_sheet", "read_sheet", "read_text"]

_FORMULA_STARTS = frozenset("=+-@\t\r")


def read_text(path: Path, limits: RosterLimits, *, checked: bool = False) -> Iterator[list[Any]]:
    """The file's rows, decoded at once and split as they are asked for: a big roster never
    holds every row's cells at the same time (`renewd.roster.reader` makes people of them one
    row at a time). Raises FileError or LimitError when the rows are read; with `checked`,
    here instead (`_cannot_fail`), so that a reader may act on each row as it comes."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(
            "cannot decode text: expected UTF-8, GB18030 or UTF-16 with a byte-order mark"
        )
    del raw
    # Excel writes "," or ";" (by locale) for CSV and tabs for "Unicode text".
    sample = text[:8192]
    delimiter = max(("\t", ",", ";"), key=sample.count)
    if sample.count(delimiter) == 0:
        delimiter = ","
    quoted = "'" in text  # else no cell needs `_unguarded`
    if checked:
        if not _cannot_fail(text, delimiter, limits):
            split = _text_rows(io.StringIO(text, newline=""), delimiter, False, limits)
            collections.deque(split, 0)
        # Nothing left to check as the rows are read: the bare reader, over the text's lines
        # (a StringIO copies the text at 4 bytes a character) where they all end in \n.
        lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
        lines: Iterator[str] = io.StringIO(text, newline="") if lone_cr else _lines(text)
        rows = csv.reader(lines, delimiter=delimiter)
        return (list(map(_unguarded, row)) for row in rows) if quoted else rows
    return _text_rows(io.StringIO(text, newline=""), delimiter, quoted, limits)


def _lines(text: str) -> Iterator[str]:
    """The lines a StringIO with newline="" gives, each with its end, for a text whose every
    \r is part of a \r\n."""
    start, find = 0, text.find
    while end := find("\n", start) + 1:
        yield text[start:end]
        start = end
    if start < len(text):
        yield text[start:]


def _cannot_fail(text: str, delimiter: str, limits: RosterLimits) -> bool:
    """Whether splitting `text` can raise nothing, by bounds a few scans of it prove (the
    rows, cells and longest field `_text_rows` and `csv` allow); else it is split once first."""
    if "\0" in text or '"' in text:  # a quoted field may span lines: no cheap bound
        return False
    rows = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    if rows > limits.max_rows + 10 or text.count(delimiter) + rows > limits.max_cells:
        return False
    # Every block of half the field limit holds a line break: no field is over the limit.
    block = csv.field_size_limit() // 2
    whole = len(text) - len(text) % block
    return all(text.find("\n", start, start + block) >= 0 for start in range(0, whole, block))


def _text_rows(
    lines: io.StringIO, delimiter: str, quoted: bool, limits: RosterLimits
) -> Iterator[list[Any]]:
    count = cells = 0
    max_cells, max_rows = limits.max_cells, limits.max_rows + 10
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            count += 1
            cells += len(row)
            if cells > max_cells:
                raise LimitError(f"more than [roster] max_cells = {limits.max_cells:,} cells")
            if count > max_rows:
                check_rows(count - 10, limits)
            yield [_unguarded(cell) for cell in row] if quoted else row
    except csv.Error as exc:
        raise FileError(f"not valid CSV (row {count + 1}): {exc}") from None


def _unguarded(cell: str) -> str:
    """`'=SUM(A1)` -> `=SUM(A1)`: the `'` an export puts before what a spreadsheet would run
    (`guarded`); `''=x` -> `'=x`, so that a value that began with `'=` comes back as it was."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in _FORMULA_STARTS and len(cell) > 1:
        return cell[1:]
    return cell


def guarded(cell: str) -> str:
    """A CSV cell a spreadsheet reads as the text it is: `'` before what it would run as a
    formula (`=`, `+`, `-`, `@`, TAB, CR), and before a `'` that already stands there, so that
    the reader (`_unguarded`) gives back exactly `cell`."""
    bare = cell.lstrip("'")
    if bare[:1] in _FORMULA_STARTS and bare:
        return "'" + cell
    return cell


def check_rows(count: int, limits: RosterLimits) -> None:
    if count > limits.max_rows:
        raise LimitError(f"{count:,} rows, over [roster] max_rows = {limits.max_rows:,}")


def parse_sheet(path: Path, limits: RosterLimits) -> list[list[Any]]:
    """The first sheet's rows, measured first: runs in the reader's child process."""
    from python_calamine import CalamineError, CalamineWorkbook

    from renewd.roster.ooxml import measure_xlsx

    serials: dict[tuple[int, int], int] = {}
    names: frozenset[str] | None = None
    epoch = dt.date(1899, 12, 30)
    if path.suffix.lower() == ".xls":
        check_sheet(measure_xls(path, limits), limits)
    else:
        measured = measure_xlsx(path, limits)
        for size in measured.sizes.values():
            check_sheet(size, limits)
        serials, names = measured.serials, measured.sheet.names
        if measured.sheet.date1904:
            epoch = dt.date(1904, 1, 1)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        first = workbook.sheet_names[:1]
        if names is not None and first and first[0] not in names:
            raise LimitError(
                "the reader takes another sheet first than the workbook names; renewd reads a"
                " workbook only once it knows which sheet a reader would read"
            )
        # skip_empty_area=False keeps leading empty rows, so list index + 1 = sheet row number.
        rows: list[list[Any]] = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        raise FileError(f"cannot read spreadsheet: {type(exc).__name__}: {exc}") from None
    if serials:
        _restore_dates(rows, serials, epoch)
    return rows


def _restore_dates(
    rows: list[list[Any]], serials: dict[tuple[int, int], int], epoch: dt.date
) -> None:
    """A date cell before 1900 (a day number ≤ 0, as 0001-01-01 is written) comes back from the
    reader as a time of day, 00:00:00: give it back its date, so that it is reported as one."""
    for (row, column), serial in serials.items():
        if row - 1 < len(rows) and column - 1 < len(rows[row - 1]):
            cell = rows[row - 1][column - 1]
            if isinstance(cell, dt.time) and not isinstance(cell, dt.datetime):
                try:
                    rows[row - 1][column - 1] = epoch + dt.timedelta(days=serial)
                except OverflowError:
                    continue
