"""The daemon's roster: a bad row holds back only its own person (docs/design.md §13).

`renewd.roster.reader.load_roster` (the CLI's, `renewd check`'s) is all or nothing.
`read_partial` reads what it can, with the last good version of each person and of each file
kept in the state database (`renewd.store.records`):

- a file that cannot be read at all (missing, undecodable, a required column gone, only a
  header left) keeps that file's last good version;
- a bad row keeps its person's last good record, or leaves him out if there is none (a new id,
  or a row whose id cannot be read);
- every other row loads, and becomes that person's last good record.

Every problem is still reported with file, row and field (`PartialRoster.problems`), with the
group it belongs to where that is known, so that HR hears of it in its own digest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from renewd.core.errors import Problem, RosterError
from renewd.core.model import Person
from renewd.roster.limits import RosterLimits
from renewd.roster.reader import Roster
from renewd.roster.reader import _load_file as load_file  # the per-file reader, no raise


class LastGood(Protocol):
    """The last good records of earlier loads (persisted by `renewd.store.records`)."""

    def of_file(self, file: str) -> list[Person]: ...

    def of_ids(self, ids: Sequence[str]) -> Mapping[str, Person]: ...


class _NoRecords:
    """No state database (yet): a bad row has no last good record to stand in."""

    def of_file(self, file: str) -> list[Person]:
        return []

    def of_ids(self, ids: Sequence[str]) -> Mapping[str, Person]:
        return {}


NO_RECORDS: LastGood = _NoRecords()


@dataclass(frozen=True)
class FileRecords:
    """What a readable file now holds: its good rows, and the ids whose records must stay."""

    file: str
    people: tuple[Person, ...]
    held: frozenset[str]  # bad rows' ids: their records stay as they were
    complete: bool  # every bad row has an id: records of ids no longer in the file can go


@dataclass(frozen=True)
class PartialRoster:
    roster: Roster
    problems: tuple[Problem, ...] = ()
    kept: tuple[str, ...] = ()  # ids served from their last good record
    left_out: int = 0  # bad rows without a last good record (a new id, or no id)
    stale_files: tuple[str, ...] = ()  # unreadable files served from their last good version
    by_group: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)  # "": no group
    save: tuple[FileRecords, ...] = ()  # what to persist as the new last good records
    held: tuple[str, ...] = ()  # ids held back whole (a feed-name clash): not served at all

    @property
    def people(self) -> tuple[Person, ...]:
        return self.roster.people


def read_partial(
    paths: Sequence[Path], last_good: LastGood, limits: RosterLimits | None = None
) -> PartialRoster:
    """Read every file, standing in last good records for what cannot be read. Raises
    RosterError only when nobody at all can be served (no file readable, nothing kept)."""
    if not paths:
        raise RosterError("no roster files configured")
    people: list[Person] = []
    documents: list[Person] = []  # other packs' rows (docs/packs.md): no last good stand-ins
    seen: dict[str, Person] = {}
    seen_documents: dict[tuple[str, str], Person] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    kept: list[str] = []
    stale: list[str] = []
    save: list[FileRecords] = []
    by_group: dict[str, list[Problem]] = {}
    left_out = 0

    def add(person: Person, file: str, row: int | str | None, header: str) -> bool:
        first = seen.setdefault(person.id, person)
        if first is person:
            people.append(person)
            return True
        message = f"duplicate id {person.id!r}, first seen in {first.source}"
        problems.append(Problem(file, message, row=row, field=header, value=person.id))
        return False

    for path in paths:
        file = str(path)
        loaded = load_file(path, limits or RosterLimits())
        problems.extend(loaded.problems)
        warnings.extend(loaded.warnings)
        for person, row in loaded.documents:
            first = seen_documents.setdefault((person.id, person.document), person)
            if first is person:
                documents.append(person)
                continue
            message = f"duplicate id {person.id!r}, first seen in {first.source}"
            problems.append(
                Problem(file, message, row=row, field=loaded.id_header, value=person.id)
            )
        if not loaded.people and not loaded.documents:  # unreadable, or no good row at all
            stale.append(file)
            groups: set[str] = set()
            for person in last_good.of_file(file):
                if add(person, file, None, loaded.id_header):
                    kept.append(person.id)
                    groups.add(person.group)
            for group in sorted(groups - {""}):  # HR of every group the file held hears of it
                by_group.setdefault(group, []).extend(loaded.problems)
            continue
        for person, row in loaded.people:
            add(person, file, row, loaded.id_header)
        records = last_good.of_ids([pid for _, pid, _ in loaded.bad_rows if pid])
        group_of_row: dict[int | str, str] = {}
        for row, pid, group in loaded.bad_rows:
            record = records.get(pid) if pid else None
            if record is None:
                left_out += 1
            elif add(record, file, row, loaded.id_header):
                kept.append(pid)
            group_of_row[row] = group or (record.group if record else "")
        for problem in loaded.problems:
            owner = group_of_row.get(problem.row, "") if problem.row is not None else ""
            if owner:
                by_group.setdefault(owner, []).append(problem)
        save.append(
            FileRecords(
                file,
                tuple(p for p, _ in loaded.people),
                frozenset(pid for _, pid, _ in loaded.bad_rows if pid),
                complete=all(pid for _, pid, _ in loaded.bad_rows),
            )
        )
    placed = {id(p) for ps in by_group.values() for p in ps}
    homeless = [p for p in problems if id(p) not in placed]
    if homeless:  # no group known: the escalation channels hear of them
        by_group.setdefault("", []).extend(homeless)
    if not people and not documents:
        raise RosterError(
            f"no valid roster: {len(problems)} problem(s) and no last good record to serve",
            problems,
        )
    return PartialRoster(
        Roster(tuple(people), tuple(warnings), tuple(documents)),
        tuple(problems),
        tuple(kept),
        left_out,
        tuple(stale),
        {g: tuple(ps) for g, ps in by_group.items()},
        tuple(save),
    )
