"""The README's command table names every command the parser has, and the calendar commands'
options as the parser spells them."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from renewd.cli import build_parser

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
ROWS = [line for line in README.splitlines() if line.startswith("| `renewd ")]


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_is_in_the_readme_table() -> None:
    documented = " ".join(ROWS)
    for name in _choices(build_parser()):
        assert re.search(rf"`renewd {name}\b", documented), name


def test_calendar_rows_match_the_parser() -> None:
    calendar = _choices(build_parser())["calendar"]
    for action, sub in _choices(calendar).items():
        [row] = [r for r in ROWS if r.startswith(f"| `renewd calendar {action}")]
        command = row.split("`")[1]
        for option in sub._actions:
            long = [o for o in option.option_strings if o.startswith("--")]
            if not long or long[0] in {"--help", "--config", "--verbose", "--today"}:
                continue
            assert long[0] in command, (action, long[0])
