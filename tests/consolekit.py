"""The daemon in-process on a real socket, with a frozen clock, for console tests.

with running(config, now) as server:
    server.url("/people")       # http://127.0.0.1:PORT/people
    server.db()                 # a fresh connection to the state database, for assertions
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import re
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import requests

from netkit import free_port
from renewd.cli import main
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
    """`renewd user add`, in this process (a subprocess per account was most of a console
    test's set-up): the password on stdin, as a script gives it."""
    out = io.StringIO()
    with (
        mock.patch.object(sys, "stdin", io.StringIO(password + "\n")),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(out),
    ):
        code = main(["user", "add", name, *flags, "-c", str(config)])
    assert code == 0, out.getvalue()


@contextmanager
def running(config: Path, now: dt.datetime | Callable[[], dt.datetime]) -> Iterator[Server]:
    """The daemon of `config` on its socket, at the moment `now` (or on the clock `now`)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def spin() -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    thread = threading.Thread(target=spin)
    thread.start()
    daemon = Daemon(config, clock=now if callable(now) else lambda: now)
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


NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)

ROSTER = """\
工号,姓名,部门,居住证到期日,邮箱
E001,张三,研发部,2026-06-30,e001@example.com
E002,李四,研发部,2026-09-30,e002@example.com
E003,王五,市场部,2026-07-10,e003@example.com
E004,赵六,市场部,2026-12-01,e004@example.com
"""


def four_people(write: Callable[[str, str], Path]) -> Path:
    """Four people in two departments, a one-hour session, an admin and a 研发部 account."""
    people = write("people.csv", ROSTER)
    path = console_config(people.parent, "[console]\nsession_hours = 1\n")
    add_user(path, "admin", "--admin")
    add_user(path, "rd", "--group", "研发部")
    return path


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def sign_in(server: Server, name: str, password: str = PASSWORD) -> requests.Session:
    web = requests.Session()
    page = web.get(server.url("/signin"))
    response = web.post(
        server.url("/signin"),
        data={"name": name, "password": password, "csrf": csrf_of(page.text), "next": "/"},
    )
    assert response.status_code == 200, response.text
    assert response.url.endswith("/")
    return web


def upload(web: requests.Session, server: Server, text: str) -> requests.Response:
    """Upload `text` as people.csv on the roster page: the check, not the swap."""
    page = web.get(server.url("/roster")).text
    return web.post(
        server.url(f"/roster/check?csrf={csrf_of(page)}"),
        files={"file": ("people.csv", text.encode("utf-8"), "text/csv")},
    )
