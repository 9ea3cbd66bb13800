"""A PostgreSQL state database through psycopg 3, shaped like the SQLite connection the store uses.

`connect(url, password)` opens one connection in autocommit mode (the store opens and commits
its transactions itself, as on SQLite); statements pass through `POSTGRESQL.statement` (the
one place where the two spellings differ); rows answer `row[0]` and `row["name"]` like
`sqlite3.Row`. psycopg is an extra: `pip install 'renewd[postgresql]'`.

The password comes from the credentials directory or the environment (`renewd.credentials`),
never from the URL in the configuration, and is never logged: `safe_url` is what messages show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from renewd.core.errors import ConfigError
from renewd.store.dialect import POSTGRESQL


class Row(tuple[Any, ...]):
    """A result row: by position, or by column name as sqlite3.Row."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self.names.index(key))
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = tuple(c.name for c in cursor.description or ())
    kind = type("Row", (Row,), {"names": names})

    def make(values: Sequence[Any]) -> Row:
        row: Row = kind(values)
        return row

    return make


class PgCursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """One psycopg connection used like the store's sqlite3 connection. A connection the server
    dropped (a restart, a failover of the database) is opened again at the next statement
    outside a transaction: the transaction it broke fails, as a locked SQLite file would, and
    the next one runs on a new connection."""

    def __init__(self, raw: Any, reconnect: Callable[[], Any] | None = None) -> None:
        self.raw = raw
        self.lock = threading.RLock()  # one statement at a time, as sqlite3 serialises
        self._reconnect = reconnect
        self._in_transaction = False

    def _ready(self, sql: str) -> None:
        word = sql.strip().upper()
        if self.raw.closed and self._reconnect is not None:
            if self._in_transaction and word not in ("BEGIN", "ROLLBACK"):
                import psycopg

                raise psycopg.OperationalError("the connection to the state database was lost")
            self.raw = self._reconnect()
        if word == "BEGIN":
            self._in_transaction = True
        elif word in ("COMMIT", "ROLLBACK"):
            self._in_transaction = False

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> PgCursor:
        with self.lock:
            self._ready(sql)
            cursor = self.raw.cursor(row_factory=_row_factory)
            cursor.execute(POSTGRESQL.statement(sql), tuple(parameters))
            return PgCursor(cursor)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]], /) -> PgCursor:
        with self.lock:
            self._ready(sql)
            cursor = self.raw.cursor(row_factory=_row_factory)
            rows = [tuple(r) for r in seq]
            if rows:
                cursor.executemany(POSTGRESQL.statement(sql), rows)
            return PgCursor(cursor)

    def close(self) -> None:
        self.raw.close()


def safe_url(url: str) -> str:
    """`url` without a password (what messages and logs show)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def connect(url: str, password: str | None) -> PgConnection:
    """A connection to the PostgreSQL database at `url`; ConfigError when it cannot be had."""
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            "[state] database is a PostgreSQL URL, but psycopg is not installed:"
            " pip install 'renewd[postgresql]'"
        ) from None
    if urlsplit(url).password:
        raise ConfigError(
            f"[state] database {safe_url(url)}: put the password in the credentials file"
            " state.database.password or RENEWD_STATE_DATABASE_PASSWORD, not in the URL"
        )

    def opened() -> Any:
        return psycopg.connect(url, autocommit=True, connect_timeout=10, password=password)

    try:
        raw = opened()
    except psycopg.Error as exc:
        text = str(exc).replace(password, "***") if password else str(exc)
        raise ConfigError(f"{safe_url(url)}: cannot open the state database: {text}") from None
    return PgConnection(raw, opened)
