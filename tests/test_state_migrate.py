"""`renewd state migrate --to postgresql://…` (issue 21): a SQLite state, here the one release
0.1.0 made (tests/fixtures/state-0.1.0), copied into an empty PostgreSQL database: every table,
checked by row counts; afterwards nothing is sent again, progress and feed URLs survive, and new
rows go on after the copied ids. A database that is not empty is refused."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest

from netkit import Sink
from pgkit import PgServer
from renewd.cli import main
from renewd.store.transfer import COMPONENTS, SHARED_ONLY

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

FIXTURE = Path(__file__).parent / "fixtures" / "state-0.1.0"
ALL_PEOPLE_TOKEN = "T3sZQoS6ipw1AnNssnSRxerdRSTr39eL"  # the all-people URL 0.1.0 printed


def install(tmp_path: Path, smtp_port: int, database: str | None = None) -> Path:
    """The 0.1.0 state with a config like the one that made it (tests/test_upgrade.py)."""
    state = tmp_path / "state"
    if not state.exists():
        state.mkdir(mode=0o700)
        for name in ("renewd.sqlite3", "feed.key"):
            shutil.copy(FIXTURE / name, state / name)
            (state / name).chmod(0o600)
        shutil.copy(FIXTURE / "people.csv", tmp_path / "people.csv")
    shared = f'database = "{database}"\n' if database else ""
    config = tmp_path / "config.toml"
    config.write_text(
        'timezone = "Asia/Shanghai"\nlanguage = "zh"\n'
        f'[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n{shared}'
        '[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {smtp_port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
        encoding="utf-8",
    )
    return config


def counts_sqlite(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'schema_version'"
            )
        ]
        return {n: int(conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0]) for n in names}
    finally:
        conn.close()


def counts_pg(url: str, tables: list[str]) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            n: int(conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0])  # type: ignore[index]
            for n in tables
        }


def test_a_migrated_state_sends_nothing_again_and_keeps_every_row(
    tmp_path: Path,
    postgres: PgServer,
    smtp: tuple[Sink, int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sink, port = smtp
    url = postgres.fresh()
    config = install(tmp_path, port)
    assert main(["state", "migrate", "-c", str(config), "--to", url]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "copied" in out
    assert "delivery: 10" in out  # the ten reminders 0.1.0 sent
    mine = counts_sqlite(tmp_path / "state" / "renewd.sqlite3")  # upgraded in place on the way
    assert mine["delivery"] == 10
    assert mine["feed_published"] > 0  # feed stamps: Last-Modified never moves backwards
    assert counts_pg(url, sorted(mine)) == mine
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT secret FROM feed_key").fetchone()
        assert row is not None
        assert bytes(row[0]) == (tmp_path / "state" / "feed.key").read_bytes()  # shared key

    config = install(tmp_path, port, database=url)  # the same install, now on PostgreSQL
    (tmp_path / "state" / "renewd.sqlite3").rename(tmp_path / "old.sqlite3")  # not read again
    for day in ("2026-12-01", "2026-12-02"):
        assert main(["notify", "-c", str(config), "--due", "--today", day]) == 0
    assert sink.messages == []  # nothing 0.1.0 sent is sent again
    capsys.readouterr()
    assert main(["log", "-c", str(config), "--person", "1001"]) == 0
    log = capsys.readouterr().out
    assert "1001 居住证签注（续签） = 2026-11-30" in log  # recorded by 0.1.0
    assert "已发送" in log
    assert main(["feeds", "-c", str(config), "--json"]) == 0
    assert ALL_PEOPLE_TOKEN in capsys.readouterr().out  # every feed URL handed out still works
    # New rows go on after the copied ids (each table's identity counter was moved on).
    assert main(["done", "-c", str(config), "1001", "permit", "--on", "2026-12-01"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a long passphrase\n"))
    assert main(["user", "add", "-c", str(config), "admin2", "--admin"]) == 0
    with psycopg.connect(url) as conn:
        for table in mine:
            rowids = conn.execute(f"SELECT COUNT(DISTINCT rowid), COUNT(*) FROM {table}")
            distinct, rows = rowids.fetchone() or (0, 0)
            assert distinct == rows, table


def test_a_database_that_is_not_empty_is_refused(
    tmp_path: Path, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.fresh()
    config = install(tmp_path, 25)
    assert main(["state", "migrate", "-c", str(config), "--to", url]) == 0
    before = counts_pg(url, ["delivery", "progress_fact"])
    capsys.readouterr()
    assert main(["state", "migrate", "-c", str(config), "--to", url]) == 78
    err = capsys.readouterr().err
    assert "is not empty" in err
    assert "Traceback" not in err
    assert counts_pg(url, ["delivery", "progress_fact"]) == before  # nothing merged, nothing lost
    other = postgres.fresh()
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute("CREATE TABLE theirs (x int)")
    assert main(["state", "migrate", "-c", str(config), "--to", other]) == 78
    assert "theirs" in capsys.readouterr().err


def test_the_password_never_goes_on_the_command_line(
    tmp_path: Path, postgres: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = install(tmp_path, 25)
    url = postgres.fresh().replace("postgres@", "postgres:hunter22@")
    assert main(["state", "migrate", "-c", str(config), "--to", url]) == 78
    err = capsys.readouterr().err
    assert "RENEWD_STATE_DATABASE_PASSWORD" in err
    assert "hunter22" not in err


def test_every_component_of_the_store_is_migrated() -> None:
    source = (Path(__file__).parent.parent / "src" / "renewd" / "store").glob("*.py")
    made = {m for path in source for m in re.findall(r'ensure_schema\("(\w+)"', path.read_text())}
    assert made == set(COMPONENTS) | set(SHARED_ONLY)
