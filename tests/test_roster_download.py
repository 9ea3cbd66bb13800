"""The whole roster as one file for an admin (issue 19): every column under the template's
Chinese headers, CSV and XLSX, and it uploads back unchanged: the reader gives back the same
people (progress, channel columns and values a spreadsheet would run as a formula included) and
the console's upload check finds nothing to change."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from consolekit import NOW, Server, add_user, console_config, csrf_of, running, sign_in
from renewd.core.model import Person
from renewd.roster.reader import load_roster_file
from renewd.roster.template import TEMPLATE_FIELDS, header, headers
from renewd.roster.written import person_cells, roster_csv, roster_xlsx

Write = Callable[[str, str], Path]

# English and Chinese headers mixed, every column, and values a spreadsheet would run.
ROSTER = """\
id,姓名,permit_expires,部门,changes,积分,email,telegram,企业微信,bark,pushplus,钉钉,飞书,lang,标签,\
permit_renewed_on,points_applied_on,points_submitted_on,points_approved_on,notice_collected_on,\
new_permit_expires,critical_dates
0012,"=HYPERLINK(""http://evil.example"",""x"")",2026-09-30,研发部,单位 学历,否,a@example.com,\
-1001234567890,zhang.san,AbCdEfGh12345678,pushplus_token_123,ding-001,ou_abc123,en,vip 北京,\
2026-06-01,2026-06-02,,,,,2026-12-01 入学登记; 2027-03-05
E002,'@李四,2026-12-01,研发部,,是,,@li_si_bot,,,,,,,,,,,,,,
E003,''=王五,2027-01-10,市场部,无,,,,,,,,,zh,+tag,,,,,,,2027-03-01：信息核验
"""


def people(path: Path) -> list[Person]:
    read, problems, _ = load_roster_file(path)
    assert problems == []
    return [replace(p, source="") for p in read]


def test_every_column_comes_back_from_csv_and_xlsx(write: Write, tmp_path: Path) -> None:
    original = people(write("people.csv", ROSTER))
    assert original[0].name.startswith("=HYPERLINK(")  # what the download must keep inert
    assert original[0].telegram == "-1001234567890"
    assert original[1].name == "@李四"
    assert original[2].name == "'=王五"  # a quote that was there before any guard
    (tmp_path / "back.csv").write_bytes(roster_csv(original))
    (tmp_path / "back.xlsx").write_bytes(roster_xlsx(original, "名单", NOW))
    assert people(tmp_path / "back.csv") == original
    assert people(tmp_path / "back.xlsx") == original


def test_the_file_has_the_templates_headers_and_no_formula(write: Write, tmp_path: Path) -> None:
    original = people(write("people.csv", ROSTER))
    lines = list(csv.reader(io.StringIO(roster_csv(original).decode("utf-8-sig"))))
    assert lines[0] == [*headers(), "标签"]
    assert lines[0][: len(TEMPLATE_FIELDS)] == [header(f) for f in TEMPLATE_FIELDS]
    assert lines[1][1].startswith("'=HYPERLINK(")  # text in Excel, not a link
    assert lines[1][TEMPLATE_FIELDS.index("telegram")] == "'-1001234567890"
    assert lines[3][1] == "''=王五"
    book = load_workbook(io.BytesIO(roster_xlsx(original, "名单", NOW)))
    sheet = book["名单"]
    assert [c.value for c in sheet[1]] == lines[0]
    kinds = {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "f" not in kinds
    assert sheet["A2"].value == "0012"  # an id keeps its zeros
    assert sheet["C2"].value == dt.datetime(2026, 9, 30)  # a date cell
    assert sheet["B2"].quotePrefix


def test_person_cells_write_words_the_reader_takes(write: Write) -> None:
    first = people(write("people.csv", ROSTER))[0]
    cells = person_cells(first)
    assert cells["changes"] == "单位、学历"
    assert cells["has_points"] == "否"
    assert cells["critical_dates"] == "2026-12-01 入学登记; 2027-03-05"
    assert cells["tags"] == "vip、北京"


@pytest.fixture(params=[".csv", ".xlsx"])
def server(request: pytest.FixtureRequest, write: Write) -> Iterator[Server]:
    """The daemon over a roster kept as CSV, or as XLSX (an upload replaces a file of its kind)."""
    source = write("people.csv", ROSTER)
    roster = source.with_suffix(request.param)
    if request.param == ".xlsx":
        source.rename(roster.with_name("source.csv"))
        roster.write_bytes(roster_xlsx(people(roster.with_name("source.csv")), "名单", NOW))
    config = console_config(source.parent)
    config.write_text(config.read_text().replace('"people.csv"', f'"{roster.name}"', 1))
    add_user(config, "admin", "--admin")
    add_user(config, "rd", "--group", "研发部")
    with running(config, NOW) as srv:
        yield srv


@pytest.mark.integration
def test_the_admins_download_uploads_back_unchanged(server: Server, tmp_path: Path) -> None:
    admin = sign_in(server, "admin")
    page = admin.get(server.url("/roster")).text
    assert 'href="/roster.xlsx"' in page
    assert 'href="/roster.csv"' in page
    roster = server.daemon.settings.roster.files[0]
    original = people(roster)
    assert len(original) == 3
    for suffix, kind in ((".csv", "text/csv"), (".xlsx", "spreadsheetml")):
        got = admin.get(server.url(f"/roster{suffix}"))
        assert got.status_code == 200
        assert kind in got.headers["Content-Type"]
        assert f'filename="renewd-roster{suffix}"' in got.headers["Content-Disposition"]
        (tmp_path / f"down{suffix}").write_bytes(got.content)
        assert people(tmp_path / f"down{suffix}") == original
        if suffix != roster.suffix:
            continue  # an upload replaces a file of its own kind
        csrf = csrf_of(admin.get(server.url("/roster")).text)
        checked = admin.post(
            server.url(f"/roster/check?csrf={csrf}"),
            files={"file": (f"people{suffix}", got.content, "application/octet-stream")},
        )
        assert checked.status_code == 200, checked.text
        assert 'id="diff-none"' in checked.text, checked.text  # the upload changes nothing
    rd = sign_in(server, "rd")
    assert rd.get(server.url("/roster.csv")).status_code == 404  # admins only
    assert rd.get(server.url("/roster.xlsx")).status_code == 404
