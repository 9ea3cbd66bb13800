"""`/healthz` states (issue 11, defect 6; docs/design.md §13): ok, degraded (HTTP 200, warnings say
why, with counts) and unhealthy (HTTP 503)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp import web

from renewd.daemon.health import Health, Metrics
from renewd.web.health import add_health_routes
from renewd.web.server import bound_port, start


def healthz(health: Health, roster: object = object()) -> tuple[int, dict[str, Any]]:
    async def main() -> tuple[int, dict[str, Any]]:
        app = web.Application()
        add_health_routes(app, health, Metrics(), lambda: roster)
        runner = await start(app, "127.0.0.1:0")
        try:
            url = f"http://127.0.0.1:{bound_port(runner)}/healthz"
            async with aiohttp.ClientSession() as session, session.get(url) as resp:
                return resp.status, json.loads(await resp.read())
        finally:
            await runner.cleanup()

    return asyncio.run(main())


def test_ok_when_nothing_is_wrong() -> None:
    health = Health()
    health.last_sweep_ok = health.started
    assert healthz(health)[1]["status"] == "ok"


def test_dead_deliveries_make_it_degraded_with_counts() -> None:
    health = Health(dead_letters=10, retries_waiting=3)
    health.last_sweep_ok = health.started
    status, body = healthz(health)
    assert (status, body["status"]) == (200, "degraded")
    assert (body["counts"]["dead_letters"], body["counts"]["retries_waiting"]) == (10, 3)
    warnings = " ".join(map(str, body["warnings"]))
    assert "10 dead deliveries" in warnings
    assert "3 deliveries failed" in warnings


def test_a_rejected_roster_is_degraded_and_no_roster_is_unhealthy() -> None:
    health = Health(roster_problems=["people.csv, row 4, field '居住证到期日'"])
    health.last_sweep_ok = health.started
    status, body = healthz(health)
    assert (status, body["status"], body["counts"]["roster_problems"]) == (200, "degraded", 1)
    status, body = healthz(health, roster=None)
    assert (status, body["status"]) == (503, "unhealthy")


def test_a_crashed_task_is_unhealthy_even_with_warnings() -> None:
    health = Health(dead_letters=2)
    health.last_sweep_ok = health.started
    health.task_failed("roster watcher", "background task 'roster watcher' crashed (OSError)")
    status, body = healthz(health)
    assert (status, body["status"]) == (503, "unhealthy")
    assert body["problems"][0].startswith("background task")
