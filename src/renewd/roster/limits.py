"""Bounds on what a roster file may hold, checked before anything is allocated for it.

A spreadsheet reader allocates the sheet's whole used range (width × height), whatever few cells
it holds: one value at XFD1048576 in a 5 KB file asks for 512 GiB and aborts the process. So an
XLSX sheet is measured first by streaming its XML (nothing but counters in memory) and refused
when its range or cell count is over the limit. CSV and TOML files are bounded by their size.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

MiB = 1024 * 1024


@dataclass(frozen=True)
class RosterLimits:
    """`[roster] max_rows, max_cells, max_file_mb, max_cell_chars, min_year, max_year`."""

    max_rows: int = 200_000
    max_cells: int = 5_000_000
    max_file_bytes: int = 100 * MiB
    max_cell_chars: int = 2000
    min_year: int = 1950
    max_year: int = 2099

    @property
    def max_unpacked_bytes(self) -> int:
        """An XLSX sheet decompresses to at most this much (a zip bomb stops here)."""
        return 16 * self.max_file_bytes

    def date_problem(self, day: dt.date) -> str | None:
        if self.min_year <= day.year <= self.max_year:
            return None
        return (
            f"date {day.isoformat()} is outside {self.min_year}–{self.max_year}, the years"
            " renewd can plan; check the year"
        )


class LimitError(Exception):
    """The file is over a limit; the message says which and what to do."""


def check_size(path: Path, limits: RosterLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise LimitError(
            f"file is {size / MiB:.1f} MB, over [roster] max_file_mb"
            f" = {limits.max_file_bytes / MiB:g}"
        )


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# Row and cell start tags; `r` is optional in OOXML (then the position follows the previous one).
_TAG_RE = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF_RE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SheetSize:
    rows: int
    columns: int
    cells: int


def first_sheet_member(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (what `get_sheet_by_index(0)` reads)."""
    try:
        workbook = ElementTree.fromstring(_small(archive, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_small(archive, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return "xl/worksheets/sheet1.xml"
    sheet = workbook.find("m:sheets/m:sheet", _NS)
    rid = sheet.get(f"{{{_NS['r']}}}id") if sheet is not None else None
    for rel in rels.findall("rel:Relationship", _NS):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return "xl/worksheets/sheet1.xml"


def _small(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(4 * MiB + 1)
    if len(data) > 4 * MiB:
        raise LimitError(f"{name} is larger than 4 MB")
    return data


def measure_xlsx(path: Path, limits: RosterLimits) -> SheetSize:
    """The used range and cell count of the first sheet, by streaming its XML."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > limits.max_unpacked_bytes:  # shared strings are read whole, too
                raise LimitError(
                    f"the workbook unpacks to {unpacked // MiB} MB, more than"
                    f" {limits.max_unpacked_bytes // MiB} MB ([roster] max_file_mb × 16)"
                )
            member = first_sheet_member(archive)
            with archive.open(member) as handle:
                return _measure(handle, limits)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise
        raise LimitError(
            f"cannot read spreadsheet: not an XLSX workbook ({type(exc).__name__})"
        ) from None


def _measure(handle: object, limits: RosterLimits) -> SheetSize:
    read = handle.read  # type: ignore[attr-defined]
    row = column = max_row = max_column = cells = unpacked = 0
    tail = b""
    while True:
        chunk = read(_CHUNK)
        unpacked += len(chunk)
        if unpacked > limits.max_unpacked_bytes:
            raise LimitError(
                f"the sheet unpacks to more than {limits.max_unpacked_bytes // MiB} MB"
            )
        data = tail + chunk
        # '<' never occurs inside a tag, so every tag before the last '<' is whole.
        cut = data.rfind(b"<") if chunk else len(data)
        cut = max(cut, 0)
        for match in _TAG_RE.finditer(data, 0, cut):
            ref = _REF_RE.search(match.group(2))
            if match.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                column = 0
            else:
                cells += 1
                if ref and ref.group(1):
                    column = _column_number(ref.group(1))
                    if ref.group(2):
                        row = max(row, int(ref.group(2)))
                else:
                    column += 1
                max_column = max(max_column, column)
            max_row = max(max_row, row)
        tail = data[cut:]
        if not chunk:
            break
    return SheetSize(max_row, max_column, cells)


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


def _column_number(letters: bytes) -> int:
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
