"""The `[notify]` settings: when reminders go out, how often they repeat, how they sign, and how
long a send may take. Part of `renewd.settings.Settings`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from renewd.core.errors import Problem
from renewd.core.model import MilestoneKind
from renewd.core.pack import Pack

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class NotifySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    send_at: dt.time = dt.time(9, 30)
    workdays_only: bool = False
    lead_days: tuple[int, ...] = (60, 30, 14, 7, 3, 1, 0)
    # Per step: a points step's kind ("permit_renewal"), a document's "<pack>/<step>"
    # ("foreign-work-permit/extension_filing"), or a pack step's kind for that step in every
    # pack that has it ("holder_signature"); a points kind always means the points' step.
    lead_days_by_kind: dict[str, tuple[int, ...]] = Field(default_factory=dict)
    overdue_every_days: int = Field(default=2, ge=1, le=60)
    # Once a step is more than this many days overdue, its repeats come weekly.
    overdue_weekly_after_days: int = Field(default=7, ge=0, le=365)
    retry_after_seconds: tuple[int, ...] = Field(default=(60, 300, 1800, 7200), min_length=1)
    max_attempts: int = Field(default=8, ge=1, le=100)
    escalate_to: tuple[str, ...] = ()
    # The day of the week the escalation channel gets its summary of what is still open.
    escalation_summary_day: Weekday = "monday"
    # Per-person lead days for the steps someone acts on (roster id -> days), e.g. for the few
    # who want fewer messages.
    lead_days_by_person: dict[str, tuple[int, ...]] = Field(default_factory=dict)
    # How often the daemon's safety sweep runs (catch-up, retries whose wait is over).
    sweep_seconds: int = Field(default=300, ge=1, le=3600)
    # A claim written by renewd 0.1.0 (no holder) left "sending" this long is retried. Claims
    # of this version name their holder and a lease (renewd.delivery.holders): freed at once
    # when the holder is gone, or 30 s after its lease was last renewed.
    stale_sending_seconds: int = Field(default=900, ge=1, le=86400)
    # Per send. RFC 5321 gives a server 10 minutes to answer the end of DATA.
    smtp_timeout_seconds: float = Field(default=600, gt=0, le=3600)
    http_timeout_seconds: float = Field(default=60, gt=0, le=3600)
    # How messages sign, e.g. "人事部": they speak as the organisation, never as the software.
    # Unset: the display name of the first email channel's sender ("人事部 <hr@example.com>").
    signature: str | None = Field(default=None, max_length=80)
    # Reminders to the holder and HR this many days before each critical date the plan puts at
    # risk (a child's enrolment registration...), on top of the news that it is at risk.
    critical_lead_days: tuple[int, ...] = (30, 7)

    @field_validator("lead_days")
    @classmethod
    def _non_negative(cls, values: tuple[int, ...]) -> tuple[int, ...]:
        if any(v < 0 for v in values):
            raise ValueError("lead days count days before the due date and cannot be negative")
        return tuple(sorted(set(values), reverse=True))

    @field_validator("lead_days_by_kind")
    @classmethod
    def _step_keys(cls, values: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
        for key, days in values.items():
            if any(v < 0 for v in days):
                raise ValueError(f"{key!r}: lead days count days before the due date, not < 0")
            pack, slash, step = key.partition("/")
            if slash and not (pack and step and "/" not in step):
                raise ValueError(f'{key!r}: a document\'s step is written "<pack>/<step>"')
        return values

    def points_leads(self) -> dict[MilestoneKind, tuple[int, ...]]:
        """`lead_days_by_kind` of the points' steps."""
        return {MilestoneKind(k): v for k, v in self.lead_days_by_kind.items() if k in POINTS}

    def step_leads(self) -> dict[str, tuple[int, ...]]:
        """`lead_days_by_kind` of the documents' steps: "<pack>/<step>" or a step's kind."""
        return {k: v for k, v in self.lead_days_by_kind.items() if k not in POINTS}

    @field_validator("critical_lead_days")
    @classmethod
    def _within_a_year(cls, values: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= v <= 365 for v in values):
            raise ValueError("critical lead days count days before the date: 0 to 365")
        return tuple(sorted(set(values), reverse=True))


POINTS = frozenset(kind.value for kind in MilestoneKind)


def lead_key_problems(
    notify: NotifySettings, packs: Mapping[str, Pack], file: str
) -> list[Problem]:
    """Each `[notify.lead_days_by_kind]` key that names no step: not a points step, and no
    pack's step as "<pack>/<step>" or as a step's kind (the config is refused, naming it)."""
    problems: list[Problem] = []
    for key in notify.step_leads():
        pack, slash, step = key.partition("/")
        if slash and pack not in packs:
            why = f"no policy pack {pack!r} (packs: {', '.join(sorted(packs))})"
        elif slash and all(s.kind != step for s in packs[pack].steps):
            steps = ", ".join(s.kind for s in packs[pack].steps)
            why = f"pack {pack!r} has no step {step!r} (its steps: {steps})"
        elif not slash and all(s.kind != key for p in packs.values() for s in p.steps):
            why = (
                "names no step: a points step (permit_renewal, ...), a document's"
                ' "<pack>/<step>" (e.g. "foreign-work-permit/extension_filing") or a pack'
                " step's kind"
            )
        else:
            continue
        field = f"notify.lead_days_by_kind.{key}"
        problems.append(Problem(file=file, field=field, message=why, value=key))
    return problems
