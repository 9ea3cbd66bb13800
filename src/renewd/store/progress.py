"""Progress recorded with `renewd done`, the console or a one-click link, kept in the state
database and merged into the roster.

The roster's progress columns and the database's facts are two sources of the same truth; for
each step the later date wins (`Progress.merged`), so `done` never needs the roster file to be
edited, and an HR sheet that later carries the same fact changes nothing.

API for every writer (the CLI, the console, links):

    store = ProgressStore(db)
    store.record("1001", Step.PERMIT_RENEWED, day, now=now, by="console:li.hr")
    store.undo("1001", Step.PERMIT_RENEWED)          # True if a record was removed
    store.facts("1001")                              # [Fact(...)], newest first

`by` says who recorded it: "cli", "console:<account>" or "link" (any short text; shown in
`renewd log`). Validation of the day (not in the future, not before the step before it) is the
caller's job: `check_day` does it for one person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from renewd.core.errors import UsageError
from renewd.core.model import Lang, MilestoneKind, Person, Progress, Step
from renewd.core.wording import say, step_name, step_names
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
    # Who recorded a fact; 0.1.0 only had the CLI.
    "ALTER TABLE progress_fact ADD COLUMN recorded_by TEXT NOT NULL DEFAULT 'cli'",
]

# The chain: a step cannot be done before the one it waits for.
PREDECESSOR: Mapping[Step, Step] = {
    Step.POINTS_APPLIED: Step.PERMIT_RENEWED,
    Step.POINTS_SUBMITTED: Step.POINTS_APPLIED,
    Step.POINTS_APPROVED: Step.POINTS_SUBMITTED,
    Step.NOTICE_COLLECTED: Step.POINTS_APPROVED,
}


@dataclass(frozen=True)
class Fact:
    """One recorded fact, as stored."""

    person: str
    field: str  # a Step value or "new_permit_expires"
    day: dt.date
    recorded_at: str  # ISO timestamp with its zone
    recorded_by: str


NEW_EXPIRY = "new_permit_expires"

# What a user may type for STEP: the Step values, their short forms, the milestone kinds of
# `plan --json` and the Chinese step names (as the plan table and messages print them).
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
    "notice": Step.NOTICE_COLLECTED,
    "居住证签注": Step.PERMIT_RENEWED,
    "居住证续签": Step.PERMIT_RENEWED,
    "签注": Step.PERMIT_RENEWED,
    "续签": Step.PERMIT_RENEWED,
    "续办申请": Step.POINTS_APPLIED,
    "积分续办申请": Step.POINTS_APPLIED,
    "单位审核": Step.POINTS_SUBMITTED,
    "递交材料": Step.POINTS_SUBMITTED,
    "审批": Step.POINTS_APPROVED,
    "积分审批": Step.POINTS_APPROVED,
    "审批通过": Step.POINTS_APPROVED,
    "领取通知单": Step.NOTICE_COLLECTED,
    "积分通知单": Step.NOTICE_COLLECTED,
}

# Names the product showed for a step before it had one name per step (issue 16): the console's
# and the dates-moved mail's old short labels. A name once printed stays accepted.
FORMER_NAMES: Mapping[str, Step] = {
    "单位审核提交": Step.POINTS_SUBMITTED,
    "单位审核递交": Step.POINTS_SUBMITTED,
    "employer submission": Step.POINTS_SUBMITTED,
    "等待积分审批": Step.POINTS_APPROVED,
    "Collect the notice": Step.NOTICE_COLLECTED,
}

_KIND_OF: Mapping[Step, MilestoneKind] = {
    Step.PERMIT_RENEWED: MilestoneKind.PERMIT_RENEWAL,
    Step.POINTS_APPLIED: MilestoneKind.POINTS_APPLICATION,
    Step.POINTS_SUBMITTED: MilestoneKind.EMPLOYER_SUBMISSION,
    Step.POINTS_APPROVED: MilestoneKind.POINTS_APPROVAL,
    Step.NOTICE_COLLECTED: MilestoneKind.COLLECT_NOTICE,
}


def kind_of(step: Step) -> MilestoneKind:
    """The milestone a progress fact closes."""
    return _KIND_OF[step]


def _key(text: str) -> str:
    return "".join(text.split()).lower().replace("-", "_").strip('“”"')


def _names() -> dict[str, Step]:
    """Every name a step goes by, normalised by `_key`: the aliases, the former names, and the
    catalogue's full names and short labels in every language (`core.wording.step_names`)."""
    names = {_key(name): step for name, step in (*ALIASES.items(), *FORMER_NAMES.items())}
    for step, kind in _KIND_OF.items():
        names.update({_key(name): step for name in step_names(kind)})
    return names


def parse_step(text: str) -> Step:
    """A step as `plan --json` names its milestone (its kind), a short name, or any name the
    product shows for it (the full name, the short label, in either language; a former name)."""
    found = _names().get(_key(text))
    if found is None:
        known = ", ".join(k.value for k in _KIND_OF.values())
        raise UsageError(
            f"unknown step {text!r}; use a milestone kind ({known}), a short name (permit,"
            " applied, submitted, approved, collected) or its Chinese name (e.g. 居住证签注)"
        )
    return found


def check_record(
    person: Person,
    step: Step | None,
    day: dt.date | None,
    today: dt.date,
    window_days: int,
    new_expiry: dt.date | None = None,
    lang: Lang = Lang.EN,
) -> None:
    """`check_day` for `person`'s cycle, and what only the cycle can tell: a permit renewal
    before the permit could be endorsed, a new expiry that is not later than the one in force.
    The refusal is worded in `lang` (the console's; the command line's is English)."""
    if step is not None and day is not None:
        check_day(step, day, today, person.progress, lang)
        opens = person.permit_expires - dt.timedelta(days=window_days)
        if step is Step.PERMIT_RENEWED and day < opens:
            expires = person.permit_expires
            raise UsageError(
                say(
                    lang,
                    "refuse.window",
                    step=_named(step, lang),
                    day=day,
                    expires=expires,
                    opens=opens,
                    n=window_days,
                )
            )
    if new_expiry is not None and new_expiry <= person.permit_expires:
        raise UsageError(say(lang, "refuse.expiry", new=new_expiry, old=person.permit_expires))


def _named(step: Step, lang: Lang) -> str:
    return step.value if lang is Lang.EN else step_name(kind_of(step), lang)


def check_day(
    step: Step, day: dt.date, today: dt.date, progress: Progress, lang: Lang = Lang.EN
) -> None:
    """Refuse a day in the future, or before the recorded day of the step this one waits for."""
    if day > today:
        raise UsageError(say(lang, "refuse.future", day=day, today=today))
    before = PREDECESSOR.get(step)
    earlier = progress.get(before) if before is not None else None
    if before is not None and earlier is not None and day < earlier:
        raise UsageError(
            say(
                lang,
                "refuse.before",
                step=_named(step, lang),
                day=day,
                before=_named(before, lang),
                earlier=earlier,
            )
        )


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
        by: str = "cli",
    ) -> None:
        """Record that `person` did `step` on `day` (and/or the renewed permit's new expiry);
        `by` is who recorded it ("cli", "console:<account>", "link")."""
        rows = []
        stamp = now.isoformat(timespec="seconds")
        if step is not None and day is not None:
            rows.append((person, step.value, day.isoformat(), stamp, by))
        if new_expiry is not None:
            rows.append((person, NEW_EXPIRY, new_expiry.isoformat(), stamp, by))
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO progress_fact (person, field, day, recorded_at, recorded_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (person, field) DO UPDATE SET"
                " day = excluded.day, recorded_at = excluded.recorded_at,"
                " recorded_by = excluded.recorded_by",
                rows,
            )

    def undo(self, person: str, step: Step, *, new_expiry: bool = False) -> bool:
        """Remove the record of `step` (and the new expiry if asked); True if one was there."""
        fields = [step.value, *([NEW_EXPIRY] if new_expiry else [])]
        with self.db.transaction() as conn:
            cur = conn.execute(
                f"DELETE FROM progress_fact WHERE person = ? AND field IN"
                f" ({', '.join('?' for _ in fields)})",
                (person, *fields),
            )
        return cur.rowcount > 0

    def facts(self, person: str | None = None) -> list[Fact]:
        """Recorded facts, newest first (all people, or one)."""
        sql = "SELECT person, field, day, recorded_at, recorded_by FROM progress_fact"
        args: tuple[str, ...] = ()
        if person is not None:
            sql += " WHERE person = ?"
            args = (person,)
        return [
            Fact(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4])
            for r in self.db.conn.execute(sql + " ORDER BY recorded_at DESC, field", args)
        ]

    def load_person(self, person: str) -> Progress | None:
        """One person's recorded progress, or None when nothing is recorded for him."""
        rows = self.db.conn.execute(
            "SELECT field, day FROM progress_fact WHERE person = ?", (person,)
        ).fetchall()
        if not rows:
            return None
        return Progress(**{r["field"]: dt.date.fromisoformat(r["day"]) for r in rows})

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
