"""The steps of the documents beside Shanghai points recorded with `renewd done --document`
(docs/packs.md), as the daemon follows them: read once, read again when the table changed."""

from __future__ import annotations

from collections.abc import Mapping

from renewd.core.documents import Done
from renewd.store.database import Database
from renewd.store.document_progress import DocumentProgressStore


class DocumentSteps:
    def __init__(self, db: Database) -> None:
        self.store = DocumentProgressStore(db)
        self.mark = self.store.fingerprint()
        self.recorded: Mapping[tuple[str, str], Done] = self.store.load()

    def changed(self) -> bool:
        """Whether steps were recorded or undone since the last look (then `recorded` is new)."""
        mark = self.store.fingerprint()
        if mark == self.mark:
            return False
        self.mark, self.recorded = mark, self.store.load()
        return True
