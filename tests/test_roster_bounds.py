"""Hostile rosters: nothing a file holds can abort, balloon or stop planning (issue 11, 1-3, 7, 13).

The far-cell spreadsheets run in a subprocess: on a reader that allocates the used range, the
test must see an abort or a huge RSS, not take the test run down with it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from renewd.core.errors import Problem, RosterError
from renewd.roster.limits import RosterLimits
from renewd.roster.reader import load_roster
from rosterkit import run_measured as measured

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
HEADER = "工号,姓名,部门,居住证到期日"


def problems_of(path: Path, limits: RosterLimits | None = None) -> tuple[Problem, ...]:
    with pytest.raises(RosterError) as caught:
        load_roster([path], limits)
    return caught.value.problems


def far_xlsx(path: Path, cell: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "居住证到期日"])
    sheet.append(["1001", "张三", "2027-03-15"])
    sheet[cell] = "x"
    book.save(path)
    return path


def config_for(write: Write, roster: str, extra: str = "") -> Path:
    return write(
        "config.toml",
        f'[roster]\nfiles = ["{roster}"]\n[state]\ndir = "state"\n{extra}',
    )


def run_measured(args: list[str]) -> tuple[int, str, int]:
    """Run renewd; (exit code, stderr, peak RSS in MB of renewd or its spreadsheet reader)."""
    run = measured(args)
    return run.code, run.stderr, max(run.rss_mb, run.child_mb)


@pytest.mark.parametrize("cell", ["XFD1048576", "Z1048576", "XFD400"])
def test_a_stray_far_cell_is_refused_before_the_sheet_is_allocated(
    write: Write, tmp_path: Path, cell: str
) -> None:
    path = far_xlsx(tmp_path / "people.xlsx", cell)
    assert path.stat().st_size < 10_000
    code, err, rss_mb = run_measured(["check", "-c", str(config_for(write, "people.xlsx"))])
    assert code == 65, err  # a roster error, not SIGABRT (-6)
    assert "Traceback" not in err
    assert str(path) in err
    assert cell in err
    assert rss_mb < 250, f"peak RSS {rss_mb} MB"


def test_a_sheet_with_too_many_cells_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "居住证到期日"])
    for n in range(60):
        sheet.append([str(n), "张三", "2027-03-15"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    (problem,) = problems_of(path, RosterLimits(max_cells=100))
    assert "max_cells" in problem.message
    assert problem.file == str(path)
    assert load_roster([path], RosterLimits(max_cells=1000)).people


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\n" + "1001,张三,研发部,2027-03-15\n" * 2000, encoding="utf-8")
    (problem,) = problems_of(path, RosterLimits(max_file_bytes=10_000))
    assert "max_file_mb" in problem.message


@pytest.mark.parametrize("name", ["people.csv", "people.toml"])
def test_too_many_rows_is_a_file_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text(HEADER + "\n" + "1001,张三,研发部,2027-03-15\n" * 50, encoding="utf-8")
    else:
        entry = '[[people]]\nid = "1"\nname = "张三"\npermit_expires = 2027-03-15\n'
        path.write_text(entry * 50, encoding="utf-8")
    (problem,) = problems_of(path, RosterLimits(max_rows=20))
    assert "max_rows" in problem.message


def test_a_huge_cell_is_a_row_error_with_a_short_value(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"{HEADER}\n1001,{'张' * 5000},研发部,2027-03-15\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert (problem.row, problem.field) == (2, "姓名")
    assert "max_cell_chars" in problem.message
    assert problem.value is not None
    assert len(problem.value) <= 80


@pytest.mark.parametrize(
    "value", ["2207-02-10", "1899-12-31", "2100-01-01", "0001-01-01", "9999-12-31", "1949/12/31"]
)
def test_a_date_outside_the_plannable_years_is_a_row_error(
    write: Write, tmp_path: Path, value: str
) -> None:
    write("people.csv", f"{HEADER}\n1001,张三,研发部,2027-03-15\n1002,李四,研发部,{value}\n")
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "check", "-c", str(config_for(write, "people.csv"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 65, result.stderr
    assert "Traceback" not in result.stderr
    assert "row 3" in result.stderr
    assert "居住证到期日" in result.stderr
    assert "1950–2099" in result.stderr


def test_progress_and_critical_dates_are_bounded_too(tmp_path: Path) -> None:
    path = tmp_path / "people.toml"
    path.write_text(
        '[[people]]\nid = "1"\nname = "张三"\npermit_expires = 2027-03-15\n'
        "permit_renewed_on = 2207-01-01\n"
        'critical_dates = ["2300-04-20 入学"]\n',
        encoding="utf-8",
    )
    fields = sorted(str(p.field) for p in problems_of(path))
    assert fields == ["critical_dates", "permit_renewed_on"]


def test_the_year_range_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"{HEADER}\n1001,张三,研发部,2031-03-15\n", encoding="utf-8")
    (problem,) = problems_of(path, RosterLimits(max_year=2030))
    assert "2030" in problem.message
    assert load_roster([path]).people[0].permit_expires.year == 2031


def test_the_last_plannable_day_plans(write: Write) -> None:
    write("people.csv", f"{HEADER}\n1001,张三,研发部,2099-12-31\n1002,李四,研发部,1950-01-01\n")
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "plan", "-c", str(config_for(write, "people.csv"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_gbk_toml_roster_is_a_file_error(write: Write, tmp_path: Path) -> None:
    (tmp_path / "people.toml").write_bytes(
        '[[people]]\nid = "1"\nname = "张三"\npermit_expires = 2027-03-15\n'.encode("gbk")
    )
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "check", "-c", str(config_for(write, "people.toml"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 65, result.stderr
    assert "Traceback" not in result.stderr
    assert "people.toml" in result.stderr
    assert "UTF-8" in result.stderr
    assert "line 3" in result.stderr


def test_check_catches_a_feed_name_taken_by_an_extra_feed(write: Write) -> None:
    write("people.csv", f"{HEADER}\n1001,张三,研发部,2027-03-15\n1002,李四,市场部,2027-03-15\n")
    extra = '[[feeds.extra]]\nname = "group-市场部"\ngroups = ["研发部"]\n'
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "renewd",
            "check",
            "-c",
            str(config_for(write, "people.csv", extra)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 65, result.stderr
    assert "group-市场部" in result.stderr
    assert "row 3" in result.stderr


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("企业微信", "@all"),
        ("企业微信", "@ALL"),
        ("企业微信", "boss|ceo|hr.all"),
        ("企业微信", "zhang san"),
        ("邮箱", "a@example.com,b@example.com"),
        ("邮箱", "a@example.com;b@example.com"),
        ("邮箱", "Boss <boss@example.com>"),
        ("邮箱", "a|b@example.com"),
        ("Telegram", "123,456"),
        ("Telegram", "@all"),
    ],
)
def test_an_address_must_reach_one_person(tmp_path: Path, column: str, value: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f'{HEADER},{column}\n1001,张三,研发部,2027-03-15,"{value}"\n', "utf-8")
    (problem,) = problems_of(path)
    assert (problem.row, problem.field) == (2, column)


def test_good_addresses_pass(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        f"{HEADER},企业微信,邮箱,Telegram\n"
        "1001,张三,研发部,2027-03-15,ZhangSan.01,zhang.san+hr@mail.example.com.cn,@zhang_demo\n"
        "1002,李四,研发部,2027-03-15,li_si-2@corp,li@例子.中国,-1001234567\n",
        encoding="utf-8",
    )
    first, second = load_roster([path]).people
    assert (first.wecom_user, second.email) == ("ZhangSan.01", "li@例子.中国")


def test_full_width_ids_are_the_same_person(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"{HEADER}\n１００１,张三,研发部,2027-03-15\n", encoding="utf-8")
    assert load_roster([path]).people[0].id == "1001"
    path.write_text(
        f"{HEADER}\n１００１,张三,研发部,2027-03-15\n1001,张三,研发部,2027-03-15\n",
        encoding="utf-8",
    )
    (problem,) = problems_of(path)
    assert "duplicate id" in problem.message


@pytest.mark.parametrize("name", ["\x00", "\x00\x00", "张\u202e三", "\x1b[31m张三"])
def test_control_characters_in_a_name_are_a_row_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / "people.toml"
    escaped = "".join(f"\\u{ord(c):04x}" for c in name)
    path.write_text(
        f'[[people]]\nid = "1"\nname = "{escaped}"\npermit_expires = 2027-03-15\n', "utf-8"
    )
    (problem,) = problems_of(path)
    assert problem.field == "name"


def test_full_width_ids_on_the_command_line_find_the_person(write: Write) -> None:
    write("people.csv", f"{HEADER}\n1001,张三,研发部,2027-03-15\n")
    config = str(config_for(write, "people.csv"))
    for args in (
        ["plan", "--person", "１００１"],
        ["log", "--person", "１００１"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "renewd", *args, "-c", config],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_a_zip_bomb_workbook_is_refused_unread(tmp_path: Path) -> None:
    import zipfile

    path = far_xlsx(tmp_path / "people.xlsx", "C3")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/bomb.bin", b"\0" * (20 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    (problem,) = problems_of(path, RosterLimits(max_file_bytes=1024 * 1024))
    assert "unpacks to" in problem.message


def xls(path: Path, far: tuple[int, int] | None = None) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    for col, value in enumerate(["工号", "姓名", "部门", "居住证到期日"]):
        sheet.write(0, col, value)
    for col, value in enumerate(["1001", "张三", "研发部", "2027-03-15"]):
        sheet.write(1, col, value)
    if far is not None:
        sheet.write(*far, "x")
    book.save(str(path))
    return path


def test_an_xls_with_a_far_cell_is_refused_before_it_is_read(write: Write, tmp_path: Path) -> None:
    path = xls(tmp_path / "people.xls", far=(65535, 255))
    assert path.stat().st_size < 10_000
    code, err, rss_mb = run_measured(["check", "-c", str(config_for(write, "people.xls"))])
    assert code == 65, err
    assert "A1:IV65536" in err
    assert rss_mb < 250, f"peak RSS {rss_mb} MB"


def test_an_ordinary_xls_still_loads(tmp_path: Path) -> None:
    (person,) = load_roster([xls(tmp_path / "people.xls")]).people
    assert (person.id, person.name) == ("1001", "张三")
