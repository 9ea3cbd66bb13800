"""A PostgreSQL state whose server dropped the connection (a restart, a failover of the
database): the transaction it broke fails cleanly (temporary, exit 75), and the next one runs on
a new connection; the daemon does not need a restart (issue 21)."""

from __future__ import annotations

import psycopg
import pytest

from pgkit import PgServer
from renewd.daemon.health import Health
from renewd.daemon.leader import Leadership
from renewd.store.database import Database, StateUnwritable
from renewd.store.leader import LeaderLease

pytestmark = pytest.mark.postgres


def drop_connections(server: PgServer, url: str) -> None:
    """What a server restart does to every client of the database at `url`: their connections
    end."""
    server.admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        f" WHERE datname = '{name(url)}' AND pid <> pg_backend_pid()"
    )


def name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_dropped_connection_is_opened_again(postgres: PgServer) -> None:
    url = postgres.fresh()
    db = Database.postgresql(url, None)
    try:
        lease = LeaderLease(db)
        assert lease.hold("a", 30) == 1
        drop_connections(postgres, url)
        with pytest.raises(StateUnwritable):  # the transaction that met it: temporary (75)
            lease.hold("a", 30)
        assert lease.hold("a", 30) == 1  # the next one: a new connection, the same lease
        drop_connections(postgres, url)
        with pytest.raises(psycopg.OperationalError):
            db.tables()  # a read outside a transaction fails once too
        assert "leader_lease" in db.tables()
    finally:
        db.close()


def test_the_leader_keeps_its_lease_across_a_dropped_connection(postgres: PgServer) -> None:
    url = postgres.fresh()
    db = Database.postgresql(url, None)
    health = Health()
    leadership = Leadership(db, "a", health, lambda why: None)
    try:
        assert leadership.try_once() is True
        drop_connections(postgres, url)
        assert leadership.try_once() is False  # renewed on a new connection: still the leader
        assert health.role == "leader"
        assert leadership.epoch == 1
        postgres.admin(f"ALTER DATABASE {name(url)} ALLOW_CONNECTIONS false")
        drop_connections(postgres, url)
        assert leadership.try_once() is False  # the database is away: nothing raised
        assert health.role == "standby"  # it leads no longer than it can renew
        postgres.admin(f"ALTER DATABASE {name(url)} ALLOW_CONNECTIONS true")
        assert leadership.try_once() is True  # back, its lease still running: leads again
        assert health.role == "leader"
    finally:
        leadership.give_up()
        db.close()
