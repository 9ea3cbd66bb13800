"""The state database: private files, per-component schema versions."""

from __future__ import annotations

import stat
from pathlib import Path

from renewd.store.database import Database


def test_state_directory_and_database_are_private(tmp_path: Path) -> None:
    db = Database.in_dir(tmp_path / "state")
    db.close()
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE(db.path.stat().st_mode) == 0o600


def test_schema_steps_apply_once_and_in_order(tmp_path: Path) -> None:
    steps = ["CREATE TABLE a (x INTEGER)", "ALTER TABLE a ADD COLUMN y TEXT"]
    db = Database(tmp_path / "s.sqlite3")
    db.ensure_schema("test", steps[:1])
    db.conn.execute("INSERT INTO a (x) VALUES (1)")
    db.close()
    again = Database(tmp_path / "s.sqlite3")
    again.ensure_schema("test", steps)
    again.ensure_schema("test", steps)  # nothing left to apply
    assert [tuple(r) for r in again.conn.execute("SELECT x, y FROM a")] == [(1, None)]
    version = again.conn.execute("SELECT version FROM schema_version WHERE component = 'test'")
    assert version.fetchone()[0] == 2
