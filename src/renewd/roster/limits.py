"""Bounds on what a roster file may hold, checked before anything is allocated for it.

A spreadsheet reader allocates the sheet's whole used range (width × height), whatever few cells
it holds: one value at XFD1048576 in a 5 KB file asks for 512 GiB and aborts the process. So a
sheet is measured first (an XLSX by streaming its XML, `renewd.roster.ooxml`; an XLS from its cell
records, here) and refused when its range or cell count is over the limit; and the reader runs in
a child process within `parse_memory_mb` and `parse_seconds` (`renewd.roster.sandbox`). CSV and
TOML files are bounded by their size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class RosterLimits:
    """`[roster] max_rows, max_cells, max_file_mb, max_cell_chars, min_year, max_year,
    parse_memory_mb, parse_seconds`."""

    max_rows: int = 200_000
    max_cells: int = 5_000_000
    max_file_bytes: int = 100 * MiB
    max_cell_chars: int = 2000
    min_year: int = 1950
    max_year: int = 2099
    parse_memory_bytes: int = 512 * MiB
    parse_seconds: float = 60

    @property
    def max_unpacked_bytes(self) -> int:
        """The byte budget of one workbook: all its parts together (shared strings included)
        inflate to at most this much, a quarter of what the reader may use (it holds the
        strings, the cells and their Python copies), and 16 times the file size limit."""
        return min(16 * self.max_file_bytes, self.parse_memory_bytes // 4)

    @property
    def budget_text(self) -> str:
        """The budget as a message names it."""
        return (
            f"{self.max_unpacked_bytes / MiB:,.0f} MB a roster workbook may unpack to"
            f" ([roster] parse_memory_mb / 4, at most max_file_mb × 16)"
        )

    def date_problem(self, day: dt.date) -> str | None:
        if self.min_year <= day.year <= self.max_year:
            return None
        return (
            f"date {day.isoformat()} is outside {self.min_year}–{self.max_year}, the years"
            " renewd can plan; check the year"
        )


class LimitError(Exception):
    """The file is over a limit; the message says which and what to do."""


class FileError(Exception):
    """The file as a whole cannot be read; the message says why, without its content."""


def check_size(path: Path, limits: RosterLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise LimitError(
            f"file is {size / MiB:.1f} MB, over [roster] max_file_mb"
            f" = {limits.max_file_bytes / MiB:g}"
        )


@dataclass(frozen=True)
class SheetSize:
    rows: int
    columns: int
    cells: int


# BIFF8 cell records: (row u16, column u16, ...); MULRK and MULBLANK end with their last column.
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6})
_BIFF_MULTI = frozenset({0x00BD, 0x00BE})
_BIFF_BOF, _BIFF_EOF = 0x0809, 0x000A


def measure_xls(path: Path, limits: RosterLimits) -> SheetSize:
    """The used range and cell count of an Excel 97-2003 workbook's first sheet, from its cell
    records (the reader allocates the range they span, as for XLSX)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise LimitError("cannot read spreadsheet: no workbook stream in this .xls")
            if ole.get_size(name) > limits.max_unpacked_bytes:
                raise LimitError("the workbook stream is larger than the roster limits allow")
            data = ole.openstream(name).read()
    except OSError as exc:
        if exc.errno is not None:
            raise
        raise LimitError(f"cannot read spreadsheet: not an .xls workbook ({exc})") from None
    return _measure_biff(data)


def _measure_biff(data: bytes) -> SheetSize:
    rows = columns = cells = 0
    depth = sheet = 0  # BOF nesting; which substream (0 = workbook globals, 1 = first sheet)
    at, end = 0, len(data)
    while at + 4 <= end:
        kind, size = (
            int.from_bytes(data[at : at + 2], "little"),
            int.from_bytes(data[at + 2 : at + 4], "little"),
        )
        body = data[at + 4 : at + 4 + size]
        at += 4 + size
        if kind == _BIFF_BOF:
            depth += 1
            if depth == 1:
                sheet += 1
        elif kind == _BIFF_EOF:
            depth -= 1
            if depth == 0 and sheet >= 2:
                break  # the first sheet is done
        elif sheet == 2 and len(body) >= 4 and (kind in _BIFF_CELLS or kind in _BIFF_MULTI):
            row = int.from_bytes(body[0:2], "little") + 1
            first = int.from_bytes(body[2:4], "little") + 1
            last = first
            if kind in _BIFF_MULTI and len(body) >= 6:
                last = int.from_bytes(body[-2:], "little") + 1
            rows, columns = max(rows, row), max(columns, last)
            cells += max(1, last - first + 1)
    return SheetSize(rows, columns, cells)


def column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + (char - 64)
    return number


def _cell_name(rows: int, columns: int) -> str:
    letters = ""
    while columns:
        columns, rest = divmod(columns - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters or 'A'}{rows or 1}"


def check_sheet(size: SheetSize, limits: RosterLimits) -> None:
    """Refuse a sheet whose used range (what the reader allocates) or cell count is too big."""
    if size.rows > limits.max_rows + 10:  # the header and a title row or a few above it
        raise LimitError(
            f"the sheet's used range reaches row {size.rows} (cell"
            f" {_cell_name(size.rows, size.columns)}), over [roster] max_rows = {limits.max_rows};"
            " delete the stray cells far below the table"
        )
    area = size.rows * size.columns
    if area > limits.max_cells or size.cells > limits.max_cells:
        raise LimitError(
            f"the sheet's used range A1:{_cell_name(size.rows, size.columns)} holds"
            f" {max(area, size.cells):,} cells, over [roster] max_cells = {limits.max_cells:,};"
            " delete the stray cells far right of or below the table"
        )
