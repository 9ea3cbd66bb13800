"""A full disk (issue 11, defect 13): a pass that cannot write the state database ends with a
clean error (exit 73 since issue 18), and once there is room again every reminder goes out once,
none twice.

The disk fills up through RLIMIT_FSIZE at different sizes, so the write that fails is the claim
in some runs and the record of a send in others."""

from __future__ import annotations

import itertools
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
DAY = "2025-12-20"


@pytest.fixture
def install(write: Write, tmp_path: Path) -> Path:
    rows = [
        f"{1000 + i},员工{i},研发部,2026-01-{1 + i % 28:02d},e{i}@example.com" for i in range(60)
    ]
    write("people.csv", "工号,姓名,部门,居住证到期日,邮箱\n" + "\n".join(rows) + "\n")
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
    )
    first = notify(config, "2025-11-01")  # a state database with some history
    assert first.returncode == 0, first.stderr
    return config


def notify(config: Path, day: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "renewd", "notify", "--due", "--today", day, "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
        check=False,
    )


def sent_lines(output: str) -> list[str]:
    """What the console channel really sent: its header line and the title after it."""
    lines = output.splitlines()
    return [f"{a} {b}" for a, b in itertools.pairwise(lines) if a.startswith("── ")]


# Two rooms in `make test`; every room (the disk filling at each step of a pass) in test-slow.
SLOW = pytest.mark.slow
ROOMS = [
    0,
    1 << 20,
    *(pytest.param(r, marks=SLOW) for r in (1 << 16, 1 << 21, 3 << 20, 1 << 22, 6 << 20)),
]


@pytest.mark.parametrize("room", ROOMS)
def test_a_full_disk_ends_the_pass_cleanly_and_nothing_goes_twice(
    install: Path, tmp_path: Path, room: int
) -> None:
    state = tmp_path / "state"
    shutil.copytree(state, tmp_path / "pristine")
    size = (state / "renewd.sqlite3").stat().st_size
    full = notify(install, DAY, limit=size + room)
    assert "Traceback" not in full.stderr, full.stderr
    assert full.returncode in (0, 73), full.stderr
    if full.returncode == 73:
        assert "cannot be written" in full.stderr
    # A send that went out but whose record the disk refused is left "sending" when this
    # one-shot process ends, as a crash would leave it: the one documented case that may
    # repeat (the daemon remembers such sends and repeats none while it runs).
    conn = sqlite3.connect(state / "renewd.sqlite3")
    unrecorded = conn.execute("SELECT COUNT(*) FROM delivery WHERE status = 'sending'").fetchone()
    conn.close()
    again = notify(install, DAY)
    assert again.returncode == 0, again.stderr
    sent = sent_lines(full.stdout) + sent_lines(again.stdout)
    assert sent, "nothing was due: the test tests nothing"
    assert len(sent) - len(set(sent)) <= unrecorded[0], "a recorded reminder went out twice"
