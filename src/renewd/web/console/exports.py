"""The people list as a file: `/export.csv` and `/export.xlsx` (the same query as the page);
for an admin, the whole roster as one file that uploads back unchanged: `/roster.csv` and
`/roster.xlsx` (`renewd.roster.written`).

Exports are safe to open in Excel (issue 18): a name, id or group that begins with `=`, `+`, `-`,
`@`, a TAB or a CR would be read as a formula (a HYPERLINK to an outside site, a DDE call).
Such a CSV cell is written with a leading `'` (`roster.formats.guarded`), which Excel takes as
"text" and the roster reader strips again, so an export uploads back unchanged; every XLSX cell
is a typed string cell with Excel's quote prefix, never a formula.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import io
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from renewd.core.model import Lang, Person
from renewd.roster import written
from renewd.roster.formats import guarded
from renewd.web.console.app import CONSOLE, LANG, SESSION
from renewd.web.console.i18n import next_step_name, status_name, word
from renewd.web.console.index import Row
from renewd.web.console.pages import people_query, visible_groups

COLUMNS = ("id", "name", "group", "expires", "status", "next_step", "due", "feasible")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_text(value: str) -> str:
    """A CSV cell Excel reads as the text it is: `'` before a formula's first character."""
    return guarded(value)


def _rows(request: web.Request) -> list[list[str]]:
    console = request.app[CONSOLE]
    index = console.index()
    lang: Lang = request[LANG]
    if index is None:
        return []
    query = people_query(request)
    rows: list[Row] = []
    page = 1
    while True:  # every page of the same query the people list shows
        got = index.query(
            query.__class__(**{**query.__dict__, "page": page, "per_page": 5000}),
            visible_groups(request),
        )
        rows.extend(got.rows)
        if page >= got.pages:
            break
        page += 1
    return [
        [
            r.id,
            r.person.name,
            r.group,
            (r.plan.cycle if r.plan else r.documents[0].plan.cycle).isoformat(),
            status_name(r.status, lang),
            next_step_name(r, lang) if r.next_due else "",
            r.next_due.isoformat() if r.next_due else "",
            "yes" if r.feasible else "no",
        ]
        for r in rows
    ]


async def export_csv(request: web.Request) -> web.StreamResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([csv_text(cell) for cell in line] for line in _rows(request))
    body = ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM: Excel reads it as UTF-8
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="renewd-people.csv"'},
    )


async def export_xlsx(request: web.Request) -> web.StreamResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")

    def text(value: str) -> Any:
        # openpyxl makes any str starting with "=" a formula: the type is set after the value.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # stays text when someone edits the cell in Excel
        return cell

    sheet.append(list(COLUMNS))
    for line in _rows(request):
        sheet.append([text(cell) for cell in line])
    out = io.BytesIO()
    book.save(out)
    return web.Response(
        body=out.getvalue(),
        content_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="renewd-people.xlsx"'},
    )


def _roster(request: web.Request) -> Sequence[Person]:
    if not request[SESSION].account.admin:
        raise web.HTTPNotFound()  # as the roster page
    return request.app[CONSOLE].source.roster_people()


async def roster_csv(request: web.Request) -> web.StreamResponse:
    body = await asyncio.to_thread(written.roster_csv, _roster(request))
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="renewd-roster.csv"'},
    )


async def roster_xlsx(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    sheet = word("roster", request[LANG])
    make = functools.partial(written.roster_xlsx, _roster(request), sheet, console.source.now())
    return web.Response(
        body=await asyncio.to_thread(make),  # 10,000 people take a few seconds
        content_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="renewd-roster.xlsx"'},
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/export.csv", export_csv)
    router.add_get("/export.xlsx", export_xlsx)
    router.add_get("/roster.csv", roster_csv)
    router.add_get("/roster.xlsx", roster_xlsx)
