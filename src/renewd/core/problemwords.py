"""A roster problem in the reader's language: "people.csv 第2行 居住证到期日：没有这一天（…）".

(Also a refused holiday notice's problems: "第17行 二、春节：2026-02-15是周日，与…不符".)

The roster reader words its problems in English (`renewd check` prints them so); the console
says them in the language of the page. The location (file without directories, row, field) is
always translated; the common messages are mapped to the catalogue (`problem.*` keys) and any
other keeps its English detail. Long digit runs (an ID-card or a phone number typed into a
column renewd reads) are never shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import PurePath

from renewd.core.errors import Problem
from renewd.core.model import Lang
from renewd.core.wording import say

# An ID card (15/18 characters, the last maybe X) or a mainland mobile number, also written
# with spaces or dashes, or in full-width digits: hidden wherever it appears in a value or a
# message (the console's pages, HR's notes and, through `renewd.redaction`, every log line).
_D = "[0-9\uff10-\uff19]"
NUMBERS_RE = re.compile(
    rf"(?<!{_D})(?:\+?86[\s-]?)?1{_D}{{2}}[\s-]{_D}{{4}}[\s-]{_D}{{4}}(?!{_D})"
    rf"|(?<!{_D}){_D}{{6}}[\s-]{_D}{{8}}[\s-]{_D}{{3}}[0-9\uff10-\uff19Xx\uff38\uff58](?!{_D})"
    rf"|{_D}{{11,}}[Xx\uff38\uff58]?"
)
_SOURCE_RE = re.compile(r"^(?P<file>.+), row (?P<row>\d+)$")


def hide_numbers(text: str, lang: Lang) -> str:
    """`text` with every ID-card or phone-like number replaced by a placeholder."""
    return NUMBERS_RE.sub(say(lang, "problem.hidden"), text)


def _where(source: str, lang: Lang) -> str:
    """A person's source ("people.csv, row 3") in `lang`."""
    match = _SOURCE_RE.match(source)
    if match is None:
        return source
    return say(lang, "problem.source", file=PurePath(match["file"]).name, row=match["row"])


def _fixed(key: str) -> Callable[[re.Match[str], Lang], str]:
    return lambda m, lang: say(lang, key)


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
        re.compile(r"'(?P<id>\.\.?)' cannot be an id .*"),
        lambda m, lang: say(lang, "problem.dot_id", id=m["id"]),
    ),
    (
        re.compile(r"cannot read file: (?P<reason>.*)"),
        lambda m, lang: say(lang, "problem.unreadable", reason=m["reason"]),
    ),
    # the channel columns (企业微信, Telegram, 钉钉, 飞书, Bark, PushPlus; renewd.roster.cells)
    (re.compile(r"expected a user id, not a phone number .*"), _fixed("problem.robot_phone")),
    (re.compile(r"expected one user id \(.*"), _fixed("problem.robot_user")),
    (re.compile(r"expected one key of 8-128 .*"), _fixed("problem.push_key")),
    (re.compile(r"expected one WeCom userid .*"), _fixed("problem.wecom_user")),
    (re.compile(r"expected a Telegram chat id .*"), _fixed("problem.telegram")),
    (
        re.compile(r"upload a (?P<suffix>\.\w+) file to replace it"),
        lambda m, lang: say(lang, "problem.upload_kind", suffix=m["suffix"]),
    ),
)


def _weekday(day: str, lang: Lang) -> str:
    return say(lang, "weekdays").split()[dt.date.fromisoformat(day).weekday()]


def _place(place: str, lang: Lang) -> str:
    return say(lang, f"problem.notice.place.{place}")


# A refused holiday notice (renewd.core.notices, arrangement, notice_year), as they word it.
_NOTICE_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], Lang], str]], ...] = (
    (
        re.compile(r"(?P<day>\d{4}-\d\d-\d\d) is a \w+, not the weekday the note names"),
        lambda m, lang: say(
            lang, "problem.notice.weekday", day=m["day"], weekday=_weekday(m["day"], lang)
        ),
    ),
    (
        re.compile(r"says (?P<stated>\d+) days but (?P<start>\S+) to (?P<end>\S+) is (?P<n>\d+)"),
        lambda m, lang: say(
            lang,
            "problem.notice.count",
            stated=m["stated"],
            start=m["start"],
            end=m["end"],
            length=m["n"],
        ),
    ),
    (
        re.compile(r"make-up day (?P<day>\d{4}-\d\d-\d\d) is a \w+, not a weekend:.*"),
        lambda m, lang: say(
            lang, "problem.notice.makeup_weekday", day=m["day"], weekday=_weekday(m["day"], lang)
        ),
    ),
    (re.compile(r".+ is missing: is the text cut short\?"), _fixed("problem.notice.missing")),
    (re.compile(r"the entry does not end with .*cut short\?"), _fixed("problem.notice.cut_short")),
    (re.compile(r"no rest days .*cut short\?"), _fixed("problem.notice.no_rest_days")),
    (re.compile(r"neither rest days .* nor a working day .*"), _fixed("problem.notice.neither")),
    (re.compile(r"not a statutory holiday name"), _fixed("problem.notice.not_statutory")),
    (
        re.compile(
            r"(?P<length>\d+) rest days from (?P<start>\S+) to (?P<end>\S+): longer than"
            r" (?P<holiday>\S+) has ever been \(at most (?P<most>\d+)\); is a date mistyped\?"
        ),
        lambda m, lang: say(
            lang,
            "problem.notice.too_long",
            length=m["length"],
            start=m["start"],
            end=m["end"],
            holiday=m["holiday"],
            most=m["most"],
        ),
    ),
    (
        re.compile(
            r"(?P<total>\d+) rest days in all: more than any year has had"
            r" \(at most (?P<most>\d+)\); is a date mistyped\?"
        ),
        lambda m, lang: say(lang, "problem.notice.too_many", total=m["total"], most=m["most"]),
    ),
    (
        re.compile(r"(?P<day>\d{4}-\d\d-\d\d) is also a rest day of (?P<other>.+)"),
        lambda m, lang: say(lang, "problem.notice.overlap", day=m["day"], other=m["other"]),
    ),
    (
        re.compile(r"the (?P<place>title|opening|entry) names (?P<year>\d{4})"),
        lambda m, lang: say(
            lang, "problem.notice.names_year", place=_place(m["place"], lang), year=m["year"]
        ),
    ),
    (
        re.compile(r"the (?P<place>\w+) names (?P<found>\d{4}); --year says (?P<year>\d{4})"),
        lambda m, lang: say(
            lang,
            "problem.notice.other_year",
            place=_place(m["place"], lang),
            found=m["found"],
            year=m["year"],
        ),
    ),
)


def message(text: str, lang: Lang) -> str:
    """A reader's message in `lang`: the catalogue's sentence when it is a common one."""
    for pattern, words in (*_MESSAGES, *_NOTICE_MESSAGES):
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
