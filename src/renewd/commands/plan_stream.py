"""`plan --json` written fast: each person's JSON from a fragment memoised per plan shape.

In a roster of 100,000 most people share their (cycle, progress, profile), and the planner hands
every sharer the same milestones tuple (core/plan.py memoises it). So the milestones' JSON, and
everything after the person's own fields, is encoded once per shape and joined to the person's
id, name and group: no per-person dict, enum lookup or `date.isoformat()`. The bytes are exactly
those of the C encoder (no indent) over `plan_json` (tests/test_plan_stream.py checks it).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, AnyStr, TextIO

from renewd.core.model import NO_PROGRESS, Milestone, MilestoneKind, Person, PersonPlan, Status

# A roster of unique shapes must not grow these without bound: past this many, start again.
_MEMO_SIZE = 1 << 16

_string: Callable[[str], str] = json.encoder.encode_basestring


# Each kind's and status's JSON, looked up rather than read through the enum's `.value`
# property and escaped again for each of a roster's ten thousand plan shapes.
_QUOTED: dict[MilestoneKind | Status | None, str] = {
    member: _string(member.value) for enum in (MilestoneKind, Status) for member in enum
}


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _day(day: dt.date | None) -> str:
    return f'"{day.isoformat()}"' if day else "null"


class PlanEncoder:
    """Encodes `PersonPlan`s one at a time in the `plan --json` shape (compact separators)."""

    def __init__(self) -> None:
        # id(milestones) -> (the tuple, kept alive so its id stays its own; JSON; any overdue)
        self._milestones: dict[int, tuple[tuple[Milestone, ...], str, bool]] = {}
        # (plan fields after the person's, id(milestones)) -> (the tuple, JSON from "cycle" on)
        self._tails: dict[tuple[Any, ...], tuple[tuple[Milestone, ...], str]] = {}

    def encode(self, plan: PersonPlan) -> str:
        person = plan.person
        head = f'{{"id":{_string(person.id)},"name":{_string(person.name)},"group":'
        return head + _string(person.group) + self.tail(plan)

    def tail(self, plan: PersonPlan, *, keep: bool = True) -> str:
        """The plan's JSON after the person's group: from `,"cycle":` to the closing brace.
        Without `keep`, nothing is memoised (`PersonEncoder` keeps each shape's tail itself:
        a million people's fifteen thousand shapes would otherwise be held twice more)."""
        milestones = plan.milestones
        entry = self._milestones.get(id(milestones)) if keep else None
        if entry is None or entry[0] is not milestones:
            entry = self._encode_milestones(milestones, keep=keep)
        _, fragment, overdue = entry
        at_risk = plan.critical_at_risk
        # PersonPlan.escalate, its overdue part memoised with the milestones
        escalate = not plan.feasible or bool(at_risk) or overdue
        if at_risk or not keep:  # few people, or kept by the caller: no memo entry
            return self._encode_tail(plan, escalate, fragment)
        key = (
            plan.cycle,
            plan.profile,
            plan.feasible,
            plan.gap_days,
            plan.provisional,
            plan.expiry_estimated,
            escalate,
            plan.projected_approval,
            id(milestones),
        )
        tail = self._tails.get(key)
        if tail is None or tail[0] is not milestones:
            if len(self._tails) >= _MEMO_SIZE:
                self._tails.clear()
            tail = self._tails[key] = (milestones, self._encode_tail(plan, escalate, fragment))
        return tail[1]

    def _encode_milestones(
        self, milestones: tuple[Milestone, ...], *, keep: bool = True
    ) -> tuple[tuple[Milestone, ...], str, bool]:
        if keep and len(self._milestones) >= _MEMO_SIZE:
            self._milestones.clear()
            self._tails.clear()  # its keys name these tuples by id
        parts = [
            f'{{"kind":{_QUOTED[m.kind]},"due":"{m.due}","opens":{_day(m.opens)},'
            f'"status":{_QUOTED[m.status]},"provisional":{"true" if m.provisional else "false"},'
            f'"done_on":{_day(m.done_on)},"implied_by":{_QUOTED.get(m.implied_by, "null")}}}'
            for m in milestones
        ]
        overdue = any(m.status is Status.OVERDUE for m in milestones)
        entry = (milestones, f"[{','.join(parts)}]", overdue)
        if keep:
            self._milestones[id(milestones)] = entry
        return entry

    @staticmethod
    def _encode_tail(plan: PersonPlan, escalate: bool, milestones: str) -> str:
        at_risk = ",".join(_day(c.date) for c in plan.critical_at_risk)
        return (
            f',"cycle":{_day(plan.cycle)},"profile":{_string(plan.profile.value)},'
            f'"feasible":{_bool(plan.feasible)},"gap_days":{int(plan.gap_days)!r},'
            f'"provisional":{_bool(plan.provisional)},'
            f'"expiry_estimated":{_bool(plan.expiry_estimated)},"escalate":{_bool(escalate)},'
            f'"projected_approval":{_day(plan.projected_approval)},'
            f'"critical_dates_at_risk":[{at_risk}],"milestones":{milestones}}}'
        )


# People per write: a few hundred KB, so an unbuffered stdout (PYTHONUNBUFFERED=1, as units
# and containers often set) still makes few system calls.
CHUNK = 500


class PersonEncoder:
    """Encodes people straight from what their plan depends on: everyone with the same expiry,
    progress, points and changes and no critical date has the same plan but for his id, name
    and group (the planner's own shape key, `core/plan.py`, on one day), so the rest of his
    JSON is encoded once, from the plan of the first of them, and no `PersonPlan` is made for
    the others. A person with critical dates (some may be at risk) is planned as he is.

    Each person comes out as UTF-8 bytes: the shared part is ASCII, encoded once; a roster's
    Chinese names would otherwise widen every joined chunk of text to two bytes a character
    and make writing it encode 140 MB back (a third of `plan --json` at 100,000 people)."""

    def __init__(self, plan: Callable[[Person], PersonPlan]) -> None:
        self._plan = plan
        self._encoder = PlanEncoder()
        self._tails: dict[tuple[Any, ...], bytes] = {}

    def encode(self, person: Person) -> bytes:
        if person.critical_dates:
            return self._encoder.encode(self._plan(person)).encode()
        progress = person.progress
        key = (
            person.permit_expires,
            None if progress is NO_PROGRESS else progress,  # most rows: no hash of ten fields
            person.has_points,
            not person.changes,
        )
        tail = self._tails.get(key)
        if tail is None:
            if len(self._tails) >= _MEMO_SIZE:
                self._tails.clear()
            tail = self._tails[key] = self._encoder.tail(self._plan(person), keep=False).encode()
        head = (
            f'{{"id":{_string(person.id)},"name":{_string(person.name)},"group":'
            f"{_string(person.group)}"
        )
        return head.encode() + tail


def stream_json(
    day: dt.date,
    plans: Iterable[PersonPlan],
    out: TextIO,
    others: Iterable[dict[str, Any]] = (),
    *,
    pretty: bool = False,
) -> None:
    """The `plan --json` document, written as it is planned, in chunks of `CHUNK` entries: each
    person by `PlanEncoder`, each other document's row by the C encoder (no indent); with
    `pretty`, each entry indented by the pure-Python encoder, the bytes `json.dump(indent=2)`
    writes for the whole document. Nothing is written before the first chunk is made (a roster
    that cannot be read at all raises before any output)."""
    if pretty:
        dump = functools.partial(json.dumps, ensure_ascii=False, indent=2)
        indented = (
            "    " + dump(entry).replace("\n", "\n    ")  # JSON strings hold no raw line break
            for entry in itertools.chain(map(plan_json, plans), others)
        )
        head, tail = f'{{\n  "today": "{day.isoformat()}",\n  "people": ', "\n  ]\n}\n"
        _write(indented, out.write, head, ("[\n", ",\n", tail, "[]\n}\n"))
        return
    people = (entry.encode() for entry in map(PlanEncoder().encode, plans))
    _write_compact(day, people, out, others)


def stream_people(
    day: dt.date,
    people: Iterable[Person],
    plan: Callable[[Person], PersonPlan],
    out: TextIO,
    others: Iterable[dict[str, Any]] = (),
    *,
    pretty: bool = False,
) -> None:
    """`stream_json` of everyone's `plan(person)`, the compact way by `PersonEncoder`."""
    if pretty:
        stream_json(day, map(plan, people), out, others, pretty=True)
    else:
        _write_compact(day, map(PersonEncoder(plan).encode, people), out, others)


def _write_compact(
    day: dt.date, people: Iterator[bytes], out: TextIO, others: Iterable[dict[str, Any]]
) -> None:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    entries = itertools.chain(people, (encode(other).encode() for other in others))
    head = f'{{"today":"{day.isoformat()}","people":'.encode()
    _write(entries, _bytes_writer(out), head, (b"[", b",", b"]}\n", b"[]}\n"))
    out.flush()


def _bytes_writer(out: TextIO) -> Callable[[bytes], object]:
    """Writes UTF-8 to `out`: straight to its byte stream when it has one that takes UTF-8
    (what it holds as text is flushed first), else decoded (a StringIO)."""
    buffer = getattr(out, "buffer", None)
    encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if buffer is None or encoding != "utf8":
        return lambda data: out.write(data.decode())
    out.flush()
    write: Callable[[bytes], object] = buffer.write
    return write


def _write(
    entries: Iterator[AnyStr],
    write: Callable[[AnyStr], object],
    head: AnyStr,
    marks: tuple[AnyStr, AnyStr, AnyStr, AnyStr],
) -> None:
    opening, separator, tail, empty = marks
    chunk = list(itertools.islice(entries, CHUNK))
    if not chunk:
        write(head + empty)
        return
    write(head + opening + separator.join(chunk))
    while chunk := list(itertools.islice(entries, CHUNK)):
        write(separator + separator.join(chunk))
    write(tail)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def plan_json(plan: PersonPlan) -> dict[str, Any]:
    """One person's plan in the `plan --json` shape. Keys may be added, never renamed: add
    each to `PlanEncoder` too (the compact path; tests check they agree)."""
    person = plan.person
    return {
        "id": person.id,
        "name": person.name,
        "group": person.group,
        "cycle": plan.cycle.isoformat(),
        "profile": plan.profile.value,
        "feasible": plan.feasible,
        "gap_days": plan.gap_days,
        "provisional": plan.provisional,
        "expiry_estimated": plan.expiry_estimated,
        "escalate": plan.escalate,
        "projected_approval": _iso(plan.projected_approval),
        "critical_dates_at_risk": [c.date.isoformat() for c in plan.critical_at_risk],
        "milestones": [
            {
                "kind": m.kind.value,
                "due": m.due.isoformat(),
                "opens": _iso(m.opens),
                "status": m.status.value,
                "provisional": m.provisional,
                "done_on": _iso(m.done_on),
                "implied_by": m.implied_by.value if m.implied_by else None,
            }
            for m in plan.milestones
        ],
    }
