"""The columns renewd reads from a roster, and the headers HR departments write for them.

A header matches after NFKC normalisation, without spaces, `_`, `-`, `*` or a trailing note in
brackets ("居住证到期日(年/月/日)"), ignoring case.
"""

from __future__ import annotations

import re
import unicodedata

# Canonical column name first, then the headers HR departments actually write.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("工号", "编号", "员工编号"),
    "name": ("姓名",),
    "permit_expires": ("居住证到期日", "居住证有效期至", "居住证有效期", "到期日"),
    "group": ("部门", "单位", "分组"),
    "changes": ("变更事项", "申请方式变更"),
    "has_points": ("积分", "有积分"),
    "email": ("邮箱", "电子邮箱"),
    "telegram": ("Telegram",),
    "wecom_user": ("企业微信",),
    "dingtalk_user": ("钉钉", "钉钉ID", "钉钉userid"),
    "feishu_user": ("飞书", "飞书ID", "Lark"),
    "bark": ("Bark",),
    "pushplus": ("PushPlus",),
    "lang": ("语言",),
    "tags": ("标签",),
    "permit_renewed_on": ("居住证续签日期",),
    "points_applied_on": ("积分续办申请日期",),
    "points_submitted_on": ("单位提交日期",),
    "points_approved_on": ("积分核定日期",),
    "notice_collected_on": ("通知单领取日期",),
    "new_permit_expires": ("新居住证到期日",),
    "critical_dates": ("关键日期",),
    "document": ("证件类型",),
    "issued_on": ("签发日期",),
}
# Aliases general enough that a sheet may use them for something else (a contract's 到期日): they
# name their column only when no other header does; beside one, they are ignored as before.
WEAK_ALIASES = frozenset({"到期日"})
HEADER_SEARCH_ROWS = 10
REQUIRED = ("id", "name", "permit_expires")
PROGRESS_FIELDS = (
    "permit_renewed_on",
    "points_applied_on",
    "points_submitted_on",
    "points_approved_on",
    "notice_collected_on",
    "new_permit_expires",
)

_NOTE_RE = re.compile(r"\s*\([^()]*\)\s*$")  # "居住证到期日(年/月/日)"; NFKC turns （） into ()
_HEADER_NOISE_RE = re.compile(r"[\s_\-*]+")


def header_key(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).strip()
    text = _NOTE_RE.sub("", text)
    return _HEADER_NOISE_RE.sub("", text).casefold()


HEADER_FIELDS: dict[str, str] = {
    header_key(alias): field for field, aliases in COLUMNS.items() for alias in (field, *aliases)
}


def weak(header: str) -> bool:
    return header_key(header) in _WEAK_KEYS


_WEAK_KEYS = frozenset(header_key(alias) for alias in WEAK_ALIASES)
