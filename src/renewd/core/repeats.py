"""Near-identical messages (docs/design.md §8): a reader is not told the same thing on two
consecutive pass days, nor the same step (`said_again`: a message leaves it out).

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


Heard = frozenset[tuple[str, str, Phase]]


def heard(last: Iterable[ReminderKey] | None) -> Heard:
    """The steps (person, step, status) the reader's last message (`last`) said, whatever else
    it carried; of any cycle (a corrected expiry starts the cycle anew, not the reader's news)."""
    said = (gist(last, news=False) or frozenset()) if last is not None else frozenset()
    return frozenset((person, kind, status) for person, _, kind, status in said)


def said_again(key: ReminderKey, before: Heard) -> bool:
    """Whether a step reminder `key` says a step the reader heard on the pass day before
    (`before`: `heard`) with the same status: not new to him, whatever its countdown or due date
    says now (a step brought forward by an early record or a corrected date is told on its next
    lead, its due day or when it falls overdue, not on the day after its last word). A message
    leaves such a step out and says the rest; its key is issued all the same."""
    step = isinstance(key.kind, DocKind) and not key.kind.alert
    if not (isinstance(key.kind, MilestoneKind) or step):
        return False
    return (key.person, key.kind, phase(key.lead)) in before
