"""HTTP connection limits: idle and header timeouts, a connection cap, quiet refusals.

Without them, 1,100 idle sockets exhaust the default 1,024 file descriptors and every other
client (the health check included) is locked out, while asyncio logs a traceback per failed
accept. The rules:

- a connection that has not sent a whole request within `header_timeout_seconds` of being
  accepted is closed (aiohttp's keep-alive timeout, `idle_timeout_seconds`, closes idle ones
  after a request);
- at most `max_connections` are open: a new one first evicts the oldest connection that is not
  in the middle of a request; when every one is busy it gets a short `503` and is closed;
- refusals and accept errors are logged at most once a minute, one line, no traceback;
- so are malformed requests (`ServerLog`): aiohttp would log each with a traceback whose message
  quotes the bytes it choked on (a session cookie in an oversized Cookie header).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Middleware
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)

BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
    b"Retry-After: 5\r\nConnection: close\r\n\r\nbusy.\n"
)


class RateLimitedLog:
    """One line per `every` seconds for a repeating condition, with how often it happened."""

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def warning(self, key: str, message: str) -> None:
        self._count[key] = self._count.get(key, 0) + 1
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last < self.every:
            return
        count, self._count[key] = self._count[key], 0
        self._last[key] = now
        log.warning("%s (%d time(s) since the last report)", message, count)


class ServerLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server logger (`aiohttp.server`, handed to the runner as `logger`) with every
    malformed request told as one rate-limited line naming the parser's error class, never its
    message (which quotes the request's bytes) nor a traceback. Errors of renewd's own handlers
    keep their traceback: those are bugs."""

    def __init__(self, reports: RateLimitedLog) -> None:
        super().__init__(logging.getLogger("aiohttp.server"), {})
        self.reports = reports

    def _malformed(self, exc_info: object) -> bool:
        if not isinstance(exc_info, HttpProcessingError):
            return False
        self.reports.warning(
            "malformed", f"refused malformed HTTP requests ({type(exc_info).__name__})"
        )
        return True

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kw: Any) -> None:
        if not self._malformed(exc_info):
            super().exception(msg, *args, exc_info=exc_info, **kw)

    def debug(self, msg: object, *args: object, **kw: Any) -> None:
        if not self._malformed(kw.get("exc_info")):
            super().debug(msg, *args, **kw)


def malformed(method: str) -> bool:
    """Whether an access-log entry is aiohttp's stand-in for a request it could not parse
    (`ServerLog` reports those)."""
    return method == "UNKNOWN"


class _Refuse(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(BUSY)
        transport.close()


class ConnectionGuard:
    """Wraps the aiohttp server's protocol factory; see the module docstring."""

    def __init__(
        self,
        *,
        max_connections: int,
        header_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_connections = _within_file_limit(max_connections)
        self.header_timeout = header_timeout
        self.clock = clock
        self.reports = RateLimitedLog()
        # RequestHandler has no __weakref__ slot: plain containers, pruned by `reap`.
        self._accepted: dict[RequestHandler, float] = {}
        self._served: set[object] = set()
        self._busy: set[object] = set()
        self._closing: set[RequestHandler] = set()  # closed by us, not yet gone from the server
        self._server: web.Server | None = None
        self._reaper: asyncio.Task[None] | None = None

    # -- aiohttp hooks -------------------------------------------------------------------------

    def middleware(self) -> Middleware:
        """Marks connections that sent a whole request, and those in the middle of one."""

        @web.middleware
        async def mark(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            protocol = request.protocol
            self._served.add(protocol)
            self._busy.add(protocol)
            try:
                return await handler(request)
            finally:
                self._busy.discard(protocol)

        return mark

    def factory(self, server: web.Server) -> Callable[[], asyncio.BaseProtocol]:
        self._server = server

        def make() -> asyncio.BaseProtocol:
            open_now = len(server.connections) - len(self._closing)
            if open_now >= self.max_connections and not self._evict_one():
                self.reports.warning(
                    "refused", f"refused connections: all {self.max_connections} are busy"
                )
                return _Refuse()
            handler = server()
            self._accepted[handler] = self.clock()
            return handler

        return make

    # -- rules ---------------------------------------------------------------------------------

    def _evict_one(self) -> bool:
        """Close the oldest connection that is not in the middle of a request."""
        assert self._server is not None
        idle = [
            h for h in self._server.connections if h not in self._busy and h not in self._closing
        ]
        if not idle:
            return False
        oldest = min(idle, key=lambda h: self._accepted.get(h, 0.0))
        self._close(oldest)
        self.reports.warning(
            "evicted", f"closed idle connections: {self.max_connections} connections open"
        )
        return True

    def reap(self) -> int:
        """Close connections that sent no whole request within the header timeout."""
        if self._server is None:
            return 0
        live = self._server.connections
        alive = set(live)
        self._accepted = {h: t for h, t in self._accepted.items() if h in alive}
        self._served &= alive
        self._closing &= alive
        horizon = self.clock() - self.header_timeout
        closed = 0
        for handler in live:
            if handler in self._closing or handler in self._served:
                continue
            if self._accepted.get(handler, horizon) < horizon:
                self._close(handler)
                closed += 1
        return closed

    def _close(self, handler: RequestHandler) -> None:
        self._closing.add(handler)
        handler.force_close()

    async def run(self, every: float = 1.0) -> None:
        while True:
            await asyncio.sleep(min(every, self.header_timeout / 2))
            self.reap()


# File descriptors kept for everything but client connections: the database, logs, the
# listening socket, connections accepted in one burst before they are counted.
_RESERVED_FDS = 256


def _within_file_limit(wanted: int) -> int:
    """`max_connections`, lowered to what RLIMIT_NOFILE allows (raising the soft limit to the
    hard one first): running out of descriptors would lock out every client."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + _RESERVED_FDS
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY or soft >= need:
        return wanted
    allowed = max(1, soft - _RESERVED_FDS)
    log.warning(
        "[server] max_connections = %d does not fit the limit of %d open files; using %d"
        " (raise LimitNOFILE)",
        wanted,
        soft,
        allowed,
    )
    return allowed


class GuardedSite(web.TCPSite):
    """A TCP site whose connections go through a ConnectionGuard."""

    def __init__(self, runner: web.BaseRunner, guard: ConnectionGuard, **kwargs: Any) -> None:
        super().__init__(runner, **kwargs)
        self.guard = guard

    async def start(self) -> None:
        await web.BaseSite.start(self)
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert isinstance(server, web.Server)
        self._server = await loop.create_server(
            self.guard.factory(server),
            self._host,
            self._port,
            backlog=self._backlog,
            reuse_address=self._reuse_address,
            reuse_port=self._reuse_port,
        )
        if self._server.sockets:
            self._bound_port = self._server.sockets[0].getsockname()[1]
        self.guard._reaper = asyncio.create_task(self.guard.run())

    async def stop(self) -> None:
        if self.guard._reaper is not None:
            self.guard._reaper.cancel()
        await super().stop()


def quiet_exception_handler(reports: RateLimitedLog) -> Callable[..., None]:
    """An asyncio exception handler that reports running out of file descriptors (and other
    accept errors) as one rate-limited line instead of a traceback each time."""

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message", "event loop error"))
        if isinstance(exc, OSError) and "accept" in message:
            reports.warning("accept", f"{message}: {exc.strerror or exc}")
            return
        loop.default_exception_handler(context)

    return handle
