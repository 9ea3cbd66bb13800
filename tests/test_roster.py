"""The roster reader: every format, encoding, value syntax and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewd.core.errors import Problem, RosterError
from renewd.core.model import Change, CriticalDate, Lang
from renewd.roster.cells import parse_critical_dates, parse_date
from renewd.roster.reader import (
    Roster,
    load_roster,
    load_roster_file,
)

ZH_HEADER = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱,Telegram,关键日期"
ZH_ROWS = [
    "1001,张晓明,研发部,2027-02-10,单位,是,zhang@example.com,@zhang_demo,2027-04-20 小学入学登记",
    "1002,李思琪,市场部,2027/3/5,,否,,-1001234567,",
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_file(tmp_path: Path, *rows: str, name: str = "people.csv", header: str = ZH_HEADER) -> Path:
    return write(tmp_path / name, "\n".join([header, *rows]) + "\n")


def problems_of(paths: list[Path]) -> tuple[Problem, ...]:
    with pytest.raises(RosterError) as caught:
        load_roster(paths)
    return caught.value.problems


def only_problem(path: Path) -> Problem:
    (problem,) = problems_of([path])
    return problem


# --- formats and encodings ------------------------------------------------------------------


def check_zh_people(roster: Roster, name: str) -> None:
    first, second = roster.people
    assert first.id == "1001"
    assert first.name == "张晓明"
    assert first.group == "研发部"
    assert first.permit_expires == dt.date(2027, 2, 10)
    assert first.changes == {Change.EMPLOYER}
    assert first.has_points is True
    assert first.email == "zhang@example.com"
    assert first.telegram == "@zhang_demo"
    assert first.critical_dates == (CriticalDate(dt.date(2027, 4, 20), "小学入学登记"),)
    assert first.source == f"{name}, row 2"
    assert second.permit_expires == dt.date(2027, 3, 5)
    assert second.has_points is False
    assert second.changes == frozenset()
    assert second.telegram == "-1001234567"
    assert second.source == f"{name}, row 3"
    assert roster.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_with_chinese_headers_reads_in_every_excel_encoding(
    tmp_path: Path, encoding: str
) -> None:
    path = write(tmp_path / "people.csv", "\r\n".join([ZH_HEADER, *ZH_ROWS]) + "\r\n", encoding)
    check_zh_people(load_roster([path]), "people.csv")


def test_gb18030_sample_is_not_valid_utf8_so_the_fallback_is_exercised() -> None:
    data = "\n".join([ZH_HEADER, *ZH_ROWS]).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_utf16_tab_separated_unicode_text_from_excel(tmp_path: Path) -> None:
    text = "\r\n".join(line.replace(",", "\t") for line in [ZH_HEADER, *ZH_ROWS]) + "\r\n"
    path = write(tmp_path / "people.txt", text, "utf-16")
    check_zh_people(load_roster([path]), "people.txt")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = "\n".join(line.replace(",", delimiter) for line in [ZH_HEADER, *ZH_ROWS])
    check_zh_people(load_roster([write(tmp_path / "people.tsv", text)]), "people.tsv")


def test_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers(
    tmp_path: Path,
) -> None:
    text = "\n".join(
        ["2027年居住证名单", "", ZH_HEADER.replace(",", ";"), ZH_ROWS[0].replace(",", ";")]
    )
    (person,) = load_roster([write(tmp_path / "people.csv", text)]).people
    assert person.source == "people.csv, row 4"
    assert person.critical_dates == (CriticalDate(dt.date(2027, 4, 20), "小学入学登记"),)


def test_csv_row_numbers_count_skipped_empty_rows_and_quoted_newlines(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        '1001,张晓明,研发部,2027-02-10,,,,,"2027-04-20 登记\n2027-05-10 核验"',
        ",,,,,,,,",
        "",
        "1002,李思琪,研发部,bad-date,,,,,",
    )
    (problem,) = problems_of([path])
    assert (problem.row, problem.field, problem.value) == (5, "居住证到期日", "bad-date")


def test_csv_quoted_critical_dates_keep_both_items(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, '1001,张晓明,研发部,2027-02-10,,,,,"2027-04-20 登记\n2027-05-10 核验"'
    )
    (person,) = load_roster([path]).people
    assert [c.label for c in person.critical_dates] == ["登记", "核验"]


def test_xlsx_with_leading_empty_rows_date_cells_and_numbers(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    # Rows 1-2 empty; the header sits on row 3, column B.
    headers = [
        "工号",
        "姓名",
        "居住证到期日(年/月/日)",
        "积分核定日期",
        "新居住证到期日",
        "关键日期",
    ]
    for column, header in enumerate(headers, start=2):
        sheet.cell(row=3, column=column, value=header)
    sheet.append(
        [None, 1001, "张晓明", dt.date(2027, 2, 10), 20270301, 46793, dt.date(2027, 4, 20)]
    )
    sheet.append([None, 1002, "李思琪", dt.datetime(2027, 3, 5, 0, 0), None, None, None])
    sheet.append([])
    sheet.append([None, 1003, "王建国", "2027年4月1日", None, None, "2027-04-20 登记"])
    sheet.append([None, 1004, "赵雨桐", "2027-02-30", None, None, None])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    people, problems, warnings = load_roster_file(path)
    assert problems == [
        Problem(str(path), "no such date (2027-02-30)", 8, "居住证到期日(年/月/日)", "2027-02-30")
    ]
    assert warnings == []
    first, second, third = people
    assert first.id == "1001"
    assert first.permit_expires == dt.date(2027, 2, 10)
    assert first.progress.points_approved_on == dt.date(2027, 3, 1)
    assert first.progress.new_permit_expires == dt.date(2028, 2, 10)  # Excel serial 46793
    assert first.critical_dates == (CriticalDate(dt.date(2027, 4, 20)),)
    assert first.source == "people.xlsx, row 4"
    assert second.permit_expires == dt.date(2027, 3, 5)
    assert second.source == "people.xlsx, row 5"
    assert third.permit_expires == dt.date(2027, 4, 1)
    assert third.source == "people.xlsx, row 7"


def test_toml_people_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path / "family.toml",
        """
[[people]]
id = 1
name = "Wei"
permit_expires = 2027-02-10
changes = ["spouse", "child"]
has_points = true
lang = "en"
tags = "family, kids"
critical_dates = [{ date = 2027-04-20, label = "school registration" }, "2027-05-10 核验"]
points_applied_on = "2027/1/20"

[[people]]
id = "2"
name = "Fang"
permit_expires = "2027年2月10日"
changes = "无"
critical_dates = "2027-04-20: 小学入学登记"
""",
    )
    wei, fang = load_roster([path]).people
    assert wei.id == "1"
    assert wei.changes == {Change.SPOUSE, Change.CHILD}
    assert wei.lang is Lang.EN
    assert wei.tags == ("family", "kids")
    assert wei.critical_dates == (
        CriticalDate(dt.date(2027, 4, 20), "school registration"),
        CriticalDate(dt.date(2027, 5, 10), "核验"),
    )
    assert wei.progress.points_applied_on == dt.date(2027, 1, 20)
    assert wei.source == "family.toml, people[1]"
    assert fang.permit_expires == dt.date(2027, 2, 10)
    assert fang.changes == frozenset()
    assert fang.critical_dates == (CriticalDate(dt.date(2027, 4, 20), "小学入学登记"),)


def test_toml_errors_name_the_people_index(tmp_path: Path) -> None:
    path = write(
        tmp_path / "family.toml",
        '[[people]]\nid = "1"\nname = "A"\npermit_expires = 2027-02-10\n'
        '[[people]]\nid = "2"\nname = "B"\npermit_expires = "soon"\n'
        '[[people]]\nid = "3"\npermit_expires = 2027-02-10\n',
    )
    bad_date, no_name = problems_of([path])
    assert (bad_date.row, bad_date.field, bad_date.value) == ("people[2]", "permit_expires", "soon")
    assert no_name == Problem(str(path), "missing required value", "people[3]", "name", None)


def test_toml_key_given_twice_under_two_names_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "family.toml",
        '[[people]]\nid = "1"\n"工号" = "2"\nname = "A"\npermit_expires = 2027-02-10\n',
    )
    problem = only_problem(path)
    assert (problem.row, problem.field, problem.value) == ("people[1]", "工号", None)


def test_bundled_example_roster_loads() -> None:
    roster = load_roster([Path(__file__).parent.parent / "examples" / "people.csv"])
    assert len(roster.people) >= 8
    assert roster.warnings == ()


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("id", "id"),
        (" ID ", "id"),
        ("员工编号", "id"),
        ("编号", "id"),
        ("Permit Expires", "permit_expires"),
        ("居住证有效期至", "permit_expires"),
        ("居住证有效期", "permit_expires"),
        ("居住证到期日（必填）", "permit_expires"),
        ("居住证到期日 (年/月/日)", "permit_expires"),
        ("E-mail", "email"),
        ("电子邮箱", "email"),
    ],
)
def test_header_aliases_and_notes_are_accepted(tmp_path: Path, header: str, field: str) -> None:
    values = {"id": "1001", "name": "张晓明", "permit_expires": "2027-02-10", "email": "a@b.cn"}
    columns = {"id": "工号", "name": "姓名", "permit_expires": "居住证到期日", "email": "邮箱"}
    columns[field] = header
    path = csv_file(tmp_path, ",".join(values.values()), header=",".join(columns.values()))
    (person,) = load_roster([path]).people
    assert (person.id, person.name, person.email) == ("1001", "张晓明", "a@b.cn")
    assert person.permit_expires == dt.date(2027, 2, 10)


def test_unknown_columns_are_warned_once_per_file_and_their_values_never_echoed(
    tmp_path: Path,
) -> None:
    secret_id, secret_phone = "31010119900101123X", "13800000000"
    path = csv_file(
        tmp_path,
        f"1001,张晓明,{secret_id},{secret_phone},2027-02-30",
        f"1002,李思琪,{secret_id},{secret_phone},2027-02-10",
        header="工号,姓名,身份证号,手机,居住证到期日",
    )
    _, problems, warnings = load_roster_file(path)
    assert len(warnings) == 1
    assert "'身份证号'" in warnings[0]
    assert "'手机'" in warnings[0]
    shown = "\n".join([*warnings, *map(str, problems)])
    assert secret_id not in shown
    assert secret_phone not in shown
    assert [p.field for p in problems] == ["居住证到期日"]


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-02-10", dt.date(2027, 2, 10)),
        ("2027/2/10", dt.date(2027, 2, 10)),
        ("2027.2.10", dt.date(2027, 2, 10)),
        ("2027年2月10日", dt.date(2027, 2, 10)),
        ("2027 年 2 月 10 日", dt.date(2027, 2, 10)),
        ("20270210", dt.date(2027, 2, 10)),
        (" 2027-02-10 ", dt.date(2027, 2, 10)),
        ("2027/2/10 0:00", dt.date(2027, 2, 10)),
        ("2027-02-10 00:00:00", dt.date(2027, 2, 10)),
        (dt.date(2027, 2, 10), dt.date(2027, 2, 10)),
        (dt.datetime(2027, 2, 10, 8, 30), dt.date(2027, 2, 10)),
        (20270210.0, dt.date(2027, 2, 10)),
        (46428.0, dt.date(2027, 2, 10)),
        (46428, dt.date(2027, 2, 10)),
    ],
)
def test_date_formats(raw: object, expected: dt.date) -> None:
    assert parse_date(raw) == expected


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[dt.date, str]:
    date = draw(st.dates(dt.date(1950, 1, 1), dt.date(2200, 12, 31)))
    y, m, d = date.year, date.month, date.day
    text = draw(
        st.sampled_from(
            [
                date.isoformat(),
                f"{y}/{m}/{d}",
                f"{y}.{m}.{d}",
                f"{y}年{m}月{d}日",
                f"{y}{m:02}{d:02}",
                f"{y}/{m:02}/{d:02}",
            ]
        )
    )
    return date, text


@given(written_dates())
def test_every_written_date_form_reads_back_as_the_same_day(case: tuple[dt.date, str]) -> None:
    date, text = case
    assert parse_date(text) == date


@given(st.dates(dt.date(1950, 1, 1), dt.date(2199, 12, 31)))
def test_excel_serial_numbers_round_trip(date: dt.date) -> None:
    serial = (date - dt.date(1899, 12, 30)).days
    assert parse_date(float(serial)) == date


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("单位", {Change.EMPLOYER}),
        ("单位变更", {Change.EMPLOYER}),
        ("工作单位、学历", {Change.EMPLOYER, Change.EDUCATION}),
        ("职称，配偶；子女", {Change.TITLE, Change.SPOUSE, Change.CHILD}),
        ("employer education", {Change.EMPLOYER, Change.EDUCATION}),
        ("Divorce;title", {Change.DIVORCE, Change.TITLE}),
        ("离婚", {Change.DIVORCE}),
        ("无", set()),
        ("none", set()),
        ("-", set()),
        ("", set()),
    ],
)
def test_changes_column(tmp_path: Path, cell: str, expected: set[Change]) -> None:
    path = csv_file(tmp_path, f"1001,张晓明,,2027-02-10,{cell},,,,")
    (person,) = load_roster([path]).people
    assert person.changes == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("无", False),
        ("Yes", True),
        ("NO", False),
        ("y", True),
        ("n", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("", True),
    ],
)
def test_has_points_column(tmp_path: Path, cell: str, expected: bool) -> None:
    path = csv_file(tmp_path, f"1001,张晓明,,2027-02-10,,{cell},,,")
    (person,) = load_roster([path]).people
    assert person.has_points is expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("zh", Lang.ZH),
        ("中文", Lang.ZH),
        ("zh-CN", Lang.ZH),
        ("en", Lang.EN),
        ("英文", Lang.EN),
        ("en-US", Lang.EN),
        ("zh_TW", Lang.ZH),
        ("English", Lang.EN),
        ("", None),
    ],
)
def test_lang_column(tmp_path: Path, cell: str, expected: Lang | None) -> None:
    path = csv_file(
        tmp_path, f"1001,张晓明,2027-02-10,{cell}", header="工号,姓名,居住证到期日,语言"
    )
    (person,) = load_roster([path]).people
    assert person.lang is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-04-20", [(dt.date(2027, 4, 20), "")]),
        ("2027-04-20 小学入学登记", [(dt.date(2027, 4, 20), "小学入学登记")]),
        ("2027-04-20：小学入学登记", [(dt.date(2027, 4, 20), "小学入学登记")]),
        ("2027/4/20: registration day", [(dt.date(2027, 4, 20), "registration day")]),
        ("2027年4月20日小学入学登记", [(dt.date(2027, 4, 20), "小学入学登记")]),
        (
            "2027-04-20 小学入学登记; 2027-05-10 信息核验",
            [(dt.date(2027, 4, 20), "小学入学登记"), (dt.date(2027, 5, 10), "信息核验")],
        ),
        (
            "2027-04-20、2027-05-10，2027-06-01\n20270615 中考",
            [
                (dt.date(2027, 4, 20), ""),
                (dt.date(2027, 5, 10), ""),
                (dt.date(2027, 6, 1), ""),
                (dt.date(2027, 6, 15), "中考"),
            ],
        ),
    ],
)
def test_critical_dates(text: str, expected: list[tuple[dt.date, str]]) -> None:
    assert parse_critical_dates(text) == tuple(CriticalDate(d, label) for d, label in expected)


def test_tags_and_progress_columns(tmp_path: Path) -> None:
    header = "id,name,permit_expires,tags,permit_renewed_on,points_submitted_on,企业微信,group"
    path = csv_file(
        tmp_path, "7,Ann,2027-02-10,a、b c,2027-01-12,2027/1/20,ann.w,QA", header=header
    )
    (person,) = load_roster([path]).people
    assert person.tags == ("a", "b", "c")
    assert person.progress.permit_renewed_on == dt.date(2027, 1, 12)
    assert person.progress.points_submitted_on == dt.date(2027, 1, 20)
    assert person.wecom_user == "ann.w"
    assert person.group == "QA"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("居住证到期日", "2027-02-30", "no such date"),
        ("居住证到期日", "next year", "not a date"),
        ("居住证到期日", "2027-13-01", "no such date"),
        ("居住证到期日", "202702", "not a date"),
        ("变更事项", "单位 宠物", "'宠物'"),
        ("积分", "maybe", "是/否"),
        ("邮箱", "zhang.example.com", "email"),
        ("邮箱", "zhang@localhost", "email"),
        ("邮箱", "a@b@c.cn", "email"),
        ("Telegram", "zhang", "Telegram"),
        ("Telegram", "@ab", "Telegram"),
        ("关键日期", "入学登记 2027-04-20", "does not start with a date"),
        ("关键日期", "2027-04-31 登记", "no such date"),
    ],
)
def test_bad_value_is_reported_with_file_row_column_and_value(
    tmp_path: Path, column: str, cell: str, words: str
) -> None:
    header = "工号,姓名,居住证到期日,变更事项,积分,邮箱,Telegram,关键日期"
    values = dict.fromkeys(header.split(","), "")
    values.update({"工号": "1001", "姓名": "张晓明", "居住证到期日": "2027-02-10"})
    values[column] = cell
    path = csv_file(tmp_path, "1001,ok,2027-02-10,,,,,", ",".join(values.values()), header=header)
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.field, problem.value) == (str(path), 3, column, cell)
    assert words in problem.message


@pytest.mark.parametrize("number", [2027.0, 0.0, -46428.0, 18263.0, 99999999.0])
def test_numbers_that_are_no_plausible_date_are_errors(tmp_path: Path, number: float) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "居住证到期日"])
    sheet.append([1001, "张晓明", number])
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    problem = only_problem(path)
    assert (problem.row, problem.field) == (2, "居住证到期日")
    assert "date" in problem.message


def test_bad_lang_is_an_error(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "1001,张晓明,2027-02-10,fr", header="工号,姓名,居住证到期日,语言")
    problem = only_problem(path)
    assert (problem.row, problem.field, problem.value) == (2, "语言", "fr")


@pytest.mark.parametrize("missing", ["工号", "姓名", "居住证到期日"])
def test_missing_required_value(tmp_path: Path, missing: str) -> None:
    header = ["工号", "姓名", "居住证到期日"]
    row = ["1001", "张晓明", "2027-02-10"]
    row[header.index(missing)] = " "
    path = csv_file(tmp_path, ",".join(row), header=",".join(header))
    assert only_problem(path) == Problem(str(path), "missing required value", 2, missing, None)


def test_missing_required_column_names_the_field_without_a_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "1001,张晓明", header="工号,姓名")
    problem = only_problem(path)
    assert (problem.row, problem.field) == (None, "permit_expires")
    assert "居住证到期日" in problem.message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("people.csv", ""),
        ("people.csv", ZH_HEADER + "\n"),
        ("people.csv", ZH_HEADER + "\n,,,,,,,,\n\n"),
        ("people.toml", ""),
        ("people.toml", "people = []\n"),
    ],
)
def test_file_without_people_is_an_error(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path / name, content)
    problem = only_problem(path)
    assert problem.file == str(path)
    assert "no people" in problem.message


def test_empty_xlsx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    openpyxl.Workbook().save(path)
    assert "no people" in only_problem(path).message


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("people.json", b"{}", "unknown roster file type"),
        ("people.csv", b"\x81\x30\x81", "cannot decode"),
        ("people.xlsx", b"not a zip", "cannot read spreadsheet"),
        ("people.toml", b"[[people]\n", "not valid TOML"),
    ],
)
def test_unreadable_files_are_problems(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    problem = only_problem(path)
    assert (problem.file, problem.row) == (str(path), None)
    assert words in problem.message


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    assert "cannot read file" in only_problem(path).message


def test_all_problems_across_all_files_are_reported_at_once(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "1001,张,,2027-02-30,,,,,", "1002,李,,2027-02-10,,maybe,,,")
    second = write(
        tmp_path / "more.toml",
        '[[people]]\nid = "2001"\nname = "Wei"\npermit_expires = "soon"\nemail = "x"\n',
    )
    found = {(p.file, p.row, p.field, p.value) for p in problems_of([first, second])}
    assert found == {
        (str(first), 2, "居住证到期日", "2027-02-30"),
        (str(first), 3, "积分", "maybe"),
        (str(second), "people[1]", "permit_expires", "soon"),
        (str(second), "people[1]", "email", "x"),
    }


def test_duplicate_id_across_files_names_the_first_occurrence(tmp_path: Path) -> None:
    first = csv_file(tmp_path, "1001,张晓明,,2027-02-10,,,,,", "1002,李思琪,,2027-02-10,,,,,")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "居住证到期日"])
    sheet.append([1003, "王建国", dt.date(2027, 2, 10)])
    sheet.append([1001, "张三", dt.date(2027, 2, 10)])
    second = tmp_path / "more.xlsx"
    workbook.save(second)
    assert problems_of([first, second]) == (
        Problem(
            str(second),
            "duplicate id '1001', first seen in people.csv, row 2",
            3,
            "工号",
            "1001",
        ),
    )


def test_duplicate_id_within_one_file(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "1001,张晓明,,2027-02-10,,,,,", "1001,李思琪,,2027-02-10,,,,,")
    problem = only_problem(path)
    assert problem.row == 3
    assert "first seen in people.csv, row 2" in problem.message


def test_roster_error_lists_every_problem_in_its_text(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "1001,张,,2027-02-30,,,,,", "1002,李,,2027-02-31,,,,,")
    with pytest.raises(RosterError) as caught:
        load_roster([path])
    text = str(caught.value)
    assert "row 2, field '居住证到期日'" in text
    assert "row 3, field '居住证到期日'" in text
    assert caught.value.exit_code == 65


def test_by_id_indexes_people(tmp_path: Path) -> None:
    path = write(tmp_path / "people.csv", "\n".join([ZH_HEADER, *ZH_ROWS]))
    roster = load_roster([path])
    assert set(roster.by_id()) == {"1001", "1002"}
    assert roster.by_id()["1002"].name == "李思琪"
