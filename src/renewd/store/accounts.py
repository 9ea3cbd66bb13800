"""Console accounts, sessions and the sign-in throttle, in the state database (docs/design.md §12).

- An account has a name, an Argon2id password hash (argon2-cffi), and either `admin` (every
  group, manages accounts) or a non-empty set of groups it may see and change.
- A session is a random 256-bit id handed to the browser as a cookie; the database keeps only its
  SHA-256, with the account, a CSRF token and an expiry. Signing out deletes the row.
- Sign-in attempts are reserved before the password is checked, per account name and per
  client address over a sliding window (`renewd.store.signins`); past the limit, sign-in
  answers "too many attempts" without checking the password.
- The rules for an account (`check_name`, `check_password`, `check_groups`, the last admin) live
  here, for `renewd user` and the console's accounts page alike. A refusal is an
  `AccountProblem`: the command line prints its English message, the console words its `key`.

Nothing here logs a password, a session id or a CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from renewd.core.errors import UsageError
from renewd.store.database import Database
from renewd.store.dialect import Connection
from renewd.store.signins import RESERVATIONS, SignInThrottle

SCHEMA = [
    """
    CREATE TABLE console_account (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        admin INTEGER NOT NULL,
        groups TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE console_session (
        id_hash BLOB PRIMARY KEY,
        account TEXT NOT NULL REFERENCES console_account (name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE INDEX console_session_expiry ON console_session (expires_at);
    CREATE TABLE console_signin_failure (
        key TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX console_signin_failure_key ON console_signin_failure (key, at);
    CREATE TABLE console_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        person TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE INDEX console_audit_person ON console_audit (person, id)
    """,
    # Sign-in attempts reserved before the password is checked (issue 18).
    RESERVATIONS,
]

NAME_PATTERN = r"^[A-Za-z0-9_.@-]{1,64}$"
MIN_PASSWORD = 8

# Argon2id, RFC 9106's second recommended profile (64 MiB, 3 passes), argon2-cffi's default.
_HASHER = PasswordHasher()


@cache
def _dummy() -> str:
    """A hash to verify against when the account does not exist, so that costs the same as a
    real check. Made on first use: an Argon2 hash costs 0.2 s and 64 MiB, which no command that
    never checks a password should pay at import."""
    return _HASHER.hash("renewd-no-such-account")


@dataclass(frozen=True)
class Account:
    name: str
    admin: bool
    groups: frozenset[str]

    def sees(self, group: str) -> bool:
        return self.admin or group in self.groups


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str
    expires_at: float


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    person: str
    action: str
    detail: str


def _digest(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode("utf-8", "surrogateescape")).digest()


class AccountProblem(UsageError):
    """A refused account change. `key` names the reason in the catalogue (`accounts.<key>`, with
    `fields`), so the console words it in the page's language; the message is the command
    line's."""

    def __init__(self, message: str, key: str, **fields: str | int) -> None:
        super().__init__(message)
        self.key = key
        self.fields = fields


def _no_account(name: str) -> AccountProblem:
    return AccountProblem(
        f"no account named {name!r}; `renewd user list` shows them", "no_account", name=name
    )


def check_name(name: str) -> None:
    if not re.match(NAME_PATTERN, name):
        raise AccountProblem(
            f"account name {name!r}: use 1-64 letters, digits, _ . @ -", "bad_name", name=name
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountProblem(
            f"the password must be at least {MIN_PASSWORD} characters long",
            "short_password",
            n=MIN_PASSWORD,
        )


def check_groups(groups: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a group neither the roster nor `[groups]` knows (`known`; a typo would give an
    account that sees nobody), naming the known ones. With no group known yet (a roster without
    groups), nothing is checked."""
    known_set = set(known)
    unknown = sorted(set(groups) - known_set)
    if unknown and known_set:
        raise AccountProblem(
            f"unknown group {', '.join(unknown)}: the roster and [groups] know"
            f" {', '.join(sorted(known_set))}",
            "unknown_group",
            unknown=", ".join(unknown),
            known=", ".join(sorted(known_set)),
        )


def check_scope(groups: frozenset[str], admin: bool) -> None:
    if not admin and not groups:
        raise AccountProblem("give the account at least one --group, or --admin", "no_scope")


def generate_password() -> str:
    """A password for someone to change later: 12 URL-safe characters (72 random bits)."""
    return secrets.token_urlsafe(9)


def _admins_besides(conn: Connection, name: str) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM console_account WHERE admin = 1 AND name != ?", (name,)
    ).fetchone()
    return int(row[0])


def _last_admin(name: str) -> AccountProblem:
    return AccountProblem(
        f"{name!r} is the last admin: make another account admin first", "last_admin", name=name
    )


class Accounts:
    """Accounts, sessions, throttle and the console's change log over one Database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("console", SCHEMA)
        self.throttle = SignInThrottle(db)

    # -- accounts ----------------------------------------------------------------------------

    def add(
        self, name: str, password: str, *, groups: frozenset[str], admin: bool, now: dt.datetime
    ) -> Account:
        check_name(name)
        check_scope(groups, admin)
        check_password(password)
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM console_account WHERE name = ?", (name,)).fetchone():
                raise AccountProblem(
                    f"an account named {name!r} exists already", "exists", name=name
                )
            conn.execute(
                "INSERT INTO console_account (name, hash, admin, groups, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    name,
                    _HASHER.hash(password),
                    int(admin),
                    json.dumps(sorted(groups)),
                    now.isoformat(),
                ),
            )
        return Account(name, admin, frozenset(groups))

    def get(self, name: str) -> Account | None:
        row = self.db.conn.execute(
            "SELECT name, admin, groups FROM console_account WHERE name = ?", (name,)
        ).fetchone()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        rows = self.db.conn.execute("SELECT name, admin, groups FROM console_account ORDER BY name")
        return [_account(row) for row in rows]

    def remove(self, name: str, *, keep_an_admin: bool = False) -> None:
        """Delete the account and end its sessions. With `keep_an_admin` (the console), the
        last admin is refused: nobody could manage accounts from the console after it (the
        command line still can, so `renewd user remove` allows it)."""
        with self.db.transaction() as conn:
            if keep_an_admin and _is_admin(conn, name) and not _admins_besides(conn, name):
                raise _last_admin(name)
            if not conn.execute("DELETE FROM console_account WHERE name = ?", (name,)).rowcount:
                raise _no_account(name)
            conn.execute("DELETE FROM console_session WHERE account = ?", (name,))

    def set_scope(self, name: str, *, groups: frozenset[str], admin: bool) -> Account:
        """Make the account admin, or limit it to `groups` (its sessions see the change on their
        next request). The last admin stays admin. Groups are checked by the caller
        (`check_groups`), who knows the roster."""
        check_scope(groups, admin)
        with self.db.transaction() as conn:
            if not admin and _is_admin(conn, name) and not _admins_besides(conn, name):
                raise _last_admin(name)
            changed = conn.execute(
                "UPDATE console_account SET admin = ?, groups = ? WHERE name = ?",
                (int(admin), json.dumps(sorted(groups)), name),
            ).rowcount
            if not changed:
                raise _no_account(name)
        return Account(name, admin, frozenset(groups))

    def set_password(self, name: str, password: str) -> None:
        """A new password; the account's sessions end (a stolen session dies with the old one)."""
        check_password(password)
        with self.db.transaction() as conn:
            changed = conn.execute(
                "UPDATE console_account SET hash = ? WHERE name = ?",
                (_HASHER.hash(password), name),
            ).rowcount
            if not changed:
                raise _no_account(name)
            conn.execute("DELETE FROM console_session WHERE account = ?", (name,))

    def verify(self, name: str, password: str) -> Account | None:
        """The account if `password` is its password; None otherwise (same cost either way)."""
        row = self.db.conn.execute(
            "SELECT name, hash, admin, groups FROM console_account WHERE name = ?", (name,)
        ).fetchone()
        try:
            _HASHER.verify(row["hash"] if row else _dummy(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return _account(row) if row else None

    # -- sessions ----------------------------------------------------------------------------

    def open_session(self, account: Account, now: float, hours: float) -> tuple[str, Session]:
        """A new session: returns (the id for the cookie, the session)."""
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = now + hours * 3600
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM console_session WHERE expires_at <= ?", (now,))
            conn.execute(
                "INSERT INTO console_session (id_hash, account, csrf, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (_digest(session_id), account.name, csrf, now, expires),
            )
        return session_id, Session(account, csrf, expires)

    def session(self, session_id: str, now: float) -> Session | None:
        row = self.db.conn.execute(
            "SELECT a.name, a.admin, a.groups, s.csrf, s.expires_at FROM console_session s"
            " JOIN console_account a ON a.name = s.account WHERE s.id_hash = ?",
            (_digest(session_id),),
        ).fetchone()
        if row is None or row["expires_at"] <= now:
            return None
        return Session(_account(row), row["csrf"], float(row["expires_at"]))

    def close_session(self, session_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM console_session WHERE id_hash = ?", (_digest(session_id),))

    # -- the change log ----------------------------------------------------------------------

    def audit(self, actor: str, person: str, action: str, detail: str, now: dt.datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO console_audit (at, actor, person, action, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (now.isoformat(timespec="seconds"), actor, person, action, detail),
            )

    def changes(self, person: str, limit: int = 50) -> list[AuditEntry]:
        rows = self.db.conn.execute(
            "SELECT at, actor, person, action, detail FROM console_audit WHERE person = ?"
            " ORDER BY id DESC LIMIT ?",
            (person, limit),
        )
        return [
            AuditEntry(r["at"], r["actor"], r["person"], r["action"], r["detail"]) for r in rows
        ]


def _is_admin(conn: Connection, name: str) -> bool:
    row = conn.execute("SELECT admin FROM console_account WHERE name = ?", (name,)).fetchone()
    return bool(row and row[0])


def _account(row: Any) -> Account:
    return Account(row["name"], bool(row["admin"]), frozenset(json.loads(row["groups"])))
