"""What replacing the roster changes: who is added, who is removed, whose fields differ.

Pure: it takes the roster in force and the roster that would replace it, and returns data. The
console shows it before HR confirms a swap, so one department's sheet uploaded over the whole
company's roster cannot silently stop everyone else's reminders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from renewd.core.model import CriticalDate, Person, Progress

# The fields compared, in the order the roster documents them: every field but `source` (a
# person who only moved to another row has not changed) and `progress`, compared per step.
PERSON_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Person) if f.name not in ("source", "progress")
)
PROGRESS_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Progress))

Cell = str | bool | dt.date | None | tuple[str, ...]

# Fields that hold a secret (a Bark device key, a PushPlus friend token): the diff says that
# they change, never what they hold.
SECRET_FIELDS = frozenset({"bark", "pushplus"})
MASK = "***"


@dataclass(frozen=True)
class FieldChange:
    """One field of one person, before and after; `field` is the roster's field name."""

    field: str
    old: Cell
    new: Cell


@dataclass(frozen=True)
class PersonChange:
    id: str
    name: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Someone:
    id: str
    name: str


@dataclass(frozen=True)
class RosterDiff:
    """The swap's effect, in roster order (removed: in the order of the roster in force)."""

    current: int  # people in force now
    resulting: int  # people after the swap
    added: tuple[Someone, ...]
    removed: tuple[Someone, ...]
    changed: tuple[PersonChange, ...]

    @property
    def unchanged(self) -> int:
        return self.resulting - len(self.added) - len(self.changed)

    @property
    def drastic(self) -> bool:
        """More than half of the people in force would be removed."""
        return len(self.removed) * 2 > self.current

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def cell(person: Person, name: str) -> Cell:
    """One field of `person` as a comparable, displayable value."""
    value: object
    value = getattr(person.progress, name) if name in PROGRESS_FIELDS else getattr(person, name)
    if value is None or isinstance(value, str | bool | dt.date):
        return value
    if isinstance(value, frozenset):  # changes: order does not matter
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_item(v) for v in value)
    return str(value)  # an enum (lang)


def _item(value: object) -> str:
    if isinstance(value, CriticalDate):
        return f"{value.date.isoformat()} {value.label}".strip()
    return str(value)


def _changes(old: Person, new: Person) -> tuple[FieldChange, ...]:
    found = []
    for name in (*PERSON_FIELDS, *PROGRESS_FIELDS):
        before, after = cell(old, name), cell(new, name)
        if before != after:
            if name in SECRET_FIELDS:
                before, after = (MASK if value else value for value in (before, after))
            found.append(FieldChange(name, before, after))
    return tuple(found)


def diff(current: Sequence[Person], resulting: Iterable[Person]) -> RosterDiff:
    """What replacing `current` by `resulting` changes, person by person (matched by id)."""
    before = {p.id: p for p in current}
    seen: set[str] = set()
    added: list[Someone] = []
    changed: list[PersonChange] = []
    count = 0
    for person in resulting:
        count += 1
        seen.add(person.id)
        old = before.get(person.id)
        if old is None:
            added.append(Someone(person.id, person.name))
        elif old != person and (found := _changes(old, person)):
            changed.append(PersonChange(person.id, person.name, found))
    removed = tuple(Someone(p.id, p.name) for p in current if p.id not in seen)
    return RosterDiff(len(before), count, tuple(added), removed, tuple(changed))
