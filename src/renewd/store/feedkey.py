"""Custody of the feed key: once feeds were published with a key, renewd never silently makes
another one.

Every feed URL and event UID derives from the key, so a lost `feed.key` would change every URL
handed out (and every event in every subscribed calendar) without a word. The state database
records a fingerprint of the key that published the feeds (`feed_key`); a missing or different
key is a configuration error (exit 78) until the operator restores it or says, with
`renewd feeds rotate --all`, that every feed should get a new URL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path

from renewd.core.errors import ConfigError
from renewd.store.database import Database
from renewd.store.tokens import KEY_FILE, load_key

SCHEMA = [
    """
    CREATE TABLE feed_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL
    )
    """,
    # Issue 21: on a shared (PostgreSQL) state the key itself, so every instance serves the
    # same feed URLs; always empty on SQLite, whose key is only the file (or the credential).
    """
    ALTER TABLE feed_key ADD COLUMN secret BLOB
    """,
]


def fingerprint(key: bytes) -> str:
    """Identifies a key without revealing it."""
    return hmac.new(key, b"renewd-feed-key-fingerprint", hashlib.sha256).hexdigest()[:32]


def _key_present(state_dir: Path, environ: Mapping[str, str]) -> bool:
    creds = environ.get("CREDENTIALS_DIRECTORY")
    if creds and (Path(creds) / KEY_FILE).exists():
        return True
    return (state_dir / KEY_FILE).exists()


def _published_before(db: Database) -> bool:
    """A database of 0.1.0 has no fingerprint yet, but its feed tables tell."""
    for table in ("feed_published", "feed_tokens"):
        if table in db.tables() and db.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            return True
    return False


def open_feed_key(
    db: Database,
    state_dir: Path,
    environ: Mapping[str, str] | None = None,
    *,
    replace: bool = False,
) -> bytes:
    """The feed key, checked against the one that published the feeds. With `replace` (what
    `renewd feeds rotate --all` does) a missing key is made anew and a different one accepted."""
    env = os.environ if environ is None else environ
    db.ensure_schema("feed_key", SCHEMA)
    if db.dialect.shared and not replace:
        _share_key(db, state_dir, env)
    row = db.conn.execute("SELECT fingerprint FROM feed_key WHERE id = 1").fetchone()
    recorded = str(row["fingerprint"]) if row else None
    if not replace and not _key_present(state_dir, env) and (recorded or _published_before(db)):
        raise _missing(state_dir)
    key = load_key(state_dir, env)
    mark = fingerprint(key)
    if recorded is not None and recorded != mark and not replace:
        raise _different(state_dir)
    if recorded != mark:  # on a shared state the key goes with it (`_share_key`)
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO feed_key (id, fingerprint, secret) VALUES (1, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " secret = excluded.secret",
                (mark, key if db.dialect.shared else None),
            )
    return key


def verify_feed_key(
    db: Database, state_dir: Path, environ: Mapping[str, str] | None = None
) -> None:
    """What `open_feed_key` refuses, said without writing anything (`renewd check`): a missing
    key where feeds were published, or a key that is not the one they were published with."""
    env = os.environ if environ is None else environ
    row = None
    if "feed_key" in db.tables():
        row = db.conn.execute("SELECT fingerprint, secret FROM feed_key WHERE id = 1").fetchone()
    recorded = str(row["fingerprint"]) if row else None
    if not _key_present(state_dir, env):
        if db.dialect.shared and row is not None and row["secret"] is not None:
            return  # the instance takes the shared state's key when it starts
        if recorded or _published_before(db):
            raise _missing(state_dir)
        return  # the first start makes one
    if recorded is not None and recorded != fingerprint(load_key(state_dir, env)):
        raise _different(state_dir)


def _missing(state_dir: Path) -> ConfigError:
    return ConfigError(
        f"{state_dir / KEY_FILE}: the feed key is missing, but feeds were published with"
        " one. Restore the file from a backup (every URL handed out keeps working), or run"
        " `renewd feeds rotate --all` to give every feed a new URL"
    )


def _different(state_dir: Path) -> ConfigError:
    return ConfigError(
        f"{state_dir / KEY_FILE}: this is not the feed key the feeds were published with."
        " Restore the right one, or run `renewd feeds rotate --all` to give every feed a"
        " new URL"
    )


def _share_key(db: Database, state_dir: Path, env: Mapping[str, str]) -> None:
    """One feed key for every instance of a shared state: the database's, written to this
    instance's key file when it has none; the first instance's key when the database has none.
    A key of its own that differs is refused below (its fingerprint is not the database's)."""
    with db.transaction() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(2126022)")  # two first starts: one key
        row = conn.execute("SELECT fingerprint, secret FROM feed_key WHERE id = 1").fetchone()
        if row is not None and row["secret"] is not None:
            if not _key_present(state_dir, env):
                path = state_dir / KEY_FILE
                state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(bytes(row["secret"]))
            return
        if row is not None and not _key_present(state_dir, env):
            return  # a state that published with a key, here without it: refused by the caller
        key = load_key(state_dir, env)
        if row is not None and row["fingerprint"] != fingerprint(key):
            return  # refused by the caller
        conn.execute(
            "INSERT INTO feed_key (id, fingerprint, secret) VALUES (1, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET secret = excluded.secret",
            (fingerprint(key), key),
        )
