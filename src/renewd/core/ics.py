"""Calendar feeds (SPEC §4), the pure part: which feeds exist, what each event says, the ICS bytes.

No I/O and no clock: `today` lives in the plans, and each event's SEQUENCE and last-changed time
(`Stamp`) are arguments, kept by `renewd.store.feedstamps`. The same inputs always give the same
bytes.

The ICS writer is our own, not icalendar's: it is about 20 times faster for large feeds (see
bench/feeds.py), and it writes exactly the bytes RFC 5545/7986 ask for (`REFRESH-INTERVAL;
VALUE=DURATION`, all-day `VALUE=DATE`, folding at 75 octets on UTF-8 character boundaries).
The tests parse its output back with icalendar and with the strict `ical` package.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from renewd.core.errors import ConfigError
from renewd.core.materials import Actor, checklist, step_text
from renewd.core.model import Lang, MilestoneKind, Person, PersonPlan
from renewd.core.policy import FeedOptions

K = MilestoneKind
PRODID = "-//renewd//renewd feeds//ZH"
ALL_FEED = "all"
# Steps whose description carries the materials checklist.
_CHECKLIST_KINDS = frozenset({K.PREPARE, K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION})


class FeedKind(StrEnum):
    PERSON = "person"
    GROUP = "group"
    ALL = "all"
    EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One published feed. `name` is stable: the feed's token is derived from it."""

    name: str
    kind: FeedKind
    title: str
    members: tuple[str, ...]  # person ids, roster order
    mask_names: bool
    alarms: bool


@dataclass(frozen=True, slots=True)
class EventContent:
    """What one event says, before SEQUENCE and timestamps. `digest` covers every field."""

    uid: str
    person_id: str
    day: dt.date
    summary: str
    masked_summary: str
    description: str
    lang: Lang

    @property
    def digest(self) -> str:
        """Computed when asked (stamping needs it, rendering does not)."""
        return _digest(
            self.uid,
            self.day.isoformat(),
            self.summary,
            self.masked_summary,
            self.description,
            self.lang.value,
        )

    @property
    def key(self) -> EventKey:
        return EventKey(self.day, self.uid, self.digest)


class EventKey(NamedTuple):
    """What stamping and feed digests need of an event: where it sorts, and its content digest.
    Small enough to hold for every event while the full `EventContent` is dropped."""

    day: dt.date
    uid: str
    digest: str


@dataclass(frozen=True, slots=True)
class Stamp:
    """How often an event's content changed, and when it last did (UTC)."""

    sequence: int
    changed: dt.datetime


# -- feed selection ----------------------------------------------------------------------------


def person_lang(person: Person, default: Lang) -> Lang:
    return person.lang or default


def feed_specs(people: Sequence[Person], options: FeedOptions) -> tuple[FeedSpec, ...]:
    """Every feed the roster and the configuration define: all, one per group, one per person,
    then the extra feeds of `[[feeds.extra]]`. Raises ConfigError when two feeds share a name."""
    conf = options
    zh = options.language is Lang.ZH
    ids = tuple(p.id for p in people)
    specs = [
        FeedSpec(
            ALL_FEED,
            FeedKind.ALL,
            "全部人员·居住证与积分续办" if zh else "Everyone: permit and points renewals",
            ids,
            conf.mask_names,
            conf.alarms,
        )
    ]
    groups: dict[str, list[str]] = {}
    for person in people:
        if person.group:
            groups.setdefault(person.group, []).append(person.id)
    for group, members in groups.items():
        title = options.group_titles.get(group)
        default = f"{group}·居住证与积分续办" if zh else f"{group}: permit and points renewals"
        specs.append(
            FeedSpec(
                f"group-{group}",
                FeedKind.GROUP,
                title or default,
                tuple(members),
                conf.mask_names,
                conf.alarms,
            )
        )
    for person in people:
        own_zh = person_lang(person, options.language) is Lang.ZH
        title = (
            f"{person.name}·居住证与积分续办"
            if own_zh
            else f"{person.name}: permit and points renewal"
        )
        specs.append(
            FeedSpec(
                f"person-{person.id}", FeedKind.PERSON, title, (person.id,), False, conf.alarms
            )
        )
    for extra in conf.extra:
        chosen = tuple(
            p.id for p in people if p.group in extra.groups or set(p.tags) & set(extra.tags)
        )
        specs.append(
            FeedSpec(
                extra.name,
                FeedKind.EXTRA,
                extra.title or extra.name,
                chosen,
                conf.mask_names,
                extra.alarms or conf.alarms,
            )
        )
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ConfigError(f"two feeds are named {spec.name!r}: rename the extra feed")
        seen.add(spec.name)
    return tuple(specs)


def mask_name(name: str) -> str:
    """张三 → 张*, 张三明 → 张*明, 欧阳小明 → 欧**明; Latin names keep each word's first letter."""
    name = name.strip()
    if " " in name:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# -- event content -----------------------------------------------------------------------------


def person_hash(person_id: str, uid_key: bytes) -> str:
    """The person part of a UID: keyed (HMAC-SHA256 with a key derived from the feed key), so
    that neither the id nor anything about other people can be recovered from it by trying
    ids; stable as long as the feed key is (rotating one feed's token keeps it)."""
    if len(uid_key) < 16:
        raise ValueError("a UID key must hold at least 16 bytes")
    mac = hmac.new(uid_key, person_id.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:20]


def critical_uid(person_id: str, index: int, uid_key: bytes) -> str:
    return f"{person_hash(person_id, uid_key)}-critical-{index}@renewd"


def _ymd(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _content(
    uid: str,
    person: Person,
    masked_name: str,
    day: dt.date,
    head: str,
    rest: str,
    desc: str,
    lang: Lang,
) -> EventContent:
    return EventContent(
        uid=uid,
        person_id=person.id,
        day=day,
        summary=f"{head}{person.name}{rest}",
        masked_summary=f"{head}{masked_name}{rest}",
        description=desc,
        lang=lang,
    )


_checklist = functools.lru_cache(maxsize=256)(checklist)
_step_text = functools.lru_cache(maxsize=64)(step_text)


def plan_events(plan: PersonPlan, default_lang: Lang, uid_key: bytes) -> list[EventContent]:
    """One event per milestone of the plan, and one per critical date of the person; UIDs keyed
    with `uid_key` (see `person_hash`)."""
    person = plan.person
    lang = person_lang(person, default_lang)
    zh = lang is Lang.ZH
    warnings: list[str] = []
    if not plan.feasible:
        approval = plan.projected_approval.isoformat() if plan.projected_approval else "?"
        warnings.append(
            f"⚠ 按当前进度无法按时完成：积分预计中断 {plan.gap_days} 天（预计审批 {approval}）。"
            "请立即联系人事。"
            if zh
            else f"⚠ Not feasible at the current pace: the points would lapse for {plan.gap_days}"
            f" days (approval expected {approval}). Contact HR now."
        )
    for crit in plan.critical_at_risk:
        label = crit.label or ("关键日期" if zh else "critical date")
        warnings.append(
            f"⚠ {crit.date.isoformat()} {label} 届时积分可能无效。"
            if zh
            else f"⚠ {crit.date.isoformat()} {label}: the points may not be valid then."
        )
    items = _checklist(person.changes, lang)
    who, cycle = person_hash(person.id, uid_key), _ymd(plan.cycle)
    masked_name = mask_name(person.name)
    out: list[EventContent] = []
    for m in plan.milestones:
        step = _step_text(m.kind, lang)
        heads_up = step.actor is Actor.NOBODY
        lines = [step.action]
        if zh:
            lines.append(f"{'日期' if heads_up else '截止'}：{m.due.isoformat()}")
            if m.opens and m.opens < m.due:
                lines.append(f"可办理：{m.opens.isoformat()} 起")
            lines.append(f"办理人：{step.actor_text}")
            if m.done_on:
                lines.append(f"已完成：{m.done_on.isoformat()}")
            if m.provisional:
                lines.append(f"日期暂定：{m.due.year} 年节假日安排公布后可能调整。")
        else:
            lines.append(f"{'On' if heads_up else 'By'}: {m.due.isoformat()}")
            if m.opens and m.opens < m.due:
                lines.append(f"From: {m.opens.isoformat()}")
            lines.append(f"Who: {step.actor_text}")
            if m.done_on:
                lines.append(f"Done: {m.done_on.isoformat()}")
            if m.provisional:
                lines.append(
                    f"Provisional: may move when the holiday notice for {m.due.year} is published."
                )
        lines.extend(warnings)
        if person.has_points and m.kind in _CHECKLIST_KINDS:
            lines.append("材料清单：" if zh else "Materials:")
            lines.extend(f"- {item}" for item in items)
        tag = ("【积分】" if step.points else "【居住证】") if zh else ""
        if not zh:
            tag = "[Points] " if step.points else "[Permit] "
        done = "✓" if m.done_on else ""
        suffix = ("：" if zh else ": ") + step.title
        if m.provisional:
            suffix += "（暂定）" if zh else " (provisional)"
        # Stable across dates and titles: (person hash, cycle, kind) only.
        uid = f"{who}-{cycle}-{m.kind.value}@renewd"
        out.append(
            _content(uid, person, masked_name, m.due, done + tag, suffix, "\n".join(lines), lang)
        )
    for index, crit in enumerate(person.critical_dates):
        label = crit.label or ("关键日期" if zh else "critical date")
        at_risk = crit in plan.critical_at_risk
        if zh:
            desc = "这一天需要有效的居住证积分。"
            if at_risk:
                desc += (
                    f"\n⚠ 按当前进度届时积分可能无效（中断 {plan.gap_days} 天）。请立即联系人事。"
                )
            head, rest = "【关键日期】", f"：{label}"
        else:
            desc = "Valid residence-permit points are needed on this day."
            if at_risk:
                desc += (
                    f"\n⚠ At the current pace the points may not be valid then (gap"
                    f" {plan.gap_days} days). Contact HR now."
                )
            head, rest = "[Critical] ", f": {label}"
        uid = critical_uid(person.id, index, uid_key)
        out.append(_content(uid, person, masked_name, crit.date, head, rest, desc, lang))
    return out


# -- ICS writing -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: escape backslash, semicolon, comma and newline; drop other controls."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line as UTF-8 with CRLF, folded so that no physical line exceeds 75 octets
    (the leading space of a continuation counts) and no UTF-8 character is split."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    start, limit = 0, 75
    size = len(data)
    while size - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: back up to the character start
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


@functools.lru_cache(maxsize=4096)
def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


_ALARM_TEXT = {Lang.ZH: "提醒", Lang.EN: "Reminder"}


def render_event(event: EventContent, stamp: Stamp, masked: bool, alarms: bool) -> bytes:
    """One VEVENT, all-day, with DTEND the next day (exclusive)."""
    end = event.day + dt.timedelta(days=1)
    changed = _stamp(stamp.changed)
    summary = escape_text(event.masked_summary if masked else event.summary)
    lines = [
        b"BEGIN:VEVENT\r\n",
        fold(f"UID:{event.uid}"),  # hex, digits, kind names: nothing to escape
        f"DTSTAMP:{changed}\r\nLAST-MODIFIED:{changed}\r\nSEQUENCE:{stamp.sequence}\r\n"
        f"DTSTART;VALUE=DATE:{_ymd(event.day)}\r\nDTEND;VALUE=DATE:{_ymd(end)}\r\n".encode(),
        fold(f"SUMMARY:{summary}"),
        fold(f"DESCRIPTION:{escape_text(event.description)}"),
        b"TRANSP:TRANSPARENT\r\n",
    ]
    if alarms:
        # 09:00 the day before: an all-day event starts at midnight.
        lines += [
            b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15H\r\n",
            fold(f"DESCRIPTION:{_ALARM_TEXT[event.lang]}: {summary}"),
            b"END:VALARM\r\n",
        ]
    lines.append(b"END:VEVENT\r\n")
    return b"".join(lines)


def render_header(spec: FeedSpec, refresh_hours: int) -> bytes:
    title = escape_text(spec.title)
    return b"".join(
        [
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
            fold(f"PRODID:{PRODID}"),
            b"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
            fold(f"NAME:{title}"),
            fold(f"X-WR-CALNAME:{title}"),
            f"REFRESH-INTERVAL;VALUE=DURATION:PT{refresh_hours}H\r\n"
            f"X-PUBLISHED-TTL:PT{refresh_hours}H\r\n".encode(),
        ]
    )


FOOTER = b"END:VCALENDAR\r\n"


def render_feed(
    spec: FeedSpec,
    events: Iterable[EventContent],
    stamps: Mapping[str, Stamp],
    refresh_hours: int,
) -> bytes:
    """The whole calendar of one feed. `events` are the feed's events; `stamps` has every UID."""
    return render_stamped(spec, ((e, stamps[e.uid]) for e in events), refresh_hours)


def render_stamped(
    spec: FeedSpec, stamped: Iterable[tuple[EventContent, Stamp]], refresh_hours: int
) -> bytes:
    """`render_feed` for events that come with their stamps. Events are written by day, then
    UID, whatever order they come in, so that the bytes are stable."""
    body = [render_header(spec, refresh_hours)]
    mask, alarms = spec.mask_names, spec.alarms
    body.extend(
        render_event(e, stamp, mask, alarms)
        for e, stamp in sorted(stamped, key=lambda pair: (pair[0].day, pair[0].uid))
    )
    body.append(FOOTER)
    return b"".join(body)


class DigestPart(NamedTuple):
    """One event's share of the digest of every feed it is in: its sort key and its bytes."""

    day: dt.date
    uid: str
    data: bytes


def digest_part(event: EventKey, stamp: Stamp) -> DigestPart:
    """Computed once per event, however many feeds it is in."""
    text = f"\x1e{event.digest}\x1f{stamp.sequence}\x1f{stamp.changed.isoformat()}"
    return DigestPart(event.day, event.uid, text.encode())


def feed_digest(spec: FeedSpec, parts: Iterable[DigestPart], refresh_hours: int) -> str:
    """A cheap fingerprint of what `render_feed` would write: when it changes, the bytes do.
    `parts` are the `digest_part` of the feed's events, in any order."""
    h = hashlib.sha256(
        "\x1f".join(
            [PRODID, spec.title, str(spec.mask_names), str(spec.alarms), str(refresh_hours)]
        ).encode("utf-8")
    )
    for part in sorted(parts, key=lambda p: (p.day, p.uid)):
        h.update(part.data)
    return h.hexdigest()[:32]
