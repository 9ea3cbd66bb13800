"""`/healthz` and `/metrics`: what an operator (or systemd, or Prometheus) needs to see, served
from the daemon's `Health` and `Metrics` (`renewd.daemon.health`, which says what each reports).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from renewd.daemon.health import Health, HealthStatus, Metrics
from renewd.web.feedsize import large_feed_warning
from renewd.web.server import CACHE

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
        current = roster()
        count = getattr(current, "headcount", None)  # each person once (docs/packs.md)
        people = count.people if count is not None else 0
        body = health.report(current is not None, people)
        cache = request.app.get(CACHE)  # the feeds this server serves, when it serves them
        large = large_feed_warning(cache) if cache is not None else None
        if large:  # a feed too large for calendar apps: a warning, still serving
            body["warnings"].append(large)
            if body["status"] == HealthStatus.OK:
                body["status"] = HealthStatus.DEGRADED.value
        return web.Response(
            status=503 if body["status"] == HealthStatus.UNHEALTHY else 200,
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
