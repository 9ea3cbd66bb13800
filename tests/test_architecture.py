"""The pure core imports no adapter: no I/O libraries, no storage, server, scheduler or CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = [
    "renewd.model",
    "renewd.workdays",
    "renewd.plan",
    "renewd.materials",
    "renewd.feeds",
    "renewd.messages",
    "renewd.schedule",
]
ADAPTERS = [
    "renewd.state",
    "renewd.server",
    "renewd.daemon",
    "renewd.cli",
    "renewd.roster",
    "renewd.delivery",
    "renewd.channels",
    "renewd.wecom",
    "aiohttp",
    "apprise",
    "apscheduler",
    "sqlite3",
    "smtplib",
    "requests",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_adapter(module: str) -> None:
    code = (
        f"import json, sys, {module}; "
        f"print(json.dumps(sorted(m for m in {ADAPTERS!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
