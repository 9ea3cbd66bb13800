"""Progress facts in the core: what a user may call a step, which recorded days are refused, and
how two sources of facts combine (docs/design.md §4). Pure: no I/O, no clock.

Every writer (`renewd done`, the console, one-click links) parses and checks here, and the state
database (`renewd.store.progress`) only stores what passed:

    step = parse_step("续办申请")                          # Step.POINTS_APPLIED
    check_record(person, step, day, today, window_days)   # raises UsageError if refused
    people = merge_progress(roster_people, recorded)      # later date wins
    implied(progress)                                     # {PERMIT_RENEWED: POINTS_APPLIED}

The chain of steps (which step waits for which) is the policy's: `renewd.core.policy.STEP_BEFORE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace

from renewd.core.errors import UsageError
from renewd.core.model import Lang, MilestoneKind, Person, Progress, Step
from renewd.core.policy import STEP_BEFORE
from renewd.core.wording import say, step_name, step_names

# The progress field of a renewed permit's new expiry (not a step: it starts the next cycle).
NEW_EXPIRY = "new_permit_expires"

# The chain: a step cannot be done before the one it waits for.
PREDECESSOR: Mapping[Step, Step] = STEP_BEFORE

# What a user may type for STEP: the Step values, their short forms, the milestone kinds of
# `plan --json` and the Chinese step names (as the plan table and messages print them). One
# entry per name: add a new alias here.
ALIASES: Mapping[str, Step] = {
    **{s.value: s for s in Step},
    **{s.value.removesuffix("_on"): s for s in Step},
    "permit": Step.PERMIT_RENEWED,
    MilestoneKind.PERMIT_RENEWAL.value: Step.PERMIT_RENEWED,
    "applied": Step.POINTS_APPLIED,
    MilestoneKind.POINTS_APPLICATION.value: Step.POINTS_APPLIED,
    "submitted": Step.POINTS_SUBMITTED,
    MilestoneKind.EMPLOYER_SUBMISSION.value: Step.POINTS_SUBMITTED,
    "approved": Step.POINTS_APPROVED,
    MilestoneKind.POINTS_APPROVAL.value: Step.POINTS_APPROVED,
    "collected": Step.NOTICE_COLLECTED,
    MilestoneKind.COLLECT_NOTICE.value: Step.NOTICE_COLLECTED,
    "notice": Step.NOTICE_COLLECTED,
    "居住证签注": Step.PERMIT_RENEWED,
    "居住证续签": Step.PERMIT_RENEWED,
    "签注": Step.PERMIT_RENEWED,
    "续签": Step.PERMIT_RENEWED,
    "续办申请": Step.POINTS_APPLIED,
    "积分续办申请": Step.POINTS_APPLIED,
    "单位审核": Step.POINTS_SUBMITTED,
    "递交材料": Step.POINTS_SUBMITTED,
    "审批": Step.POINTS_APPROVED,
    "积分审批": Step.POINTS_APPROVED,
    "审批通过": Step.POINTS_APPROVED,
    "领取通知单": Step.NOTICE_COLLECTED,
    "积分通知单": Step.NOTICE_COLLECTED,
}

# Names the product showed for a step before it had one name per step (issue 16): the console's
# and the dates-moved mail's old short labels. A name once printed stays accepted.
FORMER_NAMES: Mapping[str, Step] = {
    "单位审核提交": Step.POINTS_SUBMITTED,
    "单位审核递交": Step.POINTS_SUBMITTED,
    "employer submission": Step.POINTS_SUBMITTED,
    "等待积分审批": Step.POINTS_APPROVED,
    "Collect the notice": Step.NOTICE_COLLECTED,
}

_KIND_OF: Mapping[Step, MilestoneKind] = {
    Step.PERMIT_RENEWED: MilestoneKind.PERMIT_RENEWAL,
    Step.POINTS_APPLIED: MilestoneKind.POINTS_APPLICATION,
    Step.POINTS_SUBMITTED: MilestoneKind.EMPLOYER_SUBMISSION,
    Step.POINTS_APPROVED: MilestoneKind.POINTS_APPROVAL,
    Step.NOTICE_COLLECTED: MilestoneKind.COLLECT_NOTICE,
}


def kind_of(step: Step) -> MilestoneKind:
    """The milestone a progress fact closes."""
    return _KIND_OF[step]


def step_of(kind: MilestoneKind) -> Step | None:
    """The progress fact that closes `kind`, if one does."""
    return next((step for step, k in _KIND_OF.items() if k is kind), None)


def _key(text: str) -> str:
    return "".join(text.split()).lower().replace("-", "_").strip('“”"')


def _names() -> dict[str, Step]:
    """Every name a step goes by, normalised by `_key`: the aliases, the former names, and the
    catalogue's full names and short labels in every language (`core.wording.step_names`)."""
    names = {_key(name): step for name, step in (*ALIASES.items(), *FORMER_NAMES.items())}
    for step, kind in _KIND_OF.items():
        names.update({_key(name): step for name in step_names(kind)})
    return names


def parse_step(text: str) -> Step:
    """A step as `plan --json` names its milestone (its kind), a short name, or any name the
    product shows for it (the full name, the short label, in either language; a former name)."""
    found = _names().get(_key(text))
    if found is None:
        known = ", ".join(k.value for k in _KIND_OF.values())
        raise UsageError(
            f"unknown step {text!r}; use a milestone kind ({known}), a short name (permit,"
            " applied, submitted, approved, collected) or its Chinese name (e.g. 居住证签注)"
        )
    return found


def check_record(
    person: Person,
    step: Step | None,
    day: dt.date | None,
    today: dt.date,
    window_days: int,
    new_expiry: dt.date | None = None,
    lang: Lang = Lang.EN,
) -> None:
    """`check_day` for `person`'s cycle, and what only the cycle can tell: a permit renewal
    before the permit could be endorsed, a new expiry that is not later than the one in force.
    The refusal is worded in `lang` (the console's; the command line's is English)."""
    if step is not None and day is not None:
        check_day(step, day, today, person.progress, lang)
        opens = person.permit_expires - dt.timedelta(days=window_days)
        if step is Step.PERMIT_RENEWED and day < opens:
            expires = person.permit_expires
            raise UsageError(
                say(
                    lang,
                    "refuse.window",
                    step=_named(step, lang),
                    day=day,
                    expires=expires,
                    opens=opens,
                    n=window_days,
                )
            )
    if new_expiry is not None and new_expiry <= person.permit_expires:
        raise UsageError(say(lang, "refuse.expiry", new=new_expiry, old=person.permit_expires))


def _named(step: Step, lang: Lang) -> str:
    return step.value if lang is Lang.EN else step_name(kind_of(step), lang)


def check_day(
    step: Step, day: dt.date, today: dt.date, progress: Progress, lang: Lang = Lang.EN
) -> None:
    """Refuse a day in the future, or before the recorded day of the step this one waits for."""
    if day > today:
        raise UsageError(say(lang, "refuse.future", day=day, today=today))
    before = PREDECESSOR.get(step)
    earlier = progress.get(before) if before is not None else None
    if before is not None and earlier is not None and day < earlier:
        raise UsageError(
            say(
                lang,
                "refuse.before",
                step=_named(step, lang),
                day=day,
                before=_named(before, lang),
                earlier=earlier,
            )
        )


def _laters() -> tuple[tuple[Step, str, tuple[tuple[Step, str], ...]], ...]:
    """Each step with its progress field and the steps after it, nearest first (with theirs)."""
    after = {before: step for step, before in STEP_BEFORE.items()}
    chains = []
    for step in Step:
        later, steps = after.get(step), []
        while later is not None:
            steps.append((later, later.value))
            later = after.get(later)
        chains.append((step, step.value, tuple(steps)))
    return tuple(chains)


_LATERS = _laters()  # the chain is fixed: walked once here, not for every plan


def implied(progress: Progress) -> dict[Step, Step]:
    """The steps nobody recorded that a later recorded step proves done (docs/design.md §4),
    each with the nearest recorded step after it: the one that proves it."""
    out: dict[Step, Step] = {}
    for step, field, laters in _LATERS:
        if getattr(progress, field) is not None:
            continue
        for later, later_field in laters:
            if getattr(progress, later_field) is not None:
                out[step] = later
                break
    return out


def merge_progress(people: Iterable[Person], recorded: Mapping[str, Progress]) -> list[Person]:
    """The people with their roster progress merged with the recorded one (later date wins)."""
    out = []
    for person in people:
        extra = recorded.get(person.id)
        out.append(replace(person, progress=person.progress.merged(extra)) if extra else person)
    return out
