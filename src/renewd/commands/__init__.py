"""Subcommands. Each module has `register(subparsers, parent)` that adds its parser(s) and sets
`handler` to a function taking the parsed arguments and returning an exit code."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from renewd.commands import (
    calendar,
    check,
    feeds,
    init,
    notify,
    plan,
    preview,
    roster,
    run,
    state,
    user,
)

Register = Callable[
    ["argparse._SubParsersAction[argparse.ArgumentParser]", argparse.ArgumentParser], None
]

COMMANDS: tuple[Register, ...] = (
    check.register,
    plan.register,
    feeds.register,
    notify.register,
    preview.register,
    run.register,
    user.register,
    calendar.register,
    init.register,
    state.register,
    roster.register,
)
