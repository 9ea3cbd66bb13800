"""10,000 reminders due in one pass, delivered by email to a local SMTP sink (aiosmtpd).

Prints the time of the pass, messages a second, CPU time a message and the process's peak
resident memory, and beside it the rate of a bare `smtplib` loop that sends the same number of
ready-made messages over one connection to the same sink, in the same run (the ceiling: no
database, no planning, no message building). `--concurrency N` overrides the email channel's
sends in flight (pooled connections); `--tracemalloc` also reports peak traced Python memory, but
tracing slows the pass about twofold, so its time is not comparable. `--database URL` runs it on
an empty PostgreSQL database instead of a SQLite file (issue 21; its password, if any, from
RENEWD_STATE_DATABASE_PASSWORD). `--with-postgres` runs the pass twice in one run, on SQLite and on
a throw-away PostgreSQL it starts (`bench/pgserver.py`), and prints the two side by side.

    .venv/bin/python bench/notify.py [COUNT] [--concurrency N] [--tracemalloc] [--database URL]
    .venv/bin/python bench/notify.py [COUNT] --with-postgres [--synchronous]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import smtplib
import socket
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from renewd.channels.email import EmailChannel
from renewd.channels.settings import EmailSettings
from renewd.channels.smtp import compose
from renewd.core.letter import Format, Message
from renewd.core.model import MilestoneKind, Person
from renewd.core.plan import Planner
from renewd.core.policy import CalendarOptions
from renewd.core.workdays import WorkdayCalendar
from renewd.delivery.passes import Delivery
from renewd.settings import Settings
from renewd.store.database import Database


class Sink:
    count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        Sink.count += 1
        return "250 OK"


def bare_smtplib(port: int, count: int) -> float:
    """Seconds for `count` sends of one ready-made message over one plain smtplib connection."""
    message = Message("【居住证】3 天后截止", "张三，您好：\n请按时办理。\n" * 20, Format.TEXT)
    raw = compose(message, "hr@example.com", ["e@example.com"], dt.datetime.now(dt.UTC))
    t0 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as conn:
        for i in range(count):
            conn.sendmail("hr@example.com", [f"e{i}@example.com"], raw)
    return time.perf_counter() - t0


def main(
    count: int, concurrency: int | None, trace: bool, database: str | None = None
) -> dict[str, float]:
    Sink.count = 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    only_permit = {k.value: [] for k in MilestoneKind if k is not MilestoneKind.PERMIT_RENEWAL}
    settings = Settings(
        roster={"files": ["people.toml"]},
        channels=[{"name": "mail", "type": "email", "host": "127.0.0.1", "port": port,
                   "mode": "plain", "sender": "hr@example.com", "concurrency": concurrency}],
        notify={"lead_days_by_kind": only_permit},
    )  # fmt: skip
    planner = Planner(settings.policy.core(), WorkdayCalendar.from_options(CalendarOptions()))
    expires = dt.date(2026, 6, 30)
    people = [
        Person(id=f"E{i:05}", name=f"员工{i}", permit_expires=expires, email=f"e{i}@example.com")
        for i in range(count)
    ]
    today = planner.plan(people[0], dt.date(2026, 5, 1)).milestones[2].due - dt.timedelta(3)
    with tempfile.TemporaryDirectory() as tmp:
        if database:
            password = os.environ.get("RENEWD_STATE_DATABASE_PASSWORD")
            db = Database.postgresql(database, password, Path(tmp) / "renewd.sqlite3")
        else:
            db = Database.in_dir(Path(tmp))
        mail = settings.channel("mail")
        assert isinstance(mail, EmailSettings)
        channels = {"mail": EmailChannel(mail)}
        delivery = Delivery(db, settings, channels)
        now = dt.datetime.combine(today, dt.time(9, 30), dt.UTC)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        plans = planner.plan_all(people, today)
        t1 = time.perf_counter()
        cpu = time.process_time()
        report = delivery.run_pass(plans, today, now)
        cpu = time.process_time() - cpu
        t2 = time.perf_counter()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        traced = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        again = delivery.run_pass(plans, today, now + dt.timedelta(minutes=5))
        opened = channels["mail"].pool.opened
        db.close()
    received = Sink.count
    bare = bare_smtplib(port, count)
    controller.stop()
    print(f"state database: {db.where() if database else 'SQLite'}")
    print(
        f"people: {count}, sent: {len(report.sent)}, failed: {len(report.failed)},"
        f" received by the sink: {received}, re-sent by a second pass: {len(again.sent)}"
    )
    sent = max(1, len(report.sent))
    print(f"email concurrency: {channels['mail'].concurrency}, plan: {t1 - t0:.2f} s,"
          f" delivery pass: {t2 - t1:.2f} s ({sent / (t2 - t1):.1f} messages/s,"
          f" {(t2 - t1) / sent * 1000:.2f} ms a message, CPU {cpu / sent * 1000:.1f} ms a message"
          " incl. the sink)")  # fmt: skip
    renewd_rate, bare_rate = sent / (t2 - t1), count / bare
    print(f"SMTP connections opened: {opened}; bare smtplib, one connection, same sink:"
          f" {bare:.2f} s ({bare_rate:.1f} messages/s); renewd reaches"
          f" {renewd_rate / bare_rate:.0%} of it")  # fmt: skip
    print(f"peak RSS: {rss_after / 1024:.1f} MB (before the pass: {rss_before / 1024:.1f} MB)"
          + (f", peak traced Python memory: {traced / 1e6:.1f} MB" if trace else ""))  # fmt: skip
    return {
        "delivery pass, s": t2 - t1,
        "messages/s": renewd_rate,
        "ms a message": (t2 - t1) / sent * 1000,
        "CPU ms a message": cpu / sent * 1000,
        "sent": len(report.sent),
        "received by the sink": received,
        "sent by a second pass": len(again.sent),  # the rest after the sweep budget
        "bare smtplib messages/s": bare_rate,
    }


def _cell(value: float) -> str:
    return f"{value:>12,}" if isinstance(value, int) else f"{value:>12,.2f}"


def side_by_side(count: int, concurrency: int | None, synchronous: bool = False) -> None:
    """SQLite, then a throw-away PostgreSQL, in one run; the figures in two columns."""
    from pgserver import fresh_database, running_postgres

    print("== SQLite ==")
    lite = main(count, concurrency, False)
    with running_postgres(synchronous) as server:
        wait = "every commit flushed" if synchronous else "synchronous_commit off"
        print(f"== PostgreSQL (throw-away, same machine, fsync on, {wait}) ==")
        pg = main(count, concurrency, False, fresh_database(server, "bench_notify"))
    print(f"\n{'':28}{'SQLite':>12}{'PostgreSQL':>12}")
    for name, value in lite.items():
        print(f"{name:28}{_cell(value)}{_cell(pg[name])}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--database", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--with-postgres", action="store_true", help="SQLite and PostgreSQL")
    parser.add_argument(
        "--synchronous", action="store_true", help="every PostgreSQL commit flushed"
    )
    args = parser.parse_args()
    if args.with_postgres:
        side_by_side(args.count, args.concurrency, args.synchronous)
    else:
        main(args.count, args.concurrency, args.tracemalloc, args.database)
