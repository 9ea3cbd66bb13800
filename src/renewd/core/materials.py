"""Which materials each step needs, and for whom: plain text from the wording catalogue, no I/O
(docs/design.md §2).

The points materials belong to the points steps only. The HR officer's own ID card is on HR's
list (the employer's hand-in), never the employee's; the permit step asks the holder for his own
permit and ID card. Shared by the feeds and the reminder messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from renewd.core.model import Change, Lang, MilestoneKind
from renewd.core.wording import POLICY, say

K = MilestoneKind


class Reader(StrEnum):
    """Whose checklist: the permit holder's own, or the employer's HR officer's."""

    HOLDER = "holder"
    HR = "hr"


def _docs(*names: str) -> dict[Lang, tuple[str, ...]]:
    """Materials by their catalogue names (`shanghai-points.materials.<name>`), per language."""
    return {lang: tuple(say(lang, f"{POLICY}.materials.{name}") for name in names) for lang in Lang}


HR_OWN: dict[Lang, str] = {lang: docs[0] for lang, docs in _docs("hr_own").items()}
HOLDER_DOCS = _docs("holder_permit", "holder_id", "application_form")
OWN_DOCS = _docs("own_permit", "own_id", "own_signature")
PERMIT_DOCS = _docs("permit_card", "permit_id", "permit_sms")
COLLECT_DOCS = _docs("collect_id")
_SPOUSE = ("marriage_certificate", "spouse_id", "spouse_permit", "spouse_register")

BY_CHANGE: dict[Change, dict[Lang, tuple[str, ...]]] = {
    Change.EMPLOYER: _docs("new_licence", "labour_contract", "leaving_certificate"),
    Change.EDUCATION: _docs("diploma"),
    Change.TITLE: _docs("title_certificate", "title_record", "appointment", "post_description"),
    Change.SPOUSE: _docs(*_SPOUSE),
    Change.CHILD: _docs(*_SPOUSE, "child_permit", "child_register"),
    Change.DIVORCE: _docs("divorce_certificate", "divorce_agreement"),
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
