"""Which materials each step needs, and for whom: plain text, zh and en, no I/O (docs/design.md §2).

The points materials belong to the points steps only. The HR officer's own ID card is on HR's
list (the employer's hand-in), never the employee's; the permit step asks the holder for his own
permit and ID card. Shared by the feeds and the reminder messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from renewd.core.model import Change, Lang, MilestoneKind

K = MilestoneKind


class Reader(StrEnum):
    """Whose checklist: the permit holder's own, or the employer's HR officer's."""

    HOLDER = "holder"
    HR = "hr"


HR_OWN: dict[Lang, str] = {
    Lang.ZH: "人事专员本人身份证原件及复印件",
    Lang.EN: "the HR officer's own ID card (original and copy)",
}
HOLDER_DOCS: dict[Lang, tuple[str, ...]] = {
    Lang.ZH: (
        "持证人有效的居住证原件及复印件",
        "持证人身份证原件及复印件",
        "网上打印的《上海市居住证积分申请表》（单位盖章、持证人签名）",
    ),
    Lang.EN: (
        "the holder's valid residence permit (original and copy)",
        "the holder's ID card (original and copy)",
        "the application form printed online, sealed by the employer and signed by the holder",
    ),
}
OWN_DOCS: dict[Lang, tuple[str, ...]] = {
    Lang.ZH: (
        "您有效的居住证原件及复印件",
        "您的身份证原件及复印件",
        "在积分申请表上签名（单位打印并盖章）",
    ),
    Lang.EN: (
        "your valid residence permit (original and copy)",
        "your ID card (original and copy)",
        "your signature on the application form (the employer prints and seals it)",
    ),
}
PERMIT_DOCS: dict[Lang, tuple[str, ...]] = {
    Lang.ZH: ("您的居住证", "您的身份证", "留意自动签注确认短信"),
    Lang.EN: ("your residence permit", "your ID card", "the automatic-endorsement SMS, if any"),
}
COLLECT_DOCS: dict[Lang, tuple[str, ...]] = {
    Lang.ZH: ("有效身份证件（到区人才服务中心领取时）",),
    Lang.EN: ("a valid ID document (when collecting at the district talent service centre)",),
}

_SPOUSE_ZH = ("结婚证", "配偶身份证", "配偶居住证", "配偶户口簿")
_SPOUSE_EN = (
    "marriage certificate",
    "spouse's ID card",
    "spouse's residence permit",
    "spouse's household register",
)

BY_CHANGE: dict[Change, dict[Lang, tuple[str, ...]]] = {
    Change.EMPLOYER: {
        Lang.ZH: ("新单位营业执照复印件", "劳动合同", "原单位退工证明"),
        Lang.EN: (
            "copy of the new employer's business licence",
            "labour contract",
            "leaving certificate from the previous employer",
        ),
    },
    Change.EDUCATION: {
        Lang.ZH: ("经认证的学历证书",),
        Lang.EN: ("verified diploma",),
    },
    Change.TITLE: {
        Lang.ZH: ("职称证书", "评审或考试记录", "聘任文件", "岗位说明"),
        Lang.EN: (
            "professional title certificate",
            "review or exam record",
            "appointment letter",
            "post description",
        ),
    },
    Change.SPOUSE: {Lang.ZH: _SPOUSE_ZH, Lang.EN: _SPOUSE_EN},
    Change.CHILD: {
        Lang.ZH: (*_SPOUSE_ZH, "子女居住证或居住证明", "子女户口簿"),
        Lang.EN: (
            *_SPOUSE_EN,
            "child's residence permit or residence proof",
            "child's household register",
        ),
    },
    Change.DIVORCE: {
        Lang.ZH: ("离婚证", "离婚协议书或法院判决书"),
        Lang.EN: ("divorce certificate", "divorce agreement or court judgment"),
    },
}

_CHANGE_ORDER = tuple(Change)


def _with_changes(base: Iterable[str], changes: Iterable[Change], lang: Lang) -> tuple[str, ...]:
    wanted = set(changes)
    items: list[str] = list(base)
    for change in _CHANGE_ORDER:
        if change in wanted:
            items.extend(i for i in BY_CHANGE[change][lang] if i not in items)
    return tuple(items)


def checklist(changes: Iterable[Change], lang: Lang, reader: Reader = Reader.HR) -> tuple[str, ...]:
    """The points materials: for HR the full hand-in (its own ID card first), for the holder
    what he must give HR; then each change's set, in a fixed order, without repeats."""
    base = (HR_OWN[lang], *HOLDER_DOCS[lang]) if reader is Reader.HR else OWN_DOCS[lang]
    return _with_changes(base, changes, lang)


def step_checklist(
    kind: MilestoneKind,
    changes: Iterable[Change],
    lang: Lang,
    reader: Reader,
    *,
    auto_endorsement: bool = True,
    points: bool = True,
) -> tuple[str, ...]:
    """What `reader` brings for `kind`: nothing for steps done online or waited for. A person
    without points (`points=False`) prepares for the permit only."""
    if kind is K.PERMIT_RENEWAL:
        docs = PERMIT_DOCS[lang]
        return docs if auto_endorsement else docs[:2]
    if kind is K.PREPARE:
        return checklist(changes, lang, Reader.HOLDER) if points else PERMIT_DOCS[lang][:2]
    if kind is K.EMPLOYER_SUBMISSION:
        return checklist(changes, lang, reader)
    if kind is K.COLLECT_NOTICE:
        return COLLECT_DOCS[lang]
    return ()
