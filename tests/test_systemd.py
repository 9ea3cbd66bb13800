"""The systemd side: sd_notify datagrams carry UTF-8, and the unit file passes systemd-analyze."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from renewd.daemon.systemd import Notifier, watchdog_interval

pytestmark = pytest.mark.integration

UNIT = Path(__file__).parent.parent / "systemd" / "renewd.service"


def test_notify_sends_utf8_status(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        notifier = Notifier({"NOTIFY_SOCKET": str(path)})
        assert notifier.notify(READY=1, STATUS="下次发送 09:30，共 8 人")
        data = server.recv(4096).decode("utf-8")
    assert data == "READY=1\nSTATUS=下次发送 09:30，共 8 人"


def test_notify_without_socket_is_a_no_op() -> None:
    notifier = Notifier({})
    assert not notifier.enabled
    assert not notifier.notify(READY=1)


def test_watchdog_interval_is_half_of_watchdog_usec() -> None:
    assert watchdog_interval({"WATCHDOG_USEC": "60000000"}) == 30.0
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}) is None


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    renewd = Path(sys.executable).parent / "renewd"
    assert renewd.exists(), "the console script must be installed in the test environment"
    text = UNIT.read_text().replace("/opt/renewd/bin/renewd", str(renewd))
    unit = tmp_path / "renewd.service"
    unit.write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
    )
    # verify exits 0 even for unknown keys; any output at all is a finding.
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0
    assert "Type=notify" in text
    assert "RestartPreventExitStatus=78" in text


def test_the_unit_bounds_memory_and_tasks() -> None:
    # A spreadsheet that defeats every check costs its child process, and at worst the unit's
    # memory, never the machine's (issue 18, 1).
    text = UNIT.read_text()
    assert "\nMemoryMax=2G\n" in text
    assert "\nTasksMax=256\n" in text
