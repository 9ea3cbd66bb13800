"""The console's sign-in throttle, in the state database (docs/design.md §12).

An attempt is *reserved* before its password is checked, and the reservation counts as a failure
until the check proves otherwise, so guesses sent at the same moment cannot all be checked:

    throttle = SignInThrottle(db)                 # after the "console" schema (store.accounts)
    attempt = throttle.reserve(name, address, now)
    if attempt is None: ...                       # too many attempts: refuse unchecked
    ok = verify(name, password)                   # ~0.2 s of Argon2
    if ok: throttle.succeeded(attempt)            # else the reservation stays, as a failure

The rules:
- per account name: at most `PER_NAME` (5) failures in `WINDOW` (15 minutes); past that,
  nothing is checked for that name, from any address;
- per client address: `PER_ADDRESS` (100) failures in the window, far above the per-account
  limit because a reverse proxy puts every user behind one address. Past it, a sign-in is still
  checked while its account has budget, but each attempt from there counts against the account,
  even a successful one: a guesser behind the proxy cannot spread over accounts unnoticed, and
  the proxy's users are not shut out.

The count and the reservation are one transaction (`BEGIN IMMEDIATE`), so two requests, two
threads or two processes never both take the last unit of budget. Rows hold hashes of the name
and the address, never the name itself (a "name" may be a password typed into the wrong field).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from renewd.store.database import Database

WINDOW = 15 * 60.0  # seconds
PER_NAME = 5  # failures per account name inside the window
PER_ADDRESS = 100  # failures per client address inside the window

# The "console" component's step that adds reservations to the table of failures
# (`renewd.store.accounts.SCHEMA`): a failure row without an attempt is an old, settled one.
RESERVATIONS = """
    ALTER TABLE console_signin_failure ADD COLUMN attempt TEXT;
    CREATE INDEX console_signin_failure_attempt ON console_signin_failure (attempt)
"""


def key(kind: str, value: str) -> str:
    """A throttle key: hashed, as a mistyped "name" may be a password."""
    return kind + ":" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:32]


@dataclass(frozen=True)
class Attempt:
    """A reserved sign-in attempt. `counted`: it counts whatever its outcome (its address is
    past the per-address limit)."""

    id: str
    counted: bool


class SignInThrottle:
    def __init__(self, db: Database) -> None:
        self.db = db

    def reserve(self, name: str, address: str, now: float) -> Attempt | None:
        """Reserve one attempt at `name` from `address`, or None when the account has no
        budget left in the window (then its password must not be checked)."""
        since = now - WINDOW
        names, addresses = key("name", name), key("addr", address)
        attempt = secrets.token_hex(8)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM console_signin_failure WHERE at <= ?", (since,))
            count = "SELECT COUNT(*) FROM console_signin_failure WHERE key = ? AND at > ?"
            if conn.execute(count, (names, since)).fetchone()[0] >= PER_NAME:
                return None
            busy = conn.execute(count, (addresses, since)).fetchone()[0] >= PER_ADDRESS
            conn.executemany(
                "INSERT INTO console_signin_failure (key, at, attempt) VALUES (?, ?, ?)",
                [(names, now, attempt), (addresses, now, attempt)],
            )
        return Attempt(attempt, busy)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the reservation no longer counts, unless it came from an
        address past its limit. Earlier failures stay in the window either way."""
        if attempt.counted:
            return
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM console_signin_failure WHERE attempt = ?", (attempt.id,))

    def throttled(self, name: str, now: float) -> bool:
        """Whether a sign-in at `name` would be refused now (for pages and tests)."""
        row = self.db.conn.execute(
            "SELECT COUNT(*) FROM console_signin_failure WHERE key = ? AND at > ?",
            (key("name", name), now - WINDOW),
        ).fetchone()
        return bool(row[0] >= PER_NAME)
