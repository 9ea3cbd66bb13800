"""Recording a step of a person's other documents on the console (docs/packs.md): the daemon's
side. The step is written to the documents' progress (`store.document_progress`) on the console's
own connection, the person's documents are replanned at once (so the page shows it), and the
daemon is asked for a pass, whose sweep replans its snapshot, feeds and reminders."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from renewd.calendar.snapshot import Snapshot
from renewd.core.documents import after_what_it_waits_for, plan_each_person
from renewd.core.errors import UsageError
from renewd.core.wording import say
from renewd.store.database import Database
from renewd.store.document_progress import DocumentProgressStore
from renewd.web.console.source import PlansView


class _Daemon(Protocol):
    @property
    def snapshot(self) -> Snapshot | None: ...


class Source(Protocol):
    """What of `console_port.DaemonSource` this needs."""

    db: Database
    _view: PlansView | None

    @property
    def daemon(self) -> _Daemon: ...

    def now(self) -> dt.datetime: ...

    def on_change(self) -> None: ...


def record_document_step(
    source: Source, person: str, document: str, step: str, day: dt.date, *, by: str
) -> None:
    view, snap = source._view, source.daemon.snapshot
    store = DocumentProgressStore(source.db)
    if view is not None and snap is not None:  # as `renewd done`, in the console's words
        lang = snap.settings.language
        if day > view.today:
            raise UsageError(say(lang, "refuse.future", day=day, today=view.today))
        pack = snap.packs.get(document)
        if pack is not None:
            recorded = store.load().get((person, document), {})
            after_what_it_waits_for(pack, step, day, recorded, lang)
    store.record(person, document, step, day, now=source.now(), by=by)
    _replan(source, person)


def undo_document_step(source: Source, person: str, document: str, step: str) -> bool:
    removed = DocumentProgressStore(source.db).undo(person, document, step)
    _replan(source, person)
    return removed


def _replan(source: Source, person: str) -> None:
    """The person's documents planned again with what is recorded now, into the console's view;
    the daemon's own pass (asked for by `on_change`) replans its snapshot and the feeds."""
    view, snap = source._view, source.daemon.snapshot
    if view is not None and snap is not None:
        recorded = DocumentProgressStore(source.db).load()
        mine = {key: done for key, done in recorded.items() if key[0] == person}
        rows = [row for row in snap.roster.documents if row.id == person]
        due_soon = snap.settings.policy.core().due_soon_days
        planned, _ = plan_each_person(snap.packs, rows, snap.calendar, view.today, mine, due_soon)
        source._view = view.with_documents(person, tuple(planned))
    source.on_change()
