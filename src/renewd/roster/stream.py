"""The partial roster as a stream: `read_partial` and `hold_back_clashes`, a person at a time.

`renewd plan --json` plans and writes each person as his row is read, so that a million people
are never held at once (issue 20). `RosterStream.people()` yields exactly the people, in exactly
the order, that `read_partial(...)` then `hold_back_clashes(...)` serve, and once it is
exhausted `problems` and `documents` are theirs too, in the same order:

- a file's good rows as they are read; its bad rows' last good records after them (they are
  known only at the file's end); an unreadable file, or one without a good row, its last good
  version (nothing of it was yielded before its end);
- the duplicate-id check keeps one `source` string per id seen ("people.csv, row 7", what the
  duplicate's problem names), not the people;
- a text file is measured before its first row is taken (`read_text(checked=True)`): a limit
  or a CSV error found halfway could no longer hold back what was already yielded.

A reader's own bug halfway through a file (what `read_partial` turns into "cannot read file")
is raised instead: the people before it are already out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from renewd import redaction
from renewd.core.errors import Problem, RosterError
from renewd.core.model import DEFAULT_DOCUMENT, Person
from renewd.roster.assemble import LastGood
from renewd.roster.feednames import clash
from renewd.roster.limits import RosterLimits
from renewd.roster.reader import (
    _Loaded,
    guarded,
    header_problems,
    no_people,
    open_tables,
    read_rows,
    tables_warnings,
)


class RosterStream:
    """One pass over the roster's files; `people()` may be iterated once."""

    def __init__(
        self,
        paths: Sequence[Path],
        last_good: LastGood,
        limits: RosterLimits,
        reserved: Collection[str] = (),
    ) -> None:
        if not paths:
            raise RosterError("no roster files configured")
        self.paths = tuple(paths)
        self.last_good = last_good
        self.limits = limits
        self.reserved = frozenset(reserved)
        self.problems: list[Problem] = []  # complete once `people()` is exhausted
        self.warnings: list[str] = []
        self.documents: list[Person] = []  # other packs' rows (docs/packs.md)
        self._seen: dict[str, str] = {}  # id -> the source of its first person
        self._seen_documents: dict[tuple[str, str], str] = {}
        self._clashes: list[Problem] = []  # said after every other problem, as hold_back does
        self._duplicates: list[Problem] = []  # the file's, said after its own problems

    def people(self) -> Iterator[Person]:
        for path in self.paths:
            for person in self._file(path):
                if person.bark or person.pushplus:  # masked in every log from now on
                    redaction.register_secret(person.bark, person.pushplus)
                yield person
        self.problems.extend(self._clashes)
        if not self._seen and not self.documents:
            raise RosterError(
                f"no valid roster: {len(self.problems)} problem(s) and no last good record to"
                " serve",
                self.problems,
            )

    def _add(self, person: Person, file: str, row: int | str | None, header: str) -> bool:
        """Whether `person` is the first of his id (else his duplicate's problem is said)."""
        seen = len(self._seen)
        first = self._seen.setdefault(person.id, person.source)
        if len(self._seen) > seen:
            return True
        message = f"duplicate id {person.id!r}, first seen in {first}"
        self._duplicates.append(Problem(file, message, row=row, field=header, value=person.id))
        return False

    def _served(self, person: Person) -> bool:
        """Whether `person` is served: not when his feed would clash with an extra feed's."""
        if not self.reserved:
            return True
        found = clash(person, self.reserved)
        self._clashes.extend(found)
        return not found

    def _file(self, path: Path) -> Iterator[Person]:
        file = str(path)
        self._duplicates = []
        document_duplicates: list[Problem] = []
        tables = guarded(path, lambda: open_tables(path, self.limits, checked=True))
        if isinstance(tables, _Loaded):  # unreadable: its one problem, its last good version
            self.problems.extend(tables.problems)
            yield from self._stale(file, "id")
            return
        header_problems(path, tables)
        id_header = tables.headers.get("id", "id")
        bad_rows: list[tuple[int | str, str, str]] = []
        good = 0
        for person, row in read_rows(path, tables, self.limits, bad_rows):
            good += 1
            if person.document != DEFAULT_DOCUMENT:
                key = (person.id, person.document)
                seen = len(self._seen_documents)
                first = self._seen_documents.setdefault(key, person.source)
                if len(self._seen_documents) > seen:
                    redaction.register_secret(person.bark, person.pushplus)
                    self.documents.append(person)
                else:
                    message = f"duplicate id {person.id!r}, first seen in {first}"
                    document_duplicates.append(
                        Problem(file, message, row=row, field=id_header, value=person.id)
                    )
            elif self._add(person, file, row, id_header) and (
                not self.reserved or self._served(person)
            ):
                yield person
        if not good and not bad_rows:
            tables.problems.append(no_people(path))
        self.warnings.extend(tables_warnings(path, tables))
        self.problems.extend(tables.problems)
        self.problems.extend(document_duplicates)
        if not good:  # no good row at all: the file's last good version
            yield from self._stale(file, id_header)
            return
        records = self.last_good.of_ids([pid for _, pid, _ in bad_rows if pid])
        for row, pid, _ in bad_rows:
            record = records.get(pid) if pid else None
            if record is None or not self._add(record, file, row, id_header):
                continue
            if self._served(record):
                yield record
        self.problems.extend(self._duplicates)

    def _stale(self, file: str, id_header: str) -> Iterator[Person]:
        for person in self.last_good.of_file(file):
            if self._add(person, file, None, id_header) and self._served(person):
                yield person
        self.problems.extend(self._duplicates)
