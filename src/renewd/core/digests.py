"""HR's one digest of a pass on one channel: a section per group with the employer's steps and
what HR should know (critical dates at risk with what to do), for each employee no personal
channel reaches the full message he would have read, to forward (`renewd.core.relays`), the
escalations (overdue steps, infeasible plans, critical dates) and HR's checklist for the hand-in.
Plain text, like every letter (`renewd.core.messages`); the roster id appears here, for HR.

A line about a step the holder owns (his own or both's, `[policy.owners]`) or a critical date of
his at risk names him in `Line.mention`, so that a group robot whose roster knows his user id
@-mentions him there: the step's owner is told in the group where HR reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from renewd.core import critical, doc_letters, relays
from renewd.core.closing import closing_line
from renewd.core.escalations import infeasible_advice, is_summary, still_open_text
from renewd.core.letter import Letter, Level, Line, Section
from renewd.core.materials import Reader, step_checklist
from renewd.core.messages import is_provisional, lapsed_note, permit_unrecorded, when
from renewd.core.model import Lang, MilestoneKind, Person, PersonPlan
from renewd.core.policy import Owner, Owners, Policy
from renewd.core.reminders import (
    Alert,
    AlertKind,
    CycleDone,
    DocumentAlert,
    DocumentReminder,
    MilestoneReminder,
    Reminder,
)
from renewd.core.routing import GroupEnvelope, Item
from renewd.core.wording import Role, day_span, say, step_name, years_text

K = MilestoneKind


def _who(person: Person, lang: Lang) -> str:
    return say(lang, "item.person", name=person.name, id=person.id)


def owner_mention(reminder: Reminder, owners: Owners) -> str:
    """The roster id a group robot @-mentions at this reminder's line: the holder's, when the
    step is his (owned by him or by both) or a critical date of his is at risk; else ""."""
    if isinstance(reminder, MilestoneReminder):
        return reminder.plan.person.id if owners.of(reminder.kind) is not Owner.EMPLOYER else ""
    if isinstance(reminder, Alert) and reminder.critical is not None and not is_summary(reminder):
        return reminder.plan.person.id
    return ""


def _digest_line(item: Item, today: dt.date, lang: Lang, policy: Policy) -> list[Line]:
    reminder = item.reminder
    if isinstance(reminder, DocumentReminder | DocumentAlert):  # a document's (issue 22)
        return doc_letters.digest_lines(item, _who(reminder.plan.person, lang), today, lang)
    milestone = reminder.milestone if isinstance(reminder, MilestoneReminder) else None
    sep = say(lang, "p.colon")
    mention = owner_mention(reminder, policy.owners)
    if milestone is None:
        if isinstance(reminder, CycleDone):  # finished, but the new expiry is missing
            return [Line(_who(reminder.plan.person, lang) + sep + closing_line(reminder, lang))]
        if is_summary(reminder):
            text = still_open_text(reminder.plan, today, lang)
            return [Line(_who(reminder.plan.person, lang) + sep + text)]
        text = _who(reminder.plan.person, lang) + sep + _alert(reminder, today, lang)
        lines = [Line(text, mention=mention)]
        if isinstance(reminder, Alert) and reminder.kind is AlertKind.INFEASIBLE:
            lines += infeasible_advice(reminder.plan, today, lang)  # told once: with what HR can do
        return lines
    name = step_name(milestone.kind, lang, reminder.plan.person.has_points)
    head = _who(reminder.plan.person, lang) + sep + name + say(lang, "p.comma")
    lines = [Line(head + when(milestone, today, lang), mention=mention)]
    if reminder.late:
        lines.append(
            Line(say(lang, "lead.late", days=day_span(reminder.missed, lang)), Level.DETAIL)
        )
    if milestone.kind is K.POINTS_APPLICATION and permit_unrecorded(reminder.plan):
        # reminded from the permit step's due date without a record: confirm first (docs/design.md
        # §3)
        text = say(
            lang, "shanghai-points.points_application.do.unconfirmed", id=reminder.plan.person.id
        )
        lines.append(Line(text, Level.DETAIL))
    if milestone.kind is K.POINTS_APPROVAL and milestone.due < today:  # what HR can do of it
        lines.append(Line(say(lang, "shanghai-points.points_approval.hr.overdue"), Level.DETAIL))
    if milestone.kind is K.EXPIRY and reminder.plan.person.has_points:
        permit = reminder.plan.milestone(K.PERMIT_RENEWAL)
        if permit is not None and permit.done:  # the points alone lapse: say so, and whose move
            lines.append(Line(say(lang, "shanghai-points.expiry.hr.renewed"), Level.DETAIL))
    if item.role is Role.ACT and milestone.kind is K.EMPLOYER_SUBMISSION:
        own = step_checklist(milestone.kind, reminder.plan.person.changes, lang, Reader.HR)
        base = step_checklist(milestone.kind, (), lang, Reader.HR)
        more = [t for t in own if t not in base]
        if more:
            lines.append(
                Line(say(lang, "p.also") + say(lang, "p.materials").join(more), Level.DETAIL)
            )
    return lines


def _with_lapsed(items: Sequence[Item], today: dt.date, lang: Lang, policy: Policy) -> list[Line]:
    """The items' lines; past a person's expiry with his permit not endorsed, his first line is
    followed once by the late-endorsement limit (`messages.lapsed_note`), and while the plan puts
    a critical date at risk, by the date and what HR can do (`renewd.core.critical`)."""
    lines: list[Line] = []
    told: set[str] = set()
    for item in items:
        lines += _digest_line(item, today, lang, policy)
        plan = item.reminder.plan
        if isinstance(plan, PersonPlan) and plan.person.id not in told:
            told.add(plan.person.id)
            lapsed = lapsed_note(plan, today, lang)
            if lapsed:
                lines.append(Line(lapsed, Level.DETAIL))
            mine = [i.reminder for i in items if i.reminder.plan.person.id == plan.person.id]
            lines += _critical(plan, today, lang, mine)
    return lines


def _critical(
    plan: PersonPlan, today: dt.date, lang: Lang, alerts: Sequence[Reminder]
) -> list[Line]:
    """The critical dates at risk and HR's advice, as detail lines under a person's line; a date
    one of `alerts` names in its own line is not named again."""
    named = {r.critical.date for r in alerts if isinstance(r, Alert) and r.critical is not None}
    found = critical.lines(plan, today, lang, Reader.HR, named)
    return [Line(ln.text, Level.DETAIL) for ln in found]


def _alert(reminder: Reminder, today: dt.date, lang: Lang) -> str:
    plan = reminder.plan
    assert isinstance(plan, PersonPlan), "a document's alert is `doc_letters`'"
    if not isinstance(reminder, Alert) or reminder.critical is None:
        return say(lang, "alert.infeasible", gap=plan.gap_days, expires=plan.cycle.isoformat())
    return critical.alert_text(reminder, today, lang)


def digest_letter(
    envelope: GroupEnvelope,
    today: dt.date,
    lang: Lang,
    policy: Policy,
    extra: Sequence[Section] | Callable[[GroupEnvelope], Sequence[Section]] = (),
    forward_extra: relays.Extra | None = None,
) -> Letter:
    """HR's one digest on one channel for this pass; `extra` sections (dates moved) at the end.
    Each employee no personal channel reaches gets one section of his own to forward
    (`renewd.core.relays`, with `forward_extra`'s sections in it), and no line of his that only
    informs HR besides: he appears once. A callable `extra` is asked after the forwards are
    written, so that what they carried is not said twice."""
    sections: list[Section] = []
    people: set[str] = set()
    has_submission = False
    listed: set[object] = set()
    forwards: list[Section] = []  # after HR's own lines and checklist, each with its end
    shown: list[Item] = []  # HR's own lines (a forwarded message says its own notes)
    for part in envelope.sections:
        relayed = {i.reminder.plan.person.id for i in part.unreachable}
        items = [
            i for i in part.items if i.role is Role.ACT or i.reminder.plan.person.id not in relayed
        ]
        shown += items
        listed.update(i.reminder.key for i in (*part.items, *part.unreachable))
        lines = _with_lapsed(items, today, lang, policy)
        people.update(i.reminder.plan.person.id for i in (*part.items, *part.unreachable))
        has_submission = has_submission or any(
            i.reminder.kind is K.EMPLOYER_SUBMISSION and i.role is Role.ACT for i in items
        )
        if lines:
            sections.append(Section(part.group, tuple(lines)))
        for forward in relays.forwarded(part.unreachable, envelope.channel):
            forwards += relays.forward_sections(forward, today, lang, policy, forward_extra)
    attention = [r for r in envelope.attention if r.key not in listed]  # not twice in one digest
    for heading, chosen in (
        ("section.attention", [r for r in attention if not is_summary(r)]),
        ("section.summary", [r for r in attention if is_summary(r)]),  # the weekly summary
    ):
        if chosen:
            lines = []
            for r in chosen:
                lines += _digest_line(Item(r, Role.INFORM), today, lang, policy)
                if isinstance(r, Alert) and r.critical is not None and not is_summary(r):
                    lines += _critical(r.plan, today, lang, [r])
            people.update(r.plan.person.id for r in chosen)
            sections.append(Section(say(lang, heading), tuple(lines)))
    if has_submission:
        things = step_checklist(K.EMPLOYER_SUBMISSION, (), lang, Reader.HR)
        heading = say(lang, "section.bring", step=step_name(K.EMPLOYER_SUBMISSION, lang))
        sections.append(Section(heading, tuple(Line(t) for t in things)))
    sections += extra(envelope) if callable(extra) else extra
    sections += forwards
    groups = [s.group for s in envelope.sections]
    heading = say(lang, "p.groups").join(groups) if groups else say(lang, "section.attention.short")
    title = say(
        lang,
        "title.digest" if envelope.sections else "title.attention",
        heading=heading,
        date=today.isoformat(),
        people=len(people),
        items=envelope.size - (len(envelope.attention) - len(attention)),
    )
    notes: list[str] = []
    years = sorted(
        {
            y
            for i in shown
            if is_provisional(i.reminder) and isinstance(i.reminder, MilestoneReminder)
            for y in i.reminder.plan.estimated_years
        }
    )
    if years:
        notes.append(say(lang, "note.provisional", years=years_text(years, lang)))
    told = [i for part in envelope.sections for i in (*part.items, *part.unreachable)]
    asked = {i.reminder.plan.person.id for i in told if isinstance(i.reminder, CycleDone)}
    guessed = dict.fromkeys(  # nobody recorded their new expiry: HR is who updates the roster
        _who(i.reminder.plan.person, lang)
        for i in told
        if isinstance(i.reminder.plan, PersonPlan)  # a document's expiry is never estimated
        and i.reminder.plan.expiry_estimated
        and i.reminder.plan.person.id not in asked  # its closing line asks for it already
    )
    if guessed:
        notes.append(
            say(lang, "note.hr.expiry_estimated", people=say(lang, "p.list").join(guessed))
        )
    if envelope.sections:
        unreachable = any(part.unreachable for part in envelope.sections)
        notes.append(say(lang, "footer.hr.forward" if unreachable else "footer.hr"))
    return Letter(title, (), tuple(sections), tuple(notes))
