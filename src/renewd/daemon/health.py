"""The daemon's health: what `/healthz` and `/metrics` report (the aiohttp handlers that serve
them are `renewd.web.health`).

`/healthz` has one `status` that never contradicts its reasons: `ok`; `degraded` (HTTP 200,
`warnings`: a roster problem served from the last good data, a rejected configuration reload (the
running configuration kept), feeds that could not be refreshed, a failed pass, dead or waiting
deliveries); `unhealthy` (HTTP 503, `problems`: no roster at all,
no delivery pass for three sweeps). `counts` says how many of each.

`starting` (HTTP 200) is the moment after READY while everyone is planned for the first time
(seconds; half a minute at 100,000 people on a busy machine): the configuration, state and roster
are read and the server listens, feeds answer 503 with Retry-After, the first pass waits. It is
200 on purpose: /healthz is what a container HEALTHCHECK or a liveness probe asks, and a 503
there would count against a daemon that is doing exactly what it should (a probe that must not
send traffic yet reads `status`). A problem (a crashed task) still makes it `unhealthy`.

Neither ever shows personal data: counts and reasons only, never names, ids or addresses.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client import Counter as PromCounter

from renewd.core.errors import Problem
from renewd.core.model import PersonPlan
from renewd.delivery.sending import PassReport


class HealthStatus(StrEnum):
    OK = "ok"
    STARTING = "starting"  # HTTP 200: READY, the first plans are being built; feeds answer 503
    DEGRADED = "degraded"  # HTTP 200: serving, with `warnings` saying what is wrong
    UNHEALTHY = "unhealthy"  # HTTP 503: no roster at all, a crashed task, no pass for 3 sweeps


@dataclass
class Health:
    """What `/healthz` reports. `problems` make renewd unhealthy; `warnings` only degraded: it
    still serves and delivers, from the last good data where that is what it has."""

    sweep_seconds: int = 300
    started: float = field(default_factory=time.monotonic)
    last_sweep_ok: float | None = None
    last_sweep_error: str | None = None
    roster_problems: list[str] = field(default_factory=list)  # locations of every roster problem
    # The same problems whole (message, value): for the signed-in console only, never /healthz.
    roster_problem_items: tuple[Problem, ...] = ()
    stale_files: int = 0  # roster files that cannot be read: their last good version is served
    kept_records: int = 0  # bad rows whose person's last good record is served
    left_out: int = 0  # bad rows without a last good record (a new id): not served
    config_problem: str | None = None  # the configuration SIGHUP refused: the running one kept
    publish_problem: str | None = None  # the snapshot in force whose feeds could not be written
    dead_letters: int = 0
    retries_waiting: int = 0
    delivery: bool = True  # `renewd serve` runs no delivery passes: none is overdue
    roster_version: int | None = None  # a shared state's stored roster version in force
    role: str = "single"  # or, sharing a PostgreSQL state: "leader", "standby" (daemon.leader)
    tasks: dict[str, str] = field(default_factory=dict)  # background task -> why it is unwell
    calendar_warning: str | None = None  # plans rest on an estimated year: import the notice
    # While the first plans are built after READY: how many people are being planned.
    starting: int | None = None

    def task_failed(self, name: str, reason: str) -> None:
        self.tasks[name] = reason

    def task_ok(self, name: str) -> None:
        self.tasks.pop(name, None)

    def set_roster(self, problems: Sequence[Problem], stale: int, kept: int, left_out: int) -> bool:
        """Record the roster's problems (by location only: /healthz is unauthenticated, so it
        names where they are, never their values). Returns whether they changed."""
        locations = [p.location for p in problems]
        changed = locations != self.roster_problems
        self.roster_problems = locations
        self.roster_problem_items = tuple(problems)
        self.stale_files, self.kept_records, self.left_out = stale, kept, left_out
        return changed

    def problems(self, now: float | None = None) -> list[str]:
        """Why renewd is unhealthy (HTTP 503)."""
        now = time.monotonic() if now is None else now
        reasons = []
        reasons += [self.tasks[name] for name in sorted(self.tasks)]  # a crashed task
        if not self.delivery or self.role == "standby":  # the leader runs the passes
            return reasons
        last = self.last_sweep_ok
        stale = 3 * self.sweep_seconds + 60  # three missed sweeps
        if last is None and now - self.started > stale:
            reasons.append("no delivery pass has succeeded since start-up")
        elif last is not None and now - last > stale:
            reasons.append(f"last successful delivery pass was {int(now - last)} s ago")
        return reasons

    def warnings(self) -> list[str]:
        """Why renewd is degraded (HTTP 200): it serves, but something needs a look."""
        reasons = []
        if self.roster_problems:
            held = []
            if self.stale_files:
                held.append(
                    f"{self.stale_files} file(s) unreadable, their last good version served"
                )
            if self.kept_records:
                held.append(f"{self.kept_records} person(s) on their last good record")
            if self.left_out:
                held.append(f"{self.left_out} row(s) left out")
            detail = f" ({'; '.join(held)})" if held else ""
            reasons.append(
                f"roster has {len(self.roster_problems)} problem(s){detail}, first at"
                f" {self.roster_problems[0]}; see `renewd check` for all"
            )
        if self.config_problem:
            reasons.append(
                f"configuration reload rejected, the running configuration is kept:"
                f" {self.config_problem.splitlines()[0]}"
            )
        if self.publish_problem:
            reasons.append(self.publish_problem)
        if self.last_sweep_error:
            reasons.append(self.last_sweep_error)
        if self.dead_letters:
            reasons.append(f"{self.dead_letters} dead deliveries; see `renewd log --failed`")
        if self.retries_waiting:
            reasons.append(f"{self.retries_waiting} deliveries failed and wait for a retry")
        if self.calendar_warning:
            reasons.append(self.calendar_warning)
        return reasons

    def counts(self) -> dict[str, int]:
        return {
            "roster_problems": len(self.roster_problems),
            "stale_files": self.stale_files,
            "kept_records": self.kept_records,
            "left_out": self.left_out,
            "dead_letters": self.dead_letters,  # counted, never dropped: see `renewd log`
            "retries_waiting": self.retries_waiting,
        }

    def report(self, has_roster: bool, people: int, now: float | None = None) -> dict[str, Any]:
        """The `/healthz` body: one status, and every reason and count behind it."""
        problems = self.problems(now)
        if self.starting is not None:
            people = self.starting
        elif not has_roster:
            problems.insert(0, "no roster at all: no file could be read and none was kept")
        warnings = self.warnings()
        if self.starting is not None:
            warnings.insert(
                0,
                f"starting: the plans of {self.starting} people are being built; feeds answer"
                " 503 with Retry-After until they are",
            )
        status = (
            HealthStatus.UNHEALTHY
            if problems
            else HealthStatus.STARTING
            if self.starting is not None
            else HealthStatus.DEGRADED
            if warnings
            else HealthStatus.OK
        )
        said: dict[str, Any] = {
            "status": status.value,
            "role": self.role,
            "problems": problems,
            "warnings": warnings,
            "counts": {"people": people, **self.counts()},
            "dead_letters": self.dead_letters,  # as before `counts` (kept for existing checks)
        }
        if self.roster_version is not None:  # every instance of a shared state: the same
            said["roster_version"] = self.roster_version
        return said


class Metrics:
    """Prometheus metrics in a registry of our own (no process-global state in tests)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.people = Gauge("renewd_people", "People in the roster", registry=r)
        self.milestones = Gauge(
            "renewd_milestones", "Milestones by kind and status", ["kind", "status"], registry=r
        )
        self.infeasible = Gauge("renewd_infeasible_plans", "Plans with a gap", registry=r)
        self.deliveries = PromCounter(
            "renewd_deliveries",
            "Delivery attempts by channel and result",
            ["channel", "result"],
            registry=r,
        )
        self.retries = PromCounter("renewd_delivery_retries", "Retried deliveries", registry=r)
        self.dead = Gauge(
            "renewd_dead_letters", "Deliveries given up after max_attempts", registry=r
        )
        self.last_sweep = Gauge(
            "renewd_last_sweep_timestamp_seconds",
            "When the last delivery pass succeeded",
            registry=r,
        )
        self.roster_errors = Gauge(
            "renewd_roster_errors", "Problems in the roster files", registry=r
        )
        self.full_plans = PromCounter(
            "renewd_full_plans",
            "Times everyone was planned (day change, roster, configuration or calendar change)",
            registry=r,
        )
        self.person_plans = PromCounter(
            "renewd_person_replans", "People planned again after recorded progress", registry=r
        )
        self.feed_requests = PromCounter(
            "renewd_feed_requests", "Feed requests by HTTP status", ["status"], registry=r
        )

    def observe_pass(self, report: PassReport) -> None:
        """Count a delivery pass's outcomes by channel (and the sends that needed a retry)."""
        for outcome in report.sent:
            self.deliveries.labels(channel=outcome.channel, result="sent").inc()
            if outcome.attempts > 1:
                self.retries.inc()
        for outcome in report.failed:
            self.deliveries.labels(channel=outcome.channel, result="failed").inc()
        for outcome in report.dead:
            self.deliveries.labels(channel=outcome.channel, result="dead").inc()

    def observe_plans(self, plans: Iterable[PersonPlan], people: int | None = None) -> None:
        """The plans' gauges; `people`: each person once, holders of other documents only too
        (`renewd.core.headcount`; the points plans' count without it)."""
        counts: Counter[tuple[str, str]] = Counter()
        planned = infeasible = 0
        for plan in plans:
            planned += 1
            infeasible += not plan.feasible
            for m in plan.milestones:
                counts[(m.kind.value, m.status.value)] += 1
        self.people.set(planned if people is None else people)
        self.infeasible.set(infeasible)
        self.milestones.clear()
        for (kind, status), n in counts.items():
            self.milestones.labels(kind=kind, status=status).set(n)
