"""How many people a roster holds, said the same way everywhere (`renewd check`, `roster import`,
`renewd init`, the daemon's log and status line, /healthz, the console's roster check).

A person is counted once however many rows he has: a points holder with other documents once, a
foreign employee who holds only other documents (a work permit, a residence permit; docs/packs.md)
once too. The other documents are counted as documents, beside the people. Pure: rows in, counts
and words out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from renewd.core.model import Lang, Person
from renewd.core.wording import say


@dataclass(frozen=True)
class Headcount:
    people: int  # distinct persons: points holders and holders of other documents only
    documents_only: int  # of them, the ones with no points row (only other documents)
    documents: int  # other documents' rows (one per person and document)

    def __str__(self) -> str:  # the daemon's log lines are English
        return self.words(Lang.EN)

    def words(self, lang: Lang) -> str:
        """ "9 people (1 of them only for other documents), 2 other documents"; "8 people" for a
        roster of points holders alone."""
        if not self.documents:
            return say(lang, "count.people", n=self.people)
        key = "count.people.documents_only" if self.documents_only else "count.people.documents"
        return say(lang, key, n=self.people, only=self.documents_only, documents=self.documents)


def headcount(people: Iterable[Person], documents: Iterable[Person] = ()) -> Headcount:
    """The count of `people` (points rows) and `documents` (other documents' rows), each person
    once."""
    holders = {person.id for person in people}
    docs = 0
    only: set[str] = set()
    for row in documents:
        docs += 1
        if row.id not in holders:
            only.add(row.id)
    return Headcount(len(holders) + len(only), len(only), docs)
