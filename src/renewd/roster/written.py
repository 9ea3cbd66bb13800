"""The roster in force as one file again (the console's download for admins, issue 19): every
column, under the template's Chinese headers (`renewd.roster.template`), each value written as
the reader reads it back, so that the file uploads back unchanged.

- Columns: the template's (the README's roster table, in its order), then `tags` (标签), then,
  only when some row holds another document than Shanghai points (docs/packs.md), `document`
  (证件类型) and `issued_on` (签发日期).
- Values: dates as 2027-02-10 (date cells in XLSX), 是/否, changes (in the README's order) and
  tags joined with "、", critical dates as "2027-04-20 入学登记; 2027-05-10", `lang` as zh/en,
  everything else as read.
- Formulas: a CSV cell that a spreadsheet would run (`=`, `+`, `-`, `@`...) gets a leading `'`
  (`formats.guarded`), which the reader drops again; an XLSX cell is a typed string cell with
  Excel's quote prefix, never a formula, and reads back as the string it is.

The file holds the people's Bark keys and PushPlus tokens (a round trip needs them): it is an
admin's, like the roster files themselves. Progress recorded outside the roster (the console, a
link, `renewd done`) is not in it: it stays in the state database, as before the download.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from renewd.core.model import DEFAULT_DOCUMENT, Change, Person
from renewd.roster.cells import CHANGE_WORDS, YES_NO_WORDS
from renewd.roster.columns import PROGRESS_FIELDS
from renewd.roster.formats import guarded
from renewd.roster.template import TEMPLATE_FIELDS, header

FIELDS: tuple[str, ...] = (*TEMPLATE_FIELDS, "tags")
DOCUMENT_FIELDS = ("document", "issued_on")
_TEXT_FIELDS = (
    "id",
    "name",
    "group",
    "email",
    "telegram",
    "wecom_user",
    "bark",
    "pushplus",
    "dingtalk_user",
    "feishu_user",
)
_JOIN = "\u3001"  # 、: a separator the reader splits lists on, and no list item can hold


def fields(people: Iterable[Person]) -> tuple[str, ...]:
    """The columns: the document's two only for a roster with another document's row."""
    others = any(p.document != DEFAULT_DOCUMENT for p in people)
    return (*FIELDS, *DOCUMENT_FIELDS) if others else FIELDS


def headers(columns: tuple[str, ...] = FIELDS) -> list[str]:
    return [header(field) for field in columns]


def person_cells(person: Person) -> dict[str, str | dt.date]:
    """One person as the row that reads back as this person (`source` aside)."""
    cells: dict[str, str | dt.date] = {field: getattr(person, field) for field in _TEXT_FIELDS}
    cells["permit_expires"] = person.permit_expires
    for field in PROGRESS_FIELDS:
        day = getattr(person.progress, field)
        cells[field] = day if day is not None else ""
    cells["changes"] = _JOIN.join(CHANGE_WORDS[c] for c in Change if c in person.changes)
    cells["has_points"] = YES_NO_WORDS[person.has_points]
    cells["lang"] = person.lang.value if person.lang else ""
    cells["tags"] = _JOIN.join(person.tags)
    cells["document"] = "" if person.document == DEFAULT_DOCUMENT else person.document
    cells["issued_on"] = person.issued_on if person.issued_on is not None else ""
    cells["critical_dates"] = "; ".join(
        f"{c.date.isoformat()} {c.label}".strip() for c in person.critical_dates
    )
    return cells


def _line(person: Person, columns: tuple[str, ...]) -> list[str | dt.date]:
    cells = person_cells(person)
    return [cells[field] for field in columns]


def roster_csv(people: Iterable[Person]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel on Chinese Windows opens it right), CRLF; no cell a
    spreadsheet would run."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    people = list(people)
    columns = fields(people)
    writer.writerow(headers(columns))
    for person in people:
        writer.writerow(
            [
                c.isoformat() if isinstance(c, dt.date) else guarded(c)
                for c in _line(person, columns)
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def roster_xlsx(people: Iterable[Person], sheet: str, modified: dt.datetime) -> bytes:
    """One sheet named `sheet`: the headers, then a row a person, dates as date cells, every
    other cell a string cell (an id such as 0012 keeps its zeros; nothing is a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: str | dt.date, *, head: bool = False) -> Any:
        made = WriteOnlyCell(ws, value=value)
        if isinstance(value, dt.date):
            made.number_format = "yyyy-mm-dd"
            return made
        made.data_type = "s"  # openpyxl makes any str starting with "=" a formula otherwise
        if guarded(value) != value:
            made.quotePrefix = True  # and it stays text when someone edits it in Excel
        if head:
            made.font = bold
        return made

    people = list(people)
    columns = fields(people)
    ws.append([cell(h, head=True) for h in headers(columns)])
    for person in people:
        ws.append([cell(c) for c in _line(person, columns)])
    stamp = modified.astimezone(dt.UTC).replace(tzinfo=None)
    book.properties.created = stamp
    book.properties.modified = stamp
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
