"""The season ahead: what each reader would receive on each coming day if nobody acts.

`preview` runs the real delivery pass (`renewd.delivery.run.deliver`, as the daemon and `renewd
notify --due` do) once a day at `send_at`, in order, on a copy of the state database in a
temporary directory, over recording channels that succeed and keep what they were given. Day 2
therefore knows what day 1 "sent", exactly as the daemon across days. Nothing of the
installation changes: the state database is only read (copied), no state directory is created,
no channel is called, and the temporary directory is deleted afterwards.

Readers can be narrowed to one person or to groups (`Readers`): the passes then plan only those
people, so a digest shows only the lines that name them and nobody else's messages appear; what
a copied database still had waiting for others is left out too.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from renewd.calendar.snapshot import build_snapshot
from renewd.channels.base import Channel, Result
from renewd.core.documents import DocumentPlan
from renewd.core.errors import Problem
from renewd.core.letter import Message
from renewd.core.model import Person, PersonPlan
from renewd.core.policy import YearTable
from renewd.core.reminders import DigestKey
from renewd.core.routing import ChannelRoute, Scope
from renewd.core.schedule import reminder_day
from renewd.delivery.run import deliver
from renewd.delivery.sending import Outcome, PassReport
from renewd.roster.reader import Roster
from renewd.settings import Settings
from renewd.store.database import DB_NAME, Database, copy_database
from renewd.store.document_progress import recorded_steps
from renewd.store.progress import ProgressStore
from renewd.store.tokens import KEY_FILE


@dataclass(frozen=True)
class Received:
    """One message a reader would receive: on `day`, on `channel`, at `recipient` ("" = the
    channel's configured recipients), the text as the channel renders it. `person`: whose own
    message it is (None for a digest); `people`: whom a digest names."""

    day: dt.date
    channel: str
    recipient: str
    person: str | None
    title: str
    body: str
    part: int = 0
    people: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "channel": self.channel,
            "recipient": self.recipient,
            "person": self.person,
            "title": self.title,
            "body": self.body,
        }


@dataclass(frozen=True)
class Readers:
    """Whose messages to show: everyone (the default), one person (his own messages and the
    digest lines that name him), or the people of some groups (their messages and their HR's
    digests, with only these groups' lines and roster problems)."""

    person: str | None = None
    groups: frozenset[str] | None = None

    @property
    def everyone(self) -> bool:
        return self.person is None and self.groups is None

    def takes(self, person: Person) -> bool:
        return (self.person is None or person.id == self.person) and (
            self.groups is None or person.group in self.groups
        )

    def problems(self, by_group: Mapping[str, Sequence[Problem]]) -> dict[str, Sequence[Problem]]:
        """The roster problems these readers' HR hears of: none for one person."""
        if self.person is not None:
            return {}
        return {g: p for g, p in by_group.items() if self.groups is None or g in self.groups}


class _Book:
    """What the recording channels were given, in send order (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sends: list[tuple[str, str, Message]] = []

    def keep(self, channel: str, recipient: str, message: Message) -> None:
        with self._lock:
            self.sends.append((channel, recipient, message))

    def take(self) -> list[tuple[str, str, Message]]:
        with self._lock:
            sends, self.sends = self.sends, []
        return sends


class Recording(Channel):
    """A channel that stands in for `real`: the same name, format, length limit, scope and
    route (so routing and splitting are unchanged), but a send is only kept in the book, and
    succeeds. One send at a time, so its sends and the pass's outcomes come in one order."""

    def __init__(self, real: Channel, book: _Book) -> None:
        # Not Channel.__init__: it reads channel settings, and this takes its shape from `real`.
        self.name = real.name
        self.type = real.type
        self.format = real.format
        self.max_bytes = real.max_bytes
        self.min_interval = 0.0
        self.concurrency = 1
        self.timeout = real.timeout
        self._secrets = ()
        self._pace = threading.Lock()
        self._next_start = 0.0
        self._real = real
        self._book = book

    def address(self, person: Person) -> str | None:
        return self._real.address(person)

    def mention_of(self, person: Person) -> str:
        return self._real.mention_of(person)  # a robot's digest shows whom it would @-mention

    @property
    def fixed(self) -> bool:
        return self._real.fixed

    @property
    def scope(self) -> Scope:
        return self._real.scope

    def route(self) -> ChannelRoute:
        return self._real.route()

    def _send(self, message: Message, recipient: str) -> Result:
        self._book.keep(self.name, recipient, message)
        return Result(True)


def preview(
    settings: Settings,
    roster: Roster,
    channels: Mapping[str, Channel],
    notices: Mapping[int, YearTable],
    start: dt.date,
    days: int,
    *,
    problems: Mapping[str, Sequence[Problem]] | None = None,
    readers: Readers | None = None,
) -> list[Received]:
    """What each reader would receive on `days` days from `start` if nobody acts, in day order
    and then in the order the passes send. `problems`: the roster's, by group, as a pass takes
    them. Reads `settings.state.dir`'s database if there is one; writes nothing there."""
    readers = readers or Readers()
    told = readers.problems(problems or {})
    zone = ZoneInfo(settings.timezone)
    send_at = settings.notify.send_at
    book = _Book()
    recording = {name: Recording(channel, book) for name, channel in channels.items()}
    received: list[Received] = []
    with tempfile.TemporaryDirectory(prefix="renewd-preview-") as tmp:
        here = _copy_state(settings.state.dir, Path(tmp))
        own = settings.model_copy(update={"state": settings.state.model_copy(update={"dir": here})})
        db = Database.in_dir(here)
        try:
            recorded = ProgressStore(db).load()  # nobody acts: the same all season
            documents = recorded_steps(db) if roster.documents else None
            for offset in range(days):
                at = dt.datetime.combine(start + dt.timedelta(days=offset), send_at, zone)
                day = reminder_day(at, send_at)  # the daemon's pass at send_at: this very day
                snap = build_snapshot(
                    own, roster, recording, day, recorded, notices, recorded_documents=documents
                )
                plans = [p for p in snap.plans if readers.takes(p.person)]
                docs = [d for d in snap.documents if readers.takes(d.person)]
                report = deliver(db, snap, plans, day, at, problems=told, documents=docs)
                received += _pair(day, report, book.take(), [*plans, *docs], readers)
        finally:
            db.close()
    return received


def in_order(received: Sequence[Received], channels: Sequence[str]) -> list[Received]:
    """By day, then by reader: the channels in configured order, then the recipient."""
    rank = {name: i for i, name in enumerate(channels)}
    return sorted(
        received, key=lambda r: (r.day, rank.get(r.channel, len(rank)), r.recipient, r.part)
    )


def _copy_state(state_dir: Path, into: Path) -> Path:
    """A state directory in `into` that starts as `state_dir` does: its database and feed key
    (so action links read as the real ones would), copied; nothing if it does not exist."""
    here = into / "state"
    here.mkdir(mode=0o700)
    if (state_dir / DB_NAME).exists():
        copy_database(state_dir / DB_NAME, here / DB_NAME)
    if (state_dir / KEY_FILE).exists():
        shutil.copy2(state_dir / KEY_FILE, here / KEY_FILE)
    return here


def _pair(
    day: dt.date,
    report: PassReport,
    sends: list[tuple[str, str, Message]],
    plans: Sequence[PersonPlan | DocumentPlan],
    readers: Readers,
) -> list[Received]:
    """The pass's sent rows with the text each recording channel was given: both come in id
    order per (channel, recipient), each channel sending one at a time. Only what the readers
    may see: a copied database's waiting rows for others are left out."""
    outcomes: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in report.sent:
        outcomes[outcome.channel, outcome.recipient].append(outcome)
    taken: dict[tuple[str, str], int] = defaultdict(int)
    shown = {p.person.id for p in plans}
    out: list[Received] = []
    for channel, recipient, message in sends:
        key = (channel, recipient)
        index, taken[key] = taken[key], taken[key] + 1
        found = outcomes[key][index] if index < len(outcomes[key]) else None
        if found is None:
            continue  # cannot happen: every successful send has its outcome
        subject = found.subject
        people = tuple(dict.fromkeys(item.person for item in found.items))
        if isinstance(subject, DigestKey):
            person = None
            mine = all(p in shown for p in people) and (
                bool(people) or (readers.person is None and _in(subject.group, readers))
            )
        else:
            person = subject.person
            mine = person in shown or (readers.everyone and person.startswith("@"))
        if readers.everyone or mine:
            out.append(
                Received(
                    day, channel, recipient, person, message.title, message.body, found.part, people
                )
            )
    return out


def _in(group: str | None, readers: Readers) -> bool:
    return readers.groups is None or (group is not None and group in readers.groups)
