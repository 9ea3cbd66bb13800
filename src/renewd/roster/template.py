"""The roster template: the columns an HR specialist fills in, with the Chinese headers the
reader accepts, as CSV and XLSX with one example row (`renewd init`, `examples/roster-template.*`).

The columns are those of the README's roster table, in its order, each under its first Chinese
header (`columns.COLUMNS`); a test keeps the two the same. A template reads back as a valid roster
of one person (the example), so a configuration pointing at a fresh template passes
`renewd check` before the first real row is typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path

from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.roster.columns import COLUMNS

# The README's roster table, in order: identity, the permit, where reminders go, progress.
TEMPLATE_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "permit_expires",
    "group",
    "changes",
    "has_points",
    "email",
    "telegram",
    "wecom_user",
    "bark",
    "pushplus",
    "dingtalk_user",
    "feishu_user",
    "lang",
    "permit_renewed_on",
    "points_applied_on",
    "points_submitted_on",
    "points_approved_on",
    "notice_collected_on",
    "new_permit_expires",
    "critical_dates",
)
TEMPLATE_SUFFIXES = frozenset({".csv", ".xlsx"})
DATE_FIELDS = frozenset(
    {"permit_expires", *(f for f in TEMPLATE_FIELDS if f.endswith(("_on", "_expires")))}
)
_WIDTHS = {"id": 10, "name": 12, "permit_expires": 14, "group": 12, "email": 28}


def header(field: str) -> str:
    """The header a template shows for `field`: the first one HR departments write."""
    return COLUMNS[field][0]


def headers() -> list[str]:
    return [header(field) for field in TEMPLATE_FIELDS]


Row = Mapping[str, str | dt.date]
EXAMPLE_ID = "E0001"
EXAMPLE_EMAIL = "zhang.san@example.com"  # example.com: a row left in by mistake reaches nobody


def example_row(lang: Lang, expires: dt.date, group: str | None = None) -> dict[str, str | dt.date]:
    """The template's one example row: a person in `group` whose permit expires on `expires`."""
    return {
        "id": EXAMPLE_ID,
        "name": say(lang, "init.example.name"),
        "permit_expires": expires,
        "group": group or say(lang, "init.example.group"),
        "has_points": say(lang, "init.example.points"),
        "email": EXAMPLE_EMAIL,
    }


def _cells(row: Row) -> list[str | dt.date]:
    unknown = set(row) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"not template columns: {', '.join(sorted(unknown))}")
    return [row.get(field, "") for field in TEMPLATE_FIELDS]


def csv_bytes(row: Row) -> bytes:
    """UTF-8 with a byte-order mark (so that Excel on Chinese Windows opens it right), CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers())
    writer.writerow([c.isoformat() if isinstance(c, dt.date) else c for c in _cells(row)])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(row: Row, sheet: str, modified: dt.datetime) -> bytes:
    """One sheet named `sheet`: bold frozen headers, the example row with its dates as dates
    (shown as 2027-02-10) and the id as text; `modified` stamps the document properties."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers())
    ws.append(_cells(row))
    for column, field in enumerate(TEMPLATE_FIELDS, start=1):
        ws.cell(row=1, column=column).font = Font(bold=True)
        letter = ws.cell(row=1, column=column).column_letter
        ws.column_dimensions[letter].width = _WIDTHS.get(field, max(10, 2 * len(header(field))))
        cell = ws.cell(row=2, column=column)
        if field in DATE_FIELDS:
            cell.number_format = "yyyy-mm-dd"
        elif field == "id":
            cell.number_format = "@"  # text: an id such as 0012 keeps its zeros
    ws.freeze_panes = "A2"
    stamp = modified.astimezone(dt.UTC).replace(tzinfo=None)
    book.properties.created = stamp
    book.properties.modified = stamp
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_template(path: Path, row: Row, sheet: str, modified: dt.datetime) -> None:
    """Write the template to `path` (CSV or XLSX by its suffix). A file that is there already is
    never replaced (FileExistsError)."""
    suffix = path.suffix.lower()
    if suffix not in TEMPLATE_SUFFIXES:
        raise ValueError(f"a roster template is .csv or .xlsx, not {path.name}")
    data = csv_bytes(row) if suffix == ".csv" else xlsx_bytes(row, sheet, modified)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as out:
        out.write(data)
