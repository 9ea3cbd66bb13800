"""Environment failures are clean errors, never tracebacks (issue 11, defect 13): unreadable
credentials, a read-only state directory, a taken port; and the daemon's state directory is
private.

Permission failures need an unprivileged process (CI runs as root, and root reads anything): they
run as `nobody`, with the system's Python of the same version and this tree's packages.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemonkit import Daemon
from netkit import free_port

pytestmark = pytest.mark.integration

SRC = Path(__file__).resolve().parent.parent / "src"
PEOPLE = "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2026-01-10\n"


def nobody_python() -> list[str]:
    """How to run renewd as nobody, or skip when this machine cannot."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs root to switch to nobody")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [os.path.realpath(sys.executable), f"/usr/bin/{version}"]
    paths = f"{SRC}:{sysconfig.get_paths()['purelib']}:{sysconfig.get_paths()['platlib']}"
    for python in candidates:
        probe = subprocess.run(
            ["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={paths}", python, "-c",
             "import renewd.cli, pydantic_core"],
            capture_output=True,
            check=False,
        )  # fmt: skip
        if probe.returncode == 0:
            return ["runuser", "-u", "nobody", "--", "env", f"PYTHONPATH={paths}", python]
    pytest.skip("no Python that nobody can run with this tree's packages")


@pytest.fixture
def public_dir() -> Iterator[Path]:
    """A folder nobody can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="renewd-nobody-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def config_in(folder: Path, extra: str = "") -> Path:
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\nsettle_seconds = 0\n[state]\ndir = "state"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n' + extra,
        encoding="utf-8",
    )
    for item in (path, folder / "people.csv"):
        item.chmod(0o644)
    return path


def renewd_as_nobody(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = subprocess.run(
        [*nobody_python(), "-m", "renewd", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["notify", "--due", "--today", "2025-12-21"],
        ["done", "1001", "permit"],
        ["feeds"],
        ["export", "--out", "/tmp/renewd-nobody-out-x"],
        ["log"],
        ["run"],
    ],
)
@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_read_only_state_directory_is_a_clean_error(public_dir: Path, args: list[str]) -> None:
    config = config_in(public_dir)
    made = subprocess.run(
        [sys.executable, "-m", "renewd", "notify", "--due", "-c", str(config), "--today",
         "2025-12-20"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    state = public_dir / "state"
    state.chmod(0o755)  # readable, not writable, by nobody
    for item in state.iterdir():
        item.chmod(0o644)
    code, output = renewd_as_nobody([*args, "-c", str(config)])
    assert code in (65, 69, 75, 78), output
    assert "Traceback" not in output
    assert str(state) in output


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_an_unreadable_credential_is_a_clean_error(public_dir: Path) -> None:
    config = config_in(public_dir, '[[channels]]\nname = "tg"\ntype = "telegram"\nchat_id = "1"\n')
    creds = public_dir / "creds"
    creds.mkdir(mode=0o755)
    secret = creds / "tg.bot_token"
    secret.write_text("123456:SENTINEL-secret-never-shown\n", encoding="utf-8")
    secret.chmod(0o600)  # root's, as if LoadCredential= had failed to hand it over
    for command in ("check", "run", "plan"):
        code, output = renewd_as_nobody(
            [command, "-c", str(config)], {"CREDENTIALS_DIRECTORY": str(creds)}
        )
        assert code == 78, output
        assert "Traceback" not in output
        assert "tg.bot_token" in output
        assert "SENTINEL" not in output


def test_a_taken_port_is_a_clean_error_with_78(public_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = config_in(public_dir, f'[server]\nlisten = "127.0.0.1:{port}"\n')
        result = subprocess.run(
            [sys.executable, "-m", "renewd", "run", "-c", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 78, result.stderr
    assert "Traceback" not in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr


def test_the_daemon_creates_its_state_directory_private(public_dir: Path) -> None:
    port = free_port()
    config = config_in(public_dir, f'[server]\nlisten = "127.0.0.1:{port}"\n')
    daemon = Daemon(config, port).start()
    try:
        assert daemon.read_notify("READY=1"), daemon.output()
        mode = stat.S_IMODE((public_dir / "state").stat().st_mode)
        assert mode == 0o700, oct(mode)
    finally:
        daemon.stop()
