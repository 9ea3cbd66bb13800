"""A finished cycle, told once (docs/design.md §4, §8): "本年度续办已完成", with the new expiry
when it is recorded; without it, the closing message asks for it and HR's digest lists the
person. Then nothing more about the cycle: the next cycle's first step is the next word.

`finished` says whether (and which) cycle a plan shows finished; `closing_letter` and
`closing_line` are the holder's message and HR's digest line. Pure, like every letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from renewd.core.letter import Letter, Level, Line, Section
from renewd.core.model import Lang, MilestoneKind, PersonPlan
from renewd.core.reminders import CycleDone, Reminder
from renewd.core.routing import PersonalEnvelope
from renewd.core.wording import date, say

K = MilestoneKind
# A cycle finished longer ago than this is not announced any more (an upgrade, a roster import).
TELL_WITHIN_DAYS = 30


@dataclass(frozen=True)
class Finished:
    cycle: dt.date  # the expiry that was renewed
    new_expiry: dt.date | None  # the recorded new expiry, if any
    on: dt.date  # the day the last step was done
    tell: bool  # recent enough to announce (older: an upgrade, an import; silence all the same)


def _last_fact(plan: PersonPlan) -> dt.date | None:
    p = plan.person.progress
    days = [
        d
        for d in (
            p.permit_renewed_on,
            p.points_applied_on,
            p.points_submitted_on,
            p.points_approved_on,
            p.notice_collected_on,
        )
        if d is not None
    ]
    return max(days, default=None)


def finished(plan: PersonPlan, today: dt.date) -> Finished | None:
    """The cycle this plan shows finished: the one before it (a recorded new expiry moved the
    plan on), or its own when every step is done (the notice's collection day passed counts,
    as for `Planner.cycle_of`). None when nothing finished. A cycle finished long ago is still
    finished (its waived steps stay quiet) but no longer announced (`tell`)."""
    last = _last_fact(plan)
    if last is None:
        return None
    if plan.person.permit_expires < plan.cycle:
        new = None if plan.expiry_estimated else plan.cycle  # E + 1 year is no recorded expiry
        found = Finished(plan.person.permit_expires, new, last, True)
    else:
        steps = [m for m in plan.milestones if m.kind in _STEPS]
        collect = plan.milestone(K.COLLECT_NOTICE)
        approval = plan.milestone(K.POINTS_APPROVAL)
        waived = (
            collect is not None
            and not collect.done
            and approval is not None
            and approval.done
            and today > collect.due
        )
        if not steps or not all(m.done or (waived and m is collect) for m in steps):
            return None
        found = Finished(plan.cycle, None, last, True)
    if (today - found.on).days > TELL_WITHIN_DAYS:
        if found.cycle != plan.cycle:
            return None  # the plan moved on: the next cycle's steps are the news
        return Finished(found.cycle, None, found.on, False)
    return found


_STEPS = frozenset(
    {
        K.PERMIT_RENEWAL,
        K.POINTS_APPLICATION,
        K.EMPLOYER_SUBMISSION,
        K.POINTS_APPROVAL,
        K.COLLECT_NOTICE,
    }
)


def is_closing(reminder: Reminder) -> bool:
    return isinstance(reminder, CycleDone)


def closing_text(reminder: CycleDone, lang: Lang) -> str:
    if reminder.new_expiry is not None:
        return say(lang, "done.cycle.new", expires=date(reminder.new_expiry, lang))
    return say(lang, "done.cycle.ask")


def closing_letter(envelope: PersonalEnvelope, lang: Lang) -> Letter:
    """The holder's one message when all it carries is finished cycles."""
    done = [i.reminder for i in envelope.items if isinstance(i.reminder, CycleDone)]
    names = say(lang, "p.list").join(r.plan.person.name for r in done)
    lines: Sequence[Line] = tuple(Line(closing_text(r, lang), Level.TEXT) for r in done)
    title = say(lang, "title.cycle_done", name=names)
    return Letter(title, (say(lang, "hello", name=names),), (Section("", tuple(lines)),), ())


def closing_line(reminder: CycleDone, lang: Lang) -> str:
    """HR's digest line: only a finished cycle whose new expiry nobody recorded reaches HR."""
    return say(lang, "done.cycle.hr")
