"""Schema versions across releases (issue 21, settled detail "an older binary refuses a newer
schema; the leader migrates"): a state whose component is newer than this release knows is refused
by `renewd check`, a command and `renewd run` alike (78, naming the state and the component), and
nothing is written or sent; on a shared database a newer binary beside a live older leader (a
standby, or a command) does not migrate the schema under it (75) until that leader is gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main
from renewd.store import database as database_module
from renewd.store import progress as progress_module
from renewd.store.components import COMPONENTS, SHARED_ONLY
from renewd.store.database import Database, LeaderMigrates
from renewd.store.feedkey import open_feed_key
from renewd.store.leader import LeaderLease

pytestmark = pytest.mark.both_databases

PEOPLE = "工号,姓名,居住证到期日,积分,邮箱\nE001,张三,2026-12-10,否,z@example.com\n"


def made(db: Database) -> None:
    for component, steps in COMPONENTS.items():
        db.ensure_schema(component, steps)
    if db.dialect.shared:
        for component, steps in SHARED_ONLY.items():
            db.ensure_schema(component, steps)


def contents(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, as a comparable value."""
    out = {}
    for table in sorted(db.tables()):
        rows = db.conn.execute(f"SELECT * FROM {table}").fetchall()
        out[table] = sorted((tuple(row) for row in rows), key=repr)
    return out


def configured(write: object, tmp_path: Path, db: Database, smtp_port: int) -> Path:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    database = f'database = "{db.url}"\n' if db.dialect.shared else ""
    config = tmp_path / "config.toml"
    config.write_text(
        '[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n'
        f'[state]\ndir = "state"\n{database}'
        '[server]\nlisten = "127.0.0.1:0"\n'
        '[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {smtp_port}\nmode = "plain"\nsender = "hr@example.com"\n',
        encoding="utf-8",
    )
    return config


def test_an_older_binary_refuses_a_newer_schema_and_writes_nothing(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Sink, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    sink, port = smtp
    made(db)
    known = len(COMPONENTS["delivery"])
    with db.transaction() as conn:  # a newer release added a step to the deliveries
        conn.execute(
            "UPDATE schema_version SET version = ? WHERE component = 'delivery'", (known + 1,)
        )
    config = configured(None, tmp_path, db, port)
    before = contents(db)
    capsys.readouterr()
    for argv in (
        ["check"],
        ["notify", "--due"],
        ["done", "E001", "permit_renewed_on", "--on", "2026-12-01"],
        ["run"],
    ):
        assert main([argv[0], "-c", str(config), *argv[1:]]) == 78, argv
        err = capsys.readouterr().err
        assert db.where() in err, (argv, err)
        assert f"delivery tables are at version {known + 1}" in err, (argv, err)
        assert f"newer than this renewd knows ({known})" in err
    assert sink.messages == []
    assert contents(db) == before  # no lease taken, no table made, nothing recorded
    assert db.version("delivery") == known + 1


def test_an_older_binary_refuses_a_component_only_a_newer_release_has(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Sink, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    sink, port = smtp
    made(db)
    with db.transaction() as conn:  # a newer release added tables of a component of its own
        conn.execute("INSERT INTO schema_version (component, version) VALUES ('reminder_rules', 1)")
    config = configured(None, tmp_path, db, port)
    before = contents(db)
    capsys.readouterr()
    for argv in (["check"], ["notify", "--due"], ["run"]):
        assert main([argv[0], "-c", str(config), *argv[1:]]) == 78, argv
        err = capsys.readouterr().err
        assert db.where() in err, (argv, err)
        assert "the state has reminder_rules tables, which this renewd does not know" in err
    assert sink.messages == []
    assert contents(db) == before


@pytest.mark.only_postgres
def test_a_standby_does_not_migrate_under_an_older_leader(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Sink, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rolling upgrade: the older release leads; the newer one, started beside it, finds a step
    of its own due and neither applies it (as a standby or as a command) nor stops the leader;
    once the leader is gone it takes the lead and migrates."""
    sink, port = smtp
    made(db)
    open_feed_key(db, tmp_path / "state", {})  # the older leader's key, the same on disk
    older = LeaderLease(db.again())
    assert older.hold("old-release:1", 60) == 1
    newer_steps = [*progress_module.SCHEMA, "CREATE TABLE progress_note (person TEXT)"]
    monkeypatch.setattr(progress_module, "SCHEMA", newer_steps)  # what the newer release knows
    monkeypatch.setattr(database_module, "MIGRATION_WAIT_SECONDS", 0.5)
    config = configured(None, tmp_path, db, port)
    before = contents(db)
    capsys.readouterr()
    for argv in (["run"], ["done", "E001", "permit_renewed_on", "--on", "2026-12-01"]):
        assert main([argv[0], "-c", str(config), *argv[1:]]) == 75, argv
        err = capsys.readouterr().err
        assert "progress tables are at version 2 and this renewd would migrate them to 3" in err
        assert "another instance leads (old-release:1)" in err
    assert contents(db) == before  # the older leader's schema (and everything else) as it was
    assert older.hold("old-release:1", 60) == 1  # still the leader, same epoch
    assert sink.messages == []
    other = db.again()
    other.holder = "new-release:1"
    with pytest.raises(LeaderMigrates):
        other.ensure_schema("progress", newer_steps)
    assert LeaderLease(other).hold("new-release:1", 60) is None
    older.give_up("old-release:1")
    older.db.close()
    assert LeaderLease(other).hold("new-release:1", 60) == 2  # the newer one leads now
    other.ensure_schema("progress", newer_steps)  # and migrates
    assert other.version("progress") == 3
    assert "progress_note" in other.tables()
    other.close()


@pytest.mark.only_postgres
def test_the_leader_and_a_lone_instance_migrate(db: Database) -> None:
    """No live leader (a fresh database, `state migrate`, every instance stopped): whoever opens
    the state migrates; the leader migrates while it leads."""
    made(db)
    steps = [*progress_module.SCHEMA, "CREATE TABLE progress_note (person TEXT)"]
    lease = LeaderLease(db.again())
    assert lease.hold("leader:1", 60) == 1
    db.holder = "leader:1"
    db.ensure_schema("progress", steps)
    assert db.version("progress") == 3
    lease.give_up("leader:1")
    lease.db.close()
    lone = db.again()
    lone.holder = None
    lone.ensure_schema("progress", [*steps, "CREATE TABLE progress_more (person TEXT)"])
    assert lone.version("progress") == 4
    lone.close()
