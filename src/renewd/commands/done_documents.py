"""`renewd done PERSON STEP [--document D]` for the documents beside Shanghai points
(docs/packs.md): STEP is a step of the document's pack, by its kind (`extension_filing`), or its
title or short name in either language. `--document` is needed only when the name is ambiguous."""

from __future__ import annotations

import argparse
import datetime as dt

from renewd.commands.app import App, now, today
from renewd.core.documents import after_what_it_waits_for
from renewd.core.errors import UsageError
from renewd.core.model import DEFAULT_DOCUMENT, Lang, Person
from renewd.core.pack import Pack
from renewd.core.progress import parse_step
from renewd.core.wording import say
from renewd.roster.cells import CellError, parse_document
from renewd.store.database import Database
from renewd.store.document_progress import DocumentProgressStore


def _key(text: str) -> str:
    return "".join(text.split()).casefold().replace("-", "_")


def step_kind(pack: Pack, text: str) -> str | None:
    """The pack's step `text` names: its kind, or a title or short name in any language."""
    wanted = _key(text)
    for step in pack.steps:
        names = {step.kind, *(n for w in step.words.values() for n in (w.title, w.short))}
        if wanted in {_key(name) for name in names}:
            return step.kind
    return None


def document_name(text: str) -> str:
    """argparse type for --document: a pack's name, or a shipped pack's Chinese name as the
    roster's 证件类型 column takes it (居留许可)."""
    try:
        return parse_document(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


def _points_step(text: str) -> bool:
    try:
        parse_step(text)
    except UsageError:
        return False
    return True


def document_step(app: App, args: argparse.Namespace) -> tuple[Person, Pack, str] | None:
    """The (row, pack, step kind) `renewd done` records, or None for a Shanghai points step."""
    document: str | None = args.document
    if document == DEFAULT_DOCUMENT:
        return None
    packs = app.settings.pack_set()
    rows = [
        row
        for row in app.roster.documents
        if row.id == args.person and row.document in packs and document in (None, row.document)
    ]
    if not rows and document is None:
        return None  # no other document of his: the points' own checks, as before
    found = [(row, packs[row.document]) for row in rows]
    matches = [(row, pack, kind) for row, pack in found if (kind := step_kind(pack, args.step))]
    holds_points = args.person in app.roster.by_id()
    points = document is None and holds_points and _points_step(args.step)
    if points and not matches:
        return None
    if len(matches) + points > 1:
        held = ", ".join(
            sorted(
                {pack.name for _, pack, _ in matches} | ({DEFAULT_DOCUMENT} if points else set())
            )
        )
        raise UsageError(f"step {args.step!r} is in several documents ({held}): give --document")
    if matches:
        return matches[0]
    if not rows:  # --document names one he does not hold
        raise UsageError(f"{args.person!r} holds no document {document!r} in the roster")
    kinds = "; ".join(f"{pack.name}: {', '.join(pack.kinds)}" for _, pack in found)
    raise UsageError(f"unknown step {args.step!r}; use one of {kinds}")


def run_document_done(app: App, args: argparse.Namespace, found: tuple[Person, Pack, str]) -> int:
    row, pack, kind = found
    if args.new_expiry is not None:
        raise UsageError("for this document, write its new expiry in the roster")
    lang = app.settings.language
    title = pack.step(kind).words[lang].title
    db = Database.in_dir(app.settings.state.dir)
    try:
        store = DocumentProgressStore(db)
        if args.undo:
            if args.on:
                raise UsageError("--undo removes the record; it takes no --on")
            removed = store.undo(row.id, pack.name, kind)
            what = {"person": row.id, "field": kind, "step": title}
            print(say(lang, "cli.done.removed" if removed else "cli.done.nothing", **what))
            return 0
        day: dt.date = args.on or today(app.settings)
        problem = app.settings.roster.limits().date_problem(day)
        if problem:
            raise UsageError(problem)
        if day > today(app.settings):
            raise UsageError(say(Lang.EN, "refuse.future", day=day, today=today(app.settings)))
        after_what_it_waits_for(pack, kind, day, store.load().get((row.id, pack.name), {}), lang)
        store.record(row.id, pack.name, kind, day, now=now(app.settings), by="cli")
    finally:
        db.close()
    what = {"person": row.id, "field": kind, "step": title, "day": day.isoformat()}
    print(say(lang, "cli.done.recorded", **what))
    return 0
