"""The roster of record on a shared PostgreSQL state, kept within bounds and checked first (issue
21): `[roster] keep_versions` prunes old versions in the import's own transaction (the last one
`[roster] files` fed survives, or a restart would store the files again); `renewd roster import`
reads and plans a file as the daemon would, refusing one it cannot read or without a good row and
storing one with some bad rows, each said; the console's roster page reads the stored version off
the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from consolekit import NOW, ROSTER, add_user, running, sign_in
from netkit import free_port
from pgkit import PgServer
from renewd.cli import main
from renewd.store.database import Database
from renewd.store.rosters import RosterVersions

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

Write = Callable[[str, str], Path]
HEADER = "工号,姓名,居住证到期日,积分,邮箱\n"


def config(write: Write, url: str, keep: int | None = None) -> Path:
    kept = f"keep_versions = {keep}\n" if keep is not None else ""
    return write("config.toml", f'[roster]\n{kept}[state]\ndir = "state"\ndatabase = "{url}"\n')


def stored(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT v.version, f.name FROM roster_versions v"
            " JOIN roster_version_files f USING (version) ORDER BY v.version"
        ).fetchall()
        orphans = conn.execute(
            "SELECT COUNT(*) FROM roster_version_files"
            " WHERE version NOT IN (SELECT version FROM roster_versions)"
        ).fetchone()
    assert orphans == (0,)
    return [(int(r[0]), str(r[1])) for r in rows]


def test_imports_keep_the_newest_and_keep_versions_before_it(
    write: Write, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.fresh()
    conf = config(write, url, keep=2)
    for i in range(1, 6):
        people = write(f"p{i}.csv", HEADER + f"E{i:03},人{i},2027-0{i}-20,否,e{i}@example.com\n")
        assert main(["roster", "import", "-c", str(conf), str(people)]) == 0
    assert stored(url) == [(3, "p3.csv"), (4, "p4.csv"), (5, "p5.csv")]
    capsys.readouterr()
    assert main(["roster", "versions", "-c", str(conf)]) == 0
    out, err = capsys.readouterr()
    assert [line.split("\t")[0] for line in out.splitlines()] == ["5", "4", "3"]
    assert "3 kept: the newest and up to 2 before it ([roster] keep_versions)" in err


def test_the_default_keeps_twenty_and_the_last_files_version_survives(
    tmp_path: Path, postgres: PgServer
) -> None:
    db = Database.postgresql(postgres.fresh(), None, tmp_path / "state.sqlite3")
    try:
        versions = RosterVersions(db)
        versions.store([("people.csv", b"fed")], "files", 1.0, "files", keep=20)
        fed = versions.last_fed()
        for i in range(30):
            versions.store([("up.csv", str(i).encode())], "hr", 2.0 + i, "console", keep=20)
        kept = [v.version for v in versions.history(limit=None)]
        assert kept == [*range(31, 10, -1), 1]  # the newest, 20 before it, and the files' one
        assert versions.last_fed() == fed  # a restart stores the files only if they changed
        versions.store([("up.csv", b"x")], "hr", 40.0, "command", keep=0)
        assert [v.version for v in versions.history(limit=None)] == [32, 1]
    finally:
        db.close()


def test_import_stores_a_roster_with_some_bad_rows_and_says_them(
    write: Write, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.fresh()
    conf = config(write, url)
    mixed = write(
        "mixed.csv",
        HEADER
        + "E001,张三,2027-01-20,否,z@example.com\n"
        + "E002,李四,2027-13-40,否,l@example.com\n"
        + "E003,王五,2027-03-01,否,w@example.com\n",
    )
    assert main(["roster", "import", "-c", str(conf), str(mixed), "--by", "hr"]) == 0
    out, err = capsys.readouterr()
    assert "名单第 1 版已由 hr 保存：2 人" in out
    assert "mixed.csv" in err
    assert "row 3" in err  # E002's row: file, row and field
    assert "居住证到期日" in err or "permit_expires" in err
    assert stored(url) == [(1, "mixed.csv")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("allbad.csv", HEADER + "E001,张三,2027-13-40,否,z@example.com\n,,2027-01-01,否,\n"),
        ("broken.xlsx", "not a spreadsheet at all"),
        ("noheader.csv", "a,b,c\n1,2,3\n"),
    ],
)
def test_import_refuses_an_unreadable_or_all_bad_roster_and_stores_nothing(
    write: Write,
    postgres: PgServer,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str,
) -> None:
    url = postgres.fresh()
    conf = config(write, url)
    good = write("good.csv", HEADER + "E009,赵六,2027-01-20,否,z@example.com\n")
    assert main(["roster", "import", "-c", str(conf), str(good)]) == 0
    capsys.readouterr()
    bad = write(name, content)
    assert main(["roster", "import", "-c", str(conf), str(bad)]) == 65
    err = capsys.readouterr().err
    assert name in err
    assert "stored" not in capsys.readouterr().out
    assert stored(url) == [(1, "good.csv")]  # the version in force stays the only one


def test_the_roster_page_reads_the_stored_version_off_the_event_loop(
    write: Write, postgres: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, port = postgres.fresh(), free_port()
    people = write("people.csv", ROSTER)
    conf = write(
        "console.toml",
        f'[roster]\nfiles = ["{people}"]\nsettle_seconds = 0\n'
        f'[state]\ndir = "state"\ndatabase = "{url}"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n',
    )
    add_user(conf, "admin", "--admin")
    assert main(["roster", "import", "-c", str(conf), str(people), "--by", "hr"]) == 0
    with running(conf, NOW) as server:
        source = server.daemon.console_source
        assert source is not None
        loop_thread = server.run(current_thread())
        callers: list[threading.Thread] = []
        in_force = source.roster_files

        def recorded() -> object:
            callers.append(threading.current_thread())
            return in_force()

        monkeypatch.setattr(source, "roster_files", recorded)
        web = sign_in(server, "admin")
        page = web.get(server.url("/roster"))
        assert page.status_code == 200
        assert "people.csv" in page.text  # the stored version's file, named as it was loaded
    assert callers
    assert all(caller is not loop_thread for caller in callers)


async def current_thread() -> threading.Thread:
    return threading.current_thread()


def test_a_versions_files_on_disk_go_once_two_newer_ones_were_read(
    tmp_path: Path, postgres: PgServer
) -> None:
    """The files of the version in force are written under `[state] dir` for the reader; the
    version before stays (a read may be under way), older ones are deleted."""
    db = Database.postgresql(postgres.fresh(), None, tmp_path / "state.sqlite3")
    state = tmp_path / "state"
    try:
        versions = RosterVersions(db)
        for i in range(1, 5):
            stored = versions.store([("up.csv", str(i).encode())], "hr", float(i), "console")
            [path] = versions.materialize(stored.version, state)
            assert path.read_bytes() == str(i).encode()
        cached = sorted(int(f.name) for f in (state / "roster-versions").iterdir())
        assert cached == [3, 4]
    finally:
        db.close()
