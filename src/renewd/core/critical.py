"""Critical dates at risk (docs/design.md §5): what one means and what to do about it, for the
holder's messages, HR's digest and the console; and the reminders `[notify] critical_lead_days`
before each one.

A critical date is at risk while the plan's projected gap in points validity covers it
(`PersonPlan.critical_at_risk`); once progress closes the gap it is no longer said anywhere. A
date already past is not said either. The advice follows the chain: the next step not done is
the one that shortens the gap (renew the permit at once, or have HR submit now); once the
application is submitted nothing can be hastened, and when the gap cannot be avoided the honest
advice is to ask the school or office whether the papers in hand will do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Container, Sequence

from renewd.core.letter import Level, Line, Section
from renewd.core.materials import Reader
from renewd.core.model import CriticalDate, Lang, MilestoneKind, PersonPlan
from renewd.core.reminders import Alert, AlertKind
from renewd.core.wording import date, say

K = MilestoneKind

# A lead reminder missed during downtime still goes out (late) within this many days of its day.
CATCH_UP_DAYS = 7


def pending(plan: PersonPlan, today: dt.date) -> tuple[CriticalDate, ...]:
    """The plan's critical dates at risk that have not passed yet, soonest first."""
    return tuple(sorted((c for c in plan.critical_at_risk if c.date >= today), key=_day))


def _day(critical: CriticalDate) -> dt.date:
    return critical.date


def label_of(critical: CriticalDate, lang: Lang) -> str:
    return critical.label or say(lang, "note.critical.default")


def head(critical: CriticalDate, today: dt.date, lang: Lang) -> str:
    """ "子女入学登记：2027-04-20（周二），还有 30 天" """
    n = (critical.date - today).days
    text = say(
        lang, "critical.head", label=label_of(critical, lang), date=date(critical.date, lang)
    )
    if n < 0:  # past (escalated on a first run): the date alone
        return text
    left = say(lang, "critical.left", n=n) if n > 0 else say(lang, "critical.today")
    return text + say(lang, "p.comma") + left


def _next_step(plan: PersonPlan) -> MilestoneKind | None:
    """The first step of the chain not done yet that shortens the gap (None: submitted)."""
    for kind in (K.PERMIT_RENEWAL, K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION):
        milestone = plan.milestone(kind)
        if milestone is not None and not milestone.done:
            return kind
    return None


def advice(plan: PersonPlan, today: dt.date, lang: Lang, reader: Reader) -> list[str]:
    """What to do so that the critical dates suffer least: the step that shortens the gap, then
    what to check when it cannot be avoided."""
    who = "hr" if reader is Reader.HR else "holder"
    out: list[str] = []
    step = _next_step(plan)
    if step is K.PERMIT_RENEWAL:
        permit = plan.milestone(K.PERMIT_RENEWAL)
        opens = permit.opens if permit is not None else None
        if opens is not None and today < opens:
            out.append(say(lang, f"critical.do.permit.open.{who}", opens=date(opens, lang)))
        else:
            out.append(say(lang, f"critical.do.permit.{who}"))
    elif step is not None:
        out.append(say(lang, f"critical.do.points.{who}"))
    else:
        out.append(say(lang, "critical.do.wait"))
    out.append(say(lang, "critical.do.check"))
    return out


def lines(
    plan: PersonPlan,
    today: dt.date,
    lang: Lang,
    reader: Reader,
    named: Collection[dt.date] = (),
) -> list[Line]:
    """Each critical date at risk with what it means, then what to do (nothing: none at risk).
    The dates in `named` are not headed again (a digest line about the alert names them)."""
    dates = pending(plan, today)
    if not dates:
        return []
    out: list[Line] = []
    for critical in dates:
        if critical.date not in named:
            out.append(Line(head(critical, today, lang)))
        out.append(Line(say(lang, "critical.means", gap=plan.gap_days), Level.DETAIL))
    out += [Line(text, Level.TEXT) for text in advice(plan, today, lang, reader)]
    return out


def section(plan: PersonPlan, today: dt.date, lang: Lang, reader: Reader) -> list[Section]:
    """The critical dates' section of a letter (none when none is at risk)."""
    found = lines(plan, today, lang, reader)
    return [Section(say(lang, "critical.section"), tuple(found))] if found else []


def alert_text(alert: Alert, today: dt.date, lang: Lang) -> str:
    """An alert about a critical date, as a line of HR's digest or the escalation."""
    critical = alert.critical
    assert critical is not None
    return say(lang, "alert.critical.risk", head=head(critical, today, lang))


# -- reminders before the dates -------------------------------------------------------------


def lead_alerts(
    plan: PersonPlan,
    today: dt.date,
    leads: Sequence[int],
    issued: Container[object],
    move: Callable[[dt.date], dt.date] | None = None,
    *,
    first: bool = False,
) -> list[Alert]:
    """The reminders due on `today` before the plan's critical dates at risk: for each date, the
    one of `leads` (days before, moved to the working day before with `move`) whose day is the
    latest on or before `today`, within `CATCH_UP_DAYS`, and not issued yet."""
    out: list[Alert] = []
    for critical in pending(plan, today):
        best: tuple[dt.date, int] | None = None
        for lead in leads:
            day = critical.date - dt.timedelta(days=lead)
            day = move(day) if move else day
            if day <= today and (
                best is None or day > best[0] or (day == best[0] and lead < best[1])
            ):
                best = (day, lead)
        if best is None or (today - best[0]).days > CATCH_UP_DAYS:
            continue
        alert = Alert(plan, AlertKind.CRITICAL_LEAD, best[0], critical, first=first, lead=best[1])
        if alert.key not in issued:
            out.append(alert)
    return out
