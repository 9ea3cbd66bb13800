"""Who reads a step's reminder, as the weekly and every-other-day grouping of overdue repeats
sees it (`cadence.together`): the holder (at his own addresses) and the HR of his group (its
digest, which also carries what a holder no personal channel reaches would read). Routing
decides the same (`core.routing.route`); this answers it for one reminder, without envelopes,
so that a step's repeat is brought forward only beside a message its every reader gets anyway.
Pure."""

from __future__ import annotations

from collections.abc import Callable

from renewd.core.reminders import DocumentReminder, MilestoneReminder, Reminder
from renewd.core.routing import Routes, owner_roles, roles

HOLDER = "holder"
HR = "hr"

Readers = Callable[[Reminder], frozenset[str]]


def readers_of(routes: Routes) -> Readers:
    """A function naming the readers (`HOLDER`, `HR`) of a step's reminder under `routes`;
    anything but a step's reminder has none."""
    hr_of: dict[str, bool] = {}

    def readers(reminder: Reminder) -> frozenset[str]:
        if not isinstance(reminder, MilestoneReminder | DocumentReminder):
            return frozenset()
        person = reminder.plan.person
        if person.group not in hr_of:
            hr_of[person.group] = bool(person.group and routes.hr_channels(person.group))
        has_hr = hr_of[person.group]
        if isinstance(reminder, DocumentReminder):
            holder, hr = owner_roles(reminder.step.owner, reminder.inform, has_hr)
        else:
            holder, hr = roles(reminder.kind, routes.owners, has_hr)
        out = {HR} if hr is not None else set()
        if holder is not None:
            reached = any(
                c.personal and c.field is not None and c.field.of(person) for c in routes.channels
            )
            if reached:
                out.add(HOLDER)
            elif has_hr:
                out.add(HR)  # HR forwards what he would have read
        return frozenset(out)

    return readers
