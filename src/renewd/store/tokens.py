"""Feed tokens: unguessable, rotatable, never stored in the clear.

token = base64url(HMAC-SHA256(key, "renewd-feed" NUL name NUL counter)[:24])  — 192 bits.

The key comes from `$CREDENTIALS_DIRECTORY/feed.key` (systemd `LoadCredential=`), else from
`<state dir>/feed.key`, generated once with mode 0600. The database holds only the rotation
counter of each feed (`feed_tokens`); rotating a feed raises its counter, so its old token no
longer derives and stops working at once. Requests are matched by the SHA-256 of the presented
token, never by comparing token strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from renewd.core.errors import ConfigError
from renewd.store.database import Database

KEY_FILE = "feed.key"
KEY_BYTES = 32
TOKEN_BYTES = 24

SCHEMA = [
    """
    CREATE TABLE feed_tokens (
        name TEXT PRIMARY KEY,
        counter INTEGER NOT NULL
    )
    """,
]


def load_key(state_dir: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The feed key: the systemd credential if there is one, else the state directory's key
    file, created on first use. Refuses a key file that others can read."""
    env = os.environ if environ is None else environ
    creds = env.get("CREDENTIALS_DIRECTORY")
    if creds:
        path = Path(creds) / KEY_FILE
        if path.exists():
            key = path.read_bytes().strip()
            if len(key) < 16:
                raise ConfigError(f"{path}: the feed key must hold at least 16 bytes")
            return key
    path = state_dir / KEY_FILE
    try:
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(f"{path}: cannot create the feed key: {exc.strerror}") from None
    else:
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(KEY_BYTES))
            out.flush()
            os.fsync(out.fileno())
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path}: the feed key is readable by others; run chmod 600 {path}")
    key = path.read_bytes()
    if len(key) < 16:
        raise ConfigError(f"{path}: the feed key is too short; delete it to generate a new one")
    return key


def derive(key: bytes, name: str, counter: int) -> str:
    mac = hmac.new(key, f"renewd-feed\x00{name}\x00{counter}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:TOKEN_BYTES]).decode("ascii")


def uid_key(key: bytes) -> bytes:
    """The key event UIDs are derived with (`renewd.core.ics.person_hash`): from the feed key,
    so it needs no storage of its own, and separate from the tokens' derivation."""
    return hmac.new(key, b"renewd-event-uid", hashlib.sha256).digest()


def token_hash(token: str) -> bytes:
    """What requests are matched by. Hashing first makes the lookup time independent of how
    much of a guessed token is right."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


class Tokens:
    """Rotation counters in the state database and the tokens derived from them."""

    def __init__(self, db: Database, key: bytes) -> None:
        self.db = db
        self._key = key
        db.ensure_schema("feed_tokens", SCHEMA)

    def counters(self) -> dict[str, int]:
        rows = self.db.conn.execute("SELECT name, counter FROM feed_tokens")
        return {row["name"]: int(row["counter"]) for row in rows}

    def token(self, name: str, counters: Mapping[str, int] | None = None) -> str:
        table = self.counters() if counters is None else counters
        return derive(self._key, name, table.get(name, 0))

    def index(self, names: Iterable[str]) -> dict[bytes, str]:
        """token hash → feed name, for every name."""
        table = self.counters()
        return {token_hash(derive(self._key, n, table.get(n, 0))): n for n in names}

    def rotate(self, name: str) -> int:
        """Give `name` a new token; the old one stops working. Returns the new counter."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO feed_tokens (name, counter) VALUES (?, 1)"
                " ON CONFLICT (name) DO UPDATE SET counter = counter + 1",
                (name,),
            )
            row = conn.execute("SELECT counter FROM feed_tokens WHERE name = ?", (name,)).fetchone()
        return int(row["counter"])

    def data_version(self) -> int:
        """Changes whenever another connection committed: a rotation by `renewd feeds rotate`
        (on PostgreSQL, by any instance: each rotation adds one to a counter)."""
        if self.db.dialect.shared:
            sql = "SELECT COALESCE(SUM(counter), 0) FROM feed_tokens"
            return int(self.db.conn.execute(sql).fetchone()[0])
        return int(self.db.conn.execute("PRAGMA data_version").fetchone()[0])
