"""What a reminder says: one letter per envelope (`renewd.core.routing`), in plain text.

A `Letter` is a title and sections of plain lines; nothing here knows about markup. Each channel
renders it (`renewd.channels.formatting`) and escapes what its markup needs, title included. The
words come from `renewd.core.wording`, the checklists from `renewd.core.materials`.

- `personal_letter`: everything one person must hear in a pass, steps in chain order, each with
  its date, what to do (worded for the reader's role) and what to bring; a first contact reads
  as a status message; late reminders name the days renewd was not running; a critical date at
  risk has a section of its own with what to do (`renewd.core.critical`). `extra` sections
  (a calendar change, for instance) are added before the notes.
- `renewd.core.digests.digest_letter`: HR's digest, built from the same pieces.

ID-card and phone numbers are never part of a Person, so they cannot appear here; the roster id
(工号) appears only in messages to HR, never in a message to the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from enum import StrEnum

from renewd.core import critical
from renewd.core.closing import closing_letter, is_closing
from renewd.core.letter import Letter, Level, Line, Section
from renewd.core.materials import Reader, step_checklist
from renewd.core.model import Lang, Milestone, MilestoneKind, PersonPlan
from renewd.core.policy import Owner, Policy
from renewd.core.reminders import MilestoneReminder, Reminder
from renewd.core.routing import Item, PersonalEnvelope
from renewd.core.wording import (
    CATALOGUE,
    HEADS_UP,
    INFORM_ONLY,
    Role,
    capital,
    date,
    day_span,
    days_left,
    policy_key,
    say,
    say_for,
    step_name,
    years_text,
)

K = MilestoneKind
POINTS_OWN = frozenset({K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION})  # the employer's, by default


def _ms(reminder: Reminder) -> Milestone | None:
    """The step a reminder is about (None for an alert or a first-contact status)."""
    return reminder.milestone if isinstance(reminder, MilestoneReminder) else None


def is_provisional(reminder: Reminder) -> bool:
    milestone = _ms(reminder)
    return milestone is not None and milestone.provisional


def _lead(reminder: Reminder) -> int:
    return reminder.days_before if isinstance(reminder, MilestoneReminder) else 0


def lang_of(plan: PersonPlan, default: Lang) -> Lang:
    return plan.person.lang or default


# -- one step in words ------------------------------------------------------------------------


def when(milestone: Milestone, today: dt.date, lang: Lang) -> str:
    """ "截止 2027-01-19（周二），还剩 3 天" — the date and the days left, in agreement."""
    key = "due.on" if milestone.kind in HEADS_UP or milestone.kind in INFORM_ONLY else "due.by"
    if key == "due.on" and milestone.due < today:  # "since 2026-11-28" says it all
        return days_left(milestone.kind, milestone.due, today, lang)
    text = say(lang, key, date=date(milestone.due, lang))
    sep = say(lang, "p.comma")
    return text + sep + days_left(milestone.kind, milestone.due, today, lang)


class PermitAdvice(StrEnum):
    """What the permit step advises: wait for the automatic-endorsement SMS, or apply."""

    WAIT_SMS = "wait_sms"
    APPLY = "apply"  # no SMS by the check day, or no time to wait for it
    AT_OPEN = "at_open"  # infeasible: apply on the day the window opens
    PLAIN = "plain"  # no automatic endorsement: the step's own words


def permit_advice(
    plan: PersonPlan, milestone: Milestone, today: dt.date, policy: Policy
) -> PermitAdvice:
    """Which advice the permit step gives on `today` (its checklist agrees with it)."""
    opens = milestone.opens or milestone.due
    if not plan.feasible and today < opens:
        return PermitAdvice.AT_OPEN
    if not policy.auto_endorsement:
        return PermitAdvice.PLAIN
    check = policy.endorsement_check_day(opens, milestone.due)
    if not plan.feasible or today >= check:
        return PermitAdvice.APPLY
    return PermitAdvice.WAIT_SMS


def permit_unrecorded(plan: PersonPlan) -> bool:
    """Whether the permit renewal is not recorded: a points step reminded then (from the permit
    step's due date, docs/design.md §3) asks to confirm the endorsement first and record it."""
    permit = plan.milestone(K.PERMIT_RENEWAL)
    return permit is not None and not permit.done


def lapsed_note(plan: PersonPlan, today: dt.date, lang: Lang) -> str | None:
    """Past the expiry with the permit not endorsed: what it means and the one date that matters
    then, the late-endorsement limit (`grace_end`, inclusive); past that limit, that residence
    years restart. None before the expiry or once the renewal is done (no `grace_end` then)."""
    grace = plan.milestone(K.GRACE_END)
    if grace is None or today <= plan.cycle:
        return None
    expired, limit = date(plan.cycle, lang), grace.due.isoformat()
    key = "note.lapsed" if today <= grace.due else "note.lapsed.restart"
    return say(lang, key, expired=expired, grace=limit)


def action(
    plan: PersonPlan, milestone: Milestone, role: Role, today: dt.date, lang: Lang, policy: Policy
) -> str:
    """What the reader does about `milestone` (or what he should know of it)."""
    kind = milestone.kind
    due = date(milestone.due, lang)
    if role is Role.ASK_HR and not (kind is K.POINTS_APPLICATION and permit_unrecorded(plan)):
        key = "ask.overdue" if milestone.due < today else policy_key(kind, "ask")
        return say(lang, key if key in CATALOGUE[lang] else "ask.generic", due=due)
    if kind is K.PERMIT_RENEWAL:
        opens = milestone.opens or milestone.due
        advice = permit_advice(plan, milestone, today, policy)
        if advice is PermitAdvice.AT_OPEN:
            return say(lang, "shanghai-points.permit_renewal.do.at_open", opens=date(opens, lang))
        if advice is PermitAdvice.APPLY:
            return say(lang, "shanghai-points.permit_renewal.do.apply")
        if advice is PermitAdvice.WAIT_SMS:
            check = policy.endorsement_check_day(opens, milestone.due)
            return say(lang, "shanghai-points.permit_renewal.do.sms", check=date(check, lang))
    if kind is K.POINTS_APPLICATION and permit_unrecorded(plan):
        if role is Role.ASK_HR:
            by = "by.now" if milestone.due < today else "by.date"
            return say(
                lang,
                "shanghai-points.points_application.ask.unconfirmed",
                by=say(lang, by, due=due),
            )
        return say(lang, "shanghai-points.points_application.do.unconfirmed.holder")
    if kind is K.POINTS_APPROVAL:
        opens = milestone.opens or milestone.due
        if milestone.due < today:  # an overdue wait: say so, and whom to ask
            late = (today - milestone.due).days
            key = "shanghai-points.points_approval.overdue"
            return say(lang, key, opens=date(opens, lang), due=due, n=late)
        return say(lang, "shanghai-points.points_approval.info", opens=date(opens, lang), due=due)
    if kind is K.EXPIRY:
        renewed = plan.milestone(K.PERMIT_RENEWAL)
        done = renewed is not None and renewed.done
        points = plan.person.has_points
        return say_for(
            lang,
            "shanghai-points.expiry.info.renewed" if done else "shanghai-points.expiry.info",
            points,
        )
    if kind is K.PERMIT_WINDOW:
        return say(lang, "shanghai-points.permit_window.info")
    if kind is K.COLLECT_NOTICE:
        approval = plan.milestone(K.POINTS_APPROVAL)
        if approval is not None and approval.done_on is not None:
            key = "shanghai-points.collect_notice.do.approved"
            return say(lang, key, approved=date(approval.done_on, lang))
    return say_for(lang, policy_key(kind, "do"), plan.person.has_points)


def item_lines(item: Item, today: dt.date, lang: Lang, policy: Policy) -> list[Line]:
    reminder = item.reminder
    if not isinstance(reminder, MilestoneReminder):
        return []
    milestone = reminder.milestone
    sep = say(lang, "p.colon")
    points = reminder.plan.person.has_points
    head = capital(step_name(milestone.kind, lang, points)) + sep + when(milestone, today, lang)
    lines = [Line(head)]
    opens = milestone.opens
    if opens is not None and today < opens < milestone.due and milestone.kind not in HEADS_UP:
        lines.append(Line(say(lang, "opens.from", date=date(opens, lang)), Level.DETAIL))
    lines.append(
        Line(action(reminder.plan, milestone, item.role, today, lang, policy), Level.DETAIL)
    )
    if milestone.kind is K.POINTS_APPROVAL and policy.owners.of(K.COLLECT_NOTICE) is Owner.HOLDER:
        # The notice is reminded only once the approval is recorded (`core.schedule`): what to
        # do when the SMS comes is said here, with the link (`core.notes.link_section`).
        lines.append(Line(say(lang, "shanghai-points.points_approval.then"), Level.DETAIL))
    return lines


# -- notes ------------------------------------------------------------------------------------


def _plan_notes(plan: PersonPlan, items: Sequence[Item], today: dt.date, lang: Lang) -> list[str]:
    notes: list[str] = []
    lapsed = lapsed_note(plan, today, lang)
    if lapsed:
        notes.append(lapsed)
    if plan.expiry_estimated:
        notes.append(say(lang, "note.expiry_estimated", expires=date(plan.cycle, lang)))
    kinds = {i.reminder.kind for i in items}
    if kinds & {K.PREPARE, K.PERMIT_RENEWAL} and any(_lead(i.reminder) > 0 for i in items):
        notes.append(say(lang, "note.risk"))
    if not plan.feasible and plan.person.has_points:
        permit = plan.milestone(K.PERMIT_RENEWAL)
        opens = permit.opens if permit is not None else None
        mine = any(i.role is Role.ACT and i.reminder.kind in POINTS_OWN for i in items)
        if opens is not None and opens > today:
            notes.append(
                say(lang, "note.infeasible.window", gap=plan.gap_days, opens=date(opens, lang))
            )
        elif permit is not None and permit.done and not mine:  # his part is done
            handed = plan.milestone(K.EMPLOYER_SUBMISSION)
            # HR's part too: nobody is asked to chase a step its owner has finished
            key = "note.infeasible.waiting" if handed and handed.done else "note.infeasible.hr"
            notes.append(say(lang, key, gap=plan.gap_days))
        else:
            notes.append(say(lang, "note.infeasible.now", gap=plan.gap_days))
    # A first contact's status names the next step: its date may rest on an estimate too.
    provisional = [i for i in items if is_provisional(i.reminder) or _ms(i.reminder) is None]
    if provisional and plan.provisional and plan.estimated_years:
        notes.append(say(lang, "note.provisional", years=years_text(plan.estimated_years, lang)))
    return notes


def _late_note(items: Iterable[Item], lang: Lang) -> list[str]:
    missed = sorted({d for i in items if i.reminder.late for d in i.reminder.missed})
    return [say(lang, "note.late", days=day_span(missed, lang))] if missed else []


def _checklists(
    plan: PersonPlan,
    items: Sequence[Item],
    today: dt.date,
    lang: Lang,
    reader: Reader,
    policy: Policy,
) -> list[Section]:
    out = []
    for item in items:
        kind = item.reminder.kind
        milestone = _ms(item.reminder)
        if not isinstance(kind, MilestoneKind) or milestone is None or item.role is Role.INFORM:
            continue
        # "watch for the SMS" only while waiting for it is the advice (never next to "apply now")
        sms = permit_advice(plan, milestone, today, policy) is PermitAdvice.WAIT_SMS
        points = plan.person.has_points
        things = step_checklist(
            kind, plan.person.changes, lang, reader, auto_endorsement=sms, points=points
        )
        if things:
            key = "section.give" if item.role is Role.ASK_HR else "section.bring"
            heading = say(lang, key, step=step_name(kind, lang, points))
            out.append(Section(heading, tuple(Line(t) for t in things)))
    return out


# -- letters ----------------------------------------------------------------------------------


def personal_letter(
    envelope: PersonalEnvelope,
    today: dt.date,
    lang: Lang,
    policy: Policy,
    extra: Sequence[Section] = (),
) -> Letter:
    """The one message this address gets in this pass."""
    if all(is_closing(i.reminder) for i in envelope.items):
        return closing_letter(envelope, lang)  # a finished cycle, told once
    plans = envelope.plans
    names = say(lang, "p.list").join(p.person.name for p in plans)
    sections: list[Section] = []
    notes: list[str] = []
    first = all(i.reminder.first for i in envelope.items)
    for plan in plans:
        items = [i for i in envelope.items if i.reminder.plan is plan]
        if first:
            has_hr = any(i.has_hr for i in items)
            listed = {i.reminder.kind for i in items}  # their own lines say when they open
            sections.append(_status(plan, today, lang, policy, has_hr, listed))
        todo = [i for i in items if _ms(i.reminder) and i.role is not Role.INFORM]
        info = [i for i in items if _ms(i.reminder) and i.role is Role.INFORM]
        for heading, group in (
            (say(lang, "section.todo"), todo),
            (say(lang, "section.info"), info),
        ):
            lines = [line for i in group for line in item_lines(i, today, lang, policy)]
            if lines:
                prefix = f"{plan.person.name} · " if len(plans) > 1 else ""
                sections.append(Section(prefix + heading, tuple(lines)))
        sections += _checklists(plan, todo, today, lang, Reader.HOLDER, policy)
        sections += critical.section(plan, today, lang, Reader.HOLDER)
        if not first:
            sections.append(
                Section(
                    "",
                    (Line(say(lang, "status.expires", date=date(plan.cycle, lang)), Level.TEXT),),
                )
            )
        notes += _plan_notes(plan, items, today, lang)
    sections += extra
    notes = _late_note(envelope.items, lang) + notes
    if first:
        title = say(lang, "title.status", name=names, expires=plans[0].cycle.isoformat())
    else:
        steps = [i for i in envelope.items if _ms(i.reminder) and i.role is not Role.INFORM]
        steps = steps or [i for i in envelope.items if _ms(i.reminder) is not None]
        shown = say(lang, "p.list")
        head = shown.join(_short(i, today, lang) for i in steps[:2])
        if len(steps) > 2:
            head += say(lang, "p.more", n=len(steps), more=len(steps) - 2)
        dates = [d for p in plans for d in critical.pending(p, today)]
        if not steps and dates:  # only a critical date to tell
            head = critical.head(dates[0], today, lang)
        title = say(lang, "title.reminder", name=names, steps=head)
    opening = (say(lang, "hello", name=names),)
    return Letter(title, opening, tuple(sections), tuple(dict.fromkeys(notes)))


def _short(item: Item, today: dt.date, lang: Lang) -> str:
    milestone = _ms(item.reminder)
    assert milestone is not None
    left = days_left(milestone.kind, milestone.due, today, lang)
    name = step_name(milestone.kind, lang, item.reminder.plan.person.has_points)
    return name + say(lang, "p.paren", text=left)


def _status(
    plan: PersonPlan,
    today: dt.date,
    lang: Lang,
    policy: Policy,
    has_hr: bool,
    shown: Collection[object] = (),
) -> Section:
    """Where the renewal stands: expiry, what is done, the next step and its date."""
    lines = [
        Line(say_for(lang, "status.intro", plan.person.has_points), Level.TEXT),
        Line(say(lang, "status.expires", date=date(plan.cycle, lang))),
    ]
    points = plan.person.has_points
    for m in plan.milestones:
        if m.kind in HEADS_UP:
            continue
        step = step_name(m.kind, lang, points)
        if m.done_on is not None:
            lines.append(Line(say(lang, "status.done", step=step, date=m.done_on.isoformat())))
        elif m.implied_by is not None:  # a later step is recorded: this one is done too
            by = step_name(m.implied_by, lang, points)
            lines.append(Line(say(lang, "status.implied", step=step, by=by)))
    upcoming = [
        m
        for m in plan.milestones
        if not m.done
        and m.kind not in HEADS_UP
        and m.kind is not K.EXPIRY
        and not (m.kind is K.GRACE_END and today <= plan.cycle)
    ]
    if upcoming:
        nxt = upcoming[0]
        key = "status.next"
        if policy.owners.of(nxt.kind) is Owner.EMPLOYER:
            key = "status.next.hr" if has_hr else "status.next.ask"
        step = step_name(nxt.kind, lang, plan.person.has_points)
        if nxt.provisional:
            step += say(lang, "feed.provisional.tag")
        lines.append(Line(say(lang, key, step=step, when=when(nxt, today, lang))))
        if nxt.opens is not None and today < nxt.opens < nxt.due and nxt.kind not in shown:
            lines.append(Line(say(lang, "opens.from", date=date(nxt.opens, lang)), Level.DETAIL))
    else:
        lines.append(Line(say(lang, "status.nothing")))
    return Section("", tuple(lines))


def test_letter(channel: str, lang: Lang) -> Letter:
    return Letter(say(lang, "title.test"), (say(lang, "test.body", channel=channel),), ())
