"""The year a holiday notice's text is for, read from the places that name it unambiguously.

The State Council notice names its year
- in the title (国务院办公厅关于2026年部分节假日安排的通知), which a copy from the government's
  page breaks over two lines (「国务院办公厅关于2026年」/「部分节假日安排的通知」) or anywhere a
  narrow window wraps it: the title is looked for with every space and line break taken out;
- in the opening sentence (现将2026年元旦、春节……的具体安排通知如下);
- in a date written with its year inside a numbered entry (2023年1月2日; a December date such
  as 2022年12月31日 belongs to the 元旦 of the year after).
The document number (国办发明电〔2025〕7号), the index number and the dates of writing and
publication name the year before, so they are never read. When these places disagree the notice
is refused naming each of them; when none names a year, `NoticeYearMissing` (the caller asks for
the year). Pure: text in, a year out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from renewd.core.arrangement import NoticeError, NoticeYearMissing
from renewd.core.errors import Problem

# On the text without spaces or line breaks: 「关于2026年部分节假日安排」, 「现将2026年元旦」.
_TITLE = re.compile(r"关于(\d{4})年[^。:]{0,20}?节假日")
_OPENING = re.compile(r"现将(\d{4})年")
_DATED = re.compile(r"(\d{4})年(\d{1,2})月\d{1,2}日")


@dataclass(frozen=True, slots=True)
class YearClue:
    """A year the text names, where (`title`, `opening`, `entry`) and on which line."""

    year: int
    place: str
    line: int


def _compact(lines: list[str]) -> tuple[str, list[int]]:
    """The text without whitespace, and the line (from 1) each of its characters is on."""
    chars: list[str] = []
    where: list[int] = []
    for number, line in enumerate(lines, start=1):
        for char in line:
            if not char.isspace():
                chars.append(char)
                where.append(number)
    return "".join(chars), where


def year_clues(lines: list[str], entries: Iterable[tuple[int, str]] = ()) -> list[YearClue]:
    """Every year the title, the opening sentence and the dated entries name, in text order.
    `lines` is the normalized text (ASCII digits and colons); `entries` is (line, text) of each
    numbered entry."""
    compact, where = _compact(lines)
    clues = [YearClue(int(m.group(1)), "title", where[m.start()]) for m in _TITLE.finditer(compact)]
    clues += [
        YearClue(int(m.group(1)), "opening", where[m.start()]) for m in _OPENING.finditer(compact)
    ]
    for line, text in entries:
        for match in _DATED.finditer(text):
            year = int(match.group(1)) + (match.group(2) == "12")
            clues.append(YearClue(year, "entry", line))
    return sorted(clues, key=lambda c: c.line)


def notice_year(
    lines: list[str], entries: Iterable[tuple[int, str]], year: int | None, name: str
) -> int:
    """The notice's year: what its text names, else `year` (the caller's --year or form field).
    Raises NoticeError when the text names two years or disagrees with `year`, and
    NoticeYearMissing when neither gives one."""
    clues = year_clues(lines, entries)
    named = sorted({c.year for c in clues})
    if len(named) > 1:
        raise NoticeError(
            f"{name}: the text names more than one year ({', '.join(map(str, named))}),"
            " nothing was stored",
            [Problem(name, f"the {c.place} names {c.year}", c.line, c.place) for c in clues],
        )
    if named and year is not None and named[0] != year:
        found, clue = named[0], clues[0]
        raise NoticeError(
            f"{name}: the notice is for {found}, not {year}",
            [Problem(name, f"the {clue.place} names {found}; --year says {year}", clue.line)],
        )
    if named:
        return named[0]
    if year is None:
        raise NoticeYearMissing(
            f"{name}: no title naming the year (关于2027年部分节假日安排的通知); pass --year",
            [Problem(name, "no title naming the year", field="title")],
        )
    return year
