"""A season with nobody acting: daily passes for 90 days over a roster, counting the messages
each person and the escalation channel would receive (docs/design.md §8, issue 17).

The roster is `bench/notify.py`'s 10,000 people (by default), made into a season: permit
expiries spread over four months from the start, two departments with an HR mailbox each, one
person in five with a change (whose plan cannot fit the window), and an escalation channel. The
passes are the delivery pass's pure part (`due_reminders` then `route`: one message per
recipient per pass); nothing is sent or stored. The weekly holiday-notice ask and the "dates
moved" notes (`delivery.calendar_notes`) are not counted: they are the same before and after.

Run it on this tree, and on another one to compare (main before the cadence work):

    .venv/bin/python bench/season.py [COUNT] [--days 90] [--start 2026-12-07]
    PYTHONPATH=/path/to/main/src .venv/bin/python bench/season.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections import Counter

from renewd.core.model import Change, Person
from renewd.core.plan import Planner
from renewd.core.policy import CalendarOptions
from renewd.core.reminders import ReminderKey
from renewd.core.repeats import repeats
from renewd.core.routing import AddressField, ChannelRoute, Routes, Scope, route
from renewd.core.schedule import due_reminders
from renewd.core.workdays import WorkdayCalendar
from renewd.delivery.rules import rules_from
from renewd.settings import Settings


def roster(count: int, start: dt.date) -> list[Person]:
    return [
        Person(
            id=f"E{i:05}",
            name=f"员工{i}",
            permit_expires=start + dt.timedelta(days=20 + i % 120),
            group="研发部" if i % 2 else "市场部",
            changes=frozenset({Change.EMPLOYER}) if i % 5 == 0 else frozenset(),
            email=f"e{i}@example.com",
        )
        for i in range(count)
    ]


def main(count: int, days: int, start: dt.date) -> None:
    lead = {
        "name": "lead",
        "type": "email",
        "host": "127.0.0.1",
        "sender": "hr@example.com",
        "to": ["lead@example.com"],
    }
    settings = Settings(
        roster={"files": ["people.toml"]}, channels=[lead], notify={"escalate_to": ["lead"]}
    )
    planner = Planner(settings.policy.core(), WorkdayCalendar.from_options(CalendarOptions()))
    rules = rules_from(settings.notify, settings.policy.grace_days)
    routes = Routes(
        channels=(
            ChannelRoute("mail", Scope.PERSONAL, AddressField.EMAIL, fixed=False),
            ChannelRoute("hr", Scope.GROUP, None, fixed=True),
            ChannelRoute("lead", Scope.GROUP, None, fixed=True),
        ),
        groups={"研发部": ("hr",), "市场部": ("hr",)},
        escalate_to=("lead",),
        owners=settings.policy.core().owners,
    )
    people = roster(count, start)
    issued: set[ReminderKey] = set()
    known: set[str] = set()
    personal: Counter[str] = Counter()
    digests: Counter[str] = Counter()
    lines: Counter[str] = Counter()  # the items the digests listed
    # What each reader's message of the day before carried: a message saying the same is left
    # out (`core.repeats`, as `delivery.outbox` does); counted beside what went.
    said: dict[str, tuple[ReminderKey, ...]] = {}
    repeated: Counter[str] = Counter()
    t0 = time.perf_counter()
    for n in range(days):
        today = start + dt.timedelta(days=n)
        plans = planner.plan_all(people, today)
        due = due_reminders(plans, today, rules, issued, None, known=known)
        issued.update(r.key for r in due)
        known.update(p.person.id for p in plans)
        routed = route(due, routes)
        today_said: dict[str, tuple[ReminderKey, ...]] = {}
        for envelope in routed.personal:
            keys = tuple(i.reminder.key for i in envelope.items)
            if repeats(keys, said.get(envelope.address)):
                repeated["person"] += 1
                continue
            today_said[envelope.address] = keys
            personal[envelope.address] += 1
        for digest in routed.group:
            keys = tuple(
                [i.reminder.key for p in digest.sections for i in (*p.items, *p.unreachable)]
                + [r.key for r in digest.attention]
            )
            if repeats(keys, said.get(digest.channel)):
                repeated[digest.channel] += 1
                continue
            today_said[digest.channel] = keys
            digests[digest.channel] += 1
            lines[digest.channel] += digest.size
        said = today_said
    each = [personal[p.email] for p in people]
    took = time.perf_counter() - t0
    print(f"{count} people, {days} daily passes from {start}, no progress ({took:.0f} s)")
    mean, median = statistics.mean(each), statistics.median(each)
    print(f"  messages per person: mean {mean:.1f}, median {median:.0f}, max {max(each)}")
    print(f"  HR digests (one mailbox, both departments): {digests['hr']}, {lines['hr']} lines")
    print(
        f"  left out as repeats of the day before: {repeated['person']} personal messages,"
        f" {repeated['hr']} HR digests, {repeated['lead']} escalation digests"
    )
    print(
        f"  escalation channel: {digests['lead']} messages, {lines['lead']} lines"
        f" ({lines['lead'] / count:.1f} a person)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 12, 7))
    args = parser.parse_args()
    main(args.count, args.days, args.start)
