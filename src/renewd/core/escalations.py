"""What the escalation channel reads about a plan (docs/design.md §7, §8): an infeasible plan
told once with what HR can do about it, and a plan's line in the weekly summary of what is still
open. The digest (`renewd.core.digests`) puts them under "attention" and "weekly summary"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from renewd.core.cadence import open_steps
from renewd.core.letter import Level, Line
from renewd.core.model import Lang, MilestoneKind, PersonPlan
from renewd.core.reminders import Alert, AlertKind, DocAlert, DocumentAlert, Reminder
from renewd.core.wording import say, step_name


def is_summary(reminder: Reminder) -> bool:
    """The weekly summary's line of a plan (a document's too)."""
    if isinstance(reminder, DocumentAlert):
        return reminder.alert is DocAlert.STILL_OPEN
    return isinstance(reminder, Alert) and reminder.kind is AlertKind.STILL_OPEN


def summary_day(reminders: Sequence[Reminder]) -> dt.date | None:
    """The day of the weekly summary among `reminders` (an escalation digest's), or None when
    they hold no summary line."""
    for reminder in reminders:
        if isinstance(reminder, Alert | DocumentAlert) and is_summary(reminder):
            return reminder.week
    return None


def still_open_text(plan: PersonPlan, today: dt.date, lang: Lang) -> str:
    """What is still open for one person, as a line under the weekly summary's heading
    (仍未完成的事项): "居住证签注（续签）（已逾期 13 天）、关键日期 …"."""
    points = plan.person.has_points
    parts = [
        say(
            lang,
            "alert.still_open.step",
            step=step_name(m.kind, lang, points),
            n=(today - m.due).days,
        )
        for m in open_steps(plan)
    ]
    parts += [
        say(
            lang,
            "alert.critical",
            label=c.label or say(lang, "note.critical.default"),
            date=c.date.isoformat(),
        )
        for c in plan.critical_at_risk
        if c.date >= today
    ]
    return say(lang, "alert.still_open", steps=say(lang, "p.list").join(parts))


def infeasible_advice(plan: PersonPlan, today: dt.date, lang: Lang) -> Sequence[Line]:
    """What HR can do about a plan that cannot fit the permit window (told once, on the day it
    is known): start on the window's first day (the permit endorsed: apply and submit now;
    submitted: ask after the approval); the gap to expect; critical dates inside it."""
    permit = plan.milestone(MilestoneKind.PERMIT_RENEWAL)
    back = plan.projected_approval
    if permit is None or back is None or not plan.person.has_points:
        return ()
    opens = permit.opens or permit.due
    submission = plan.milestone(MilestoneKind.EMPLOYER_SUBMISSION)
    if submission is not None and submission.done:  # handed in: only the approval is awaited
        key = "alert.infeasible.advice.waiting"
    elif (applied := plan.milestone(MilestoneKind.POINTS_APPLICATION)) and applied.done:
        key = "alert.infeasible.advice.submit"  # applied: the submission is what is left
    elif permit.done:  # endorsed: the employer's steps are what is left
        key = "alert.infeasible.advice.employer"
    else:
        key = "alert.infeasible.advice" if today <= opens else "alert.infeasible.advice.now"
    lines = [
        Line(
            say(
                lang,
                key,
                opens=opens.isoformat(),
                gap=plan.gap_days,
                expires=plan.cycle.isoformat(),
                back=back.isoformat(),
            ),
            Level.DETAIL,
        )
    ]
    if plan.critical_at_risk:
        dates = say(lang, "p.list").join(
            say(
                lang,
                "alert.critical.item",
                label=c.label or say(lang, "note.critical.default"),
                date=c.date.isoformat(),
            )
            for c in plan.critical_at_risk
        )
        lines.append(Line(say(lang, "alert.infeasible.critical", dates=dates), Level.DETAIL))
    return tuple(lines)
