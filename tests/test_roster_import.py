"""`renewd roster import FILE` (issue 21 item 4): on a shared PostgreSQL state the roster of
record is stored in the database, a new version each time, with who loaded it; the file is read
as `renewd check` reads one (a bad row refuses all of it). On the SQLite state the command is
refused (exit 78) and nothing is made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgkit import PgServer
from renewd.cli import main

Write = Callable[[str, str], Path]
GOOD = "工号,姓名,居住证到期日,积分,邮箱\nE001,张三,2027-01-20,否,z@example.com\n"
BAD = "工号,姓名,居住证到期日,积分,邮箱\nE001,张三,2027-13-40,否,z@example.com\n"


def config(write: Write, database: str | None) -> Path:
    roster = "" if database else '[roster]\nfiles = ["people.csv"]\n'
    text = f'{roster}[state]\ndir = "state"\n' + (f'database = "{database}"\n' if database else "")
    return write("config.toml", text)


@pytest.mark.integration
@pytest.mark.postgres
def test_import_stores_versions_with_who_loaded_them(
    write: Write, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.fresh()
    conf = config(write, url)  # no [roster] files at all: the database holds the roster
    first = write("people.csv", GOOD)
    assert main(["roster", "import", "-c", str(conf), str(first), "--by", "hr-lin"]) == 0
    assert "roster version 1 stored by hr-lin: 1 people" in capsys.readouterr().out
    second = write("more.csv", GOOD + "E002,李四,2027-02-01,否,l@example.com\n")
    assert main(["roster", "import", "-c", str(conf), str(second)]) == 0
    assert "roster version 2 stored by" in capsys.readouterr().out
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT v.version, v.loaded_by, v.source, f.name, f.content FROM roster_versions v"
            " JOIN roster_version_files f USING (version) ORDER BY v.version"
        ).fetchall()
    assert [(r[0], r[2], r[3]) for r in rows] == [
        (1, "command", "people.csv"),
        (2, "command", "more.csv"),
    ]
    assert rows[0][1] == "hr-lin"
    assert bytes(rows[0][4]) == first.read_bytes()  # the file as it was, byte for byte
    assert main(["roster", "versions", "-c", str(conf)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("2\t")
    assert listed[1].startswith("1\t2026-12-07")
    assert "hr-lin\tcommand\tpeople.csv" in listed[1]


@pytest.mark.integration
@pytest.mark.postgres
def test_a_bad_row_refuses_the_import_and_stores_nothing(
    write: Write, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.fresh()
    conf = config(write, url)
    bad = write("bad.csv", BAD)
    assert main(["roster", "import", "-c", str(conf), str(bad)]) == 65
    err = capsys.readouterr().err
    assert "bad.csv" in err
    assert "row 2" in err
    assert main(["roster", "import", "-c", str(conf), str(write("x.txt", "nothing"))]) == 65
    with psycopg.connect(url) as conn:
        made = conn.execute("SELECT to_regclass('roster_versions')").fetchone()
        assert made == (None,) or conn.execute(
            "SELECT COUNT(*) FROM roster_versions"
        ).fetchone() == (0,)


def test_on_sqlite_import_is_refused_with_78_and_makes_no_state(
    write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = config(write, None)
    people = write("people.csv", GOOD)
    assert main(["roster", "import", "-c", str(conf), str(people)]) == 78
    err = capsys.readouterr().err
    assert "SQLite" in err
    assert "[roster] files" in err
    assert not (tmp_path / "state").exists()
    assert main(["roster", "versions", "-c", str(conf)]) == 78


def test_roster_files_stay_required_on_sqlite(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = write("config.toml", '[roster]\n[state]\ndir = "state"\n')
    assert main(["check", "-c", str(conf)]) == 78
    assert "roster.files" in capsys.readouterr().err
