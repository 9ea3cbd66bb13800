"""Near-identical messages (docs/design.md §8): a reader is not told the same thing on two
consecutive pass days.

A message's *gist* is what its steps say: for each step it carries (a document's too), the
person, the cycle, the step and where it stands (ahead of its due date, on it, or overdue). Two
messages with the same gist name the same steps with the same statuses and due dates; only the
countdown differs. A message that carries anything else (a first contact, an alert, a finished
cycle, dates moved, a roster problem) is news and has no gist. Pure: reminder keys in, answers out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from enum import StrEnum

from renewd.core.leads import days_before
from renewd.core.model import MilestoneKind
from renewd.core.reminders import DocKind, ReminderKey


class Phase(StrEnum):
    AHEAD = "ahead"
    DUE_DAY = "due_day"  # the last day is news: "今天截止"
    OVERDUE = "overdue"


Gist = frozenset[tuple[str, dt.date, str, Phase]]


def phase(lead: int) -> Phase:
    lead = days_before(lead)  # a moved step's dated key says where it stands too
    if lead > 0:
        return Phase.AHEAD
    return Phase.DUE_DAY if lead == 0 else Phase.OVERDUE


def gist(keys: Iterable[ReminderKey], *, news: bool = True) -> Gist | None:
    """What a message carrying `keys` says of its steps. With `news` (the message about to go),
    None when it carries more than step reminders (an alert, a first contact: news of their
    own); else (the message already sent) its steps whatever else it carried."""
    out: set[tuple[str, dt.date, str, Phase]] = set()
    for key in keys:
        step = isinstance(key.kind, DocKind) and not key.kind.alert  # a document's step
        if isinstance(key.kind, MilestoneKind) or step:
            out.add((key.person, key.cycle, key.kind, phase(key.lead)))
        elif news:
            return None
    return frozenset(out) if out else None


def pass_day_before(today: dt.date, move: Callable[[dt.date], dt.date] | None = None) -> dt.date:
    """The pass day right before `today`: the day before or, with `workdays_only` (`move`), the
    last working day before it (a Friday before a Monday): a message then and one today come on
    consecutive pass days."""
    day = today - dt.timedelta(days=1)
    while move is not None and move(day) != day:
        day -= dt.timedelta(days=1)
    return day


def repeats(keys: Iterable[ReminderKey], last: Iterable[ReminderKey] | None) -> bool:
    """Whether a message of step reminders `keys` says what the reader's last message (`last`,
    sent on the pass day before) said: the same steps, statuses and due dates."""
    if last is None:
        return False
    said = gist(keys)
    return said is not None and said == gist(last, news=False)
