"""The roster template (issue 19): the README's roster columns under their Chinese headers, as
CSV and XLSX with one example row, that the roster reader takes back as one valid person."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.roster.columns import COLUMNS
from renewd.roster.reader import load_roster
from renewd.roster.template import (
    TEMPLATE_FIELDS,
    csv_bytes,
    example_row,
    headers,
    write_template,
    xlsx_bytes,
)

ROOT = Path(__file__).resolve().parent.parent
EXPIRES = dt.date(2027, 6, 30)  # the shipped templates' example
STAMP = dt.datetime(2026, 12, 7, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def readme_columns() -> list[tuple[str, str]]:
    """(column, first Chinese header) per column of the README's roster table, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The roster", 1)[1].split("\n## ", 1)[0]
    pairs: list[tuple[str, str]] = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        names = re.findall(r"`([a-z_]+)`", cells[0])
        chinese = [h.strip() for h in cells[1].split(",")]
        if len(names) == 1:
            chinese = chinese[:1]  # one column, several accepted headers: the first
        assert len(names) == len(chinese), line
        pairs += zip(names, chinese, strict=True)
    return pairs


def test_the_template_headers_are_the_readme_roster_table() -> None:
    columns = readme_columns()
    assert [name for name, _ in columns] == list(TEMPLATE_FIELDS)
    assert [header for _, header in columns] == headers()
    # and the reader knows each header as that column
    assert all(COLUMNS[name][0] == header for name, header in columns)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_template_reads_back_as_one_valid_person(tmp_path: Path, suffix: str, lang: Lang) -> None:
    path = tmp_path / f"people{suffix}"
    write_template(path, example_row(lang, EXPIRES, "市场部"), "sheet", STAMP)
    roster = load_roster([path])
    (person,) = roster.people
    assert (person.id, person.name, person.group) == (
        "E0001",
        say(lang, "init.example.name"),
        "市场部",
    )
    assert person.permit_expires == EXPIRES
    assert person.has_points
    assert person.email == "zhang.san@example.com"
    assert roster.warnings == ()  # every header is one the reader uses


def test_a_template_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("工号,姓名,居住证到期日\n")
    with pytest.raises(FileExistsError):
        write_template(path, example_row(Lang.ZH, EXPIRES), "sheet", STAMP)
    assert path.read_text() == "工号,姓名,居住证到期日\n"
    with pytest.raises(ValueError, match=r"csv or \.xlsx"):
        write_template(tmp_path / "people.toml", example_row(Lang.ZH, EXPIRES), "sheet", STAMP)


def test_the_csv_template_opens_in_excel_as_chinese() -> None:
    data = csv_bytes(example_row(Lang.ZH, EXPIRES))
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == headers()
    assert rows[1][:4] == ["E0001", "张三", "2027-06-30", "研发部"]


def test_the_xlsx_template_keeps_dates_as_dates_and_ids_as_text() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes(example_row(Lang.ZH, EXPIRES), "名单", STAMP)))
    sheet = book["名单"]
    assert [c.value for c in sheet[1]] == headers()
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    expires = sheet.cell(row=2, column=TEMPLATE_FIELDS.index("permit_expires") + 1)
    assert expires.value == dt.datetime(2027, 6, 30)
    assert expires.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=1).number_format == "@"


def test_the_shipped_templates_are_what_init_makes() -> None:
    """examples/roster-template.{csv,xlsx}; after a change of columns or words, make them again:
    write_template(path, example_row(Lang.ZH, EXPIRES), say(Lang.ZH, "init.example.sheet"),
    STAMP) for each, after removing the old files."""
    row = example_row(Lang.ZH, EXPIRES)
    assert (ROOT / "examples" / "roster-template.csv").read_bytes() == csv_bytes(row)
    shipped = load_workbook(ROOT / "examples" / "roster-template.xlsx")
    made = load_workbook(io.BytesIO(xlsx_bytes(row, say(Lang.ZH, "init.example.sheet"), STAMP)))
    assert shipped.sheetnames == made.sheetnames == [say(Lang.ZH, "init.example.sheet")]
    values = [[c.value for c in r] for r in shipped.active.iter_rows()]
    assert values == [[c.value for c in r] for r in made.active.iter_rows()]
