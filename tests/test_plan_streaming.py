"""`plan --json` read, planned and written a person at a time (issue 20, `renewd.roster.stream`):
the same document (as parsed JSON, and byte for byte), the same warnings in the same order and
the same exit code as the whole-roster read every release before it made (`App.partial`, then
`document_plans`), on a roster with every kind of problem: bad rows with and without a last good
record, duplicate ids within and across files, other documents (and a duplicate and an unknown
one), an unreadable file served from its last good version, a header-only file, a person whose
feed would clash with an extra feed, and progress recorded in the state."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from renewd.cli import main
from renewd.commands import plan_stream
from renewd.commands.app import App
from renewd.commands.plan import plan_json
from renewd.commands.plan_documents import document_json, document_plans
from renewd.core.errors import EX_DATAERR
from renewd.core.progress import merge_progress
from renewd.roster.formats import read_text
from renewd.roster.limits import RosterLimits
from renewd.roster.rows import read_person
from renewd.roster_read import read_roster
from renewd.store.database import Database
from renewd.store.records import RosterRecords, keep

HEADER = "工号,姓名,部门,居住证到期日,变更事项,积分,居住证续签日期,证件类型,签发日期\n"
EXTRA = '[[feeds.extra]]\nname = "person-E0007"\ngroups = ["部门1"]\n'


def _people(n: int, first: int = 0) -> list[str]:
    return [
        f"E{i:04d},员工{i},部门{i % 3},2027-{1 + i % 12:02d}-{1 + i % 27:02d},"
        f"{'单位' if i % 4 == 0 else ''},{'否' if i % 5 == 0 else '是'},,,\n"
        for i in range(first, first + n)
    ]


@pytest.fixture
def config(write: Callable[[str, str], Path], tmp_path: Path) -> Path:
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv", "more.csv", "gone.csv", "empty.csv"]\n'
        '[state]\ndir = "state"\n[server]\nbase_url = "https://cal.example.com"\n' + EXTRA,
    )
    # A first, good load: its rows become the last good records of the state database.
    good = _people(30)
    write("people.csv", HEADER + "".join(good))
    write("more.csv", HEADER + "".join(_people(5, first=100)))
    write("gone.csv", HEADER + "".join(_people(4, first=200)))
    write("empty.csv", HEADER + "".join(_people(2, first=300)))
    settings = App.load(config).settings
    db = Database.of(settings.state)
    try:
        keep(db, read_roster(settings, RosterRecords(db), hold_clashes=True))
    finally:
        db.close()
    # Then the roster breaks in every way a roster breaks.
    broken = list(good)
    broken[2] = "E0002,员工2,部门2,2027/13/45,,是,,,\n"  # bad date, a last good record
    broken[3] = "E0003,,部门0,2027-04-04,,是,,,\n"  # no name, a last good record
    broken.insert(10, "N0001,新人,部门1,not a date,,是,,,\n")  # bad, a new id: left out
    broken.insert(12, "E0005,又一个,部门2,2027-05-06,,是,,,\n")  # duplicate of row 7
    broken.insert(14, ",无工号,部门2,2027-05-06,,是,,,\n")  # no id at all
    broken += [
        "D0001,Doc One,外籍,2027-04-20,,,,foreign-work-permit,\n",
        "D0001,Doc Again,外籍,2027-04-21,,,,foreign-work-permit,\n",  # duplicate document
        "D0002,Doc Two,外籍,2027-04-20,,,,no-such-pack,\n",  # unknown pack
        "E0001,员工1,部门1,2027-02-02,,是,,foreign-work-permit,\n",  # also another document
        "E0050,员工50,部门2,2027-06-03,,是,2027-05-20,,\n",  # progress in the roster
        "E0060,员工60,部门0,2026-12-20,,是,,,\n",  # progress in the state (below)
    ]
    write("people.csv", HEADER + "".join(broken))
    more = [*_people(5, first=100), "E0004,重复,部门1,2027-08-08,,是,,,\n"]  # across files
    more.append("E0002,别处,部门1,2027-09-09,,是,,,\n")  # duplicates the kept record
    write("more.csv", HEADER + "".join(more))
    (tmp_path / "gone.csv").unlink()  # unreadable: its last good version is served
    write("empty.csv", HEADER)  # a header alone: its last good version is served
    assert main(["done", "-c", str(config), "E0060", "permit", "--on", "2026-12-01"]) == 0
    return config


def _reference(
    config: Path, day: dt.date, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, Any], str, int]:
    """What `plan --json` printed, said and returned before it streamed: the whole roster read,
    everyone planned, then the other documents."""
    capsys.readouterr()
    app = App.load(config)
    partial = app.partial
    people = merge_progress(partial.people, app.recorded())
    documents, bad = document_plans(app, partial.roster.documents, day)
    entries = [plan_json(app.planner.plan(p, day)) for p in people]
    entries += [document_json(d) for d in documents]
    status = EX_DATAERR if partial.problems or bad else 0
    return {"today": day.isoformat(), "people": entries}, capsys.readouterr().err, status


@pytest.mark.parametrize("today", ["2026-12-07", "2027-05-01"])
def test_streamed_plan_is_the_whole_roster_plan(
    config: Path, today: str, capsys: pytest.CaptureFixture[str]
) -> None:
    day = dt.date.fromisoformat(today)
    expected, said, status = _reference(config, day, capsys)
    ids = [entry["id"] for entry in expected["people"]]
    # The roster's every case is there: kept records after their file's good rows, the stale
    # file's people, the documents last; the clash, the duplicates and the new bad id left out.
    assert ids[:3] == ["E0000", "E0001", "E0004"]
    assert ids.index("E0002") > ids.index("E0060") > ids.index("E0050")
    assert "E0007" not in ids
    assert {"E0200", "E0203", "E0300", "E0301", "D0001"} <= set(ids)
    assert "D0002" not in ids
    assert "N0001" not in ids
    assert ids.count("E0005") == 1
    assert ids.count("E0004") == 1
    assert [e["id"] for e in expected["people"] if "document" in e] == ["D0001", "E0001"]
    assert "duplicate id 'E0005'" in said
    assert "duplicate id 'E0004'" in said
    assert "would be named 'person-E0007'" in said
    assert "no-such-pack" in said
    assert status == EX_DATAERR
    args = ["plan", "-c", str(config), "--today", today, "--json"]
    assert main(args) == status
    streamed = capsys.readouterr()
    assert json.loads(streamed.out) == expected
    compact = json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    assert streamed.out == compact + "\n"
    assert streamed.err == said  # the same warnings, in the same order
    assert main([*args, "--pretty"]) == status
    pretty = capsys.readouterr()
    assert pretty.out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert pretty.err == said


def test_nobody_to_serve_fails_before_any_output(
    write: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')
    write("people.csv", HEADER + "E0001,,部门1,2027-01-01,,是,,,\n")
    for pretty in ([], ["--pretty"]):
        assert main(["plan", "-c", str(config), "--json", *pretty]) == EX_DATAERR
        out = capsys.readouterr()
        assert out.out == ""
        assert "no valid roster" in out.err


def test_the_first_person_is_written_before_the_last_row_is_read(
    write: Callable[[str, str], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Streamed: people are planned and written as their rows are read, not all held first."""
    config = write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')
    write("people.csv", HEADER + "".join(_people(50)))
    read = 0
    original = read_person

    def counting(*args: object, **kw: object) -> object:
        nonlocal read
        read += 1
        return original(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("renewd.roster.reader.read_person", counting)
    monkeypatch.setattr(plan_stream, "CHUNK", 5)
    written: list[int] = []

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            written.append(read)
            return super().write(text)

    out = Out()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["plan", "-c", str(config), "--json", "--today", "2026-12-07"]) == 0
    assert len(json.loads(out.getvalue())["people"]) == 50
    assert written[0] <= 6 < 50 == written[-1]  # the first chunk out after ~5 rows read


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a,b\n" * 30, "over [roster] max_rows"),
        ('"' + "x" * 140_000 + '"\n', "not valid CSV"),
        ("x" * 140_000 + "\n", "not valid CSV"),
        ("a," * 400 + "\n", "max_cells"),
    ],
)
def test_a_checked_text_file_fails_before_its_first_row(
    tmp_path: Path, text: str, problem: str
) -> None:
    """`read_text(checked=True)` raises what splitting would raise halfway, before any row is
    taken; a file it proves sound by its bounds is split as before."""
    path = tmp_path / "people.csv"
    path.write_text("id,name\n" + text, encoding="utf-8")
    limits = RosterLimits(max_rows=10, max_cells=300)
    rows_of = read_text(path, limits)  # unchecked: it fails only as it is read
    with pytest.raises(Exception, match=re.escape(problem)):
        list(rows_of)
    with pytest.raises(Exception, match=re.escape(problem)):
        read_text(path, limits, checked=True)
    path.write_text("id,name\n" + "a,b\n" * 9, encoding="utf-8")
    assert list(read_text(path, limits, checked=True)) == [["id", "name"], *[["a", "b"]] * 9]


@pytest.mark.parametrize(
    "text",
    [
        "id,name\na,b\nc,d\n",
        "id,name\r\na,b\r\nc,d",  # Excel's line ends, no last one
        "id,name\ra,b\rc,d\r",  # lone CRs: split as before
        'id,name\n"a\nstill a",b\n"c\r\nstill c",d\n\n\ne,f',  # quoted line ends, blank lines
        "id;name\n'=a;'b\n",  # a formula-safe export's guard
    ],
)
def test_a_checked_text_file_splits_into_the_same_rows(tmp_path: Path, text: str) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode("utf-8"))
    limits = RosterLimits()
    assert list(read_text(path, limits, checked=True)) == list(read_text(path, limits))
