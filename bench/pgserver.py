"""A throw-away PostgreSQL for the benchmarks' `--with-postgres`: Debian's `initdb` and `pg_ctl`
into a temporary directory, on a free port of 127.0.0.1, as `nobody` when run as root.

A copy of the tests' `pgkit.running_postgres` without pytest (the benchmarks import no test
module). Unlike the tests' server it keeps fsync on, as a real one would, but commits without
waiting for the WAL flush (`synchronous_commit = off`): the durability of the SQLite state's WAL
with `synchronous = NORMAL` (a crash may lose the last commits, never corrupts), so the two are
compared like for like. `--synchronous` waits for every flush (on a busy shared disk each
delivery's commit then waits for an fsync: measured here, about 7 a second).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_USER = "postgres"


def _pg_bin() -> Path:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    raise SystemExit("--with-postgres: PostgreSQL is not installed (apt-get install postgresql)")


def _as_owner(cmd: list[str]) -> list[str]:
    return cmd if os.geteuid() != 0 else ["runuser", "-u", "nobody", "--", *cmd]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_postgres(synchronous: bool = False) -> Iterator[str]:
    """Start a PostgreSQL (~3 s), yield the URL of an empty database, stop it afterwards."""
    bin_dir, port = _pg_bin(), _free_port()
    root = Path(tempfile.mkdtemp(prefix="renewd-bench-pg-"))
    data, run = root / "data", root / "run"
    run.mkdir()
    data.mkdir(mode=0o700)
    if os.geteuid() == 0:
        os.chmod(root, 0o755)
        shutil.chown(run, "nobody")
        shutil.chown(data, "nobody")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True, "cwd": "/"}
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", _USER, "-E", "UTF8"]
    options = f"-k {run} -p {port} -c listen_addresses=127.0.0.1"
    if not synchronous:
        options += " -c synchronous_commit=off"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-s"]
    try:
        subprocess.run(_as_owner(initdb), **quiet)  # type: ignore[call-overload]
        subprocess.run(_as_owner([*start, "-l", str(data / "log"), "start"]), **quiet)  # type: ignore[call-overload]
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise SystemExit(
            f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}"
        ) from None
    try:
        yield f"postgresql://{_USER}@127.0.0.1:{port}/postgres"
    finally:
        stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-s", "stop"]
        subprocess.run(_as_owner(stop), capture_output=True, check=False, cwd="/")
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """A new empty database `name` on the server of `url`; its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name
