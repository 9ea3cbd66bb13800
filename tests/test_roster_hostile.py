"""Hostile roster files, round two (issue 18, 1, 2, 10, 11 and 15): a crafted workbook, a zip bomb,
a reader's own bug or a nested TOML costs one refused file, named with what to do, never the
process that reads it.

The crafted files are made here (`rosterkit`). Runs that could abort run in a subprocess, so that
on a reader that allocates what the file asks for the test sees the abort, not the test run.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from conftest import load_keeping
from renewd.core.errors import Problem, RosterError
from renewd.roster import reader
from renewd.roster.limits import LimitError, RosterLimits
from renewd.roster.ooxml import measure_xlsx
from renewd.roster.reader import load_roster
from renewd.store.database import Database
from rosterkit import (
    VARIANTS,
    crafted_xlsx,
    deep_toml,
    run_measured,
    shared_strings_bomb,
    understate,
)

Write = Callable[[str, str], Path]
HEADER = "工号,姓名,部门,居住证到期日"


def config_for(write: Write, *rosters: str, roster: str = "") -> Path:
    """A configuration over `rosters`, with more `[roster]` keys in `roster`."""
    files = ", ".join(f'"{name}"' for name in rosters)
    return write("config.toml", f'[roster]\nfiles = [{files}]\n{roster}[state]\ndir = "state"\n')


def problems_of(path: Path, limits: RosterLimits | None = None) -> tuple[Problem, ...]:
    with pytest.raises(RosterError) as caught:
        load_roster([path], limits)
    return caught.value.problems


# --- 1: the first sheet, found the way the reader finds it ----------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_crafted_workbook_with_a_far_cell_is_refused_not_read(
    write: Write, tmp_path: Path, variant: str
) -> None:
    path = crafted_xlsx(tmp_path / "people.xlsx", variant, far="XFD1048576")
    assert path.stat().st_size < 3000
    run = run_measured(["check", "-c", str(config_for(write, "people.xlsx"))])
    assert run.code == 65, run.stderr  # a roster error, not SIGABRT (-6)
    assert "Traceback" not in run.stderr
    assert str(path) in run.stderr
    if variant == "entity":  # the workbook part is not XML: which sheet is first is unknowable
        assert "xl/workbook.xml is not well-formed XML (undefined entity" in run.stderr
    else:
        assert "XFD1048576" in run.stderr
    assert max(run.rss_mb, run.child_mb) < 250, run


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "entity"])
def test_a_crafted_workbook_reads_the_sheet_the_reader_reads(tmp_path: Path, variant: str) -> None:
    # Strict OOXML is what Excel writes as "Strict Open XML Spreadsheet": it must load.
    (person,) = load_roster([crafted_xlsx(tmp_path / "people.xlsx", variant)]).people
    assert (person.id, person.name, person.permit_expires) == ("1001", "张三", dt.date(2027, 3, 15))
    measured = measure_xlsx(tmp_path / "people.xlsx", RosterLimits())
    assert "xl/worksheets/roster.xml" in measured.sheet.members


def test_a_workbook_whose_first_sheet_points_nowhere_is_refused(tmp_path: Path) -> None:
    crafted = crafted_xlsx(tmp_path / "crafted.xlsx", "strict")
    path = tmp_path / "people.xlsx"
    with zipfile.ZipFile(crafted) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            name = info.filename.replace("roster.xml", "elsewhere.xml")
            target.writestr(name, source.read(info))
    (problem,) = problems_of(path)
    assert "points at no part of the file" in problem.message


# --- 2: every part's inflated size, within a budget ------------------------------------------


@pytest.mark.integration
def test_a_shared_strings_bomb_is_refused_before_anything_inflates_it(
    write: Write, tmp_path: Path
) -> None:
    # 200 MB of shared strings in half a megabyte: inside the old 16× bound (1.6 GB).
    path = shared_strings_bomb(tmp_path / "people.xlsx", inflated_mb=200)
    assert path.stat().st_size < 1_000_000
    run = run_measured(["check", "-c", str(config_for(write, "people.xlsx"))])
    assert run.code == 65, run.stderr
    assert "unpacks to 200 MB (xl/sharedStrings.xml alone 200 MB), more than the 128 MB" in (
        run.stderr
    )
    assert run.rss_mb < 150, run
    assert run.child_mb < 150, run


@pytest.mark.slow
@pytest.mark.integration
def test_the_full_size_shared_strings_bomb_is_refused_in_seconds(
    write: Write, tmp_path: Path
) -> None:
    # The bomb: 3.7 MB, shared strings inflating to 1.45 GiB (5 GB and a minute before).
    path = shared_strings_bomb(tmp_path / "people.xlsx", inflated_mb=1450)
    assert path.stat().st_size < 4_000_000
    run = run_measured(["check", "-c", str(config_for(write, "people.xlsx"))])
    assert run.code == 65, run.stderr
    assert "xl/sharedStrings.xml alone 1,450 MB" in run.stderr
    assert (run.rss_mb, run.child_mb) < (150, 150), run
    assert run.seconds < 20, run


def test_a_part_that_understates_its_size_is_measured_by_what_it_holds(tmp_path: Path) -> None:
    bomb = shared_strings_bomb(tmp_path / "people.xlsx", inflated_mb=40)
    path = understate(bomb, "xl/sharedStrings.xml", 5000)
    (problem,) = problems_of(path, RosterLimits(max_file_bytes=1024 * 1024))  # a 16 MB budget
    assert "xl/sharedStrings.xml inflates past it" in problem.message


def test_the_budget_follows_parse_memory_mb() -> None:
    assert RosterLimits().max_unpacked_bytes == 128 * 1024 * 1024
    assert RosterLimits(parse_memory_bytes=2048 << 20).max_unpacked_bytes == 512 << 20
    assert RosterLimits(max_file_bytes=1 << 20).max_unpacked_bytes == 16 << 20


# --- 1: the reader in a child process ---------------------------------------------------------


@pytest.mark.integration
def test_a_reader_crash_the_checks_let_through_costs_only_that_file(
    write: Write, tmp_path: Path
) -> None:
    # Limits raised so far that the guard passes a sheet whose range the reader cannot allocate:
    # what an unknown reader bug would do. The reader's child dies; the command goes on.
    crafted_xlsx(tmp_path / "team.xlsx", "strict", far="XFD70000")
    write("people.csv", f"{HEADER}\n1001,张三,研发部,2027-03-15\n")
    limits = "max_rows = 1000000\nmax_cells = 2000000000\n"
    config = config_for(write, "people.csv", "team.xlsx", roster=limits)
    run = run_measured(["plan", "--json", "-c", str(config)])
    assert run.code == 65, run.stderr  # a roster problem; the other file's people are planned
    assert '"1001"' in run.stdout
    assert "Traceback" not in run.stderr
    assert "team.xlsx" in run.stderr
    assert "parse_memory_mb = 512" in run.stderr
    assert "SIGABRT" in run.stderr
    assert run.rss_mb < 250, run


def test_a_read_over_parse_seconds_is_stopped(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "people.xlsx", "strict")
    (problem,) = problems_of(path, RosterLimits(parse_seconds=0.001))
    assert "longer than [roster] parse_seconds = 0.001" in problem.message


# --- 11 and "What to build" 10: any failure to read one file is that file's -----------------


@pytest.mark.integration
def test_a_toml_roster_nested_5000_deep_is_a_clean_error(write: Write, tmp_path: Path) -> None:
    deep_toml(tmp_path / "deep.toml")
    write("people.csv", f"{HEADER}\n1001,张三,研发部,2027-03-15\n")
    check = run_measured(["check", "-c", str(config_for(write, "people.csv", "deep.toml"))])
    assert check.code == 65, check.stderr
    assert "Traceback" not in check.stderr
    assert f"{tmp_path / 'deep.toml'}: not a roster: arrays or tables nested" in check.stderr
    plan = run_measured(["plan", "--json", "-c", str(tmp_path / "config.toml")])
    assert plan.code == 65, plan.stderr  # a roster problem; people.csv is planned all the same
    assert '"1001"' in plan.stdout
    assert "Traceback" not in plan.stderr
    assert "deep.toml" in plan.stderr


def test_any_failure_reading_one_file_keeps_that_file_last_good_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rd = tmp_path / "rd.csv"
    rd.write_text(f"{HEADER}\n1001,张三,研发部,2027-03-15\n", encoding="utf-8")
    sales = tmp_path / "sales.toml"
    sales.write_text(
        '[[people]]\nid = "2001"\nname = "李四"\npermit_expires = 2027-04-20\n', "utf-8"
    )
    db = Database.in_dir(tmp_path / "state")
    try:
        assert [p.id for p in load_keeping([rd, sales], db).people] == ["1001", "2001"]
        rd.write_text(rd.read_text(encoding="utf-8") + "1002,王五,研发部,2027-05-01\n", "utf-8")

        def broken(path: Path, limits: RosterLimits) -> object:  # a parser's bug, simulated
            raise ZeroDivisionError("a value from the file, never to be shown")

        monkeypatch.setattr(reader, "_read_toml", broken)
        roster = load_keeping([rd, sales], db)
    finally:
        db.close()
    assert [p.id for p in roster.people] == ["1001", "1002", "2001"]  # sales: its last good
    assert roster.stale_files == (str(sales),)
    (problem,) = roster.problems
    assert problem.file == str(sales)
    assert "ZeroDivisionError" in problem.message
    assert "never to be shown" not in problem.message
    with pytest.raises(RosterError) as caught:
        load_roster([rd, sales])
    assert [p.file for p in caught.value.problems] == [str(sales)]


# --- 15: dates before 1900 in a sheet; the formula guard of an export -------------------------


def test_a_date_before_1900_in_a_sheet_is_reported_as_that_date(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "姓名", "居住证到期日"])
    sheet.append(["1001", "张三", dt.datetime(1, 1, 1)])  # a serial day number of -693593
    sheet.append(["1002", "李四", dt.time(10, 0)])
    book.save(tmp_path / "people.xlsx")
    first, second = problems_of(tmp_path / "people.xlsx")
    assert (first.file, first.row, first.field) == (
        str(tmp_path / "people.xlsx"),
        2,
        "居住证到期日",
    )
    assert first.value == "0001-01-01"
    assert "date 0001-01-01 is outside 1950–2099" in first.message
    assert (second.row, second.value) == (3, "10:00:00")
    assert "a time of day" in second.message


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ('\'=HYPERLINK("http://evil.example")', '=HYPERLINK("http://evil.example")'),
        ("'+8613800000000 张三", "+8613800000000 张三"),
        ("'-张三", "-张三"),
        ("'@张三", "@张三"),
        ("'\t张三", "张三"),  # then stripped, as every cell is
        ("'张三", "'张三"),  # an apostrophe before anything else is the name's own
    ],
)
def test_a_csv_cell_guarded_against_formulas_reads_back_unguarded(
    tmp_path: Path, written: str, read: str
) -> None:
    path = tmp_path / "people.csv"
    quoted = '"' + written.replace('"', '""') + '"'
    path.write_text(f"{HEADER}\n1001,{quoted},研发部,2027-03-15\n", encoding="utf-8")
    (person,) = load_roster([path]).people
    assert person.name == read


def test_limit_errors_never_leak_as_exceptions(tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LimitError):
        measure_xlsx(path, RosterLimits())
    (problem,) = problems_of(path)
    assert problem.file == str(path)
