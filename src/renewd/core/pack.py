"""A policy pack: one renewal chain as data (docs/packs.md). Plain frozen values, no I/O.

A pack is read from a TOML file shipped in `renewd/packs/` (or named in `[packs.<name>] file`)
by `renewd.pack_settings`, which validates it and builds these values. Its steps are planned by
one of two engines:

- `shanghai-points`: the Shanghai permit-and-points chain (docs/design.md §3), whose steps are
  the `MilestoneKind`s; the pack holds its figures and owners (`policy()`), and `[policy]`
  overrides them.
- `chain`: any other chain, planned by `renewd.core.chain.plan_chain` from the steps' own
  windows, durations and hard cut-offs.

A step's dates are offsets from an anchor: `expiry` (the document's last valid day), `deadline`
(the expiry, or an earlier day by which another document needs this one renewed) or an earlier
step of the same pack (its recorded day when recorded, else its due day). An offset counts
calendar days, working days (the Chinese working-day calendar, 调休 included) or months; its size
is a number or the name of one of the pack's figures, so that every fact is a setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from renewd.core.model import DEFAULT_DOCUMENT, Lang
from renewd.core.policy import Owner, Owners, Policy, ProcessingDays

SHANGHAI_POINTS = DEFAULT_DOCUMENT

# The anchors every step may name besides an earlier step.
EXPIRY = "expiry"
DEADLINE = "deadline"


class Engine(StrEnum):
    """Which planner plans a pack's steps."""

    SHANGHAI_POINTS = "shanghai-points"
    CHAIN = "chain"


class Unit(StrEnum):
    DAYS = "days"
    WORKDAYS = "workdays"
    MONTHS = "months"


class StepType(StrEnum):
    """act: its owner does something by the due day; wait: an office decides, nobody acts (both
    are informed); heads_up: a day to know about, it passes by itself."""

    ACT = "act"
    WAIT = "wait"
    HEADS_UP = "heads_up"


class CycleBasis(StrEnum):
    """What a cycle ends on: the document's expiry, or (Guangzhou) each anniversary of issue."""

    EXPIRY = "expiry"
    ANNIVERSARY = "anniversary"


@dataclass(frozen=True, slots=True)
class Offset:
    """`anchor` moved by `amount` `unit`s (negative: before). With `last_workday`, the anchor is
    first moved to the last working day on or before it; with `on_workday`, the result is."""

    anchor: str
    amount: int = 0
    unit: Unit = Unit.DAYS
    last_workday: bool = False
    on_workday: bool = False  # the result moved back to the last working day on or before it
    figures: tuple[str, ...] = ()  # the figures `amount` adds up (beside `constant`)
    constant: int = 0
    sign: int = 1  # +1 after, -1 before: kept so that a figure override keeps its direction

    def with_figures(self, figures: Mapping[str, int]) -> Offset:
        if not self.figures:
            return self
        size = self.constant + sum(figures[name] for name in self.figures)
        return replace(self, amount=self.sign * size)


@dataclass(frozen=True, slots=True)
class StepWords:
    """How one step is called and what its owner is asked to do, in one language."""

    title: str
    short: str
    do: str


@dataclass(frozen=True, slots=True)
class PackStep:
    """One step of a chain."""

    kind: str
    owner: Owner
    type: StepType
    due: Offset
    opens: Offset | None = None
    cutoff: Offset | None = None  # a hard cut-off: after this day the step cannot be done
    proves: tuple[str, ...] = ()  # earlier steps a recorded one proves done
    completes: bool = False  # the document is renewed when this step is
    materials: tuple[str, ...] = ()  # keys of the pack's materials
    words: Mapping[Lang, StepWords] = field(default_factory=lambda: MappingProxyType({}))

    def with_figures(self, figures: Mapping[str, int]) -> PackStep:
        def moved(offset: Offset | None) -> Offset | None:
            return offset.with_figures(figures) if offset is not None else None

        return replace(
            self,
            due=self.due.with_figures(figures),
            opens=moved(self.opens),
            cutoff=moved(self.cutoff),
        )


@dataclass(frozen=True, slots=True)
class Pack:
    """A renewal chain: its steps in chain order, its figures, materials and wording."""

    name: str
    engine: Engine
    title: Mapping[Lang, str]
    steps: tuple[PackStep, ...]
    figures: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    materials: Mapping[str, Mapping[Lang, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    cycle: CycleBasis = CycleBasis.EXPIRY
    validity_months: int = 0  # the usual validity of a renewed document (0: not stated)
    follows: str = ""  # the pack whose renewal this one needs first (residence after work)
    follows_by: str = ""  # ... by the due day of this step of ours
    source: str = ""  # the file it was read from

    def step(self, kind: str) -> PackStep:
        found = next((s for s in self.steps if s.kind == kind), None)
        if found is None:
            raise KeyError(f"pack {self.name!r} has no step {kind!r}")
        return found

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.steps)

    def with_overrides(
        self, figures: Mapping[str, int], owners: Mapping[str, Owner] | None = None
    ) -> Pack:
        """The pack with some figures and owners replaced (`[packs.<name>]`). Unknown names
        raise KeyError: the settings layer names them as bad keys first."""
        unknown = sorted(set(figures) - set(self.figures))
        unknown += sorted(set(owners or {}) - set(self.kinds))
        if unknown:
            raise KeyError(", ".join(unknown))
        merged = MappingProxyType({**self.figures, **figures})
        steps = tuple(
            replace(s.with_figures(merged), owner=(owners or {}).get(s.kind, s.owner))
            for s in self.steps
        )
        return replace(self, figures=merged, steps=steps)

    def policy(self) -> Policy:
        """The Shanghai points policy the pack's figures and owners make (engine
        `shanghai-points`); the figures are named as `Policy`'s fields, `processing_workdays`
        split into `processing_workdays_unchanged` and `processing_workdays_changed`."""
        figures = dict(self.figures)
        processing = ProcessingDays(
            unchanged=figures.pop("processing_workdays_unchanged"),
            changed=figures.pop("processing_workdays_changed"),
        )
        auto = bool(figures.pop("auto_endorsement"))
        owners = Owners(**{s.kind: s.owner for s in self.steps})
        return Policy(
            processing_workdays=processing, auto_endorsement=auto, owners=owners, **figures
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no day {day.day} in {year}-{month:02d}")  # pragma: no cover


def anniversary_on_or_after(issued: dt.date, day: dt.date) -> dt.date:
    """The first anniversary of `issued` on or after `day` (29 Feb falls on 28 Feb)."""
    years = max(1, day.year - issued.year)
    found = add_months(issued, 12 * years)
    while found < day:
        years += 1
        found = add_months(issued, 12 * years)
    while years > 1 and add_months(issued, 12 * (years - 1)) >= day:
        years -= 1
        found = add_months(issued, 12 * years)
    return found
