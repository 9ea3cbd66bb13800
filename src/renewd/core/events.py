"""What each calendar event says (docs/design.md §10): one event per milestone of a plan and one per
critical date, with stable UIDs, before any SEQUENCE or timestamp (`Stamp`, kept by
`renewd.store.feedstamps`). Pure: the same plan always gives the same events.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import NamedTuple

from renewd.core.cadence import STEPS
from renewd.core.feeds import masked_with_id, person_lang
from renewd.core.materials import Reader, step_checklist
from renewd.core.model import Lang, MilestoneKind, Person, PersonPlan, Status
from renewd.core.policy import Owner, Owners
from renewd.core.wording import (
    HEADS_UP,
    INFORM_ONLY,
    POINTS_STEPS,
    policy_key,
    say,
    say_for,
    step_name,
    years_text,
)

K = MilestoneKind


@dataclass(frozen=True, slots=True)
class EventContent:
    """What one event says, before SEQUENCE and timestamps. `digest` covers every field."""

    uid: str
    person_id: str
    day: dt.date
    summary: str
    masked_summary: str  # the masked name with the roster id: 高*（E0012）
    description: str
    brief_description: str  # HR's feeds: the dates, who acts, short warnings; no checklist
    lang: Lang
    # Whether HR's feeds carry it (whatever the window): the employer's steps and the ones HR
    # watches (the approval, the expiry), overdue steps and critical dates. Not in `digest`:
    # it says which feeds hold the event, not what the event says.
    hr: bool = True

    @property
    def digest(self) -> str:
        """Computed when asked (stamping needs it, rendering does not)."""
        return _digest(
            self.uid,
            self.day.isoformat(),
            self.summary,
            self.masked_summary,
            self.description,
            self.brief_description,
            self.lang.value,
        )

    @property
    def key(self) -> EventKey:
        return EventKey(self.day, self.uid, self.digest)


class EventKey(NamedTuple):
    """What stamping and feed digests need of an event: where it sorts, and its content digest.
    Small enough to hold for every event while the full `EventContent` is dropped."""

    day: dt.date
    uid: str
    digest: str


@dataclass(frozen=True, slots=True)
class Stamp:
    """How often an event's content changed, and when it last did (UTC)."""

    sequence: int
    changed: dt.datetime


def person_hash(person_id: str, uid_key: bytes) -> str:
    """The person part of a UID: keyed (HMAC-SHA256 with a key derived from the feed key), so
    that neither the id nor anything about other people can be recovered from it by trying
    ids; stable as long as the feed key is (rotating one feed's token keeps it)."""
    if len(uid_key) < 16:
        raise ValueError("a UID key must hold at least 16 bytes")
    return hmac.new(uid_key, person_id.encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def critical_uid(person_id: str, index: int, uid_key: bytes) -> str:
    return f"{person_hash(person_id, uid_key)}-critical-{index}@renewd"


def ymd(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def event_uid(person_id: str, cycle: dt.date, kind: MilestoneKind, uid_key: bytes) -> str:
    """The UID of a milestone's event: stable across dates and titles."""
    return f"{person_hash(person_id, uid_key)}-{ymd(cycle)}-{kind.value}@renewd"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def event_content(
    uid: str,
    person: Person,
    masked_name: str,
    day: dt.date,
    head: str,
    rest: str,
    desc: str,
    brief: str,
    lang: Lang,
    hr: bool,
) -> EventContent:
    return EventContent(
        uid=uid,
        person_id=person.id,
        day=day,
        summary=f"{head}{person.name}{rest}",
        masked_summary=f"{head}{masked_name}{rest}",
        description=desc,
        brief_description=brief,
        lang=lang,
        hr=hr,
    )


def hr_watches(kind: MilestoneKind, owners: Owners) -> bool:
    """Whether HR acts on or watches a milestone of this kind whatever its state: the employer's
    steps, the ones both hear of (by default the points approval), and the expiry."""
    return owners.of(kind) is not Owner.HOLDER or kind is K.EXPIRY


_step_checklist = functools.lru_cache(maxsize=1024)(step_checklist)


def _description(
    kind: MilestoneKind, lang: Lang, owners: Owners, auto: bool, points: bool = True
) -> list[str]:
    """What the step is and who does it, from the wording catalogue (no date-dependent words:
    a feed's bytes change only when its data does)."""
    owner = owners.of(kind)
    if kind in INFORM_ONLY:
        owner = Owner.BOTH
    key = {
        K.PERMIT_WINDOW: "shanghai-points.permit_window.info",
        K.EXPIRY: "shanghai-points.expiry.info",
        K.POINTS_APPROVAL: "shanghai-points.points_approval.feed",
    }.get(kind, policy_key(kind, "do"))
    if kind is K.PERMIT_RENEWAL and auto:
        key = "shanghai-points.permit_renewal.feed.sms"
    return [
        say_for(lang, key, points),
        say(lang, "feed.who", who=say(lang, f"owner.{owner.value}")),
    ]


def plan_events(
    plan: PersonPlan,
    default_lang: Lang,
    owners: Owners | None = None,
    auto_endorsement: bool = True,
    *,
    uid_key: bytes,
) -> list[EventContent]:
    """One event per milestone of the plan, and one per critical date of the person. `owners`
    and `auto_endorsement` come from `[policy]`: who each step belongs to, and whether the
    permit step first says to watch for the automatic-endorsement SMS."""
    owners = owners or Owners()
    person = plan.person
    lang = person_lang(person, default_lang)
    warnings: list[str] = []
    short: list[str] = []  # the same warnings, as HR's feeds repeat them on every event
    if not plan.feasible:
        approval = plan.projected_approval.isoformat() if plan.projected_approval else "?"
        warnings.append(say(lang, "feed.infeasible", gap=plan.gap_days, approval=approval))
        short.append(say(lang, "feed.infeasible.short", gap=plan.gap_days))
    for crit in plan.critical_at_risk:
        label = crit.label or say(lang, "note.critical.default")
        warnings.append(say(lang, "feed.critical", date=crit.date.isoformat(), label=label))
        short.append(say(lang, "feed.critical.short", date=crit.date.isoformat(), label=label))
    who, cycle = person_hash(person.id, uid_key), ymd(plan.cycle)
    masked_name = masked_with_id(person.name, person.id, lang)
    out: list[EventContent] = []
    for m in plan.milestones:
        heads_up = m.kind in HEADS_UP or m.kind in INFORM_ONLY
        lines = _description(m.kind, lang, owners, auto_endorsement, person.has_points)
        sep = say(lang, "p.colon")
        lines.insert(1, say(lang, "feed.on" if heads_up else "feed.by", date=m.due.isoformat()))
        if m.opens and m.opens < m.due and not heads_up:
            lines.insert(2, say(lang, "opens.from", date=m.opens.isoformat()))
        if m.done_on:
            lines.append(say(lang, "feed.done", date=m.done_on.isoformat()))
        elif m.implied_by is not None:
            by = step_name(m.implied_by, lang, person.has_points)
            lines.append(say(lang, "feed.implied", step=by))
        elif m.kind is K.EXPIRY and plan.gap_days and person.has_points:
            lines.append(say(lang, "feed.gap", gap=plan.gap_days))
        if m.provisional:
            years = years_text(plan.estimated_years or (m.due.year,), lang)
            lines.append(say(lang, "feed.provisional", years=years))
        brief = "\n".join([*lines[1:], *short])  # HR's feeds: dates, who, short warnings
        lines.extend(warnings)
        owner = owners.of(m.kind)
        reader = Reader.HR if owner is Owner.EMPLOYER else Reader.HOLDER
        sms = auto_endorsement  # the checklist's "watch for the SMS" agrees with the advice
        items = (
            _step_checklist(
                m.kind, person.changes, lang, reader, auto_endorsement=sms, points=person.has_points
            )
            if (person.has_points or m.kind not in POINTS_STEPS)
            else ()
        )
        if items:
            lines.append(say(lang, "feed.materials"))
            lines.extend(f"- {item}" for item in items)
        points = m.kind in POINTS_STEPS
        tag = say(lang, "feed.tag.points" if points else "feed.tag.permit")
        done = "✓" if m.done else ""
        suffix = sep + step_name(m.kind, lang, person.has_points)
        if m.provisional:
            suffix += say(lang, "feed.provisional.tag")
        # Stable across dates and titles: (person hash, cycle, kind) only.
        uid = f"{who}-{cycle}-{m.kind.value}@renewd"  # = event_uid(person.id, ..., uid_key)
        overdue = m.kind in STEPS and m.status is Status.OVERDUE and not m.done
        hr = hr_watches(m.kind, owners) or overdue
        desc = "\n".join(lines)
        out.append(
            event_content(
                uid, person, masked_name, m.due, done + tag, suffix, desc, brief, lang, hr
            )
        )
    for index, crit in enumerate(person.critical_dates):
        label = crit.label or say(lang, "note.critical.default")
        at_risk = crit in plan.critical_at_risk
        desc = say(lang, "feed.critical.desc")
        if at_risk:
            desc += "\n" + say(lang, "feed.critical.risk", gap=plan.gap_days)
        head, rest = say(lang, "feed.critical.head"), say(lang, "p.colon") + label
        uid = critical_uid(person.id, index, uid_key)
        out.append(
            event_content(uid, person, masked_name, crit.date, head, rest, desc, desc, lang, True)
        )
    return out
