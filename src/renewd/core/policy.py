"""The core's own options: the renewal policy, the calendar layers and the feed options.

These are plain frozen dataclasses. The configuration layer (`renewd.settings`) validates the TOML
file and builds them; the core (plan, workdays, feeds) takes them as arguments and never sees the
configuration loader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from renewd.core.model import Lang, MilestoneKind, Step

# The chain of progress facts (docs/design.md §4): each step waits for the one before it, so a
# step cannot be recorded on a day before that one's, and a recorded step proves the one before
# it done ("implied", transitively: `renewd.core.progress.implied`). A 续办申请 proves the permit
# renewal, a submission the application, an approval the submission, a collected notice the
# approval.
STEP_BEFORE: Mapping[Step, Step] = MappingProxyType(
    {
        Step.POINTS_APPLIED: Step.PERMIT_RENEWED,
        Step.POINTS_SUBMITTED: Step.POINTS_APPLIED,
        Step.POINTS_APPROVED: Step.POINTS_SUBMITTED,
        Step.NOTICE_COLLECTED: Step.POINTS_APPROVED,
    }
)


class Owner(StrEnum):
    """Who a milestone belongs to (docs/design.md §7): the permit holder, the employer's HR, or
    both."""

    HOLDER = "holder"
    EMPLOYER = "employer"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Owners:
    """`[policy.owners]`: one owner per milestone kind. Waiting steps (`points_approval`) and
    `expiry` inform both and ask nobody to act; the others are acted on by their owner."""

    prepare: Owner = Owner.HOLDER
    permit_window: Owner = Owner.HOLDER
    permit_renewal: Owner = Owner.HOLDER
    points_application: Owner = Owner.EMPLOYER
    employer_submission: Owner = Owner.EMPLOYER
    points_approval: Owner = Owner.BOTH
    collect_notice: Owner = Owner.HOLDER
    expiry: Owner = Owner.BOTH
    grace_end: Owner = Owner.HOLDER

    def of(self, kind: MilestoneKind) -> Owner:
        owner: Owner = getattr(self, kind.value)
        return owner


@dataclass(frozen=True, slots=True)
class ProcessingDays:
    """Working days the points office may take: unchanged application method, or changed."""

    unchanged: int = 7
    changed: int = 20


@dataclass(frozen=True, slots=True)
class Policy:
    """docs/design.md §3: every figure of the renewal chain."""

    window_days: int = 30
    sync_workdays: int = 3
    employer_workdays: int = 2
    processing_workdays: ProcessingDays = ProcessingDays()
    approval_min_workdays: int = 3
    prepare_days: int = 60
    grace_days: int = 60
    due_soon_days: int = 7
    collect_workdays: int = 5
    # Shanghai endorses most permits by itself and confirms by SMS (docs/design.md §3): the permit
    # step first says to watch for it, and from this many days after the window opens (never later
    # than the step's due date), without a recorded renewal, to apply in person or online.
    auto_endorsement: bool = True
    auto_endorsement_check_days: int = 7
    owners: Owners = Owners()

    def endorsement_check_day(self, window_opens: dt.date, due: dt.date) -> dt.date:
        """The day from which a holder without the endorsement SMS should apply himself."""
        return min(window_opens + dt.timedelta(days=self.auto_endorsement_check_days), due)


class Fallback(StrEnum):
    """What the calendar does for a year that no notice covers."""

    ESTIMATE = "estimate"
    WEEKENDS_ONLY = "weekends-only"
    ERROR = "error"


def parse_date_range(text: str) -> tuple[dt.date, dt.date]:
    """`2027-02-05` or `2027-02-05..2027-02-12` (inclusive) as a (start, end) pair."""
    start_text, sep, end_text = text.partition("..")
    try:
        start = dt.date.fromisoformat(start_text.strip())
        end = dt.date.fromisoformat(end_text.strip()) if sep else start
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date or a range like 2027-02-05..2027-02-12") from exc
    if end < start:
        raise ValueError(f"range {text!r} ends before it starts")
    return start, end


def expand_ranges(items: Iterable[str]) -> frozenset[dt.date]:
    """Every date named by `items`, each a date or an inclusive `A..B` range."""
    out: set[dt.date] = set()
    for item in items:
        start, end = parse_date_range(item)
        out.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class YearTable:
    """One year's own table: `off` and `on` dates win over the other layers.

    With `complete = True` the table is the whole truth for that year: every date not listed is a
    working day on Monday to Friday and a rest day on weekends, and nothing is provisional.
    """

    complete: bool = False
    off: frozenset[dt.date] = frozenset()
    on: frozenset[dt.date] = frozenset()
    source: str = ""

    @classmethod
    def from_ranges(
        cls,
        off: Iterable[str] = (),
        on: Iterable[str] = (),
        *,
        complete: bool = False,
        source: str = "",
    ) -> YearTable:
        return cls(complete, expand_ranges(off), expand_ranges(on), source)


@dataclass(frozen=True, slots=True)
class CalendarOptions:
    """The working-day calendar's layers, first match wins: the user's year tables, the imported
    holiday notices (complete tables by notice year; a notice's days of the December before apply
    to that year), `chinese-calendar`, then the fallback."""

    years: Mapping[int, YearTable] = field(default_factory=lambda: MappingProxyType({}))
    fallback: Fallback = Fallback.ESTIMATE
    notices: Mapping[int, YearTable] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class ExtraFeed:
    """A feed beyond the per-person, per-group and all-people ones (`[[feeds.extra]]`)."""

    name: str
    title: str | None = None
    groups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    alarms: bool = False


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """What decides which feeds exist and how they are titled."""

    language: Lang = Lang.ZH
    mask_names: bool = True
    alarms: bool = False
    group_titles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    extra: tuple[ExtraFeed, ...] = ()
    window_days: int | None = 120  # HR's feeds hold this many days ahead (None: everything)
