"""The daemon in-process on a real socket, with a frozen clock, for console tests.

with running(config, now) as server:
    server.url("/people")       # http://127.0.0.1:PORT/people
    server.db()                 # a fresh connection to the state database, for assertions
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from netkit import free_port
from renewd.daemon.runtime import Daemon
from renewd.store.database import DB_NAME

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "correct horse battery"


@dataclass
class Server:
    daemon: Daemon
    port: int
    loop: asyncio.AbstractEventLoop

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.daemon.settings.state.dir / DB_NAME)
        conn.row_factory = sqlite3.Row
        return conn

    def facts(self, person: str) -> dict[str, str]:
        with self.db() as conn:
            rows = conn.execute(
                "SELECT field, day FROM progress_fact WHERE person = ?", (person,)
            ).fetchall()
        return {r["field"]: r["day"] for r in rows}

    def run(self, coro: object) -> object:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)  # type: ignore[arg-type]


def console_config(folder: Path, extra: str = "") -> Path:
    """`folder`/config.toml over its people.csv, serving on a free port, with `extra` TOML."""
    port = free_port()
    path = folder / "config.toml"
    path.write_text(
        f'[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        f'[server]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n{extra}',
        encoding="utf-8",
    )
    return path


def add_user(config: Path, name: str, *flags: str, password: str = PASSWORD) -> None:
    subprocess.run(
        [sys.executable, "-m", "renewd", "user", "add", name, *flags, "-c", str(config)],
        input=password + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


@contextmanager
def running(config: Path, now: dt.datetime) -> Iterator[Server]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def spin() -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    thread = threading.Thread(target=spin)
    thread.start()
    daemon = Daemon(config, clock=lambda: now)
    try:
        asyncio.run_coroutine_threadsafe(daemon.start(), loop).result(60)
        ready.set()
        match = re.search(r":(\d+)$", daemon.settings.server.listen)
        assert match
        yield Server(daemon, int(match.group(1)), loop)
    finally:
        if ready.is_set():
            asyncio.run_coroutine_threadsafe(daemon.stop(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
