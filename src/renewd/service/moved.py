"""A delivery pass's calendar messages: "dates moved" notes, and the weekly "import the notice".

Both become ordinary delivery rows (pending, then sent, retried, never re-sent once confirmed) of
their own kinds, claimed in one transaction with the notes they carry, so a note is sent once
and a crash before the claim sends it on the next pass:

- `dates_moved`: per person (his steps: the holder's, and all of them when his group has no HR
  channel) and per group's HR channels (the employer's steps, each line naming the person).
  Key: (person or `@moved:<group>`, the pass day, `dates_moved`, the first note's id).
- `calendar_estimate`: to `notify.escalate_to`, once per ISO week while a plan rests on an
  estimated year from `[calendar] warn_from`. Key: (`@calendar`, that week's Monday, ...).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from renewd.channels.base import Channel
from renewd.core.messages import Message, escape
from renewd.core.model import Lang, MilestoneKind, Person, PersonPlan
from renewd.core.moves import Move, moved_messages
from renewd.core.reminders import CalendarNote, ReminderKey
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog, NewDelivery
from renewd.store.moves import MoveStore, Note

MOVED = CalendarNote.DATES_MOVED
ESTIMATE = CalendarNote.CALENDAR_ESTIMATE
K = MilestoneKind
# SPEC §3 owners: the employer (the group's HR) acts on these; both hear about these.
EMPLOYER_STEPS = frozenset({K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION})
BOTH_STEPS = frozenset({K.POINTS_APPROVAL, K.EXPIRY})


@dataclass(frozen=True)
class Row:
    """A delivery row to insert as pending."""

    person: str
    cycle: dt.date
    kind: CalendarNote
    lead: int
    channel: str
    recipient: str
    message: Message
    part: int = 0

    def delivery(self) -> NewDelivery:
        key = ReminderKey(self.person, self.cycle, self.kind, self.lead)
        return NewDelivery(key, self.part, self.channel, self.recipient, self.message, False)


def _hr_channels(settings: Settings, channels: Mapping[str, Channel], group: str) -> list[str]:
    conf = settings.groups.get(group)
    if conf is None:
        return []
    return [n for n in conf.channels if n in channels and channels[n].fixed]


def moved_rows(
    notes: Sequence[Note],
    people: Mapping[str, Person],
    settings: Settings,
    channels: Mapping[str, Channel],
    today: dt.date,
) -> tuple[list[Row], list[int]]:
    """The rows for `notes` and the ids of the notes they carry. Notes of people not in
    `people` (a roster that failed to load, or a leaver) stay pending."""
    rows: list[Row] = []
    carried: list[int] = []
    personal: dict[str, list[Note]] = defaultdict(list)
    by_group: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        person = people.get(note.move.person)
        if person is None:
            continue
        carried.append(note.id)
        has_hr = bool(_hr_channels(settings, channels, person.group))
        kind = note.move.kind
        if not has_hr or kind not in EMPLOYER_STEPS:
            personal[person.id].append(note)
        if has_hr and (kind in EMPLOYER_STEPS or kind in BOTH_STEPS):
            by_group[person.group].append(note)
    for pid, items in sorted(personal.items()):
        person = people[pid]
        lang = person.lang or settings.language
        cause = items[-1].cause
        lead = min(n.id for n in items)
        moves = [n.move for n in items]
        for channel in channels.values():
            address = channel.address(person)
            if not address:
                continue
            parts = moved_messages(moves, lang, channel.format, cause=cause,
                                   max_bytes=channel.max_bytes)  # fmt: skip
            rows += [Row(pid, today, MOVED, lead, channel.name, address, message, part)
                     for part, message in enumerate(parts)]  # fmt: skip
    for group, items in sorted(by_group.items()):
        moves = [n.move for n in items]
        names = {n.move.person: people[n.move.person].name for n in items}
        lead = min(n.id for n in items)
        for name in _hr_channels(settings, channels, group):
            channel = channels[name]
            parts = moved_messages(moves, settings.language, channel.format, cause=items[-1].cause,
                                   names=names, max_bytes=channel.max_bytes)  # fmt: skip
            rows += [Row(f"@moved:{group}", today, MOVED, lead, name, "", message, part)
                     for part, message in enumerate(parts)]  # fmt: skip
    return rows, carried


def estimate_rows(
    warning: str | None, settings: Settings, channels: Mapping[str, Channel], today: dt.date
) -> list[Row]:
    """The weekly "import the notice" message to the escalation channels (none without a
    warning). Keyed by the week's Monday, so INSERT OR IGNORE makes it once a week."""
    if warning is None:
        return []
    monday = today - dt.timedelta(days=today.weekday())
    zh = settings.language is Lang.ZH
    rows = []
    for name in settings.notify.escalate_to:
        channel = channels.get(name)
        if channel is None or not channel.fixed:
            continue
        title = "【需关注】节假日安排尚未导入" if zh else "[Attention] holiday notice not imported"
        lead = "请在国务院公布放假安排当天导入：" if zh else "Import the notice the day it appears:"
        body = f"{lead}\n{escape(warning, channel.format)}"
        rows.append(Row("@calendar", monday, ESTIMATE, 0, name, "",
                        Message(title, body, channel.format)))  # fmt: skip
    return rows


def claim_calendar_rows(
    db: Database,
    plans: Sequence[PersonPlan],
    settings: Settings,
    channels: Mapping[str, Channel],
    today: dt.date,
    at: float,
    warning: str | None,
    *,
    dry_run: bool = False,
) -> list[Row]:
    """Claim the pending moved notes and this week's estimate warning as delivery rows, in one
    transaction. Returns the rows claimed (on a dry run, the rows that would be)."""
    store, log = MoveStore(db), DeliveryLog(db)
    people = {p.person.id: p.person for p in plans}
    if dry_run:
        rows, _ = moved_rows(store.pending(), people, settings, channels, today)
        return rows + estimate_rows(warning, settings, channels, today)
    with db.transaction() as conn:
        rows, carried = moved_rows(store.pending(conn), people, settings, channels, today)
        rows += estimate_rows(warning, settings, channels, today)
        new = log.insert(conn, [r.delivery() for r in rows], at)
        inserted = [r for r in rows if r.delivery() in new]
        store.claim(conn, carried, today)
    return inserted


__all__ = ["ESTIMATE", "MOVED", "Move", "claim_calendar_rows"]
