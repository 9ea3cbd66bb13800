"""A state database that fails is a clean error with its own exit code, in every command and at
the daemon's start (issue 18, defect 13): 74 when it is corrupt, 75 when another process holds
it locked, 73 when the disk is full. Before, each was a raw traceback and exit 1.

The disk fills up through RLIMIT_FSIZE (what a full disk looks like to SQLite and to a file
write), at sizes that fail at different writes: the lock file, the database's first page, its
schema.
"""

from __future__ import annotations

import random
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from netkit import free_port

pytestmark = pytest.mark.integration

DAY = "2026-12-07"

COMMANDS = [
    ["notify", "--due"],
    ["plan"],
    ["check"],
    ["feeds"],
    ["export", "--out", "exported"],
    ["log"],
    ["done", "1001", "permit", "--on", DAY],
    ["calendar", "status"],
    ["user", "list"],
    ["preview", "--days", "2"],
    ["run"],
]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configuration and a state database with some history (a pass ran), made once."""
    folder = tmp_path_factory.mktemp("made")
    (folder / "people.csv").write_text(
        "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-01-05\n", encoding="utf-8"
    )
    config = folder / "config.toml"
    config.write_text(
        f'[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        f'[server]\nlisten = "127.0.0.1:{free_port()}"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
        encoding="utf-8",
    )
    done = renewd(config, ["notify", "--due"])
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def config(made: Path, tmp_path: Path) -> Path:
    shutil.copytree(made, tmp_path / "copy")
    return tmp_path / "copy" / "config.toml"


def renewd(
    config: Path, args: list[str], limit: int | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "renewd", *args, "-c", str(config)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        preexec_fn=cap,
        cwd=config.parent,
        check=False,
    )


@pytest.fixture
def state(config: Path) -> Path:
    return config.parent / "state" / "renewd.sqlite3"


def damage_pages(path: Path) -> None:
    """Overwrite the start of every page but the first: SQLite opens it, then finds it malformed."""
    data = bytearray(path.read_bytes())
    noise = random.Random(18)
    for offset in range(4096, len(data), 4096):
        data[offset : offset + 100] = bytes(noise.randrange(256) for _ in range(100))
    path.write_bytes(bytes(data))


CORRUPT = [("pages", args) for args in COMMANDS] + [("header", ["plan"]), ("header", ["run"])]


@pytest.mark.parametrize(
    ("damage", "args"), CORRUPT, ids=[f"{d}-{' '.join(a[:2])}" for d, a in CORRUPT]
)
def test_a_corrupt_state_database_is_exit_74(
    config: Path, state: Path, args: list[str], damage: str
) -> None:
    for leftover in state.parent.glob("renewd.sqlite3-*"):
        leftover.unlink()
    if damage == "pages":
        damage_pages(state)
    else:
        state.write_bytes(b"this is not a database" + state.read_bytes()[22:])
    result = renewd(config, args)
    assert result.returncode == 74, result.stderr
    assert "Traceback" not in result.stderr
    assert str(state) in result.stderr
    assert "damaged" in result.stderr
    assert "backup" in result.stderr


@pytest.fixture
def locked(state: Path) -> Iterator[Path]:
    """Another process's write transaction, held while the test runs (`sqlite3 renewd.sqlite3`
    with BEGIN IMMEDIATE, a backup tool, a stuck `renewd notify`)."""
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield state
    holder.execute("ROLLBACK")
    holder.close()


@pytest.mark.parametrize(
    "args",
    [["notify", "--due"], ["run"], ["user", "add", "hr", "--admin"]],
    ids=["notify", "run", "user"],
)
@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_state_database_locked_by_another_process_is_exit_75(
    config: Path, locked: Path, args: list[str]
) -> None:
    result = renewd(config, args, stdin="correct horse battery\ncorrect horse battery\n")
    assert result.returncode == 75, result.stderr
    assert "Traceback" not in result.stderr
    assert str(locked) in result.stderr
    assert "locked by another process" in result.stderr


@pytest.mark.parametrize("room", [0, 4096, 1 << 16])
@pytest.mark.parametrize("args", [["run"], ["notify", "--due"]], ids=["run", "notify"])
def test_a_full_disk_at_start_is_exit_73(config: Path, args: list[str], room: int) -> None:
    shutil.rmtree(config.parent / "state", ignore_errors=True)
    result = renewd(config, args, limit=room, stdin="correct horse battery\n" * 2)
    assert result.returncode == 73, result.stderr
    assert "Traceback" not in result.stderr
    assert str(config.parent / "state") in result.stderr
    assert "the disk is full" in result.stderr
