"""A real PostgreSQL for tests: Debian's `initdb` and `pg_ctl` into a temporary directory.

One server per test session (per pytest-xdist worker), started on a free port of 127.0.0.1 with
its socket in its own directory, as `nobody` when the tests run as root (PostgreSQL refuses to run
as root); each test that asks gets a database of its own (`PgServer.fresh`). Without Debian's
`postgresql` package the PostgreSQL tests are skipped, except under `CI=true`, where they fail:
CI installs it (`.ci/run`), so a missing server there is a broken set-up, not a reason to skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from netkit import free_port

_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_USER = "postgres"  # the database's superuser (initdb -U), not a system account
_ids = itertools.count()


def pg_bin() -> Path | None:
    """Debian's PostgreSQL programs (the newest installed), or None."""
    found = sorted(glob.glob(_BIN_GLOB), key=lambda p: [int(x) for x in p.split("/")[-2:-1]])
    for folder in reversed(found):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def need_postgres() -> Path:
    """The PostgreSQL programs, or skip the test (fail under CI=true: CI installs them)."""
    folder = pg_bin()
    if folder is not None:
        return folder
    reason = "PostgreSQL is not installed (apt-get install postgresql)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI=true the PostgreSQL tests must run")
    pytest.skip(reason)


class PgServer:
    """A running PostgreSQL: `url(name)` for a database of it, `fresh()` for a new one."""

    def __init__(self, bin_dir: Path, root: Path, port: int) -> None:
        self.bin_dir, self.root, self.port = bin_dir, root, port
        self.data, self.socket = root / "data", root / "run"

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://{_USER}@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def fresh(self) -> str:
        """A new, empty database; its URL."""
        name = f"t{os.getpid()}_{next(_ids)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)


def _as_owner(cmd: list[str]) -> list[str]:
    """`cmd` run as `nobody` when we are root (postgres will not run as root)."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "nobody", "--", *cmd]


@contextmanager
def running_postgres() -> Iterator[PgServer]:
    """Start a throw-away PostgreSQL (initdb + pg_ctl, ~3 s) and stop it afterwards."""
    bin_dir = need_postgres()
    root = Path(tempfile.mkdtemp(prefix="renewd-pg-"))
    server = PgServer(bin_dir, root, free_port())
    server.socket.mkdir()
    if os.geteuid() == 0:
        os.chmod(root, 0o755)
        shutil.chown(server.socket, "nobody")
        server.data.mkdir(mode=0o700)
        shutil.chown(server.data, "nobody")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True, "cwd": "/"}
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(server.data),
                    "-A",
                    "trust",
                    "-U",
                    _USER,
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            **quiet,  # type: ignore[call-overload]
        )
        options = (
            f"-k {server.socket} -p {server.port} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(server.data),
                    "-o",
                    options,
                    "-w",
                    "-s",
                    "-l",
                    str(server.data / "log"),
                    "start",
                ]
            ),
            **quiet,  # type: ignore[call-overload]
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}")
    try:
        yield server
    finally:
        subprocess.run(
            _as_owner(
                [str(bin_dir / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "-s", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            cwd="/",
        )
        shutil.rmtree(root, ignore_errors=True)
