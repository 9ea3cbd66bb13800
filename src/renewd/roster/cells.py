"""What one roster cell means: dates, yes/no, changes, languages, addresses, critical dates.

Each parser takes a raw cell (text from CSV; str, float, bool, date or datetime from a
spreadsheet; any TOML value) and returns the value or raises CellError saying what was expected.
Cells arrive stripped and non-empty; precompiled patterns keep a 100,000-row roster fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from renewd.core.model import DEFAULT_DOCUMENT, Change, CriticalDate, Lang

_DATE_CORE = (
    r"(?P<y>\d{4})(?:"
    r"(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
    r"|(?P<m3>\d{2})(?P<d3>\d{2}))"
)
# Excel writes a date cell with a time into CSV as "2027/2/10 0:00".
_DATE_RE = re.compile(_DATE_CORE + r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_PREFIX_RE = re.compile(_DATE_CORE)
_LIST_SPLIT_RE = re.compile(r"[,，、;；\s]+")
_CRITICAL_SPLIT_RE = re.compile(r"[;；,，、\n]+")
# One mailbox: no lists (, ; |), no display names (< >), no quoting; a dot in the domain.
EMAIL_RE = re.compile(
    r"[\w.%+'-]{1,64}@[^\W_](?:[\w-]{0,62}[^\W_])?(?:\.[^\W_](?:[\w-]{0,62}[^\W_])?)+"
)
_TELEGRAM_RE = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31}")
# A WeCom userid: 1-64 letters, digits and _-@. starting with a letter or digit (so never "@all"),
# one person (no "a|b|c" lists).
_WECOM_USER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
# A DingTalk userid or a Feishu/Lark open_id or user_id: one plain token (it ends a digest line
# as "@<id>", so it can carry neither markup nor a space), never a mobile number.
_ROBOT_USER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_MOBILE_RE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
# A Bark device key or a PushPlus friend token: one token, not the URL it was copied from.
_PUSH_KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,128}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial day numbers of 1950-01-01 and 2199-12-31: a bare 2027 is a year, not a date.
_SERIALS = (18264, 109574)

_CHANGES: dict[str, Change] = {
    **dict.fromkeys(("employer", "单位", "单位变更", "工作单位"), Change.EMPLOYER),
    **dict.fromkeys(("education", "学历"), Change.EDUCATION),
    **dict.fromkeys(("title", "职称"), Change.TITLE),
    **dict.fromkeys(("spouse", "配偶"), Change.SPOUSE),
    **dict.fromkeys(("child", "子女"), Change.CHILD),
    **dict.fromkeys(("divorce", "离婚"), Change.DIVORCE),
}
_NO_CHANGE = frozenset({"无", "none", "-"})
_YES = frozenset({"是", "有", "yes", "y", "true", "1"})
_NO = frozenset({"否", "无", "no", "n", "false", "0"})
# How a value is written back (the whole-roster download): a word the parser reads as it.
YES_NO_WORDS: dict[bool, str] = {True: "是", False: "否"}
CHANGE_WORDS: dict[Change, str] = {
    change: next(w for w, c in _CHANGES.items() if c is change and not w.isascii())
    for change in Change
}
_LANGS: dict[str, Lang] = {
    **dict.fromkeys(("zh", "中文", "chinese"), Lang.ZH),
    **dict.fromkeys(("en", "英文", "english"), Lang.EN),
}


class CellError(ValueError):
    """A cell value renewd cannot use; the message says what was expected."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def cell_text(raw: Any) -> str:
    """A cell as text: Excel hands over 1001 as 1001.0, and that id is "1001"."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, int | float):
        return str(raw)
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if raw is None:
        return ""
    raise CellError("expected text")


def parse_name(raw: Any) -> str:
    """A name or other plain text: no control or invisible characters (NUL, RLO...)."""
    text = cell_text(raw)
    if _CONTROL_RE.search(text):
        raise CellError("contains control or invisible characters")
    if not text:
        raise CellError("missing required value")
    return text


# Ids a browser never asks for: in /people/<id> it reads them as "this folder" and "the folder
# above", however they are quoted (%2E%2E too), so the person's page could not be opened.
DOT_IDS = frozenset({".", ".."})


def parse_id(raw: Any) -> str:
    """An id as people type it: full-width "１００１" is the same person as "1001" (NFKC).
    "." and ".." are refused (`DOT_IDS`): no employee is numbered so, and no link could reach
    such a person's page."""
    text = parse_name(unicodedata.normalize("NFKC", cell_text(raw)).strip())
    if text in DOT_IDS:
        raise CellError(
            f"{text!r} cannot be an id (a web address reads it as a folder): use the employee"
            " number"
        )
    return text


def parse_wecom_user(raw: Any) -> str:
    text = cell_text(raw)
    if _WECOM_USER_RE.fullmatch(text) is None or text.casefold() == "@all":
        raise CellError(
            "expected one WeCom userid (letters, digits, _ - . @; not @all, not a list)"
        )
    return text


def parse_robot_user(raw: Any) -> str:
    """A DingTalk or Feishu user id for @-mentions in group robots; a phone number is refused
    (renewd stores none: @-mentions by phone number are not supported)."""
    text = cell_text(raw)
    if _MOBILE_RE.fullmatch(re.sub(r"[\s-]", "", text)):
        raise CellError(
            "expected a user id, not a phone number (renewd stores no phone numbers;"
            " @-mentions use the DingTalk userid or the Feishu open_id/user_id)"
        )
    if _ROBOT_USER_RE.fullmatch(text) is None:
        raise CellError("expected one user id (letters, digits and _ - .; not a list)")
    return text


def parse_push_key(raw: Any) -> str:
    """A Bark device key or a PushPlus friend token: the key alone, not a URL."""
    text = cell_text(raw)
    if _PUSH_KEY_RE.fullmatch(text) is None:
        raise CellError(
            "expected one key of 8-128 letters, digits, _ or - (the key alone, not a URL)"
        )
    return text


ROBOT_AND_PUSH_PARSERS: dict[str, Callable[[Any], str]] = {
    "dingtalk_user": parse_robot_user,
    "feishu_user": parse_robot_user,
    "bark": parse_push_key,
    "pushplus": parse_push_key,
}


def shown(raw: Any) -> str:
    try:
        return cell_text(raw)
    except CellError:
        return str(raw)


# Columns that hold secrets (a Bark device key lets anyone push to the phone): never echoed.
SECRET_FIELDS = frozenset({"bark", "pushplus"})


def shown_value(field: str, raw: Any) -> str | None:
    """A bad cell's value as a problem shows it: cut at 80 characters; never a secret's (a key
    pasted wrongly, inside its URL, is still a key) nor a phone number (renewd stores none)."""
    text = shown(raw)
    if field in SECRET_FIELDS or _MOBILE_RE.fullmatch(re.sub(r"[\s-]", "", text)):
        return None
    return text if len(text) <= 80 else text[:77] + "..."


def parse_date(raw: Any) -> dt.date:
    """2027-02-10, 2027/2/10, 2027.2.10, 2027年2月10日, 20270210, a date or datetime (TOML or a
    spreadsheet date cell), or a number from a spreadsheet: 20270210 or an Excel serial (46428)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, dt.time):  # a spreadsheet cell formatted as a time
        raise CellError("a time of day, not a date; write the date as 2027-02-10")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _date_from_number(raw)
    if not isinstance(raw, str):
        raise CellError("expected a date such as 2027-02-10")
    return _date_from_text(raw.strip())


@functools.lru_cache(maxsize=4096)  # a big roster repeats the same few hundred dates
def _date_from_text(text: str) -> dt.date:
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise CellError("not a date; write it as 2027-02-10, 2027/2/10, 2027年2月10日 or 20270210")
    return _date_from_match(match)


def _date_from_match(match: re.Match[str]) -> dt.date:
    year = int(match["y"])
    month = int(match["m"] or match["m2"] or match["m3"])
    day = int(match["d"] or match["d2"] or match["d3"])
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"no such date ({year}-{month:02}-{day:02})") from None


def _date_from_number(number: float) -> dt.date:
    if not math.isfinite(number):
        raise CellError("not a date; write it as 2027-02-10")
    whole = int(number)
    if 19000101 <= whole <= 29991231:
        return _date_from_text(str(whole))
    if _SERIALS[0] <= whole <= _SERIALS[1]:
        return _EXCEL_EPOCH + dt.timedelta(days=whole)
    raise CellError("not a date; write it as 2027-02-10")


def _items(raw: Any, split: re.Pattern[str]) -> list[Any]:
    values = raw if isinstance(raw, list) else [raw]
    items: list[Any] = []
    for value in values:
        if isinstance(value, str):
            items.extend(item for item in split.split(value) if item.strip())
        else:
            items.append(value)
    return items


def parse_changes(raw: Any) -> frozenset[Change]:
    changes: set[Change] = set()
    unknown: list[str] = []
    for item in _items(raw, _LIST_SPLIT_RE):
        word = cell_text(item).casefold()
        if word in _NO_CHANGE:
            continue
        change = _CHANGES.get(word) or _CHANGES.get(word.removesuffix("变更"))
        if change is None:
            unknown.append(cell_text(item))
        else:
            changes.add(change)
    if unknown:
        raise CellError(
            f"unknown change {', '.join(map(repr, unknown))}; expected employer/单位, "
            "education/学历, title/职称, spouse/配偶, child/子女, divorce/离婚 or 无"
        )
    return frozenset(changes)


def parse_tags(raw: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(cell_text(item) for item in _items(raw, _LIST_SPLIT_RE)))


def parse_yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = cell_text(raw).casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError("expected 是/否 (yes/no)")


def parse_lang(raw: Any) -> Lang:
    word = cell_text(raw).casefold().replace("_", "-")
    lang = _LANGS.get(word) or _LANGS.get(word.partition("-")[0])  # zh-TW, en-GB...
    if lang is None:
        raise CellError("expected zh/中文 or en/英文")
    return lang


# What HR writes in the 证件类型 column for the shipped packs (docs/packs.md); a pack of the
# user's goes by its name.
DOCUMENT_NAMES: dict[str, str] = {
    "上海居住证": "shanghai-points",
    "上海市居住证": "shanghai-points",
    "居住证": "shanghai-points",  # renewd's own document: a Shanghai sheet names it so
    "居住证积分": "shanghai-points",
    "外国人工作许可证": "foreign-work-permit",
    "工作许可": "foreign-work-permit",
    "外国人居留许可": "foreign-residence-permit",
    "居留许可": "foreign-residence-permit",
    "港澳台居民居住证": "hmt-residence-permit",
    "广州居住证": "guangzhou-residence-permit",
}
# What many HR sheets' 证件类型 column holds instead: the person's identity document. Such a row
# is a Shanghai points row, as it was before renewd read the column.
IDENTITY_DOCUMENTS = frozenset(
    {
        "身份证",
        "居民身份证",
        "护照",
        "外国护照",
        "港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
        "外国人永久居留身份证",
        "passport",
        "id",
        "id card",
        "idcard",
    }
)
_DOCUMENT_RE = re.compile(r"^[a-z][a-z0-9_-]*$")


def parse_document(raw: Any) -> str:
    """A policy pack's name (`foreign-work-permit`) or a shipped pack's Chinese name."""
    text = unicodedata.normalize("NFKC", cell_text(raw)).strip()
    if text.casefold() in IDENTITY_DOCUMENTS:
        return DEFAULT_DOCUMENT
    name = DOCUMENT_NAMES.get(text, text.casefold().replace("_", "-"))
    if not _DOCUMENT_RE.match(name):
        raise CellError("expected a document (policy pack) name such as foreign-work-permit")
    return name


def parse_email(raw: Any) -> str:
    text = cell_text(raw)
    if EMAIL_RE.fullmatch(text) is None:
        raise CellError("expected one email address such as name@example.com (not a list)")
    return text


def parse_telegram(raw: Any) -> str:
    text = cell_text(raw)
    if _TELEGRAM_RE.fullmatch(text) is None:
        raise CellError("expected a Telegram chat id (a number) or @username")
    return text


def parse_critical_dates(raw: Any) -> tuple[CriticalDate, ...]:
    """ "2027-04-20 小学入学登记; 2027-05-10：信息核验", a date cell, or in TOML a list of strings,
    dates and {date = ..., label = ...} tables."""
    dates: list[CriticalDate] = []
    for item in _items(raw, _CRITICAL_SPLIT_RE):
        if isinstance(item, dict):
            label = item.get("label", "")
            if "date" not in item or not isinstance(label, str) or set(item) - {"date", "label"}:
                raise CellError('expected {date = ..., label = "..."}')
            dates.append(CriticalDate(parse_date(item["date"]), label.strip()))
        elif isinstance(item, str):
            dates.append(_critical_from_text(item.strip()))
        else:
            dates.append(CriticalDate(parse_date(item)))
    return tuple(dates)


def _critical_from_text(text: str) -> CriticalDate:
    match = _DATE_PREFIX_RE.match(text)
    rest = text[match.end() :] if match else ""
    if match is None or (rest and not (rest[0] in ":：" or rest[0].isspace() or match["m2"])):
        raise CellError(f"{text!r} does not start with a date such as 2027-04-20")
    return CriticalDate(_date_from_match(match), rest.lstrip(":：").strip())
