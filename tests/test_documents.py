"""People hold documents (docs/packs.md): one roster row per (person, document), each planned by
its pack in `renewd plan` and `renewd check`, steps recorded with `renewd done --document`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from renewd.cli import main
from renewd.core.model import Person
from renewd.roster.reader import load_roster
from renewd.roster.written import roster_csv

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]

POINTS_ONLY = """\
工号,姓名,部门,居住证到期日
1001,张三,研发部,2027-03-10
"""
# A Shanghai points holder and a foreign employee with both permits (the residence permit
# follows the work permit), and a Guangzhou branch employee.
WITH_DOCUMENTS = """\
工号,姓名,部门,证件类型,到期日,签发日期
1001,张三,研发部,,2027-03-10,
2001,John Smith,研发部,foreign-work-permit,2027-04-20,
2001,John Smith,研发部,居留许可,2027-04-25,
3001,王五,广州分公司,广州居住证,,2019-05-15
"""


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


Run = Callable[..., Result]


@pytest.fixture
def renewd(capsys: pytest.CaptureFixture[str]) -> Run:
    """`renewd ARGS` in this process (the command line's own entry point)."""

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exc:  # argparse's refusals
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def setup(write: Write, roster: str) -> Path:
    write("people.csv", roster)
    return write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')


def plan(renewd: Run, config: Path, *extra: str) -> dict[str, Any]:
    result = renewd("plan", "-c", config, "--json", "--today", "2026-12-07", *extra)
    assert result.returncode == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_each_document_is_an_entry_and_the_points_entry_is_unchanged(
    write: Write, renewd: Run, tmp_path: Path
) -> None:
    config = setup(write, POINTS_ONLY)
    before = renewd("plan", "-c", config, "--json", "--today", "2026-12-07").stdout
    setup(write, WITH_DOCUMENTS)
    after = renewd("plan", "-c", config, "--json", "--today", "2026-12-07").stdout
    # The points entry is byte for byte what it was: the other documents come after it.
    assert after.startswith(before.removesuffix("]}\n"))
    people = json.loads(after)["people"]
    assert [(p["id"], p.get("document")) for p in people] == [
        ("1001", None),
        ("2001", "foreign-work-permit"),
        ("2001", "foreign-residence-permit"),
        ("3001", "guangzhou-residence-permit"),
    ]
    work, residence, guangzhou = people[1:]
    steps = {m["kind"]: m for m in work["milestones"]}
    # The work permit is planned back from the residence permit's application day (26 March
    # 2027, 30 days before 25 April: a Friday), not from its own expiry.
    assert {m["kind"]: m["due"] for m in residence["milestones"]}["residence_application"] == (
        "2027-03-26"
    )
    assert steps["holder_signature"]["due"] <= "2027-03-26"
    assert steps["extension_filing"]["cutoff"] == "2027-03-21"  # 30 days before 20 April
    assert steps["extension_filing"]["owner"] == "employer"
    assert work["feasible"]
    assert not work["cut_off"]
    # Guangzhou: the cycle ends on the next anniversary of issue.
    assert guangzhou["cycle"] == "2027-05-15"
    assert {m["kind"]: m["due"] for m in guangzhou["milestones"]}["endorsement"] == "2027-05-14"


def test_done_records_a_documents_step_and_the_plan_shows_it(write: Write, renewd: Run) -> None:
    config = setup(write, WITH_DOCUMENTS)
    result = renewd("done", "-c", config, "2001", "申报延期", "--on", "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert "extension_filing" in result.stdout
    doc = plan(renewd, config)
    work = next(p for p in doc["people"] if p.get("document") == "foreign-work-permit")
    filing = next(m for m in work["milestones"] if m["kind"] == "extension_filing")
    assert filing["done_on"] == "2026-12-01"
    assert filing["status"] == "done"
    # "expiry" is in both of his documents: which one must be said.
    ambiguous = renewd("done", "-c", config, "2001", "expiry")
    assert ambiguous.returncode == 64
    assert "--document" in ambiguous.stderr
    # Someone not in the roster is said so, as before.
    nobody = renewd("done", "-c", config, "9999", "permit")
    assert nobody.returncode == 64
    assert "no person with id '9999'" in nobody.stderr
    # A points step still goes to the points' own checks, as before (its window is not open).
    points = renewd("done", "-c", config, "1001", "permit", "--on", "2026-12-01")
    assert points.returncode == 64
    assert "permit_renewed_on" in points.stderr
    undo = renewd("done", "-c", config, "2001", "extension_filing", "--undo")
    assert undo.returncode == 0, undo.stderr
    assert "extension_filing" in undo.stdout
    work = next(
        p for p in plan(renewd, config)["people"] if p.get("document") == "foreign-work-permit"
    )
    assert all(m["done_on"] is None for m in work["milestones"])


def test_check_refuses_an_unknown_document_naming_row_and_field(write: Write, renewd: Run) -> None:
    config = setup(write, WITH_DOCUMENTS + "4001,李四,研发部,shenzhen-permit,2027-05-01,\n")
    result = renewd("check", "-c", config, "--today", "2026-12-07")
    assert result.returncode == 65, result.stderr
    assert "people.csv, row 6" in result.stderr
    assert "'document'" in result.stderr
    good = setup(write, WITH_DOCUMENTS)
    ok = renewd("check", "-c", good, "--today", "2026-12-07")
    assert ok.returncode == 0, ok.stderr
    assert "另有其他证件 3 份" in ok.stdout


def test_done_takes_a_packs_step_names_in_either_language(write: Write, renewd: Run) -> None:
    config = setup(write, WITH_DOCUMENTS)
    english = renewd(
        "done", "-c", config, "2001", "File the work-permit extension", "--on", "2026-12-03"
    )
    assert english.returncode == 0, english.stderr
    assert "extension_filing" in english.stdout
    # Its decision cannot come before it.
    early = renewd(
        "done", "-c", config, "2001", "Work-permit decision expected", "--on", "2026-12-02"
    )
    assert early.returncode == 64
    assert "早于已记录的申报工作许可延期（2026-12-03）" in early.stderr
    # 等待审批 is a step of both permits: --document tells them apart, by the roster's names too.
    both = renewd("done", "-c", config, "2001", "等待审批", "--on", "2026-12-04")
    assert both.returncode == 64
    assert "foreign-residence-permit, foreign-work-permit" in both.stderr
    chosen = renewd(
        "done", "-c", config, "2001", "等待审批", "--on", "2026-12-04", "--document", "工作许可"
    )
    assert chosen.returncode == 0, chosen.stderr
    assert "permit_processing" in chosen.stdout
    unknown = renewd("done", "-c", config, "2001", "签字")
    assert unknown.returncode == 64
    assert "foreign-work-permit: filing_window, extension_filing," in unknown.stderr
    assert "; foreign-residence-permit: employer_letter," in unknown.stderr
    work = next(
        p for p in plan(renewd, config)["people"] if p.get("document") == "foreign-work-permit"
    )
    done = {m["kind"]: m["done_on"] for m in work["milestones"]}
    assert done["extension_filing"] == "2026-12-03"
    assert done["permit_processing"] == "2026-12-04"


def test_an_identity_document_column_plans_as_before(write: Write, renewd: Run) -> None:
    """Many HR sheets already have a 证件类型 column naming the ID card or passport, and a
    签发日期: such rows are Shanghai points rows, byte for byte as when the columns were ignored
    (an issue day only another document's row reads)."""
    config = setup(
        write, POINTS_ONLY + "1002,李四,研发部,2027-05-10\n1003,王五,研发部,2027-06-10\n"
    )
    before = renewd("plan", "-c", config, "--json", "--today", "2026-12-07").stdout
    setup(
        write,
        "工号,姓名,部门,居住证到期日,证件类型,签发日期\n"
        "1001,张三,研发部,2027-03-10,居民身份证,不详\n"
        "1002,李四,研发部,2027-05-10,护照,2026-05-11\n"
        "1003,王五,研发部,2027-06-10,居住证,\n",  # the permit renewd tracks: points, as before
    )
    after = renewd("plan", "-c", config, "--json", "--today", "2026-12-07")
    assert after.returncode == 0, after.stderr
    assert after.stdout == before


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("工号,姓名,部门,居住证到期日,到期日", "1001,张三,研发部,2027-03-10,2028-12-31"),
        ("工号,姓名,部门,到期日,居住证到期日", "1001,张三,研发部,2028-12-31,2027-03-10"),
    ],
)
def test_a_generic_expiry_column_beside_the_permits_is_ignored_as_before(
    write: Write, renewd: Run, header: str, row: str
) -> None:
    """到期日 names the expiry only where no 居住证到期日 does: beside it (a contract's end, say)
    it is ignored, as it was, rather than refusing the file for a repeated column."""
    config = setup(write, POINTS_ONLY)
    before = renewd("plan", "-c", config, "--json", "--today", "2026-12-07").stdout
    setup(write, f"{header}\n{row}\n")
    after = renewd("plan", "-c", config, "--json", "--today", "2026-12-07")
    assert after.returncode == 0, after.stderr
    assert after.stdout == before
    check = renewd("check", "-c", config, "--today", "2026-12-07")
    assert check.returncode == 0, check.stderr
    assert "ignored columns renewd does not use: '到期日'" in check.stderr


def test_the_roster_download_keeps_each_documents_row(tmp_path: Path) -> None:
    """The console's roster download writes the other documents' rows under 证件类型 and
    签发日期, so the file uploads back whole; a points-only roster's file is as it was."""
    path = tmp_path / "people.csv"
    path.write_text(WITH_DOCUMENTS, encoding="utf-8")
    roster = load_roster([path])
    back_path = tmp_path / "back.csv"
    back_path.write_bytes(roster_csv([*roster.people, *roster.documents]))
    back = load_roster([back_path])

    def rows(people: tuple[Person, ...]) -> list[Person]:
        return [replace(p, source="") for p in people]

    assert rows(back.people) == rows(roster.people)
    assert rows(back.documents) == rows(roster.documents)
    header = back_path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-2:] == ["证件类型", "签发日期"]
    points_only = roster_csv(roster.people).decode("utf-8-sig").splitlines()[0]
    assert "证件类型" not in points_only
