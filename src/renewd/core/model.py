"""The data renewd reasons about: people, milestones and plans. Plain frozen values, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from renewd.core.frozen import quick_init


class Change(StrEnum):
    """A change since the last points notice; any one puts a person on the full-review path."""

    EMPLOYER = "employer"
    EDUCATION = "education"
    TITLE = "title"
    SPOUSE = "spouse"
    CHILD = "child"
    DIVORCE = "divorce"


class Profile(StrEnum):
    """Whether the points application method is unchanged (fast review) or changed (full review)."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"


# The document a roster row names when it names none: the Shanghai permit and points
# (docs/packs.md; `renewd.core.pack.SHANGHAI_POINTS`).
DEFAULT_DOCUMENT = "shanghai-points"


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


class Step(StrEnum):
    """Progress facts a person (or HR) records; each closes one milestone."""

    PERMIT_RENEWED = "permit_renewed_on"
    POINTS_APPLIED = "points_applied_on"
    POINTS_SUBMITTED = "points_submitted_on"
    POINTS_APPROVED = "points_approved_on"
    NOTICE_COLLECTED = "notice_collected_on"


class MilestoneKind(StrEnum):
    """The milestones of one renewal cycle, in the order they normally happen."""

    PREPARE = "prepare"
    PERMIT_WINDOW = "permit_window"
    PERMIT_RENEWAL = "permit_renewal"
    POINTS_APPLICATION = "points_application"
    EMPLOYER_SUBMISSION = "employer_submission"
    POINTS_APPROVAL = "points_approval"
    COLLECT_NOTICE = "collect_notice"
    EXPIRY = "expiry"
    GRACE_END = "grace_end"


class Status(StrEnum):
    """Where a milestone stands on `today`.

    upcoming: nothing to do yet; open: its window is open; due: its due date is near
    (within `policy.due_soon_days`); overdue: its due date has passed and it is not done.
    """

    UPCOMING = "upcoming"
    OPEN = "open"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


@quick_init
@dataclass(frozen=True, slots=True)
class CriticalDate:
    """A day on which valid points matter (school enrolment registration, verification...)."""

    date: dt.date
    label: str = ""


def a_year_on(day: dt.date) -> dt.date:
    """The same day a year later (29 February: the 28th), as a permit's endorsement extends it."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@quick_init
@dataclass(frozen=True, slots=True)
class Progress:
    """What has been done in the current cycle. Later dates win when sources disagree."""

    permit_renewed_on: dt.date | None = None
    points_applied_on: dt.date | None = None
    points_submitted_on: dt.date | None = None
    points_approved_on: dt.date | None = None
    notice_collected_on: dt.date | None = None
    new_permit_expires: dt.date | None = None

    def get(self, step: Step) -> dt.date | None:
        value: dt.date | None = getattr(self, step.value)
        return value

    def merged(self, other: Progress) -> Progress:
        """Combine two sources of progress (roster and state database): the later date wins."""

        def later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
            if a is None:
                return b
            if b is None:
                return a
            return max(a, b)

        return Progress(
            permit_renewed_on=later(self.permit_renewed_on, other.permit_renewed_on),
            points_applied_on=later(self.points_applied_on, other.points_applied_on),
            points_submitted_on=later(self.points_submitted_on, other.points_submitted_on),
            points_approved_on=later(self.points_approved_on, other.points_approved_on),
            notice_collected_on=later(self.notice_collected_on, other.notice_collected_on),
            new_permit_expires=later(self.new_permit_expires, other.new_permit_expires),
        )


NO_PROGRESS = Progress()  # nothing recorded: one object shared by every row without progress


@quick_init
@dataclass(frozen=True, slots=True)
class Person:
    """One tracked person, as read from a roster. Holds no ID-card or phone number."""

    id: str
    name: str
    permit_expires: dt.date
    group: str = ""
    changes: frozenset[Change] = frozenset()
    has_points: bool = True
    email: str = ""
    telegram: str = ""
    wecom_user: str = ""
    dingtalk_user: str = ""  # DingTalk userid, for @-mentions in DingTalk group robots
    feishu_user: str = ""  # Feishu/Lark open_id or user_id, for @-mentions in Feishu robots
    bark: str = ""  # Bark device key (a secret: whoever holds it can push to the phone)
    pushplus: str = ""  # PushPlus friend token (好友令牌) of the person
    lang: Lang | None = None
    tags: tuple[str, ...] = ()
    progress: Progress = NO_PROGRESS
    critical_dates: tuple[CriticalDate, ...] = ()
    source: str = ""  # "people.csv, row 7": where the person came from, for messages to HR
    document: str = DEFAULT_DOCUMENT  # the policy pack of this row (docs/packs.md)
    issued_on: dt.date | None = None  # the document's issue day (anniversary packs: Guangzhou)

    @property
    def profile(self) -> Profile:
        return Profile.CHANGED if self.changes else Profile.UNCHANGED


@quick_init
@dataclass(frozen=True, slots=True)
class Milestone:
    """One step of a cycle. `done_on` is the recorded day; a step nobody recorded that a later
    recorded step proves (docs/design.md §4) is done all the same, `implied_by` that step."""

    kind: MilestoneKind
    due: dt.date
    opens: dt.date | None
    status: Status
    provisional: bool
    done_on: dt.date | None = None
    implied_by: MilestoneKind | None = None

    @property
    def done(self) -> bool:
        """Recorded, or implied by a later recorded step (never reminded, never escalated)."""
        return self.done_on is not None or self.implied_by is not None


@quick_init
@dataclass(frozen=True, slots=True)
class PersonPlan:
    """The renewal plan of one person for one cycle (the permit expiry being renewed)."""

    person: Person
    cycle: dt.date
    profile: Profile
    feasible: bool
    gap_days: int
    provisional: bool
    milestones: tuple[Milestone, ...]
    projected_approval: dt.date | None
    critical_at_risk: tuple[CriticalDate, ...] = ()
    estimated_years: tuple[int, ...] = ()  # years whose holiday notice a provisional date lacks
    # `cycle` is the last expiry + 1 year: that cycle finished and no new expiry was recorded
    expiry_estimated: bool = False

    @property
    def escalate(self) -> bool:
        """True when HR's escalation channel must hear about this plan."""
        return (
            not self.feasible
            or bool(self.critical_at_risk)
            or any(m.status is Status.OVERDUE for m in self.milestones)
        )

    def milestone(self, kind: MilestoneKind) -> Milestone | None:
        return next((m for m in self.milestones if m.kind is kind), None)
