"""What each step asks of whom, and which materials to bring: plain text, zh and en, no I/O.

Shared by the feeds (event descriptions) and the reminder messages, so everything here is plain
text: lists of strings and short sentences, with no ICS escaping and no markup. Source: SPEC §1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from renewd.core.model import Change, Lang, MilestoneKind

K = MilestoneKind


class Actor(StrEnum):
    """Who acts on a milestone."""

    HOLDER = "holder"  # the permit holder
    HR = "hr"  # the employer's HR officer (单位人事专员), or the agency
    NOBODY = "nobody"  # a date to know, nothing to do on it


ACTOR_TEXT: dict[Actor, dict[Lang, str]] = {
    Actor.HOLDER: {Lang.ZH: "持证人本人", Lang.EN: "the permit holder"},
    Actor.HR: {Lang.ZH: "单位人事专员", Lang.EN: "the employer's HR officer"},
    Actor.NOBODY: {Lang.ZH: "无需办理（知悉即可）", Lang.EN: "nobody (a date to know)"},
}


@dataclass(frozen=True)
class StepText:
    """One milestone in words: a short title, what to do, and who does it."""

    title: str
    action: str
    actor: Actor
    actor_text: str
    points: bool  # True for the points (积分) steps, False for the permit (居住证) ones


# kind -> (actor, points?, zh title, zh action, en title, en action)
_STEPS: dict[MilestoneKind, tuple[Actor, bool, str, str, str, str]] = {
    K.PREPARE: (
        Actor.HOLDER,
        False,
        "准备续签材料",
        "整理材料，核对社保缴纳是否连续、工作单位及积分项目（学历、职称、配偶、子女）是否有变化。"
        "社保断缴或更换单位会影响续办，请尽早告知人事。",
        "prepare the renewal",
        "Gather the materials; check that social insurance was paid without gaps and whether the"
        " employer or a points item (education, title, spouse, child) changed. A social-insurance"
        " gap or a job change puts the renewal at risk: tell HR early.",
    ),
    K.PERMIT_WINDOW: (
        Actor.NOBODY,
        False,
        "居住证可以开始签注",
        "从今天起可以办理居住证签注（续签）。",
        "permit renewal window opens",
        "From today the residence permit can be endorsed (renewed).",
    ),
    K.PERMIT_RENEWAL: (
        Actor.HOLDER,
        False,
        "续签居住证截止",
        "办理居住证签注（续签），可通过“一网通办”或社区事务受理中心办理，办结后告知人事。",
        "renew the residence permit",
        "Endorse (renew) the residence permit online (一网通办) or at the community service"
        " centre, then tell HR it is done.",
    ),
    K.POINTS_APPLICATION: (
        Actor.HOLDER,
        True,
        "提交积分续办申请",
        "居住证续签数据同步后（约 3 个工作日），登录积分系统点击“续办申请”。",
        "apply for the points renewal",
        "Once the permit renewal has synchronised (about 3 working days), log in to the points"
        " system and click 续办申请 (renewal application).",
    ),
    K.EMPLOYER_SUBMISSION: (
        Actor.HR,
        True,
        "单位审核并递交积分材料",
        "单位人事专员网上审核续办申请，并递交盖章申请表及材料。",
        "employer review and submission",
        "The HR officer reviews the application online and hands in the sealed application form"
        " and the materials.",
    ),
    K.POINTS_APPROVAL: (
        Actor.HR,
        True,
        "等待积分审批结果",
        "留意审批短信；到期仍未收到请人事专员查询进度。",
        "points approval expected",
        "Watch for the approval SMS; if none has arrived by this day, HR should ask for the"
        " status.",
    ),
    K.COLLECT_NOTICE: (
        Actor.HR,
        True,
        "打印或领取积分通知单",
        "审批通过后打印或领取《居住证积分通知单》。",
        "print or collect the points notice",
        "After approval, print or collect the points notice (积分通知单).",
    ),
    K.EXPIRY: (
        Actor.NOBODY,
        False,
        "居住证及积分到期",
        "居住证及积分通知单今天到期（最后有效日）。",
        "permit and points expire",
        "The residence permit and the points notice expire today (last valid day).",
    ),
    K.GRACE_END: (
        Actor.HOLDER,
        False,
        "逾期签注最后一天",
        "到期后 60 天内签注可保持居住年限连续，今天是最后一天。",
        "last day to endorse late",
        "Endorsing within 60 days after expiry keeps the residence years continuous; today is"
        " the last day.",
    ),
}


def step_text(kind: MilestoneKind, lang: Lang) -> StepText:
    """What to do for `kind`, who does it, and a short title, in `lang`."""
    actor, points, zh_title, zh_action, en_title, en_action = _STEPS[kind]
    zh = lang is Lang.ZH
    return StepText(
        title=zh_title if zh else en_title,
        action=zh_action if zh else en_action,
        actor=actor,
        actor_text=ACTOR_TEXT[actor][lang],
        points=points,
    )


BASIC: dict[Lang, tuple[str, ...]] = {
    Lang.ZH: (
        "人事专员本人身份证",
        "持证人有效的居住证及身份证",
        "打印的积分续办申请表（单位盖章、本人签名）",
    ),
    Lang.EN: (
        "the HR officer's own ID card",
        "the holder's valid residence permit and ID card",
        "the printed application form, sealed by the employer and signed by the holder",
    ),
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


def checklist(changes: Iterable[Change], lang: Lang) -> tuple[str, ...]:
    """The basic set followed by each change's set, in a fixed order, without repeats."""
    wanted = set(changes)
    items: list[str] = list(BASIC[lang])
    for change in _CHANGE_ORDER:
        if change in wanted:
            items.extend(i for i in BY_CHANGE[change][lang] if i not in items)
    return tuple(items)
