"""`/healthz` and `/metrics`: what an operator (or systemd, or Prometheus) needs to see.

Neither ever shows personal data: counts and reasons only, never names, ids or addresses.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest
from prometheus_client import Counter as PromCounter

from renewd.core.model import PersonPlan


@dataclass
class Health:
    sweep_seconds: int = 300
    started: float = field(default_factory=time.monotonic)
    last_sweep_ok: float | None = None
    last_sweep_error: str | None = None
    roster_problems: list[str] = field(default_factory=list)
    config_problem: str | None = None
    dead_letters: int = 0
    failing: int = 0  # deliveries waiting for a retry after a failure
    delivery: bool = True  # `renewd serve` runs no delivery passes: none is overdue
    tasks: dict[str, str] = field(default_factory=dict)  # background task -> why it is unwell

    def task_failed(self, name: str, reason: str) -> None:
        self.tasks[name] = reason

    def task_ok(self, name: str) -> None:
        self.tasks.pop(name, None)

    def warnings(self) -> list[str]:
        """Why the service is degraded: it works, but an operator should look (HTTP 200)."""
        reasons = []
        if self.roster_problems:
            reasons.append(
                f"roster rejected ({len(self.roster_problems)} problems); serving the last good"
                f" roster: {self.roster_problems[0]}; see `renewd check` for all"
            )
        if self.config_problem:
            reasons.append(f"configuration reload rejected: {self.config_problem.splitlines()[0]}")
        if self.dead_letters:
            reasons.append(
                f"{self.dead_letters} deliveries gave up (dead); see `renewd log --failed`"
            )
        if self.failing:
            reasons.append(f"{self.failing} deliveries failed and wait for a retry")
        if self.last_sweep_error:
            reasons.append(self.last_sweep_error)
        return reasons

    def problems(self, now: float | None = None) -> list[str]:
        """Why the service is unhealthy: it is not doing its job (HTTP 503)."""
        now = time.monotonic() if now is None else now
        reasons = [self.tasks[name] for name in sorted(self.tasks)]
        if not self.delivery:
            return reasons
        last = self.last_sweep_ok
        stale = 3 * self.sweep_seconds + 60  # three missed sweeps
        if last is None and now - self.started > stale:
            reasons.append("no delivery pass has succeeded since start-up")
        elif last is not None and now - last > stale:
            reasons.append(f"last successful delivery pass was {int(now - last)} s ago")
        return reasons


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

    def observe_plans(self, plans: Iterable[PersonPlan]) -> None:
        counts: Counter[tuple[str, str]] = Counter()
        people = infeasible = 0
        for plan in plans:
            people += 1
            infeasible += not plan.feasible
            for m in plan.milestones:
                counts[(m.kind.value, m.status.value)] += 1
        self.people.set(people)
        self.infeasible.set(infeasible)
        self.milestones.clear()
        for (kind, status), n in counts.items():
            self.milestones.labels(kind=kind, status=status).set(n)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def count_requests(metrics: Metrics) -> Middleware:
    """Middleware counting feed requests by status (200, 304, 404...)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if request.path.startswith("/feeds/"):
                metrics.feed_requests.labels(status=str(exc.status)).inc()
            raise
        if request.path.startswith("/feeds/"):
            metrics.feed_requests.labels(status=str(response.status)).inc()
        return response

    return middleware


def add_health_routes(
    app: web.Application, health: Health, metrics: Metrics, roster: Callable[[], object]
) -> None:
    async def healthz(request: web.Request) -> web.Response:
        problems = health.problems()
        if roster() is None:
            problems.insert(0, "no valid roster loaded")
        warnings = health.warnings()
        status = "unhealthy" if problems else "degraded" if warnings else "ok"
        body = {
            "status": status,
            "problems": problems + warnings,  # everything wrong, worst first
            "warnings": warnings,
            "dead_letters": health.dead_letters,  # counted, never dropped: see `renewd log`
            "failing": health.failing,
            "roster_problems": len(health.roster_problems),
        }
        return web.Response(
            status=503 if problems else 200,
            text=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def prometheus(request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
