"""How many messages a first run and a normal day send, for COUNT people (default 10,000).

A roster spread over a year of expiries (a tenth of them with a changed application method),
in ten groups of which eight have an HR digest channel and two none (families), reached by the
console channel (written to memory). The first run is a pass on a new state database; the
normal day is the pass of the next day. Prints the delivery rows (messages, digest parts)
each pass claims, the people they reach and the most any one recipient got in one pass.

    .venv/bin/python bench/messages.py [COUNT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from renewd.core.model import Change, Person, Progress
from renewd.core.plan import Planner
from renewd.core.policy import CalendarOptions
from renewd.core.workdays import WorkdayCalendar
from renewd.delivery.passes import Delivery
from renewd.settings import Settings
from renewd.store.database import Database

TODAY = dt.date(2026, 12, 1)


def roster(count: int) -> list[Person]:
    """Expiries spread over a year; whoever is inside the 30-day window has renewed his permit
    (so the points steps are under way), as HR records it."""
    people = []
    for i in range(count):
        expires = TODAY + dt.timedelta(days=10 + (i * 7) % 365)
        changes = frozenset({Change.EMPLOYER}) if i % 10 == 0 else frozenset()
        renewed = expires - dt.timedelta(days=25) if (expires - TODAY).days <= 30 else None
        people.append(
            Person(id=f"E{i:05}", name=f"员工{i}", permit_expires=expires, group=f"部门{i % 10}",
                   changes=changes, email=f"e{i}@example.com",
                   progress=Progress(permit_renewed_on=renewed))
        )  # fmt: skip
    return people


def console_channel() -> Any:
    """The console channel, writing to memory (before and after the channel modules split)."""
    try:
        from renewd.channels import settings as channel_settings
        from renewd.channels.console import ConsoleChannel

        # ConsoleChannelSettings since the [console] settings took the name ConsoleSettings
        kind = getattr(channel_settings, "ConsoleChannelSettings", None)
        kind = kind or channel_settings.ConsoleSettings  # type: ignore[attr-defined]
        return ConsoleChannel(kind(name="console"), stream=io.StringIO())
    except ImportError:  # renewd 0.1.0's layout, to measure "before"
        from renewd.channels.transports import ConsoleChannel as Old  # type: ignore[import-not-found]

        from renewd.settings import ChannelSettings  # type: ignore[attr-defined]

        return Old(ChannelSettings(name="console", type="console"), stream=io.StringIO())


def one_pass(delivery: Delivery, planner: Planner, people: list[Person], day: dt.date) -> None:
    plans = planner.plan_all(people, day)
    now = dt.datetime.combine(day, dt.time(9, 30), dt.UTC)
    dry = delivery.run_pass(plans, day, now, dry_run=True)
    per_person = Counter((o.channel, o.recipient) for o in dry.planned if o.recipient)
    digests = sum(1 for o in dry.planned if not o.recipient)
    most = max(per_person.values(), default=0)
    print(f"  {day}: {len(dry.planned)} messages for {dry.issued} reminders:"
          f" {len(per_person)} people reached, at most {most} messages to one person;"
          f" {digests} HR digests")  # fmt: skip
    delivery.run_pass(plans, day, now)


def main(count: int) -> None:
    groups = {f"部门{g}": {"channels": ["console"]} for g in range(8)}
    settings = Settings(
        roster={"files": ["people.toml"]},
        channels=[{"name": "console", "type": "console"}],
        groups=groups,
    )
    planner = Planner(settings.policy.core(), WorkdayCalendar.from_options(CalendarOptions()))
    people = roster(count)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.in_dir(Path(tmp))
        console = console_channel()
        delivery = Delivery(db, settings, {"console": console})
        print(f"people: {count}")
        print("first run:")
        one_pass(delivery, planner, people, TODAY)
        print("normal days:")
        for n in (1, 2, 3):
            one_pass(delivery, planner, people, TODAY + dt.timedelta(days=n))
        db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    main(parser.parse_args().count)
