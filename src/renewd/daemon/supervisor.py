"""Supervised background tasks: a task that raises is logged, shown on `/healthz` (503, with its
reason) and started again after a pause; it clears its problem itself once it works again
(`Health.task_ok`). A task that returns is done; cancelling the supervisor stops it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from renewd.daemon.health import Health

log = logging.getLogger(__name__)

RESTART_SECONDS = 5.0


class Supervisor:
    """Runs background tasks until `stop` is set, restarting the ones that crash."""

    def __init__(
        self, health: Health, stop: asyncio.Event, restart_seconds: float = RESTART_SECONDS
    ) -> None:
        self.health = health
        self.stop = stop
        self.restart_seconds = restart_seconds
        self.tasks: list[asyncio.Task[None]] = []
        self.restarts: dict[str, int] = {}

    def start(self, name: str, run: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        task = asyncio.create_task(self._supervise(name, run), name=name)
        self.tasks.append(task)
        return task

    async def _supervise(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        while not self.stop.is_set():
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("background task %r crashed; restarting it", name)
                self.restarts[name] = self.restarts.get(name, 0) + 1
                self.health.task_failed(
                    name, f"background task {name!r} crashed ({type(exc).__name__}); restarted"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.restart_seconds)

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()
