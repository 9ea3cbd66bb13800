"""A year's official holiday arrangement, read from the State Council notice or holiday-cn JSON.

Two inputs, one result (`Notice`):

- the notice text as published (国务院办公厅关于2026年部分节假日安排的通知): the year
  from the title, even broken over lines, or another place that names it
  (`renewd.core.notice_year`), then one numbered entry per holiday, e.g.
  「一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。」
  Notes in parentheses (weekday, lunar date) are checked where they name a weekday and
  otherwise ignored; full- or half-width punctuation; prose before and after; a sentence of
  advice (鼓励…安排职工在除夕（2月9日）休息) names no rest day and no working day.
- the holiday-cn project's JSON,
  `{"year", "papers", "days": [{"name", "date", "isOffDay"}]}`.

Nothing is returned unless the arrangement is complete and consistent: every statutory holiday
present, every range and make-up day inside the year (or the previous December), make-up days on
weekends, no overlaps, the stated day counts right. Otherwise `NoticeError` lists every problem with
the line or entry it is in. Pure: text in, data out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass

from renewd.core.arrangement import (
    HolidayRange,
    MakeupDay,
    Notice,
    NoticeError,
    NoticeFormat,
    NoticeYearMissing,
    check_arrangement,
)
from renewd.core.errors import Problem
from renewd.core.notice_year import notice_year

__all__ = [
    "HolidayRange",
    "MakeupDay",
    "Notice",
    "NoticeError",
    "NoticeFormat",
    "NoticeYearMissing",
    "parse_notice",
]

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
NUMERALS = "一二三四五六七八九十"


def parse_notice(text: str, *, year: int | None = None, name: str = "-") -> Notice:
    """Read notice text or holiday-cn JSON (told apart by a leading `{`); `name` is the file name
    used in errors; `year` must agree with the input's own year when both are given."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return parse_holiday_cn(text, year=year, name=name)
    return parse_text(text, year=year, name=name)


# -- the notice text -----------------------------------------------------------------------------

_ENTRY = re.compile(rf"^\s*([{NUMERALS}]+)、\s*([^:]{{1,20}}?)\s*:\s*(.*)$")
_TITLE = re.compile(r"关于\s*\d{4}\s*年")
# Advice, not the arrangement: 「鼓励各单位……安排职工在除夕（2月9日）休息」 (2024).
_ADVICE = ("鼓励", "倡导", "提倡", "建议")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(\([^)]*\))?")
_NOTE_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_COUNT = re.compile(r"共\s*(\d+)\s*天|^\s*(\d+)\s*天")  # 「放假调休，共3天」, 「放假1天」


@dataclass
class _Entry:
    line: int
    number: str
    names: list[str]
    body: str

    @property
    def label(self) -> str:
        return f"{self.number}、{'、'.join(self.names)}"


def _normalize(text: str) -> str:
    # NFKC turns full-width digits, colons, commas and parentheses into their ASCII forms.
    text = unicodedata.normalize("NFKC", text.replace("\ufeff", ""))
    return text.replace("\u3000", " ").replace("～", "至").replace("—", "至")


def _entries(lines: list[str]) -> list[_Entry]:
    """Numbered entries, each with its continuation lines (a paste may wrap a paragraph), up to
    the sentence that ends it; prose paragraphs before and after are left out."""
    entries: list[_Entry] = []
    current: _Entry | None = None
    for number, line in enumerate(lines, start=1):
        match = _ENTRY.match(line)
        if match:
            names = [n.strip() for n in re.split(r"[、,]", match.group(2)) if n.strip()]
            current = _Entry(number, match.group(1), names, match.group(3).strip())
            entries.append(current)
        elif current is not None and line.strip() and not current.body.endswith("。"):
            current.body += line.strip()
        else:
            current = None
    return entries


class _Reader:
    def __init__(self, year: int, name: str) -> None:
        self.year, self.name = year, name
        self.problems: list[Problem] = []
        self.lines: dict[HolidayRange, int] = {}  # where each range was read

    def problem(self, entry: _Entry, message: str, value: str | None = None) -> None:
        self.problems.append(Problem(self.name, message, entry.line, entry.label, value))

    def date(
        self, entry: _Entry, match: re.Match[str], month: int | None, before: bool = False
    ) -> dt.date | None:
        """The date `match` names; `month` for 「至3日」; `before`: a December date without its
        year belongs to the year before the notice's (元旦 reaching back)."""
        y_text, m_text, d_text, note = match.groups()
        mon = int(m_text) if m_text else month
        if mon is None:
            self.problem(entry, "a date without its month", match.group(0))
            return None
        year = int(y_text) if y_text else self.year - (before and mon == 12)
        try:
            day = dt.date(year, mon, int(d_text))
        except ValueError:
            self.problem(entry, "no such date", match.group(0))
            return None
        weekday = _NOTE_WEEKDAY.search(note or "")
        if weekday and WEEKDAYS[weekday.group(1)] != day.weekday():
            self.problem(
                entry, f"{day} is a {day:%A}, not the weekday the note names", match.group(0)
            )
        return day

    def compensation(self, entry: _Entry, text: str, month: int | None) -> list[HolidayRange]:
        """「4月6日（星期一）补休」: rest days for a holiday on a weekend (2015 and before)."""
        found = []
        for match in _DATE.finditer(text):
            day = self.date(entry, match, month)
            if day is not None:
                found.append(HolidayRange("、".join(entry.names), day, day))
                month = day.month
        if not found:
            self.problem(entry, "a 补休 sentence without a date", text)
        return found

    def holiday(self, entry: _Entry, sentence: str) -> list[HolidayRange]:
        head, _, tail = sentence.partition("放假")
        dates = list(_DATE.finditer(head))
        if not dates or len(dates) > 2 or (len(dates) == 2 and "至" not in head):
            self.problem(entry, "cannot read the rest days before 放假", sentence)
            return []
        # 12月31日至1月2日: a range that starts in December starts the year before
        reaches_back = len(dates) == 2 and dates[-1].group(2) == "1"
        start = self.date(entry, dates[0], None, before=reaches_back)
        if start is None:
            return []
        end = self.date(entry, dates[-1], start.month) if len(dates) == 2 else start
        if end is None:
            return []
        if end < start:
            self.problem(entry, "the range ends before it starts", head)
            return []
        count = _COUNT.search(tail)
        length = (end - start).days + 1
        stated = count and int(count.group(1) or count.group(2))
        if stated and stated != length:
            self.problem(entry, f"says {stated} days but {start} to {end} is {length}", sentence)
        found = [HolidayRange("、".join(entry.names), start, end)]
        if "补休" in tail:
            found += self.compensation(entry, tail, end.month)
        for item in found:
            self.lines.setdefault(item, entry.line)
        return found

    def makeup(self, entry: _Entry, sentence: str, after: HolidayRange | None) -> list[MakeupDay]:
        days = []
        month = after.start.month if after else None
        new_year = after is not None and after.start < dt.date(self.year, 2, 1)
        for match in _DATE.finditer(sentence):
            # 元旦's make-up day may be in the December before
            day = self.date(entry, match, month, before=new_year)
            if day is None:
                continue
            month = day.month
            days.append(MakeupDay("、".join(entry.names), day))
        if not days:
            self.problem(entry, "a 上班 sentence without a date", sentence)
        return days

    def entry(self, entry: _Entry) -> tuple[list[HolidayRange], list[MakeupDay]]:
        ranges: list[HolidayRange] = []
        makeup: list[MakeupDay] = []
        for sentence in (s.strip() for s in entry.body.split("。")):
            if not sentence:
                continue
            if any(word in sentence for word in _ADVICE):
                continue  # a date named as advice (除夕) is neither a rest nor a working day
            if "放假" in sentence:
                ranges += self.holiday(entry, sentence)
            elif sentence.endswith("上班"):
                makeup += self.makeup(entry, sentence, ranges[-1] if ranges else None)
            elif sentence.endswith("补休") and ranges:
                ranges += self.compensation(entry, sentence, ranges[-1].end.month)
            else:
                self.problem(entry, "neither rest days (放假) nor a working day (上班)", sentence)
        if not ranges:
            self.problem(entry, "no rest days (放假): is the text cut short?", entry.body or None)
        elif not entry.body.endswith("。"):
            self.problem(entry, "the entry does not end with 。: is the text cut short?")
        return ranges, makeup


def parse_text(text: str, *, year: int | None = None, name: str = "-") -> Notice:
    """The State Council notice as published. See the module docstring."""
    text = _normalize(text)
    lines = text.splitlines()
    entries = _entries(lines)
    year = notice_year(lines, ((e.line, e.body) for e in entries), year, name)
    if not entries:
        raise NoticeError(
            f"{name}: no numbered holiday entries (一、元旦：…) found",
            [Problem(name, "no line like 一、元旦：1月1日至3日放假，共3天。")],
        )
    reader = _Reader(year, name)
    ranges: list[HolidayRange] = []
    makeup: list[MakeupDay] = []
    for index, entry in enumerate(entries):
        if entry.number != _numeral(index + 1):
            reader.problem(entry, f"numbered {entry.number}, expected {_numeral(index + 1)}")
        found_ranges, found_makeup = reader.entry(entry)
        ranges += found_ranges
        makeup += found_makeup
    source = f"State Council notice text: {_title(lines, year)}"
    check_arrangement(year, ranges, makeup, reader.problems, name, reader.lines)
    return Notice(year, tuple(ranges), tuple(makeup), source, NoticeFormat.TEXT)


def _title(lines: list[str], year: int) -> str:
    """The title as one line, also when the page broke it over two (「…关于2026年」/「部分…」)."""
    for index, line in enumerate(lines):
        if _TITLE.search(line):
            title = line.strip().rsplit(":", 1)[-1].strip()  # 「标题：国务院办公厅关于…」
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if "通知" not in title and following.endswith("通知"):
                title += following
            return title
    return f"{year} notice"


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return (
        ("" if n < 20 else NUMERALS[n // 10 - 1]) + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")
    )


# -- holiday-cn JSON -----------------------------------------------------------------------------


def parse_holiday_cn(text: str, *, year: int | None = None, name: str = "-") -> Notice:
    """holiday-cn's `{year, papers, days}`; empty papers or days mean "not published yet"."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NoticeError(
            f"{name}: not valid JSON", [Problem(name, exc.msg, row=exc.lineno)]
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("year"), int):
        raise NoticeError(
            f"{name}: not a holiday-cn file",
            [Problem(name, "needs an integer 'year'", field="year")],
        )
    found: int = doc["year"]
    if year is not None and year != found:
        raise NoticeError(
            f"{name}: the file is for {found}, not {year}",
            [Problem(name, f"'year' is {found}; --year says {year}", field="year")],
        )
    papers, days = doc.get("papers"), doc.get("days")
    if not papers or not days or not isinstance(days, list):
        raise NoticeError(
            f"{name}: {found} is not published in this file (empty 'papers' or 'days');"
            " refused rather than read as a year without holidays",
            [Problem(name, "empty", field="papers" if not papers else "days")],
        )
    problems: list[Problem] = []
    off: dict[dt.date, str] = {}
    on: list[MakeupDay] = []
    for index, item in enumerate(days):
        where = f"days[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem(name, "not an object", field=where))
            continue
        label, date_text, is_off = item.get("name"), item.get("date"), item.get("isOffDay")
        if not isinstance(label, str) or not isinstance(is_off, bool):
            problems.append(Problem(name, "needs 'name' (text) and 'isOffDay' (true|false)", where))
            continue
        try:
            day = dt.date.fromisoformat(str(date_text))
        except ValueError:
            problems.append(Problem(name, "not a date like 2027-01-01", where, "date", date_text))
            continue
        if day in off or any(m.date == day for m in on):
            problems.append(Problem(name, "listed twice", where, "date", str(day)))
        elif is_off:
            off[day] = label
        else:
            on.append(MakeupDay(label, day))
    ranges: list[HolidayRange] = []
    for day in sorted(off):
        last = ranges[-1] if ranges else None
        if last and last.name == off[day] and day == last.end + dt.timedelta(days=1):
            ranges[-1] = HolidayRange(last.name, last.start, day)
        else:
            ranges.append(HolidayRange(off[day], day, day))
    source = f"holiday-cn JSON: {papers[0]}" if isinstance(papers, list) else "holiday-cn JSON"
    check_arrangement(found, ranges, on, problems, name)
    return Notice(
        found,
        tuple(ranges),
        tuple(sorted(on, key=lambda m: m.date)),
        source,
        NoticeFormat.HOLIDAY_CN,
    )
