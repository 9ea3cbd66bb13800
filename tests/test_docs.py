"""The README's command table says what the parser accepts: every command and every option,
nothing the parser does not know."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from renewd.cli import build_parser

README = Path(__file__).parent.parent / "README.md"
COMMON = {"-h", "--help", "-c", "--config", "-v", "--verbose"}


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def parser_table() -> dict[str, set[str]]:
    """`{"notify": {"--due", ...}, "feeds rotate": set(), ...}`: commands and their options."""
    table: dict[str, set[str]] = {}
    for name, sub in subparsers(build_parser()).items():
        table[name] = {o for a in sub._actions for o in a.option_strings} - COMMON
        for action_name, action_parser in subparsers(sub).items():
            options = {o for a in action_parser._actions for o in a.option_strings}
            table[f"{name} {action_name}"] = options - COMMON
    return table


def readme_table() -> dict[str, set[str]]:
    """The same, read from the first column of the README's command table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    table: dict[str, set[str]] = {}
    for row in re.findall(r"^\| (`renewd .+?) \|", section, re.MULTILINE):
        for usage in re.findall(r"`renewd ([^`]+)`", row):
            words = usage.split()
            name = words[0]
            if len(words) > 1 and re.fullmatch(r"[a-z]+", words[1]):
                name = f"{name} {words[1]}"
            options = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage))
            table.setdefault(name, set()).update(options - COMMON)
    return table


def test_readme_command_table_matches_the_parser() -> None:
    documented, parsed = readme_table(), parser_table()
    assert sorted(documented) == sorted(parsed)
    assert {name: sorted(opts) for name, opts in documented.items()} == {
        name: sorted(opts) for name, opts in parsed.items()
    }


def test_the_readme_rule_can_fail() -> None:
    documented = readme_table()
    assert "--dry-run" in documented["notify"]  # the parser reads what the README shows
    assert "check" in documented
