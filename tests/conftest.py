"""Shared fixtures: a calendar, a planner and a way to write config files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.plan import Planner
from renewd.settings import PolicySettings
from renewd.workdays import WorkdayCalendar


@pytest.fixture(scope="session")
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar()


@pytest.fixture(scope="session")
def planner(calendar: WorkdayCalendar) -> Planner:
    return Planner(PolicySettings(), calendar)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("config.toml", text) -> path, dedented, UTF-8."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write
