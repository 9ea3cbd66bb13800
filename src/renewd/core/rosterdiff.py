"""What replacing the roster changes: who is added, who is removed, whose fields differ.

Every person counts, matched by id over all his rows: a holder of other documents only
(docs/packs.md) is added or removed like a points holder, and a person whose documents change
(a document added, removed, or one of its fields) is changed.

Pure: it takes the roster in force and the roster that would replace it, and returns data. The
console shows it before HR confirms a swap, so one department's sheet uploaded over the whole
company's roster cannot silently stop everyone else's reminders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType

from renewd.core.model import DEFAULT_DOCUMENT, CriticalDate, Lang, Person, Progress

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
class DocumentChange:
    """One of a person's documents `added`, `removed` or `changed` (its `fields`); `title`: the
    document's pack title by language (its name where the pack is unknown)."""

    document: str
    title: Mapping[Lang, str]
    change: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PersonChange:
    id: str
    name: str
    fields: tuple[FieldChange, ...]  # the points row's
    documents: tuple[DocumentChange, ...] = ()  # the other documents', a points row come or gone


@dataclass(frozen=True)
class Someone:
    id: str
    name: str


@dataclass(frozen=True)
class RosterDiff:
    """The swap's effect, in roster order (removed: in the order of the roster in force)."""

    current: int  # people in force now (each person once, core.headcount)
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


Rows = dict[str, Person]  # a person's rows by document


def _by_person(rows: Iterable[Person]) -> dict[str, Rows]:
    found: dict[str, Rows] = {}
    for row in rows:
        found.setdefault(row.id, {})[row.document] = row
    return found


def _someone(pid: str, rows: Rows) -> Someone:
    """The person by his points row's name, else his first document's."""
    return Someone(pid, (rows.get(DEFAULT_DOCUMENT) or next(iter(rows.values()))).name)


def _documents(
    old: Rows, new: Rows, titles: Mapping[str, Mapping[Lang, str]]
) -> tuple[DocumentChange, ...]:
    found = []
    for document in (*old, *(d for d in new if d not in old)):
        title = titles.get(document) or dict.fromkeys(Lang, document)
        before, after = old.get(document), new.get(document)
        if before is None:
            found.append(DocumentChange(document, title, "added"))
        elif after is None:
            found.append(DocumentChange(document, title, "removed"))
        elif document != DEFAULT_DOCUMENT and before != after and (seen := _changes(before, after)):
            found.append(DocumentChange(document, title, "changed", seen))
    return tuple(found)


def diff(
    current: Sequence[Person],
    resulting: Iterable[Person],
    titles: Mapping[str, Mapping[Lang, str]] = MappingProxyType({}),
) -> RosterDiff:
    """What replacing `current` by `resulting` changes, person by person (matched by id over all
    his rows: points and other documents); `titles`: the documents' names, by pack."""
    before = _by_person(current)
    after = _by_person(resulting)
    added: list[Someone] = []
    changed: list[PersonChange] = []
    for pid, rows in after.items():
        old = before.get(pid)
        if old is None:
            added.append(_someone(pid, rows))
            continue
        was, now = old.get(DEFAULT_DOCUMENT), rows.get(DEFAULT_DOCUMENT)
        found = _changes(was, now) if was is not None and now is not None and was != now else ()
        documents = _documents(old, rows, titles)
        if found or documents:
            changed.append(PersonChange(pid, _someone(pid, rows).name, found, documents))
    removed = tuple(_someone(pid, rows) for pid, rows in before.items() if pid not in after)
    return RosterDiff(len(before), len(after), tuple(added), removed, tuple(changed))
