"""One base exception; every user-facing error knows its problems and its exit code.

Exit codes follow sysexits.h so that systemd and shell scripts can tell them apart:
65 (EX_DATAERR) for a bad roster, 78 (EX_CONFIG) for a bad configuration; for the state
database (`renewd.store.database`): 73 (EX_CANTCREAT) when the disk is full, 74 (EX_IOERR) when
it is corrupt, 75 (EX_TEMPFAIL) when another process holds it locked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EX_USAGE = 64
EX_DATAERR = 65
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70
EX_CANTCREAT = 73
EX_IOERR = 74
EX_TEMPFAIL = 75
EX_CONFIG = 78


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    file: str
    message: str
    row: int | str | None = None
    field: str | None = None
    value: str | None = None

    @property
    def location(self) -> str:
        """Where the problem is, without its value or message: safe to show on /healthz."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field {self.field!r}"
        return where

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text


class RenewdError(Exception):
    """Base of every error renewd reports to a user. Unexpected errors are not RenewdErrors."""

    exit_code = EX_SOFTWARE

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)

    def __str__(self) -> str:
        lines = [self.message, *(f"  {p}" for p in self.problems)]
        return "\n".join(lines)


class ConfigError(RenewdError):
    """The configuration file or environment is unusable; the daemon must not start."""

    exit_code = EX_CONFIG


class RosterError(RenewdError):
    """One or more roster files have bad rows; the last good roster stays in force."""

    exit_code = EX_DATAERR

    @classmethod
    def of(cls, exc: Exception) -> RosterError:
        """`exc` itself, or a RosterError naming its type (its text may hold file content)."""
        if isinstance(exc, RosterError):
            return exc
        return cls(f"roster unreadable ({type(exc).__name__}); see the log")


class CalendarError(RenewdError):
    """A date needs a working-day calendar that nothing covers and the fallback is `error`."""

    exit_code = EX_CONFIG


class UsageError(RenewdError):
    """The command line asks for something that does not exist (unknown person, step, feed)."""

    exit_code = EX_USAGE
