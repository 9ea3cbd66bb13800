"""Progress recorded with `renewd done`, kept in the state database and merged into the roster.

The roster's progress columns and the database's facts are two sources of the same truth; for
each step the later date wins (`Progress.merged`), so `done` never needs the roster file to be
edited, and an HR sheet that later carries the same fact changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace

from renewd.core.errors import UsageError
from renewd.core.model import MilestoneKind, Person, Progress, Step
from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE progress_fact (
        person TEXT NOT NULL,
        field TEXT NOT NULL,
        day TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (person, field)
    )
    """,
]

NEW_EXPIRY = "new_permit_expires"

# What a user may type for STEP: the Step values, their short forms and the milestone kinds.
ALIASES: Mapping[str, Step] = {
    **{s.value: s for s in Step},
    **{s.value.removesuffix("_on"): s for s in Step},
    "permit": Step.PERMIT_RENEWED,
    MilestoneKind.PERMIT_RENEWAL.value: Step.PERMIT_RENEWED,
    "applied": Step.POINTS_APPLIED,
    MilestoneKind.POINTS_APPLICATION.value: Step.POINTS_APPLIED,
    "submitted": Step.POINTS_SUBMITTED,
    MilestoneKind.EMPLOYER_SUBMISSION.value: Step.POINTS_SUBMITTED,
    "approved": Step.POINTS_APPROVED,
    MilestoneKind.POINTS_APPROVAL.value: Step.POINTS_APPROVED,
    "collected": Step.NOTICE_COLLECTED,
    MilestoneKind.COLLECT_NOTICE.value: Step.NOTICE_COLLECTED,
}


def parse_step(text: str) -> Step:
    try:
        return ALIASES[text.strip().lower().replace("-", "_")]
    except KeyError:
        known = "permit, applied, submitted, approved, collected"
        raise UsageError(f"unknown step {text!r}; use one of: {known}") from None


class ProgressStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("progress", SCHEMA)

    def record(
        self,
        person: str,
        step: Step | None,
        day: dt.date | None,
        *,
        new_expiry: dt.date | None = None,
        now: dt.datetime,
    ) -> None:
        """Record that `person` did `step` on `day` (and/or the renewed permit's new expiry)."""
        rows = []
        if step is not None and day is not None:
            rows.append((person, step.value, day.isoformat(), now.isoformat()))
        if new_expiry is not None:
            rows.append((person, NEW_EXPIRY, new_expiry.isoformat(), now.isoformat()))
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO progress_fact (person, field, day, recorded_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (person, field) DO UPDATE SET day = excluded.day,"
                " recorded_at = excluded.recorded_at",
                rows,
            )

    def fingerprint(self) -> tuple[object, ...]:
        """Cheap to compute, and different after every `record`: the daemon's cue to replan."""
        row = self.db.conn.execute(
            "SELECT COUNT(*), MAX(recorded_at), TOTAL(length(day)) FROM progress_fact"
        ).fetchone()
        return tuple(row)

    def load(self) -> dict[str, Progress]:
        facts: dict[str, dict[str, dt.date]] = {}
        for row in self.db.conn.execute("SELECT person, field, day FROM progress_fact"):
            facts.setdefault(row["person"], {})[row["field"]] = dt.date.fromisoformat(row["day"])
        return {person: Progress(**fields) for person, fields in facts.items()}


def merge_progress(people: Iterable[Person], recorded: Mapping[str, Progress]) -> list[Person]:
    """The people with their roster progress merged with the recorded one (later date wins)."""
    out = []
    for person in people:
        extra = recorded.get(person.id)
        out.append(replace(person, progress=person.progress.merged(extra)) if extra else person)
    return out
