"""Which role a daemon has when several share one PostgreSQL state (issue 21).

`single`: a SQLite state, one daemon (the state lock sees to it), which runs every pass.
`leader` or `standby`: on a shared database the leader lease (`renewd.store.leader`) decides
(`renewd serve`, which sends nothing, never asks for it and stays a standby);
the lease is renewed every `RENEW_SECONDS` and runs `LEASE_SECONDS` on the database's clock, so
a standby takes over within `LEASE_SECONDS` of the leader's death and then runs a pass at once,
and another when the dead leader's delivery claims have run out (`renewd.delivery.holders`).
Every role serves feeds, `/healthz` (which says the role) and the console. The lease has a
connection of its own, so a long transaction of a pass never holds up its renewal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from renewd.daemon.health import Health
from renewd.daemon.supervisor import Supervisor
from renewd.delivery.holders import LEASE_SECONDS as CLAIM_SECONDS
from renewd.delivery.holders import HolderKind, this_process
from renewd.store.database import Database, state_failure
from renewd.store.leader import LeaderLease

log = logging.getLogger(__name__)

LEASE_SECONDS = 10.0  # a leader not heard of for this long is taken for dead
RENEW_SECONDS = 2.0  # how often the leader renews (and a standby tries)


class Leadership:
    def __init__(
        self,
        db: Database,
        holder: str,
        health: Health,
        on_lead: Callable[[str], None],
        candidate: bool = True,
    ) -> None:
        self.shared = db.dialect.shared
        self.holder, self.health, self.on_lead = holder, health, on_lead
        db.holder = holder  # while it leads, it migrates the schema (`Database.ensure_schema`)
        self._db = db.again() if self.shared and candidate else None
        self.lease = LeaderLease(self._db) if self._db is not None else None
        self.epoch: int | None = None
        self.role = "single" if not self.shared else "standby"
        health.role = self.role

    @property
    def leads(self) -> bool:
        return self.role != "standby"

    def try_once(self) -> bool:
        """Take or renew the lease now; whether this daemon has just become the leader."""
        if self.lease is None:
            return False
        epoch = None
        for attempt in (1, 2):  # a connection the server dropped is opened again at once
            try:
                epoch = self.lease.hold(self.holder, LEASE_SECONDS)
                break
            except Exception as exc:  # the database is away: lead no longer than the lease
                if attempt == 2:
                    log.warning("cannot renew the leader lease: %s", state_failure(exc) or exc)
        became = epoch is not None and self.epoch is None
        if epoch is None and self.epoch is not None:
            log.warning("no longer the leader (epoch %s): another instance leads", self.epoch)
        self.epoch = epoch
        self.role = "leader" if epoch is not None else "standby"
        self.health.role = self.role
        if became:
            log.info("leader now (epoch %s): this instance runs the passes", epoch)
            self.health.started = time.monotonic()  # three sweeps from now, not from start-up
        return became

    async def keep(self, stop: asyncio.Event) -> None:
        """The lease task: renew (or try to take) the lease until `stop`; on taking over, a pass
        now and one when the old leader's claims have run out."""
        while not stop.is_set():
            if await asyncio.to_thread(self.try_once):
                self.on_lead("leader")
                asyncio.get_running_loop().call_later(
                    CLAIM_SECONDS + 1, self.on_lead, "leader: claims of the last leader"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RENEW_SECONDS)

    @classmethod
    async def started(
        cls,
        db: Database,
        health: Health,
        on_lead: Callable[[str], None],
        candidate: bool,
        supervisor: Supervisor,
    ) -> Leadership:
        """The daemon's leadership, its lease tried once; on a shared database and a daemon
        that sends (a `candidate`), the lease task runs under `supervisor` until it stops."""
        holder = str(this_process(HolderKind.DAEMON))
        leadership = cls(db, holder, health, on_lead, candidate)
        await asyncio.to_thread(leadership.try_once)
        if leadership.lease is not None:
            supervisor.start("leader lease", lambda: leadership.keep(supervisor.stop))
        return leadership

    def give_up(self) -> None:
        """A clean stop: hand the lease over at once, and close its connection."""
        if self.lease is not None and self.epoch is not None:
            with contextlib.suppress(Exception):
                self.lease.give_up(self.holder)
        self.epoch = None
        if self._db is not None:
            self._db.close()
