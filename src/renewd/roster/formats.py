"""Text and spreadsheet roster files as grids of cells, within `[roster]` limits.

CSV/TSV text is decoded as UTF-8 (with or without BOM), GB18030 (what Excel writes on Chinese
Windows) or UTF-16 with a BOM; an XLSX sheet is measured before it is read (`limits`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from renewd.roster.limits import LimitError, RosterLimits, check_sheet, measure_xls, measure_xlsx


class FileError(Exception):
    """The file as a whole cannot be read; the message says why, without its content."""


def read_text(path: Path, limits: RosterLimits) -> list[list[Any]]:
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
    # Excel writes "," or ";" (by locale) for CSV and tabs for "Unicode text".
    sample = text[:8192]
    delimiter = max(("\t", ",", ";"), key=sample.count)
    if sample.count(delimiter) == 0:
        delimiter = ","
    rows: list[list[Any]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            cells += len(row)
            if cells > limits.max_cells:
                raise LimitError(f"more than [roster] max_cells = {limits.max_cells:,} cells")
            check_rows(len(rows) - 10, limits)
    except csv.Error as exc:
        raise FileError(f"not valid CSV (row {len(rows) + 1}): {exc}") from None
    return rows


def check_rows(count: int, limits: RosterLimits) -> None:
    if count > limits.max_rows:
        raise LimitError(f"{count:,} rows, over [roster] max_rows = {limits.max_rows:,}")


def read_sheet(path: Path, limits: RosterLimits) -> list[list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook

    # The reader allocates the sheet's whole used range: measure it first.
    measure = measure_xls if path.suffix.lower() == ".xls" else measure_xlsx
    check_sheet(measure(path, limits), limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        # skip_empty_area=False keeps leading empty rows, so list index + 1 = sheet row number.
        rows: list[list[Any]] = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        raise FileError(f"cannot read spreadsheet: {type(exc).__name__}: {exc}") from None
    return rows
