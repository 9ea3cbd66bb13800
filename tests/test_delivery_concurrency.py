"""Passes that overlap sends: exactly once, retries as before, bounded in flight, stoppable."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from conftest import PERMIT_DUE, Recorder, at, person, settings
from netkit import Sink, free_port
from renewd.channels.base import Channel, Result
from renewd.channels.email import EmailChannel
from renewd.channels.settings import EmailSettings
from renewd.core.letter import Format, Message
from renewd.core.model import MilestoneKind, Person
from renewd.core.plan import Planner
from renewd.core.routing import AddressField
from renewd.delivery.passes import Delivery, PassReport
from renewd.store.database import Database

pytestmark = [pytest.mark.integration, pytest.mark.both_databases]

# Only the permit renewal reminds, and no group digest: one delivery row per person and channel.
ONLY_PERMIT: dict[str, list[int]] = {
    k.value: [] for k in MilestoneKind if k is not MilestoneKind.PERMIT_RENEWAL
}
DAY = PERMIT_DUE - dt.timedelta(days=3)


class SlowRecorder(Recorder):
    """A thread-safe recording channel whose sends take `delay` seconds and that tracks how many
    of its sends are in flight at once.

    With `fill`, the first sends wait (up to 5 s) until `concurrency` of them are in flight at
    once, so whether the pass *can* reach its limit does not depend on how busy the machine is."""

    def __init__(self, name: str = "rec", *, concurrency: int, delay: float = 0.01,
                 fail: int = 0, field: AddressField = AddressField.EMAIL,
                 fill: bool = False) -> None:  # fmt: skip
        super().__init__(name, fail=fail, field=field)
        self.concurrency = concurrency
        self.delay = delay
        self.lock = threading.Condition()
        self.in_flight = 0
        self.max_in_flight = 0
        self.filled = not fill
        self.starts: list[float] = []

    def _send(self, message: Message, recipient: str) -> Result:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.starts.append(time.monotonic())
            self.calls += 1
            failing = self.calls <= self.fail
            if self.in_flight >= self.concurrency:
                self.filled = True
                self.lock.notify_all()
            self.lock.wait_for(lambda: self.filled, timeout=5)
        time.sleep(self.delay)
        with self.lock:
            self.in_flight -= 1
            if failing:
                return Result(False, "simulated outage")
            self.sent.append((message, recipient))
        return Result(True)


def people(n: int) -> list[Person]:
    return [person(f"E{i:03}", name=f"员工{i}") for i in range(n)]


def make(db: Database, channels: dict[str, Channel], **notify: Any) -> Delivery:
    conf = settings(
        channels=[{"name": name, "type": "console"} for name in channels],
        notify={"lead_days_by_kind": ONLY_PERMIT, **notify},
    )
    return Delivery(db, conf, channels)


def run(delivery: Delivery, planner: Planner, who: list[Person], hour: int = 9) -> PassReport:
    return delivery.run_pass(planner.plan_all(who, DAY), DAY, at(DAY, hour))


def statuses(db: Database) -> dict[str, int]:
    rows = db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status")
    return dict(rows.fetchall())


@pytest.mark.parametrize("limit", [1, 3, 8])
def test_a_channel_never_has_more_sends_in_flight_than_its_concurrency(
    db: Database, planner: Planner, limit: int
) -> None:
    rec = SlowRecorder(concurrency=limit, fill=True)
    other = SlowRecorder("other", concurrency=2, field=AddressField.ID, fill=True)  # by id
    report = run(make(db, {"rec": rec, "other": other}), planner, people(30))
    assert len(report.sent) == 60
    assert rec.max_in_flight == limit
    assert other.max_in_flight == 2


def test_a_concurrent_pass_sends_every_row_exactly_once(db: Database, planner: Planner) -> None:
    rec = SlowRecorder(concurrency=6)
    delivery = make(db, {"rec": rec})
    who = people(50)
    report = run(delivery, planner, who)
    assert len(report.sent) == 50
    assert Counter(r for _, r in rec.sent) == Counter(p.email for p in who)
    assert statuses(db) == {"sent": 50}
    assert not run(delivery, planner, who, hour=10).sent
    assert rec.calls == 50


def test_failures_are_retried_exactly_as_one_at_a_time(db: Database, planner: Planner) -> None:
    """The first 7 sends fail; with a zero wait every row is sent by the second pass, the
    failed ones on their second attempt, and nothing twice."""
    rec = SlowRecorder(concurrency=4, fail=7)
    delivery = make(db, {"rec": rec}, retry_after_seconds=[0], max_attempts=3)
    who = people(20)
    first = run(delivery, planner, who)
    assert (len(first.sent), len(first.failed)) == (13, 7)
    assert {o.reason for o in first.failed} == {"simulated outage"}
    second = run(delivery, planner, who, hour=10)
    assert [o.attempts for o in second.sent] == [2] * 7
    assert not run(delivery, planner, who, hour=11).sent
    assert Counter(r for _, r in rec.sent) == Counter(p.email for p in who)
    assert statuses(db) == {"sent": 20}


def test_a_failing_channel_goes_dead_after_max_attempts_under_concurrency(
    db: Database, planner: Planner
) -> None:
    rec = SlowRecorder(concurrency=4, fail=1000)
    delivery = make(db, {"rec": rec}, retry_after_seconds=[0], max_attempts=2)
    who = people(10)
    assert len(run(delivery, planner, who).failed) == 10
    assert len(run(delivery, planner, who, hour=10).dead) == 10
    assert not run(delivery, planner, who, hour=11).dead
    assert rec.calls == 20
    assert statuses(db) == {"dead": 10}


@pytest.mark.parametrize("limit", [1, 4])
def test_should_stop_leaves_the_rest_pending_for_the_next_pass(
    db: Database, planner: Planner, limit: int
) -> None:
    rec = SlowRecorder(concurrency=limit)
    delivery = make(db, {"rec": rec})
    who = people(12)
    plans = planner.plan_all(who, DAY)
    report = delivery.run_pass(plans, DAY, at(DAY), should_stop=lambda: len(rec.sent) >= 5)
    assert report.stopped
    # One at a time, exactly 5 went out; with 4 in flight, those already out are finished too.
    assert 5 <= len(report.sent) <= 5 + limit - 1
    assert len(rec.sent) == len(report.sent)
    assert statuses(db) == {"sent": len(report.sent), "pending": 12 - len(report.sent)}
    if limit == 1:
        assert len(report.sent) == 5
    rest = delivery.run_pass(plans, DAY, at(DAY, 10))
    assert not rest.stopped
    assert len(rest.sent) == 12 - len(report.sent)
    assert Counter(r for _, r in rec.sent) == Counter(p.email for p in who)
    assert statuses(db) == {"sent": 12}


def test_should_stop_at_once_sends_nothing(db: Database, planner: Planner) -> None:
    rec = SlowRecorder(concurrency=4)
    delivery = make(db, {"rec": rec})
    report = delivery.run_pass(
        planner.plan_all(people(3), DAY), DAY, at(DAY), should_stop=lambda: True
    )
    assert report.stopped
    assert report.issued == 6  # each person's permit reminder and first-contact status
    assert report.messages == 3
    assert not rec.calls
    assert statuses(db) == {"pending": 3}


def test_min_interval_spaces_the_starts_of_concurrent_sends() -> None:
    rec = SlowRecorder(concurrency=3, delay=0.0)
    rec.min_interval = 0.05
    message = Message("t", "b", Format.TEXT)
    before = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        assert all(r.ok for r in pool.map(lambda i: rec.send(message, f"{i}"), range(6)))
    # The k-th start is reserved k intervals after the first reservation; a busy machine may
    # start a send later than reserved (so two starts can come closer), never earlier.
    late = [s - before - k * 0.05 for k, s in enumerate(sorted(rec.starts))]
    assert min(late) >= -0.005  # monotonic clock granularity


# -- real SMTP -------------------------------------------------------------------------------------


def email(name: str, host: str, port: int, concurrency: int = 4) -> EmailChannel:
    return EmailChannel(
        EmailSettings(name=name, host=host, port=port, mode="plain",
                        sender="hr@example.com", concurrency=concurrency)
    )  # fmt: skip


def test_email_pass_on_a_real_smtp_server_delivers_each_reminder_once(
    db: Database, planner: Planner, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    delivery = make(db, {"mail": email("mail", "127.0.0.1", port)})
    who = people(24)
    report = run(delivery, planner, who)
    assert len(report.sent) == 24
    assert sorted(sink.recipients) == sorted(p.email for p in who)
    assert not run(delivery, planner, who, hour=10).sent
    assert len(sink.recipients) == 24


def test_concurrent_email_failures_keep_their_own_reasons() -> None:
    """Each send's reason is its own, even with two channels failing in many threads."""
    port = free_port()  # nothing listens there
    channels = [email("a", "127.0.0.1", port), email("b", "localhost", port)]
    message = Message("t", "b", Format.TEXT)
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda i: (i % 2, channels[i % 2].send(message, "a@example.com")), range(16))
        )
    for which, result in results:
        assert not result.ok
        host = ("127.0.0.1", "localhost")[which]
        assert result.reason.startswith(f"cannot connect to {host}:{port}: ")
