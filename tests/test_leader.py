"""The leader lease (issue 21): one instance at a time runs the passes; another takes over once
the leader's lease ran out on the database's clock, with a higher epoch."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from renewd.daemon.health import Health
from renewd.daemon.leader import Leadership
from renewd.store.database import Database
from renewd.store.leader import LeaderLease

pytestmark = pytest.mark.both_databases


def test_one_instance_leads_until_its_lease_runs_out(db: Database) -> None:
    first, second = LeaderLease(db), LeaderLease(db.again())
    assert first.hold("a", 0.5) == 1
    assert second.hold("b", 0.5) is None  # a's lease runs
    assert first.hold("a", 0.5) == 1  # renewed, same epoch
    time.sleep(0.6)  # a stopped renewing (killed)
    assert second.hold("b", 5) == 2  # taken over, one epoch higher
    assert first.hold("a", 5) is None  # a, back, is a standby now
    lead = first.lead()
    assert lead is not None
    assert lead.holder == "b"
    assert lead.epoch == 2
    assert lead.left > 4


def test_a_clean_stop_hands_over_at_once(db: Database) -> None:
    first, second = LeaderLease(db), LeaderLease(db.again())
    assert first.hold("a", 60) == 1
    first.give_up("a")
    assert second.hold("b", 60) == 2


@pytest.mark.only_postgres
def test_instances_starting_together_elect_one_leader(db: Database) -> None:
    leases = [LeaderLease(db.again()) for _ in range(6)]
    won: list[int | None] = [None] * len(leases)
    start = threading.Barrier(len(leases))

    def run(i: int) -> None:
        start.wait()
        won[i] = leases[i].hold(f"i{i}", 30)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(leases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [w for w in won if w is not None] == [1]


@pytest.mark.only_postgres
def test_the_daemons_roles_and_health_follow_the_lease(db: Database) -> None:
    asked: list[str] = []
    health_a, health_b, health_c = Health(), Health(), Health()
    a = Leadership(db, "a", health_a, asked.append)
    b = Leadership(db, "b", health_b, asked.append)
    serving = Leadership(db, "c", health_c, asked.append, candidate=False)  # `renewd serve`
    try:
        assert serving.try_once() is False  # never asks for the lease, even with no leader
        assert a.try_once() is True
        assert b.try_once() is False
        assert a.try_once() is False  # renewed: not "became" again
        assert (health_a.role, health_b.role, health_c.role) == ("leader", "standby", "standby")
        long_ago = time.monotonic() - 10_000  # no pass for far more than three sweeps
        health_a.started = health_b.started = long_ago
        assert health_a.problems() != []  # the leader owes passes
        assert health_b.problems() == []  # a standby is healthy without passes of its own
        assert health_b.report(True, 0)["role"] == "standby"
        a.give_up()  # a clean stop hands over at once
        assert b.try_once() is True
        assert health_b.role == "leader"
        assert health_b.problems() == []  # three sweeps from taking over, not from start-up
        lead = LeaderLease(db).lead()
        assert lead is not None
        assert (lead.holder, lead.epoch) == ("b", 2)
    finally:
        for leadership in (a, b, serving):
            leadership.give_up()


def test_a_single_database_has_one_role(tmp_path: Path) -> None:
    state = Database.in_dir(tmp_path / "state")
    health = Health()
    single = Leadership(state, "a", health, lambda why: None)
    assert single.try_once() is False
    assert single.leads
    assert health.role == "single"
    assert "leader_lease" not in state.tables()
    state.close()
