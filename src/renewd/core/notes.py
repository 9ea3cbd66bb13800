"""The letters that are not reminders: HR's roster-problem notices, the weekly "import the holiday
notice" ask, the action-link section of a holder's message and the console footer of a digest.

Pure, like `renewd.core.messages`: data in, a `Letter` or `Section` out, every word from the
catalogue (`renewd.core.wording`). Who gets them is `renewd.core.routing`'s; reading the store,
recording what was told and signing links stay with the callers (`renewd.delivery`, `renewd.web`).
The "dates moved" notes are `renewd.core.moves.moved_section` / `moved_letter`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from renewd.core.documents import DocumentPlan
from renewd.core.errors import Problem
from renewd.core.estimate import Estimate
from renewd.core.letter import Letter, Level, Line, Section
from renewd.core.messages import lang_of
from renewd.core.model import Lang, MilestoneKind, PersonPlan
from renewd.core.pack import StepType
from renewd.core.policy import Owner
from renewd.core.problemwords import hide_numbers, location, message
from renewd.core.reminders import DocumentReminder, MilestoneReminder
from renewd.core.routing import PersonalEnvelope
from renewd.core.wording import Role, say, step_name

# The one-click link of a holder's step, or None when the step has none (an adapter signs it).
LinkOf = Callable[[PersonPlan, MilestoneKind], str | None]
# The same for a step (its kind) of another document (docs/packs.md).
DocLinkOf = Callable[[DocumentPlan, str], str]


# -- roster problems (HR, docs/design.md §13) -------------------------------------------------


def problem_line(problem: Problem, lang: Lang) -> str:
    """Where and what, in HR's language ("people.csv 第4行 居住证到期日：没有这一天"): never the
    value (a mail leaves the server; the console, behind sign-in, shows it)."""
    where, said = location(problem, lang), message(problem.message, lang)
    return hide_numbers(
        say(lang, "problem.line", where=where, message=said) if where else said, lang
    )


def _who(group: str | None, lang: Lang) -> str:
    return group or say(lang, "roster.no_group")


def roster_section(group: str | None, problems: Sequence[Problem], lang: Lang) -> Section:
    """The rows of one group that were held back: where each is and what is wrong, as
    `renewd check` says it (a roster holds no ID-card or phone numbers: renewd never reads those
    columns). Plain text: the channel's renderer escapes it."""
    heading = say(lang, "roster.heading", who=_who(group, lang), n=len(problems))
    lines = [Line(say(lang, "roster.intro"), Level.TEXT)]
    lines += [Line(problem_line(p, lang)) for p in problems]
    return Section(heading, tuple(lines))


def roster_letter(group: str | None, problems: Sequence[Problem], lang: Lang) -> Letter:
    """HR's note of roster rows that were held back, for a pass that writes it nothing else."""
    title = say(lang, "roster.title", who=_who(group, lang), n=len(problems))
    return Letter(title, (), (roster_section(group, problems, lang),))


UNFIXED_LINES = 10  # the weekly summary names this many problems; the console lists them all


def unfixed_section(
    problems: Sequence[Problem], since: dt.date, day: dt.date, lang: Lang, roster_page: str
) -> Section:
    """The escalation channel's weekly summary of roster problems HR was told of and has not
    fixed (`since`: the day the oldest was told, `day`: the summary's): how many rows they hold
    back, since when, and what to do, with where each is (file, row, column; never a value)."""
    rows = len({(p.file, p.row) for p in problems})
    lines = [
        Line(
            say(lang, "summary.roster.since", since=since.isoformat(), days=(day - since).days),
            Level.TEXT,
        ),
        Line(say(lang, "summary.roster.todo", url=roster_page), Level.TEXT),
    ]
    lines += [Line(problem_line(p, lang)) for p in problems[:UNFIXED_LINES]]
    if len(problems) > UNFIXED_LINES:
        lines.append(Line(say(lang, "summary.roster.more", n=len(problems) - UNFIXED_LINES)))
    return Section(say(lang, "summary.roster.heading", n=rows), tuple(lines))


# -- the estimate ask (the escalation channels, docs/design.md §11) ---------------------------


def estimate_letter(warning: Estimate | None, lang: Lang, console: str) -> Letter:
    """The week's ask to import the holiday notice; `console` is the console's URL ("…/")."""
    lines = (Line(warning.line(lang, console)),) if warning is not None else ()
    return Letter(say(lang, "estimate.title"), (), (Section(say(lang, "estimate.heading"), lines),))


# -- action links (the holder's own message, docs/design.md §12) ------------------------------


def link_section(
    envelope: PersonalEnvelope,
    default: Lang,
    link_of: LinkOf,
    doc_link_of: DocLinkOf | None = None,
) -> tuple[Section, ...]:
    """In a person's own message, one line per step he does himself (role "act"), not done yet,
    with its one-click link; no section when there is none. HR's digests never get one. A
    document's step (with `doc_link_of`) has one when its pack makes it the holder's to do
    (owner holder, type act), titled as its pack says."""
    lines: dict[str, Line] = {}
    for item in envelope.items:
        reminder = item.reminder
        if isinstance(reminder, DocumentReminder):
            if doc_link_of is not None and item.role is Role.ACT:
                lines.update(_doc_line(reminder, default, doc_link_of))
            continue
        if not isinstance(reminder, MilestoneReminder):
            continue
        if reminder.milestone.done:  # recorded, or implied by a later step
            continue
        kind = reminder.kind
        if item.role is not Role.ACT:
            if kind is not MilestoneKind.POINTS_APPROVAL:
                continue
            # The approval's SMS comes to the holder: once it has, he prints the notice, and
            # confirming that records the approval too (`link_of` gives none when HR collects).
            kind = MilestoneKind.COLLECT_NOTICE
        url = link_of(reminder.plan, kind)
        if url:
            lang = lang_of(reminder.plan, default)
            step = step_name(kind, lang)
            lines[url] = Line(say(lang, "links.line", step=step, url=url))
    if not lines:
        return ()
    plans = envelope.plans
    lang = lang_of(plans[0], default) if plans else envelope.person.lang or default
    return (Section(say(lang, "links.heading"), tuple(lines.values())),)


def _doc_line(reminder: DocumentReminder, default: Lang, link_of: DocLinkOf) -> dict[str, Line]:
    doc, step = reminder.plan, reminder.step
    own = doc.pack.step(step.kind)
    if step.done or own.owner is not Owner.HOLDER or own.type is not StepType.ACT:
        return {}
    url = link_of(doc, step.kind)
    lang = doc.person.lang or default
    return {url: Line(say(lang, "links.line", step=own.words[lang].title, url=url))}


def with_console_footer(letter: Letter, lang: Lang, console: str) -> Letter:
    """A digest closing with the console's address: HR records employer steps there, behind
    sign-in (no bearer link in a digest)."""
    return replace(letter, closing=(*letter.closing, say(lang, "footer.console", url=console)))


def signed(letter: Letter, signature: str | None, lang: Lang) -> Letter:
    """A letter to a holder, signed by the organisation that sends it (`[notify] signature`):
    messages speak as the HR department, never as the software. Unsigned without a name."""
    if not signature:
        return letter
    return replace(letter, closing=(*letter.closing, say(lang, "sign.off", name=signature)))
