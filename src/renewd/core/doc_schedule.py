"""Which reminders of the documents other than the points are due on a day (docs/packs.md,
issue 22): `renewd.core.schedule`'s rules for a `DocumentPlan`'s steps. Pure: plans, today and
what was issued in; reminders out.

The same cadence as the points: an act step is reminded on the lead days (`[notify] lead_days`,
per person too) and, once overdue, every `overdue_every_days` then weekly; a heads-up or a wait
once on its day (a heads-up missed during downtime within a week); a wait that did not come is
overdue too. Fire dates move to working days with `workdays_only` (`cadence.step_fire_dates`); a
reminder is late only when renewd was not running on its fire day, and a person renewd never
wrote to hears his steps marked first (a status, never "late"). The escalation hears a step's
first overdue reminder, an infeasible plan once per cycle and once more when its hard cut-off
passes (then a new application is needed) and, on the summary day, each document still open.
An act with a hard cut-off is reminded on the last working day on or before it too: the last day
the plan counts on the office taking it.

An overdue wait is not repeated once the step counted from it can start (that step is reminded
instead: collecting the card says the card came). A step is reminded once it can start: a step
whose window opens from an earlier step not before that; a wait only once the step it waits on
is recorded (nobody filed: nothing is processed); a step after a wait once the wait is recorded
or its day has come; a step after an act once that act is done or due itself. Once the document
is renewed (its completing step done) only the acts after it (collect the passport) are left.
A step that needs another document renewed first (a `follows_by` step: the residence permit is
applied for with the renewed work permit) is not reminded until that one is, or until its row
names the next expiry. Overdue repeats stop at a step's hard cut-off (the
infeasible alert says the rest) or at the end of the grace period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import replace
from itertools import chain

from renewd.core.cadence import (
    WEEK,
    Ahead,
    first_overdue,
    latest_fire,
    lead_window,
    moved,
    pulls,
    step_fire_dates,
    summary_week,
)
from renewd.core.chain import ChainStep
from renewd.core.documents import DocumentPlan
from renewd.core.model import Status
from renewd.core.pack import DEADLINE, EXPIRY, PackStep, StepType
from renewd.core.reminders import DocAlert, DocumentAlert, DocumentReminder, Reminder, ReminderKey
from renewd.core.schedule import HEADS_UP_CATCH_UP_DAYS, LeadRules, PassHistory

Move = Callable[[dt.date], dt.date]


def _anchor(step: PackStep) -> str | None:
    """The earlier step a step's window (or, for a wait, its due day) is counted from."""
    offset = step.due if step.type is StepType.WAIT or step.opens is None else step.opens
    return offset.anchor if offset.anchor not in (EXPIRY, DEADLINE) else None


def blocked(doc: DocumentPlan, kind: str, today: dt.date) -> bool:
    """Whether the step `kind` cannot start yet (module docstring)."""
    step = doc.pack.step(kind)
    anchor = _anchor(step)
    if anchor is None:
        return False
    before = doc.plan.step(anchor)
    if before.done:
        return False
    if step.type is StepType.WAIT or blocked(doc, anchor, today):
        return True
    if doc.pack.step(anchor).type is StepType.WAIT:
        return today < before.due
    return before.status not in (Status.DUE, Status.OVERDUE)


def followed(doc: DocumentPlan, kind: str, today: dt.date) -> bool:
    """Whether a step counted from the wait `kind` can start now and is not done: then it, not
    an overdue wait nobody acts on, is what the reader hears."""
    return any(
        _anchor(own) == kind and not step.done and not blocked(doc, step.kind, today)
        for step, own in zip(doc.plan.steps, doc.pack.steps, strict=True)
    )


def needs_other(doc: DocumentPlan, held: Mapping[tuple[str, str], DocumentPlan]) -> str | None:
    """The step of `doc` that cannot be done until the document it follows is renewed (the
    residence permit is applied for with the renewed work permit), while that one is not: the
    followed document of this cycle (expiring no later) with its completing step not done."""
    pack = doc.pack
    other = held.get((doc.person.id, pack.follows)) if pack.follows else None
    if other is None or not pack.follows_by or renewed(other) or other.cycle > doc.cycle:
        return None
    return pack.follows_by


def renewed(doc: DocumentPlan) -> bool:
    """Whether the document's completing step is done (recorded, or proved by a later one)."""
    return any(s.done for s, p in zip(doc.plan.steps, doc.pack.steps, strict=True) if p.completes)


def leads(pack: str, step: PackStep, person: str, rules: LeadRules) -> tuple[int, ...]:
    """The step's own lead days (`[notify.lead_days_by_kind]`: "<pack>/<step>" or its kind);
    else an act's (`[notify] lead_days`, per person first); a wait or heads-up: its day."""
    own = rules.step_leads(pack, step.kind)
    if own is not None:
        return own
    if step.type is not StepType.ACT:
        return (0,)
    if rules.by_person and person in rules.by_person:
        return rules.by_person[person]
    return rules.default


def fires(
    doc: DocumentPlan, step: ChainStep, rules: LeadRules, until: dt.date, move: Move | None
) -> Iterable[tuple[dt.date, int]]:
    """Every (fire date, lead) of the step up to `until`."""
    own = doc.pack.step(step.kind)
    end = step.cutoff or doc.plan.cycle + dt.timedelta(days=rules.grace_days)
    out: Iterable[tuple[dt.date, int]] = step_fire_dates(
        step.due,
        leads(doc.pack.name, own, doc.person.id, rules),
        own.type is not StepType.HEADS_UP,
        end,
        rules.overdue_every_days,
        rules.overdue_weekly_after_days,
        until,
        move,
        step.opens,
    )
    last = step.last_day
    if own.type is StepType.ACT and last is not None and step.due < last <= until:
        # The last working day the office takes it: said that day, whatever the cadence says.
        out = chain(out, [(last, -(last - step.due).days)])
    return out


def latest(
    doc: DocumentPlan, step: ChainStep, rules: LeadRules, today: dt.date, move: Move | None
) -> tuple[dt.date, int] | None:
    """The (fire date, lead) of the step's latest reminder due on or before `today`."""
    return latest_fire(fires(doc, step, rules, today, move))


def step_reminders(
    doc: DocumentPlan,
    today: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    move: Move | None,
    first: bool,
    history: PassHistory,
    waits_for: str | None = None,
    dues: Mapping[ReminderKey, dt.date] | None = None,
    ahead: list[Ahead] | None = None,
) -> list[DocumentReminder]:
    """The document's step reminders due on `today` that `issued` does not hold; none for the
    step `waits_for` (one that needs another document renewed first: `needs_other`). `dues`: as
    for `schedule.due_reminders` (a step whose due date moved is reminded on its new dates);
    `ahead`: as for `schedule.due_reminders` (each step's next overdue repeat, with its day)."""
    out: list[DocumentReminder] = []
    since = history.last(today)
    horizon = today + dt.timedelta(days=WEEK - 1)
    leads_until = lead_window(today, move)
    done = renewed(doc)
    for step, own in zip(doc.plan.steps, doc.pack.steps, strict=True):
        if step.done or (done and own.type is not StepType.ACT) or step.kind == waits_for:
            continue
        if step.status is Status.DONE and (today - step.due).days > HEADS_UP_CATCH_UP_DAYS:
            continue  # a heads-up whose day passed long ago
        waits = _anchor(own) is not None and step.opens is not None
        if (waits and step.opens is not None and today < step.opens) or blocked(
            doc, step.kind, today
        ):
            continue
        found = latest(doc, step, rules, today, move)
        if found is not None:
            day, lead = found
            if lead < 0 and own.type is StepType.WAIT and followed(doc, step.kind, today):
                continue  # the step after it is reminded instead (collect the card proves it)
            before_open = waits and step.opens is not None and day < step.opens
            missed = () if first or before_open else history.missed(day, today)
            reminder = DocumentReminder(doc, step, lead, day, bool(missed), first, missed)
            reminder = _dated(reminder, day, rules, issued, dues, since)
            if reminder.key not in issued:
                out.append(reminder)
                continue
        if ahead is not None:  # its next lead or overdue repeat, for `cadence.together`
            nxt = pulls(fires(doc, step, rules, horizon, move), today, leads_until, step.opens)
            for day, lead in nxt:
                pull = DocumentReminder(doc, step, lead, today, False, first)
                pull = _dated(pull, day, rules, issued, dues, since)
                if pull.key not in issued:
                    ahead.append((day, pull))
    return out


def _dated(
    reminder: DocumentReminder,
    day: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    dues: Mapping[ReminderKey, dt.date] | None,
    since: dt.date | None,
) -> DocumentReminder:
    """`reminder` (of its fire date `day`) with its news (an overdue one: its first overdue
    repeat only) and, when its lead was issued under an earlier due date, keyed for the new one
    (`cadence.moved`; overdue before under its old date: escalated then, not news again)."""
    lead, doc = reminder.days_before, reminder.plan
    every, weekly = rules.overdue_every_days, rules.overdue_weekly_after_days
    news = lead >= 0 or first_overdue(
        doc.person.id, doc.plan.cycle, reminder.kind, lead, issued, every, weekly
    )
    if moved(reminder.key, reminder.step.due, day, issued, dues, since):
        return replace(reminder, moved=True, news=news and lead >= 0)
    return replace(reminder, news=news)


def overdue_steps(doc: DocumentPlan, today: dt.date) -> list[ChainStep]:
    """The document's overdue steps nobody recorded that could start (the weekly summary's)."""
    return [
        s
        for s in doc.plan.steps
        if s.status is Status.OVERDUE and not s.done and not blocked(doc, s.kind, today)
    ]


def due_document_reminders(
    documents: Iterable[DocumentPlan],
    today: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    move: Move | None = None,
    *,
    known: Container[str] | None = None,
    history: PassHistory | None = None,
    dues: Mapping[ReminderKey, dt.date] | None = None,
    ahead: list[Ahead] | None = None,
) -> list[Reminder]:
    """`schedule.due_reminders` for the documents: what to issue on `today` (module docstring).
    `known`: the people renewd has written to (None: everyone); `history`: when passes ran;
    `dues`: the due date each issued step key was issued for; `ahead`: as for
    `schedule.due_reminders`."""
    out: list[Reminder] = []
    history = history or PassHistory()
    weekday = rules.summary_weekday
    summary = None if weekday is None else summary_week(today, weekday, move, history.days)
    documents = list(documents)
    held = {doc.key: doc for doc in documents}
    for doc in documents:
        first = known is not None and doc.person.id not in known
        waits = needs_other(doc, held)
        steps = step_reminders(doc, today, rules, issued, move, first, history, waits, dues, ahead)
        out += steps
        alerts: list[DocumentAlert] = []
        status = DocumentAlert(doc, DocAlert.FIRST_CONTACT, today, first=True)
        if first and status.key not in issued:  # where it stands, even when only HR acts now
            out.append(status)
        if not doc.plan.feasible:
            alerts.append(DocumentAlert(doc, DocAlert.INFEASIBLE, today, first=first))
        alerts = [a for a in alerts if a.key not in issued]
        news = bool(alerts) or any(r.escalate for r in steps)
        if summary is not None and not news and overdue_steps(doc, today):
            alerts.append(DocumentAlert(doc, DocAlert.STILL_OPEN, today, week=summary))
        out += [a for a in alerts if a.key not in issued]
    return out
