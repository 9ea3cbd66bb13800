"""`renewd check` refuses the feed key the daemon would refuse (a missing key where feeds were
published, a key that is not the one that published them), and writes nothing doing so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.cli import main
from renewd.core.errors import ConfigError
from renewd.store.database import Database
from renewd.store.feedkey import open_feed_key, verify_feed_key
from renewd.store.tokens import KEY_FILE

Write = Callable[[str, str], Path]


def recorded(db: Database) -> str:
    return str(db.conn.execute("SELECT fingerprint FROM feed_key").fetchone()["fingerprint"])


@pytest.mark.both_databases
def test_verify_refuses_what_opening_refuses_and_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    here = tmp_path / "instance"
    verify_feed_key(db, here, {})  # nothing published yet: the first start makes a key
    assert not (here / KEY_FILE).exists()
    open_feed_key(db, here, {})
    mark = recorded(db)
    verify_feed_key(db, here, {})
    key = here / KEY_FILE
    key.write_bytes(b"y" * 32)
    with pytest.raises(ConfigError, match="not the feed key the feeds were published with"):
        verify_feed_key(db, here, {})
    assert recorded(db) == mark
    key.unlink()
    if db.dialect.shared:  # the instance takes the database's key when it starts
        verify_feed_key(db, here, {})
    else:
        with pytest.raises(ConfigError, match="the feed key is missing"):
            verify_feed_key(db, here, {})
    assert not key.exists()


def test_check_says_the_wrong_key_with_its_path(
    write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("people.csv", "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-03-10\n")
    config = write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')
    state = config.parent / "state"
    db = Database.in_dir(state)
    try:
        open_feed_key(db, state, {})
    finally:
        db.close()
    argv = ["check", "-c", str(config), "--today", "2026-12-07"]
    assert main(argv) == 0
    (state / KEY_FILE).write_bytes(b"z" * 32)
    capsys.readouterr()
    assert main(argv) == 78
    err = capsys.readouterr().err
    assert f"{state / KEY_FILE}: this is not the feed key" in err
    assert "renewd feeds rotate --all" in err
