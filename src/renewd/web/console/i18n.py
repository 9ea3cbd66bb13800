"""The console's words in Chinese (the default) and English: the wording catalogue's
`console.*` keys (`renewd.core.words_zh_console`, `words_en_console`), and the step names and
labels every other part of renewd uses."""

from __future__ import annotations

import datetime as dt

from renewd.core.model import Lang, MilestoneKind, Status, Step
from renewd.core.pack import Pack
from renewd.core.problemwords import hide_numbers
from renewd.core.progress import kind_of
from renewd.core.rosterdiff import Cell
from renewd.core.wording import CATALOGUE, capital, say, short_name
from renewd.roster.reader import COLUMNS
from renewd.web.console.index import Row


def kind_name(kind: str, lang: Lang) -> str:
    """A delivery's kind: a step's name, or what else renewd sends (a message, a digest…)."""
    try:
        return step_name(MilestoneKind(kind), lang)
    except ValueError:
        return _known(lang, f"console.kind.{kind}", kind)


def actor_name(actor: str, lang: Lang) -> str:
    """Who recorded a change: "控制台：hr-admin", the employee's link, the command line."""
    if actor.startswith("console:"):
        return say(lang, "console.actor.console", account=actor.removeprefix("console:"))
    return _known(lang, f"console.actor.{actor}", actor)


def change_name(action: str, detail: str, lang: Lang) -> str:
    """An audit line in words: "记为完成：居住证签注 2026-12-01"."""
    what = _known(lang, f"console.change.{action}", action)
    field, _, rest = detail.partition("=")
    if field in set(Step):
        field = step_name(kind_of(Step(field)), lang)
    elif f"{field}.short" in CATALOGUE[lang]:  # a shipped pack's step: <pack>.<kind>
        field = capital(say(lang, f"{field}.short"))
    text = f"{field} {rest}".strip() if rest else field
    return what + say(lang, "p.colon") + text


def delivery_name(status: str, lang: Lang) -> str:
    return _known(lang, f"console.delivery.{status}", status)


def field_name(field: str, lang: Lang) -> str:
    """A roster field by the column name HR writes: 居住证到期日 / permit_expires."""
    names = COLUMNS.get(field)
    return names[0] if names and lang is Lang.ZH else field


def cell_text(value: Cell, lang: Lang) -> str:
    """A roster cell as the diff shows it; ID-card and phone-like numbers hidden."""
    if value is None or value in ("", ()):
        return word("empty_cell", lang)
    if isinstance(value, bool):
        return word("yes" if value else "no", lang)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = say(lang, "p.list").join(value) if isinstance(value, tuple) else value
    return hide_numbers(text, lang)


def word(key: str, lang: Lang, **fields: object) -> str:
    text = CATALOGUE[lang][f"console.{key}"]
    return text.format(**fields) if fields else text


def step_name(kind: MilestoneKind, lang: Lang) -> str:
    """The step's short label, as a table heading or a cell: capitalised."""
    return capital(short_name(kind, lang))


def document_step_name(pack: Pack, kind: str, lang: Lang) -> str:
    """A document's step by its short name in the pack's words: capitalised."""
    return capital(pack.step(kind).words[lang].short)


def next_step_name(row: Row, lang: Lang) -> str:
    """The people list's "next step": a points step, or a document's with the document named."""
    if row.next_kind is not None:
        return step_name(row.next_kind, lang)
    if row.next_document is not None:
        doc, kind = row.next_document
        return f"{doc.pack.title[lang]} · {document_step_name(doc.pack, kind, lang)}"
    return "—"


def status_name(status: Status, lang: Lang) -> str:
    return say(lang, f"console.status.{status.value}")


def _known(lang: Lang, key: str, fallback: str) -> str:
    """The catalogue's words for `key`, or `fallback` (a kind or actor renewd has no words for)."""
    return CATALOGUE[lang].get(key, fallback)
