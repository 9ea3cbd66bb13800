"""What the calendar events of a document other than Shanghai points say (docs/packs.md,
docs/design.md §10): one event per step of the document's current cycle, and one per hard
cut-off, with stable UIDs that name the document. Pure: the same plan always gives the same
events, built as the points' are (`renewd.core.events`).

    document_events(entry, Lang.ZH, uid_key=key)   # [EventContent, ...] in chain order

A UID is `<person hash>-<pack>-<cycle>-<step>@renewd` (`-cutoff` for a cut-off's event), so two
documents of one person never share one, and the points' UIDs (no pack) stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from renewd.core.chain import ChainStep
from renewd.core.documents import DocumentPlan
from renewd.core.events import (
    EventContent,
    event_content,
    person_hash,
    plan_events,
    ymd,
)
from renewd.core.feeds import masked_with_id, person_lang
from renewd.core.model import Lang, Person, PersonPlan, Status
from renewd.core.pack import EXPIRY, Pack, StepType
from renewd.core.pack_words import step_checklist
from renewd.core.policy import Owner, Owners
from renewd.core.wording import say, years_text

AnyPlan = PersonPlan | DocumentPlan


def document_uid(person_id: str, pack: str, cycle_ymd: str, kind: str, uid_key: bytes) -> str:
    return f"{person_hash(person_id, uid_key)}-{pack}-{cycle_ymd}-{kind}@renewd"


def hr_step(step: ChainStep) -> bool:
    """Whether HR's feeds carry a step: the employer's and shared steps, the expiry, and any
    step overdue."""
    overdue = step.status is Status.OVERDUE and not step.done
    return step.owner is not Owner.HOLDER or step.kind == EXPIRY or overdue


def step_title(pack: Pack, kind: str, lang: Lang) -> str:
    return pack.step(kind).words[lang].title


def _warnings(entry: DocumentPlan, lang: Lang) -> tuple[list[str], list[str]]:
    """The plan's warnings, in full (the person's feed) and short (HR's feeds)."""
    plan, pack = entry.plan, entry.pack
    full: list[str] = []
    short: list[str] = []
    if plan.cut_off:
        missed = next(s for s in plan.steps if s.cutoff is not None and not s.done)
        full.append(say(lang, "docfeed.cut_off", step=step_title(pack, missed.kind, lang)))
        short.append(say(lang, "docfeed.cut_off.short"))
    elif not plan.feasible:
        projected = plan.projected.isoformat() if plan.projected else "?"
        full.append(say(lang, "docfeed.infeasible", gap=plan.gap_days, projected=projected))
        short.append(say(lang, "docfeed.infeasible.short", gap=plan.gap_days))
    return full, short


def document_events(
    entry: DocumentPlan, default_lang: Lang, *, uid_key: bytes
) -> list[EventContent]:
    """One event per step of the document's current cycle (title in the pack's words, what to
    do, who, the dates and the checklist), and one per step's hard cut-off (always HR's)."""
    person, pack, plan = entry.person, entry.pack, entry.plan
    lang = person_lang(person, default_lang)
    masked = masked_with_id(person.name, person.id, lang)
    sep = say(lang, "p.colon")
    tag = say(lang, "docfeed.tag", document=pack.title[lang])
    cycle = ymd(plan.cycle)
    warnings, short = _warnings(entry, lang)
    out: list[EventContent] = []
    for step in plan.steps:
        spec = pack.step(step.kind)
        words = spec.words[lang]
        heads_up = spec.type is StepType.HEADS_UP
        lines = [
            words.do,
            say(lang, "feed.on" if heads_up else "feed.by", date=step.due.isoformat()),
        ]
        if step.opens and step.opens < step.due and not heads_up:
            lines.append(say(lang, "opens.from", date=step.opens.isoformat()))
        if step.cutoff is not None:
            lines.append(say(lang, "docfeed.cutoff", date=step.cutoff.isoformat()))
        lines.append(say(lang, "feed.who", who=say(lang, f"owner.{step.owner.value}")))
        if step.done_on:
            lines.append(say(lang, "feed.done", date=step.done_on.isoformat()))
        elif step.implied_by is not None:
            lines.append(
                say(lang, "feed.implied", step=pack.step(step.implied_by).words[lang].short)
            )
        if step.provisional:
            lines.append(say(lang, "feed.provisional", years=years_text((step.due.year,), lang)))
        brief = "\n".join([*lines[1:], *short])
        lines.extend(warnings)
        items = step_checklist(pack, step.kind, lang)
        if items:
            lines.append(say(lang, "feed.materials"))
            lines.extend(f"- {item}" for item in items)
        suffix = sep + words.title + (say(lang, "feed.provisional.tag") if step.provisional else "")
        done = "✓" if step.done else ""
        uid = document_uid(person.id, pack.name, cycle, step.kind, uid_key)
        desc = "\n".join(lines)
        out.append(
            event_content(
                uid, person, masked, step.due, done + tag, suffix, desc, brief, lang, hr_step(step)
            )
        )
        if step.cutoff is not None:
            out.append(_cutoff_event(entry, step, lang, masked, uid_key))
    return out


def _cutoff_event(
    entry: DocumentPlan, step: ChainStep, lang: Lang, masked: str, uid_key: bytes
) -> EventContent:
    person, pack = entry.person, entry.pack
    assert step.cutoff is not None
    title = step_title(pack, step.kind, lang)
    head = ("✓" if step.done else "") + say(lang, "docfeed.tag", document=pack.title[lang])
    rest = say(lang, "p.colon") + say(lang, "docfeed.cutoff.title", step=title)
    desc = say(lang, "docfeed.cutoff.desc", step=title)
    uid = document_uid(person.id, pack.name, ymd(entry.plan.cycle), f"{step.kind}-cutoff", uid_key)
    return event_content(uid, person, masked, step.cutoff, head, rest, desc, desc, lang, True)


def events_of(
    plan: AnyPlan, lang: Lang, owners: Owners, auto: bool, *, uid_key: bytes
) -> list[EventContent]:
    """A plan's events, the points' (`plan_events`) or a document's (`document_events`)."""
    if isinstance(plan, DocumentPlan):
        return document_events(plan, lang, uid_key=uid_key)
    return plan_events(plan, lang, owners, auto, uid_key=uid_key)


def document_holders(people: Sequence[Person], documents: Sequence[DocumentPlan]) -> list[Person]:
    """The people who hold documents and no points row, each once, in roster order: they have
    a feed of their own too."""
    known = {p.id for p in people}
    out: list[Person] = []
    for entry in documents:
        if entry.person.id not in known:
            known.add(entry.person.id)
            out.append(entry.person)
    return out
