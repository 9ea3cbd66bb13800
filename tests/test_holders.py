"""Claims name their holder and carry a lease: rows left `sending` by a process that is gone are
sent again at once (dead pid, a dead daemon seen under the state lock) or when the lease runs
out; a live holder's rows are left alone; claims of 0.1.0 keep the `stale_sending_seconds` rule."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from conftest import PERMIT_DUE, Recorder, at, person, settings
from renewd.channels.base import Result
from renewd.core.letter import Message
from renewd.core.model import MilestoneKind
from renewd.core.plan import Planner
from renewd.delivery.holders import LEASE_SECONDS, Holder, HolderKind, is_gone, this_process
from renewd.delivery.passes import Delivery
from renewd.store.claims import Claims
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import DeliveryStatus

pytestmark = [pytest.mark.integration, pytest.mark.both_databases]

ONLY_PERMIT: dict[str, list[int]] = {
    k.value: [] for k in MilestoneKind if k is not MilestoneKind.PERMIT_RENEWAL
}
DAY = PERMIT_DUE - dt.timedelta(days=3)
WHO = [person(f"E{i:03}") for i in range(3)]


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def delivery(db: Database, channel: Recorder, **kw: Any) -> Delivery:
    conf = settings(
        channels=[{"name": channel.name, "type": "console"}],
        notify={"lead_days_by_kind": ONLY_PERMIT, "retry_after_seconds": [1]},
    )
    return Delivery(db, conf, {channel.name: channel}, **kw)


def orphans(db: Database, planner: Planner, holder: str, lease_until: float) -> int:
    """Rows as a process would leave them when killed mid-send: `sending`, held by `holder`."""
    failing = Recorder(fail=100)
    delivery(db, failing).run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY))
    log = DeliveryLog(db)
    rows = log.waiting(at(DAY, 12).timestamp(), 0)
    for row in rows:
        assert log.take(row, at(DAY, 9, 31).timestamp(), holder, lease_until) is not None
    return len(rows)


def held(db: Database) -> list[tuple[str, str]]:
    return db.conn.execute("SELECT status, holder FROM delivery ORDER BY id").fetchall()


def test_a_pass_frees_the_claims_of_a_dead_process_at_once(db: Database, planner: Planner) -> None:
    me = this_process(HolderKind.COMMAND)
    gone = Holder(HolderKind.COMMAND, me.host, dead_pid(), "0123abcd")
    lease = at(DAY, 10).timestamp()  # far from over at 9:32
    count = orphans(db, planner, str(gone), lease)
    rec = Recorder()
    report = delivery(db, rec).run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 32))
    assert len(report.sent) == count == len(rec.sent)
    assert all(status == "sent" for status, _ in held(db))


@pytest.mark.only_sqlite  # on PostgreSQL leases run on the database's clock: below
def test_a_live_holder_keeps_its_claims_until_its_lease_runs_out(
    db: Database, planner: Planner
) -> None:
    me = this_process(HolderKind.COMMAND)
    elsewhere = Holder(
        HolderKind.COMMAND, "another-host", 1, "0123abcd"
    )  # cannot tell: lease decides
    lease = at(DAY, 9, 40).timestamp()
    count = orphans(db, planner, str(elsewhere), lease)
    rec = Recorder()
    d = delivery(db, rec)
    assert not d.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 35)).sent
    assert [h for _, h in held(db)] == [str(elsewhere)] * count
    later = at(DAY, 9, 40) + dt.timedelta(seconds=1)
    assert len(d.run_pass(planner.plan_all(WHO, DAY), DAY, later).sent) == count
    assert is_gone(elsewhere, me, under_lock=False) is False


@pytest.mark.only_sqlite  # a shared database: other daemons are alive (below)
def test_the_daemon_under_its_lock_frees_any_other_daemons_claims(
    db: Database, planner: Planner
) -> None:
    import os

    parent = Holder(
        HolderKind.DAEMON, this_process(HolderKind.DAEMON).host, os.getppid(), "feedf00d"
    )
    count = orphans(db, planner, str(parent), at(DAY, 10).timestamp())  # alive pid, long lease
    rec = Recorder()
    command = delivery(db, rec)  # a cron pass cannot know that daemon is dead
    assert not command.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 32)).sent
    daemon = delivery(db, rec, holder=this_process(HolderKind.DAEMON), under_lock=True)
    assert len(daemon.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 32)).sent) == count
    reasons = db.conn.execute("SELECT reason FROM delivery").fetchall()
    assert all(r[0] == "" for r in reasons)  # sent: the reason of the rescue is cleared


def test_the_same_pid_under_another_token_is_an_earlier_process() -> None:
    me = this_process(HolderKind.COMMAND)
    assert is_gone(Holder(HolderKind.COMMAND, me.host, me.pid, "other"), me, under_lock=False)
    assert not is_gone(me, me, under_lock=True)
    assert Holder.parse(str(me)) == me
    assert Holder.parse("") is None
    assert Holder.parse("nobody:h:1:t") is None


def test_a_claim_of_0_1_0_waits_for_stale_sending_seconds(db: Database, planner: Planner) -> None:
    count = orphans(db, planner, "", 0.0)  # no holder, as 0.1.0 wrote them (claimed at 9:31)
    rec = Recorder()
    d = delivery(db, rec)
    assert not d.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 40)).sent
    assert len(d.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 47)).sent) == count


class Blocking(Recorder):
    """A send that waits until released, so the test can look at the claim meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def _send(self, message: Message, recipient: str) -> Result:
        self.started.set()
        assert self.release.wait(10)
        return super()._send(message, recipient)


def test_a_slow_send_keeps_renewing_its_lease(
    tmp_path: Any, planner: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("renewd.delivery.sending.RENEW_SECONDS", 0.05)
    db = Database.in_dir(tmp_path / "state")
    channel = Blocking()
    d = delivery(db, channel)
    start = dt.datetime.now(dt.UTC)
    worker = threading.Thread(target=d.run_pass, args=(planner.plan_all(WHO[:1], DAY), DAY, start))
    worker.start()
    try:
        assert channel.started.wait(10)
        look = sqlite3.connect(tmp_path / "state" / "renewd.sqlite3")
        first = look.execute("SELECT holder, lease_until FROM delivery").fetchone()
        time.sleep(0.3)
        second = look.execute("SELECT holder, lease_until FROM delivery").fetchone()
        look.close()
    finally:
        channel.release.set()
        worker.join(10)
        db.close()
    assert first[0] == str(this_process(HolderKind.COMMAND))
    assert first[1] >= start.timestamp() + LEASE_SECONDS - 1
    assert second[1] > first[1]  # renewed while the send was in flight


def test_an_outcome_is_kept_only_for_the_claim_that_still_holds_the_row(
    db: Database, planner: Planner
) -> None:
    # Fencing: a sender whose claim was rescued (its lease ran out) and taken by another
    # records nothing when its send finally returns; the new holder's outcome stands.
    first = Holder(HolderKind.DAEMON, "host-a", 1, "aaaa")
    second = Holder(HolderKind.DAEMON, "host-b", 2, "bbbb")
    orphans(db, planner, str(first), at(DAY, 9, 31).timestamp() + 30)
    log = DeliveryLog(db)
    row = log.history(limit=1)[0]
    assert row.holder == str(first)
    stale = Claims(db)
    assert stale.release(str(first), at(DAY, 9, 32).timestamp()) >= 1  # taken for dead
    again = log.waiting(at(DAY, 9, 33).timestamp(), 0)
    retaken = log.take(
        next(r for r in again if r.id == row.id),
        at(DAY, 9, 33).timestamp(),
        str(second),
        at(DAY, 9, 34).timestamp(),
    )
    assert retaken is not None
    late = at(DAY, 9, 35).timestamp()
    assert log.finish(row, DeliveryStatus.FAILED, late, "timed out", next_at=late) is False
    assert tuple(held(db)[row.id - 1]) == ("sending", str(second))
    assert log.finish(retaken, DeliveryStatus.SENT, late) is True
    assert tuple(held(db)[row.id - 1]) == ("sent", "")


@pytest.mark.only_postgres  # SQLite: renewd's clock (one machine), the tests above
def test_on_a_shared_database_a_lease_runs_on_the_databases_clock(
    db: Database, planner: Planner
) -> None:
    elsewhere = Holder(HolderKind.DAEMON, "another-host", 1, "0123abcd")
    # Written with renewd's pinned clock far in the future: the database's clock decides.
    claimed = at(DAY, 9, 31).timestamp()
    count = orphans(db, planner, str(elsewhere), claimed + 1.0)
    rec = Recorder()
    d = delivery(db, rec, holder=this_process(HolderKind.DAEMON), under_lock=True)
    assert not d.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 23, 59)).sent  # still held
    time.sleep(1.2)  # the lease (1 s on the database's clock) runs out
    assert len(d.run_pass(planner.plan_all(WHO, DAY), DAY, at(DAY, 9, 31)).sent) == count
