"""The documents other than the points in a delivery pass (issue 22): their reminders are issued
beside the points' (`renewd.core.doc_schedule`, the same cadence; a person's overdue
repeats of both said together, `pass_reminders`) and routed into the same one
message per recipient; a waiting retry of a step done since is cancelled as a points step's is,
and whoever holds a document is on the roster for the pass (never "left the roster")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping, Sequence

from renewd.core.cadence import Ahead, together
from renewd.core.doc_schedule import due_document_reminders
from renewd.core.documents import DocumentPlan
from renewd.core.model import MilestoneKind, PersonPlan
from renewd.core.policy import Owners
from renewd.core.readers import Readers
from renewd.core.reminders import DocKind, Kind, Reminder, ReminderKey
from renewd.core.schedule import LeadRules, PassHistory, due_reminders


def pass_reminders(
    plans: Sequence[PersonPlan],
    documents: Sequence[DocumentPlan],
    today: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    move: Callable[[dt.date], dt.date] | None,
    known: Container[str] | None,
    history: PassHistory,
    dues: Mapping[ReminderKey, dt.date] | None = None,
    owners: Owners | None = None,
    readers: Readers | None = None,
    said: Container[tuple[str, Kind]] = frozenset(),
) -> list[Reminder]:
    """Everything due on `today`, the points' and the documents' (none without documents),
    with each person's overdue repeats brought together for their readers (`readers`:
    `core.readers`; without it, by owner, `owners`: `[policy.owners]`; `cadence.together`), and
    their leads due within two pass days but for the steps in `said` (heard the pass day
    before). `dues`: the due date each issued step key was issued for (a step whose date moved
    is reminded on its new dates)."""
    ahead: list[Ahead] = []  # the overdue repeats a person's others may bring forward
    out = due_reminders(
        plans, today, rules, issued, move, known=known, history=history, dues=dues, ahead=ahead
    )
    if documents:
        out += due_document_reminders(
            documents,
            today,
            rules,
            issued,
            move,
            known=known,
            history=history,
            dues=dues,
            ahead=ahead,
        )
    every, weekly = rules.overdue_every_days, rules.overdue_weekly_after_days
    return out + together(out, ahead, today, every, weekly, owners or Owners(), readers, said)


def people(plans: Iterable[PersonPlan], documents: Iterable[DocumentPlan]) -> list[str]:
    """Everyone the pass plans for, points or documents, once each, in order."""
    ids = [p.person.id for p in plans] + [d.person.id for d in documents]
    return list(dict.fromkeys(ids))


def is_step(key: ReminderKey) -> bool:
    """Whether a key is a step's reminder (a points milestone or a document's step)."""
    kind = key.kind
    return isinstance(kind, MilestoneKind) or (isinstance(kind, DocKind) and not kind.alert)


def open_step_keys(
    plans: Iterable[PersonPlan], documents: Iterable[DocumentPlan]
) -> set[tuple[str, dt.date, Kind]]:
    """(person, cycle, kind) of every step not done yet, points and documents."""
    out: set[tuple[str, dt.date, Kind]] = {
        (p.person.id, p.cycle, m.kind) for p in plans for m in p.milestones if not m.done
    }
    for doc in documents:
        out.update(
            (doc.person.id, doc.cycle, DocKind.of(doc.pack.name, s.kind))
            for s in doc.plan.steps
            if not s.done
        )
    return out
