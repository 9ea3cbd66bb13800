"""What a reminder of a document other than the points says (issue 22): the same letter as the
points' (`renewd.core.messages`), built from the pack's own words (`PackStep.words`: each step's
title, short name and instruction), its checklists (`renewd.core.pack_words`) and the catalogue's
`docs.*` keys. Pure: plain text in `Letter`s.

`letter_for` writes any envelope's one message: the points' letter for its points reminders with
each document's sections after them (a holder's points and work-permit reminders of one pass are
one message), or a document-only letter. Each step says what to do (worded for its reader: the
holder, HR, or "ask your HR"), by when, and what to bring; a person renewd writes to for the
first time reads where each document stands; an infeasible plan says that a new application is
needed. `digest_lines` writes HR's and the escalation's lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from renewd.core.doc_schedule import overdue_steps
from renewd.core.documents import DocumentPlan
from renewd.core.letter import Letter, Level, Line, Section
from renewd.core.messages import personal_letter
from renewd.core.model import Lang, Status
from renewd.core.pack import StepType
from renewd.core.pack_words import step_checklist
from renewd.core.policy import Owner, Policy
from renewd.core.reminders import DocAlert, DocumentAlert, DocumentReminder, Reminder
from renewd.core.routing import Item, PersonalEnvelope
from renewd.core.wording import Role, capital, date, day_span, say


def is_document(reminder: Reminder) -> bool:
    return isinstance(reminder, DocumentReminder | DocumentAlert)


def doc_of(reminder: Reminder) -> DocumentPlan:
    plan = reminder.plan
    assert isinstance(plan, DocumentPlan), "a document's reminder"
    return plan


def title_of(doc: DocumentPlan, lang: Lang) -> str:
    return doc.pack.title[lang]


def _step_words(doc: DocumentPlan, kind: str, lang: Lang) -> tuple[str, str, str]:
    words = doc.pack.step(kind).words[lang]
    return words.title, words.short, words.do


def left(reminder: DocumentReminder, today: dt.date, lang: Lang) -> str:
    """ "3 days left" for an act or a wait that did not come; "in 3 days" for a day to know."""
    n = (reminder.due - today).days
    if reminder.inform and not (n < 0 and not _heads_up(reminder)):
        if n > 0:
            return say(lang, "left.headsup.future", n=n)
        if n == 0:
            return say(lang, "left.headsup.today", date=reminder.due)
        return say(lang, "left.headsup.past", date=reminder.due)
    if n > 0:
        return say(lang, "left.days", n=n)
    return say(lang, "left.today") if n == 0 else say(lang, "left.over", n=-n)


def _heads_up(reminder: DocumentReminder) -> bool:
    return reminder.plan.pack.step(reminder.step.kind).type is StepType.HEADS_UP


def when(reminder: DocumentReminder, today: dt.date, lang: Lang) -> str:
    """ "by 2027-03-10 (Wed), 3 days left" (or "on ..." for a wait or a day to know)."""
    key = "due.on" if reminder.inform else "due.by"
    text = say(lang, key, date=date(reminder.due, lang))
    return text + say(lang, "p.comma") + left(reminder, today, lang)


def item_lines(item: Item, today: dt.date, lang: Lang) -> list[Line]:
    """A step's line with its date, then when it can start and what the reader does."""
    reminder = item.reminder
    if not isinstance(reminder, DocumentReminder):
        return []
    title, _, do = _step_words(reminder.plan, reminder.step.kind, lang)
    if reminder.step.provisional:
        title += say(lang, "feed.provisional.tag")
    lines = [Line(capital(title) + say(lang, "p.colon") + when(reminder, today, lang))]
    opens = reminder.step.opens
    if opens is not None and today < opens < reminder.due and not _heads_up(reminder):
        lines.append(Line(say(lang, "opens.from", date=date(opens, lang)), Level.DETAIL))
    last = reminder.step.last_day
    if last is not None and today <= last:
        lines.append(Line(say(lang, "docs.cutoff", date=date(last, lang)), Level.DETAIL))
    if item.role is Role.ASK_HR:
        do = say(lang, "docs.step.ask", due=date(reminder.due, lang), step=title)
    lines.append(Line(do, Level.DETAIL))
    return lines


def short(reminder: DocumentReminder, today: dt.date, lang: Lang) -> str:
    _, name, _ = _step_words(reminder.plan, reminder.step.kind, lang)
    return name + say(lang, "p.paren", text=left(reminder, today, lang))


def infeasible_text(doc: DocumentPlan, lang: Lang, *, alert: bool = False) -> str:
    """What an infeasible plan means: past a hard cut-off a new application is needed."""
    cutoff = next((s.cutoff for s in doc.plan.steps if s.cutoff is not None and not s.done), None)
    expires = doc.plan.cycle.isoformat()
    title = title_of(doc, lang)
    prefix = "docs.alert." if alert else "docs.infeasible."
    if doc.plan.cut_off and cutoff is not None:
        return say(lang, prefix + "cut_off", document=title, cutoff=cutoff, expires=expires)
    return say(lang, prefix + "gap", document=title, gap=doc.plan.gap_days, expires=expires)


def _status(doc: DocumentPlan, today: dt.date, lang: Lang, has_hr: bool) -> list[Line]:
    """Where the document stands: its expiry, what is done, the next step and its date."""
    title = title_of(doc, lang)
    lines = [Line(say(lang, "docs.status.expires", document=title, date=date(doc.cycle, lang)))]
    for step, own in zip(doc.plan.steps, doc.pack.steps, strict=True):
        name = own.words[lang].title
        if step.done_on is not None:
            lines.append(Line(say(lang, "status.done", step=name, date=step.done_on.isoformat())))
        elif step.implied_by is not None:
            by = doc.pack.step(step.implied_by).words[lang].title
            lines.append(Line(say(lang, "status.implied", step=name, by=by)))
    upcoming = [
        (s, p)
        for s, p in zip(doc.plan.steps, doc.pack.steps, strict=True)
        if not s.done and p.type is StepType.ACT and s.status is not Status.DONE
    ]
    if not upcoming:
        return [*lines, Line(say(lang, "status.nothing"))]
    step, own = upcoming[0]
    key = "status.next"
    if own.owner is Owner.EMPLOYER:
        key = "status.next.hr" if has_hr else "status.next.ask"
    reminder = DocumentReminder(doc, step, 0, today, False)
    text = say(lang, key, step=own.words[lang].title, when=when(reminder, today, lang))
    return [*lines, Line(text)]


def sections(items: Sequence[Item], today: dt.date, lang: Lang) -> tuple[list[Section], list[str]]:
    """Each document's sections of a person's letter (status first for a first contact, what to
    do, what to know, each act's checklist, an infeasible plan) and the notes."""
    out: list[Section] = []
    notes: list[str] = []
    docs: dict[tuple[str, str], DocumentPlan] = {}
    for item in items:
        docs.setdefault(doc_of(item.reminder).key, doc_of(item.reminder))
    for key, doc in docs.items():
        mine = [i for i in items if doc_of(i.reminder).key == key]
        title = title_of(doc, lang)
        if all(i.reminder.first for i in mine):
            intro = Line(say(lang, "docs.status.intro"), Level.TEXT)
            has_hr = any(i.has_hr for i in mine)
            out.append(Section(title, (intro, *_status(doc, today, lang, has_hr))))
        steps = [i for i in mine if isinstance(i.reminder, DocumentReminder)]
        todo = [i for i in steps if i.role is not Role.INFORM]
        info = [i for i in steps if i.role is Role.INFORM]
        for heading, group in (("section.todo", todo), ("section.info", info)):
            lines = [line for i in group for line in item_lines(i, today, lang)]
            if lines:
                head = say(lang, "docs.section", document=title, heading=say(lang, heading))
                out.append(Section(head, tuple(lines)))
        for item in todo:
            reminder = item.reminder
            assert isinstance(reminder, DocumentReminder)
            things = step_checklist(doc.pack, reminder.step.kind, lang)
            if things:
                key_ = "docs.give" if item.role is Role.ASK_HR else "docs.bring"
                step = _step_words(doc, reminder.step.kind, lang)[0]
                out.append(Section(say(lang, key_, step=step), tuple(Line(t) for t in things)))
        if any(
            isinstance(i.reminder, DocumentAlert) and i.reminder.alert is DocAlert.INFEASIBLE
            for i in mine
        ):
            out.append(Section("", (Line(infeasible_text(doc, lang), Level.TEXT),)))
        if any(
            isinstance(i.reminder, DocumentReminder) and i.reminder.step.provisional for i in mine
        ):
            notes.append(say(lang, "docs.note.provisional"))
    missed = sorted({d for i in items if i.reminder.late for d in i.reminder.missed})
    if missed:
        notes.insert(0, say(lang, "note.late", days=day_span(missed, lang)))
    return out, notes


def letter_for(
    envelope: PersonalEnvelope,
    today: dt.date,
    lang: Lang,
    policy: Policy,
    extra: Sequence[Section] = (),
) -> Letter:
    """The one message of `envelope` (module docstring)."""
    docs = [i for i in envelope.items if is_document(i.reminder)]
    if not docs:
        return personal_letter(envelope, today, lang, policy, extra)
    points = tuple(i for i in envelope.items if not is_document(i.reminder))
    added, notes = sections(docs, today, lang)
    steps = [i.reminder for i in docs if isinstance(i.reminder, DocumentReminder)]
    shorts = [short(r, today, lang) for r in steps]
    if points:
        base = personal_letter(
            PersonalEnvelope(envelope.channel, envelope.address, points), today, lang, policy
        )
        return Letter(
            base.title + say(lang, "p.list") + say(lang, "p.list").join(shorts[:2])
            if shorts
            else base.title,
            base.opening,
            (*base.sections, *added, *extra),
            tuple(dict.fromkeys((*notes, *base.closing))),
        )
    name = envelope.person.name
    if all(i.reminder.first for i in docs):
        titles = say(lang, "p.list").join(title_of(d, lang) for d in envelope.documents)
        title = say(lang, "docs.title.status", name=name, documents=titles)
    else:
        alerts = [i.reminder for i in docs if isinstance(i.reminder, DocumentAlert)]
        head = say(lang, "p.list").join(shorts[:2])
        if len(shorts) > 2:
            head += say(lang, "p.more", n=len(shorts), more=len(shorts) - 2)
        if not shorts and alerts:
            head = title_of(alerts[0].plan, lang)
        title = say(lang, "title.reminder", name=name, steps=head)
    opening = (say(lang, "hello", name=name),)
    return Letter(title, opening, (*added, *extra), tuple(dict.fromkeys(notes)))


def digest_lines(item: Item, who: str, today: dt.date, lang: Lang) -> list[Line]:
    """HR's (or the escalation's) lines of a document's reminder; `who`: "name (id)"."""
    reminder = item.reminder
    sep = say(lang, "p.colon")
    if isinstance(reminder, DocumentAlert):
        doc = reminder.plan
        if (
            reminder.alert is DocAlert.STILL_OPEN and not doc.plan.cut_off
        ):  # "申报延期（已逾期 9 天）"
            overdue = [
                doc.pack.step(s.kind).words[lang].short
                + say(lang, "p.paren", text=say(lang, "left.over", n=(today - s.due).days))
                for s in overdue_steps(doc, today)
            ]
            steps = say(lang, "p.materials").join(overdue)
            text = say(lang, "docs.still_open", document=title_of(doc, lang), steps=steps)
            return [Line(who + sep + text)]
        return [Line(who + sep + infeasible_text(doc, lang, alert=True))]
    if not isinstance(reminder, DocumentReminder):
        return []
    doc = reminder.plan
    title, _, do = _step_words(doc, reminder.step.kind, lang)
    head = who + sep + title_of(doc, lang) + " · " + title + say(lang, "p.comma")
    mention = doc.person.id if reminder.step.owner is not Owner.EMPLOYER else ""
    lines = [Line(head + when(reminder, today, lang), mention=mention)]
    if reminder.late:
        lines.append(
            Line(say(lang, "lead.late", days=day_span(reminder.missed, lang)), Level.DETAIL)
        )
    if item.role is Role.ACT and reminder.step.owner is not Owner.HOLDER:
        lines.append(Line(do, Level.DETAIL))
        last = reminder.step.last_day
        if last is not None and today <= last:  # HR files it: the day the office stops taking it
            lines.append(Line(say(lang, "docs.cutoff", date=date(last, lang)), Level.DETAIL))
        things = step_checklist(doc.pack, reminder.step.kind, lang)
        if things:
            lines.append(Line(say(lang, "p.materials").join(things), Level.DETAIL))
    return lines
