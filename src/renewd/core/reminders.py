"""What a delivery pass issues, as types that say what they are: a milestone reminder, an alert,
and the digest that gathers them for HR; and the keys under which the delivery log records them.

- `MilestoneReminder`: one step of one person's plan, `days_before` its due date (negative for an
  overdue repeat: -2 is two days after the due date).
- `Alert`: something about a plan that is not a step (the plan is infeasible, or the points may
  be invalid on a critical date); sent once per cycle to the escalation channel. A critical
  date at risk is told to the holder and HR too, and reminded `[notify] critical_lead_days`
  before (`critical_lead`, not escalated: `renewd.core.critical`).
- `FirstContact`: the status message of a person renewd writes to for the first time.
- `DigestKey`: one digest of a day for a group's channels, or the escalation digest (no group);
  since issue 9 one digest per channel (`channel`), holding every group and the escalations.
- `MessageKey`: one person's one message of a pass on one channel (issue 9).

- `DocumentReminder`, `DocumentAlert`: the same for a document other than the points (packs):
  a step of a `DocumentPlan`, or its plan infeasible (a hard cut-off passed: a new application is
  needed) or still open in the weekly summary. Their kind is a `DocKind`, "<pack>/<step>" (an
  alert "<pack>/!<alert>"), so that the delivery log's keys name the document and the points'
  keys stay byte-identical.

`ReminderKey` is how the delivery log identifies a reminder or an alert (person, cycle, kind,
lead): `lead` is `days_before` for a milestone reminder, 0 for an infeasible plan, the critical
date's ordinal for a critical-date alert and ordinal * 1000 + days before for a reminder before a
critical date. Only `key` and `parse_kind` know that encoding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from renewd.core.chain import ChainStep
from renewd.core.documents import DocumentPlan
from renewd.core.leads import dated_lead
from renewd.core.model import CriticalDate, Milestone, MilestoneKind, PersonPlan
from renewd.core.pack import StepType


class AlertKind(StrEnum):
    """Escalation items that are not milestones: sent once per cycle to the escalation channel."""

    INFEASIBLE = "infeasible"
    CRITICAL = "critical_date"
    CRITICAL_LEAD = "critical_lead"  # a reminder `lead` days before a critical date at risk
    STILL_OPEN = "still_open"  # the weekly summary's line: once per person per summary day


class CalendarNote(StrEnum):
    """Messages about the working-day calendar (`renewd.delivery.calendar_notes`), not about one
    step: the person = a roster id, "@moved:<group>" or "@calendar"; cycle = the pass day (the
    week's Monday for the estimate warning); lead = the first note's id (0 for the warning)."""

    DATES_MOVED = "dates_moved"  # a calendar change moved these due dates
    CALENDAR_ESTIMATE = "calendar_estimate"  # import the notice: plans rest on an estimate


class NoticeKind(StrEnum):
    """Messages about a person that are neither a step nor an alert."""

    FIRST_CONTACT = "first_contact"
    CYCLE_DONE = "cycle_done"  # the cycle ending on `cycle` is finished: told once


class DocKind(str):
    """A document's step in a delivery key: "<pack>/<step>"; its alerts "<pack>/!<alert>"
    (`DocAlert`). A pack name has no "/", so no points kind is ever one."""

    __slots__ = ()

    @classmethod
    def of(cls, pack: str, step: str) -> DocKind:
        return cls(f"{pack}/{step}")

    @property
    def value(self) -> str:
        return str(self)

    @property
    def pack(self) -> str:
        return self.partition("/")[0]

    @property
    def step(self) -> str:
        return self.partition("/")[2]

    @property
    def alert(self) -> bool:
        return self.step.startswith("!")


class DocAlert(StrEnum):
    """A document's alerts: its plan infeasible (told once per cycle), its weekly summary line."""

    INFEASIBLE = "infeasible"
    STILL_OPEN = "still_open"
    FIRST_CONTACT = "first_contact"  # the holder's status, the first time renewd writes


Kind = MilestoneKind | AlertKind | NoticeKind | CalendarNote | DocKind


def parse_kind(text: str) -> Kind | None:
    """The kind a delivery log row names, or None for one this version does not know."""
    if "/" in text:
        return DocKind(text)
    for enum in (MilestoneKind, AlertKind, NoticeKind, CalendarNote):
        try:
            return enum(text)
        except ValueError:
            continue
    return None


@dataclass(frozen=True, order=True)
class ReminderKey:
    """A reminder or alert as the delivery log records it (see the module docstring)."""

    person: str
    cycle: dt.date
    kind: Kind
    lead: int


@dataclass(frozen=True)
class MilestoneReminder:
    """A reminder of one step: `days_before` its due date (negative: overdue by that many)."""

    plan: PersonPlan
    milestone: Milestone
    days_before: int
    fire_on: dt.date
    late: bool
    first: bool = False  # the person hears from renewd for the first time: no "late" then
    missed: tuple[dt.date, ...] = ()  # late: the days renewd was not running
    news: bool = True  # not a repeat of an overdue reminder already escalated
    # Stood in for by a first contact the day before (it would only repeat it): issued under
    # its key so it never goes out, late or not, and sent to nobody.
    quiet: bool = False
    moved: bool = False  # its lead was issued under an earlier due date: keyed `dated_lead`

    @property
    def kind(self) -> MilestoneKind:
        return self.milestone.kind

    @property
    def due(self) -> dt.date:
        return self.milestone.due

    @property
    def overdue(self) -> bool:
        return self.days_before < 0

    @property
    def key(self) -> ReminderKey:
        lead = dated_lead(self.due, self.days_before) if self.moved else self.days_before
        return ReminderKey(self.plan.person.id, self.plan.cycle, self.kind, lead)

    @property
    def escalate(self) -> bool:
        """A step newly overdue goes to the escalation channel as well (once: its repeats
        return only in the weekly summary)."""
        return self.overdue and self.news and not self.quiet


@dataclass(frozen=True)
class Alert:
    """An infeasible plan, a critical date (`critical`) on which the points may be invalid, or
    the plan's line in the weekly summary of what is still open (`week`: the summary day)."""

    plan: PersonPlan
    kind: AlertKind
    fire_on: dt.date
    critical: CriticalDate | None = None
    late: bool = False
    first: bool = False
    missed: tuple[dt.date, ...] = ()
    lead: int = 0  # `critical_lead`: days before the critical date
    week: dt.date | None = None

    @property
    def due(self) -> dt.date:
        return self.critical.date if self.critical is not None else self.plan.cycle

    @property
    def key(self) -> ReminderKey:
        lead = self.critical.date.toordinal() if self.critical is not None else 0
        if self.kind is AlertKind.CRITICAL_LEAD:
            lead = lead * 1000 + self.lead
        if self.week is not None:
            lead = self.week.toordinal()
        return ReminderKey(self.plan.person.id, self.plan.cycle, self.kind, lead)

    @property
    def escalate(self) -> bool:
        """The escalation hears each fact once: not the reminders before a critical date."""
        return self.kind is not AlertKind.CRITICAL_LEAD

    @property
    def told(self) -> bool:
        """Whether the holder and HR hear it too (a critical date not past), not only the
        escalation."""
        return self.critical is not None and self.critical.date >= self.fire_on


@dataclass(frozen=True)
class FirstContact:
    """A person seen for the first time: one status message (where the renewal stands, the next
    step and its date) instead of a backlog of back-dated reminders."""

    plan: PersonPlan
    fire_on: dt.date
    late: bool = False
    first: bool = True
    missed: tuple[dt.date, ...] = ()

    @property
    def kind(self) -> NoticeKind:
        return NoticeKind.FIRST_CONTACT

    @property
    def key(self) -> ReminderKey:
        return ReminderKey(self.plan.person.id, self.plan.cycle, NoticeKind.FIRST_CONTACT, 0)

    @property
    def escalate(self) -> bool:
        return False


@dataclass(frozen=True)
class CycleDone:
    """The cycle ending on `cycle` is finished (the renewal is complete): told once to the
    holder, with the new expiry when recorded; without it, HR hears it too (to record it)."""

    plan: PersonPlan
    fire_on: dt.date
    cycle: dt.date
    new_expiry: dt.date | None = None
    late: bool = False
    first: bool = False
    missed: tuple[dt.date, ...] = ()

    @property
    def kind(self) -> NoticeKind:
        return NoticeKind.CYCLE_DONE

    @property
    def key(self) -> ReminderKey:
        return ReminderKey(self.plan.person.id, self.cycle, NoticeKind.CYCLE_DONE, 0)

    @property
    def escalate(self) -> bool:
        return False


@dataclass(frozen=True)
class DocumentReminder:
    """A reminder of one step of a document's plan, as `MilestoneReminder` for the points."""

    plan: DocumentPlan
    step: ChainStep
    days_before: int
    fire_on: dt.date
    late: bool
    first: bool = False
    missed: tuple[dt.date, ...] = ()
    news: bool = True
    moved: bool = False  # as `MilestoneReminder.moved`

    @property
    def kind(self) -> DocKind:
        return DocKind.of(self.plan.pack.name, self.step.kind)

    @property
    def due(self) -> dt.date:
        return self.step.due

    @property
    def overdue(self) -> bool:
        return self.days_before < 0

    @property
    def inform(self) -> bool:
        """A wait or a heads-up: nobody is asked to act."""
        return self.plan.pack.step(self.step.kind).type is not StepType.ACT

    @property
    def key(self) -> ReminderKey:
        lead = dated_lead(self.due, self.days_before) if self.moved else self.days_before
        return ReminderKey(self.plan.person.id, self.plan.cycle, self.kind, lead)

    @property
    def escalate(self) -> bool:
        return self.overdue and self.news


@dataclass(frozen=True)
class DocumentAlert:
    """A document's plan infeasible (told once per cycle to the escalation, the holder and HR:
    past a hard cut-off a new application is needed), or its line in the weekly summary."""

    plan: DocumentPlan
    alert: DocAlert
    fire_on: dt.date
    week: dt.date | None = None
    late: bool = False
    first: bool = False
    missed: tuple[dt.date, ...] = ()

    @property
    def kind(self) -> DocKind:
        return DocKind.of(self.plan.pack.name, "!" + self.alert.value)

    @property
    def key(self) -> ReminderKey:
        lead = self.week.toordinal() if self.week is not None else 0
        if self.alert is DocAlert.INFEASIBLE and self.plan.plan.cut_off:
            lead = 1  # news again after "it will be late": now a new application is needed
        return ReminderKey(self.plan.person.id, self.plan.cycle, self.kind, lead)

    @property
    def escalate(self) -> bool:
        return self.alert is not DocAlert.FIRST_CONTACT

    @property
    def told(self) -> bool:
        return self.alert is not DocAlert.STILL_OPEN

    @property
    def status(self) -> bool:
        """A first contact: where the document stands, for the holder only."""
        return self.alert is DocAlert.FIRST_CONTACT


Reminder = MilestoneReminder | Alert | FirstContact | CycleDone | DocumentReminder | DocumentAlert


@dataclass(frozen=True, order=True)
class DigestKey:
    """The `number`th digest sent on `day` to a group's channels, or to the escalation channels
    when `group` is None."""

    day: dt.date
    number: int
    group: str | None = None
    channel: str | None = None  # issue 9: the one digest of a pass on this channel

    @property
    def escalation(self) -> bool:
        return self.group is None and self.channel is None


@dataclass(frozen=True, order=True)
class MessageKey:
    """The `number`th pass of `day`'s one message to one person (the first of the people an
    address reaches), on whichever channel the delivery row names."""

    day: dt.date
    number: int
    person: str
