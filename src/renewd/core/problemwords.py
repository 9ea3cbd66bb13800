"""A roster problem in the reader's language: "people.csv 第2行 居住证到期日：没有这一天（…）".

The roster reader words its problems in English (`renewd check` prints them so); the console
says them in the language of the page. The location (file without directories, row, field) is
always translated; the common messages are mapped to the catalogue (`problem.*` keys) and any
other keeps its English detail. Long digit runs (an ID-card or a phone number typed into a
column renewd reads) are never shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from renewd.core.errors import Problem
from renewd.core.model import Lang
from renewd.core.wording import say

# An ID card (15/18 characters, the last maybe X) or a mainland mobile number, also written
# with spaces or dashes: hidden wherever it appears in a value or a message.
_NUMBERS_RE = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?1\d{2}[\s-]\d{4}[\s-]\d{4}(?!\d)|\d{11,}[Xx]?", re.ASCII
)
_SOURCE_RE = re.compile(r"^(?P<file>.+), row (?P<row>\d+)$")


def hide_numbers(text: str, lang: Lang) -> str:
    """`text` with every ID-card or phone-like number replaced by a placeholder."""
    return _NUMBERS_RE.sub(say(lang, "problem.hidden"), text)


def _where(source: str, lang: Lang) -> str:
    """A person's source ("people.csv, row 3") in `lang`."""
    match = _SOURCE_RE.match(source)
    if match is None:
        return source
    return say(lang, "problem.source", file=PurePath(match["file"]).name, row=match["row"])


# English message (as the reader words it) -> its catalogue sentence, given the match.
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], Lang], str]], ...] = (
    (
        re.compile(r"no such date \((?P<date>[^)]*)\)"),
        lambda m, lang: say(lang, "problem.no_such_date", date=m["date"]),
    ),
    (
        re.compile(r"not a date\b.*|expected a date such as .*"),
        lambda m, lang: say(lang, "problem.not_a_date"),
    ),
    (
        re.compile(r"duplicate id '(?P<id>.*)', first seen in (?P<source>.+)"),
        lambda m, lang: say(
            lang, "problem.duplicate_id", id=m["id"], where=_where(m["source"], lang)
        ),
    ),
    (
        re.compile(r"missing required column \((?P<names>.*)\)"),
        lambda m, lang: say(lang, "problem.missing_column", names=m["names"]),
    ),
    (re.compile(r"missing required value"), lambda m, lang: say(lang, "problem.empty")),
    (re.compile(r"no people in file.*"), lambda m, lang: say(lang, "problem.no_people")),
    (re.compile(r"expected 是/否 \(yes/no\)"), lambda m, lang: say(lang, "problem.yes_no")),
    (re.compile(r"expected one email address.*"), lambda m, lang: say(lang, "problem.email")),
    (
        re.compile(r"cannot read file: (?P<reason>.*)"),
        lambda m, lang: say(lang, "problem.unreadable", reason=m["reason"]),
    ),
)


def message(text: str, lang: Lang) -> str:
    """A reader's message in `lang`: the catalogue's sentence when it is a common one."""
    for pattern, words in _MESSAGES:
        match = pattern.fullmatch(text)
        if match is not None:
            return words(match, lang)
    return text


def location(problem: Problem, lang: Lang) -> str:
    """Where: the file's name (no directories), the row and the field (header as written)."""
    parts = [PurePath(problem.file).name] if problem.file else []
    if problem.row is not None:
        key = "problem.row" if isinstance(problem.row, int) else "problem.entry"
        parts.append(say(lang, key, row=problem.row))
    if problem.field is not None:
        parts.append(say(lang, "problem.field", field=problem.field))
    return say(lang, "problem.join").join(parts)


def describe(problem: Problem, lang: Lang) -> str:
    """The whole problem in `lang`: location, message and (hidden numbers aside) the value."""
    where, said = location(problem, lang), message(problem.message, lang)
    text = say(lang, "problem.line", where=where, message=said) if where else said
    if problem.value is not None:
        text += say(lang, "problem.value", value=problem.value)
    return hide_numbers(text, lang)
