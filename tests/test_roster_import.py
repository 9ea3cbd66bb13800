"""`renewd roster import FILE` (issue 21 item 4): on a shared PostgreSQL state the roster of
record is stored in the database, a new version each time, with who loaded it; the file is read
as `renewd check` reads one (a bad row refuses all of it). On the SQLite state the command is
refused (exit 78) and nothing is made."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from conftest import FROZEN_NOW
from consolekit import PASSWORD, add_user, csrf_of
from daemonkit import Daemon
from netkit import free_port, smtp_server
from pgkit import PgServer
from renewd.cli import main

Write = Callable[[str, str], Path]
FROZEN_DAY = dt.datetime.fromisoformat(FROZEN_NOW).date()
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
    assert "名单第 1 版已由 hr-lin 保存：1 人" in capsys.readouterr().out
    second = write("more.csv", GOOD + "E002,李四,2027-02-01,否,l@example.com\n")
    assert main(["roster", "import", "-c", str(conf), str(second)]) == 0
    assert "名单第 2 版已由" in capsys.readouterr().out
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


def wait_for(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def instance(write: Write, name: str, url: str, smtp_port: int, files: str) -> Daemon:
    port = free_port()
    config = write(
        f"{name}.toml",
        f"""\
        [roster]
        {files}
        settle_seconds = 0
        [state]
        dir = "state-{name}"
        database = "{url}"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://renewd.example.com"
        [[channels]]
        name = "mail"
        type = "email"
        host = "127.0.0.1"
        port = {smtp_port}
        mode = "plain"
        sender = "人事部 <hr@example.com>"
        """,
    )
    return Daemon(config, port)


def feed_path(config: Path, name: str, capsys: pytest.CaptureFixture[str]) -> str | None:
    capsys.readouterr()
    assert main(["feeds", "-c", str(config), "--json"]) in (0, 65)
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["feeds"]}
    return urlsplit(rows[name]["https"]).path if name in rows else None


def version_on(daemon: Daemon) -> object:
    try:
        return daemon.health()[1].get("roster_version")
    except OSError:
        return None


def versions(url: str) -> list[tuple[int, str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT version, source, loaded_by FROM roster_versions ORDER BY version"
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


@pytest.mark.slow  # two daemons on one PostgreSQL: `make test-slow`
@pytest.mark.integration
@pytest.mark.postgres
def test_an_import_on_one_instance_is_served_by_both(
    write: Write, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.fresh()
    expires = FROZEN_DAY + dt.timedelta(days=40)
    header = "工号,姓名,居住证到期日,积分,邮箱\n"

    def rows(*ids: int) -> str:
        return header + "".join(f"P{i:04d},人员{i},{expires},否,p{i}@example.com\n" for i in ids)

    def on_both(version: int, people: int) -> Callable[[], bool]:
        def check() -> bool:
            if (version_on(a), version_on(b)) != (version, version):
                return False
            return all(d.health()[1]["counts"]["people"] == people for d in (a, b))

        return check

    write("people.csv", rows(0))
    with smtp_server() as (_sink, smtp_port):
        a = instance(write, "a", url, smtp_port, 'files = ["people.csv"]')
        add_user(a.config, "admin", "--admin")  # into the shared database
        a.start()
        try:
            assert a.read_notify("READY=1"), a.kill()
            b = instance(write, "b", url, smtp_port, "").start()  # no roster files at all
            try:
                assert b.read_notify("READY=1"), b.kill()
                # The leader's files feed the database: b, which has none, serves them too.
                assert wait_for(on_both(1, 1), 20), a.output() + b.output()
                assert versions(url) == [(1, "files", "roster files")]
                assert feed_path(a.config, "person-P0001", capsys) is None
                new = write("new.csv", rows(0, 1))
                capsys.readouterr()
                assert main(["roster", "import", "-c", str(b.config), str(new), "--by", "hr"]) == 0
                assert wait_for(on_both(2, 2), 15), a.output() + b.output()
                path = feed_path(a.config, "person-P0001", capsys)  # commands read it too
                assert path is not None
                assert path == feed_path(b.config, "person-P0001", capsys)
                status_a, bytes_a = a.get(path)
                assert status_a == 200
                assert b"BEGIN:VCALENDAR" in bytes_a
                assert b.get(path) == (status_a, bytes_a)  # one version, same bytes
                # The files changed on the leader: a new version, over the one imported.
                write("people.csv", rows(0, 2, 3))
                assert wait_for(on_both(3, 3), 20), a.output() + b.output()
                assert [v[1] for v in versions(url)] == ["files", "command", "files"]
                # An upload on the console of b (no files of its own) is a version for both.
                web = requests.Session()
                page = web.get(b.url("/signin")).text
                signed = web.post(
                    b.url("/signin"),
                    data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page)},
                )
                assert signed.status_code == 200, signed.text
                page = web.get(b.url("/roster")).text
                checked = web.post(
                    b.url(f"/roster/check?csrf={csrf_of(page)}"),
                    files={"file": ("people.csv", rows(0, 1, 2, 3).encode(), "text/csv")},
                )
                assert checked.status_code == 200, checked.text
                upload_id = checked.text.split('name="upload" value="')[1].split('"')[0]
                swapped = web.post(
                    b.url("/roster/swap"), data={"csrf": csrf_of(checked.text), "upload": upload_id}
                )
                assert swapped.status_code == 200, swapped.text
                assert wait_for(on_both(4, 4), 20), a.output() + b.output()
                assert versions(url)[-1] == (4, "console", "admin")
            finally:
                b.stop()
            a.stop()
            a.start()  # a restart stores nothing again: the files are what they fed
            assert a.read_notify("READY=1"), a.kill()
            assert wait_for(lambda: version_on(a) == 4, 15), a.output()
            time.sleep(3)  # a few polls
            assert len(versions(url)) == 4
        finally:
            a.stop()
