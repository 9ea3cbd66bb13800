"""The `[roster]` and `[state]` settings: where the roster and the state are.

`[roster] files` is the roster on the SQLite state (one machine). With a shared `[state]
database` (PostgreSQL, issue 21) the state database stores the roster of record
(`renewd.store.rosters`), so the files may be left out; when set, they feed it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from renewd.roster.limits import RosterLimits


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RosterSettings(_Section):
    # Set from `[state] database` (`Settings._shared_roster`), never from the file: a shared
    # state stores the roster of record (`renewd roster import`, uploads), so `files` is
    # optional there (when set, they feed it); on the SQLite state they are the roster.
    shared: bool = Field(default=False, exclude=True, repr=False)
    files: tuple[Path, ...] = Field(default=(), validate_default=True)
    # Bounds checked before anything is allocated: a roster can never exhaust memory.
    max_rows: int = Field(default=200_000, ge=1)
    max_cells: int = Field(default=5_000_000, ge=1)
    max_file_mb: float = Field(default=100, gt=0)
    max_cell_chars: int = Field(default=2000, ge=64)
    # Dates outside these years are row errors: the working-day calendar cannot plan them.
    min_year: int = Field(default=1950, ge=1901, le=2099)
    max_year: int = Field(default=2099, ge=1901, le=2099)
    # A changed file is read once its size and mtime stayed the same this long.
    settle_seconds: float = Field(default=10, ge=0, le=3600)
    # A spreadsheet is read in a child process within this much memory and time.
    parse_memory_mb: int = Field(default=512, ge=64, le=65536)
    parse_seconds: float = Field(default=60, gt=0, le=3600)
    # A shared state keeps the roster version in force and this many before it (`roster versions`).
    keep_versions: int = Field(default=20, ge=0, le=100_000)

    @field_validator("files")
    @classmethod
    def _some_files(cls, value: tuple[Path, ...], info: ValidationInfo) -> tuple[Path, ...]:
        if not value and not info.data.get("shared"):
            raise ValueError(
                "List should have at least 1 item after validation, not 0 (only a shared"
                " [state] database, which stores the roster, may go without roster files)"
            )
        return value

    def limits(self) -> RosterLimits:
        return RosterLimits(
            self.max_rows,
            self.max_cells,
            int(self.max_file_mb * 1024 * 1024),
            self.max_cell_chars,
            self.min_year,
            self.max_year,
            self.parse_memory_mb * 1024 * 1024,
            self.parse_seconds,
        )

    @model_validator(mode="after")
    def _years(self) -> RosterSettings:
        if self.min_year > self.max_year:
            raise ValueError("roster.min_year must not be after roster.max_year")
        return self


class StateSettings(_Section):
    dir: Path = Path("/var/lib/renewd")
    # A person who left the roster: his delivery log, progress and feed stamps are purged after.
    retain_days: int = Field(default=400, ge=1)
    # Unset: the SQLite file in `dir`. `postgresql://user@host:port/name`: every table there,
    # shared by every instance (issue 21); its password only from the credential
    # `state.database.password` or RENEWD_STATE_DATABASE_PASSWORD (never in the URL).
    database: str | None = None
    database_password: str | None = Field(default=None, repr=False)

    @field_validator("database")
    @classmethod
    def _postgresql_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (leave it out for the SQLite file)")
        return value


def shared_roster(data: Any) -> Any:
    """Whether `[roster] files` may be left out: only with a shared `[state] database`
    (which may come from the environment, hence here, where every source is merged)."""
    if not isinstance(data, dict):
        return data
    state = data.get("state")
    database = state.get("database") if isinstance(state, dict) else None
    if isinstance(state, StateSettings):
        database = state.database
    roster = data.get("roster")
    if not isinstance(roster, dict | None) or (roster is None and not database):
        return data  # a RosterSettings made already, or nothing: checked as it is
    kept = {key: value for key, value in (roster or {}).items() if key != "shared"}
    return {**data, "roster": {**kept, "shared": bool(database)}}
