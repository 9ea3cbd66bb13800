"""Subcommands. Each module has `register(subparsers, parent)` that adds its parser(s) and sets
`handler` to a function taking the parsed arguments and returning an exit code.

`COMMANDS` names each module's commands so that `renewd plan` imports only `commands.plan` (and
what it needs), not the calendar's snapshot, the channels or the console: a command starts in a
fraction of the time (issue 20). Help, `--version` and a name renewd does not know import them
all. `tests/test_cli.py` checks that this table names exactly what the modules register."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterable

Register = Callable[
    ["argparse._SubParsersAction[argparse.ArgumentParser]", argparse.ArgumentParser], None
]

# module -> the top-level commands its `register` adds, in the order `renewd --help` lists them
COMMANDS: dict[str, tuple[str, ...]] = {
    "check": ("check",),
    "plan": ("plan",),
    "feeds": ("feeds", "export", "serve"),
    "notify": ("notify", "done", "log"),
    "preview": ("preview",),
    "run": ("run",),
    "user": ("user",),
    "calendar": ("calendar",),
    "init": ("init",),
    "state": ("state",),
    "roster": ("roster",),
}


def registers(command: str | None = None) -> Iterable[Register]:
    """The `register` of the module that adds `command`; of every module without one, or for a
    name no module adds (argparse then lists every choice)."""
    modules = [m for m, names in COMMANDS.items() if command in names] or list(COMMANDS)
    for module in modules:
        yield importlib.import_module(f"renewd.commands.{module}").register
