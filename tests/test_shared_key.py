"""One feed key for every instance of a shared (PostgreSQL) state (issue 21): the first instance's
key is kept in the database, an instance without a key of its own takes it, and one whose key
differs refuses to start."""

from __future__ import annotations

from pathlib import Path

import pytest

from renewd.core.errors import ConfigError
from renewd.store.database import Database
from renewd.store.feedkey import open_feed_key
from renewd.store.tokens import KEY_FILE

pytestmark = [pytest.mark.both_databases, pytest.mark.only_postgres]


def test_every_instance_serves_with_the_first_ones_key(db: Database, tmp_path: Path) -> None:
    first = open_feed_key(db, tmp_path / "a", {})
    other = db.again()
    try:
        assert open_feed_key(other, tmp_path / "b", {}) == first
        assert (tmp_path / "b" / KEY_FILE).read_bytes() == first
        assert (tmp_path / "b" / KEY_FILE).stat().st_mode & 0o777 == 0o600
        (tmp_path / "c").mkdir()
        (tmp_path / "c" / KEY_FILE).write_bytes(b"x" * 32)
        (tmp_path / "c" / KEY_FILE).chmod(0o600)
        with pytest.raises(ConfigError, match="not the feed key"):
            open_feed_key(other, tmp_path / "c", {})
        rotated = open_feed_key(other, tmp_path / "c", {}, replace=True)  # feeds rotate --all
        assert rotated != first
        (tmp_path / "d").mkdir()
        assert open_feed_key(db.again(), tmp_path / "d", {}) == rotated
    finally:
        other.close()
