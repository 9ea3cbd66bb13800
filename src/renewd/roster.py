"""Roster loading (placeholder until the roster branch lands)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from renewd.model import Person


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...]
    warnings: tuple[str, ...]

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}


def load_roster(paths: Sequence[Path]) -> Roster:
    raise NotImplementedError
