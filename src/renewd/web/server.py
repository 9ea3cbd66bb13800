"""The feed server: aiohttp routes over a `FeedCache` (docs/design.md §10).

    cache = FeedCache(settings, db, load_key(settings.state.dir))
    cache.refresh(people, plans, today, now)
    app = build_app(cache)            # add more routes to `app` before starting it
    runner = await start(app, settings.server.listen)
    ...
    await runner.cleanup()

Routes: `GET|HEAD /feeds/{token}.ics` (the calendar) and `GET|HEAD /feeds/{token}` (a subscribe
page with the webcal and https links and a QR code). Every other path under /feeds/, any unknown,
rotated or malformed token, answers the same plain 404. The access log never shows a token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import html
import logging
import re
from collections.abc import Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from renewd.core.errors import ConfigError
from renewd.core.feeds import FeedSpec
from renewd.core.model import Lang, PersonPlan, Status
from renewd.core.wording import say, step_name
from renewd.settings import ServerSettings
from renewd.web.limits import ConnectionGuard, GuardedSite, ServerLog, malformed
from renewd.web.published import FeedUrls, Published
from renewd.web.publisher import FeedCache

CACHE: web.AppKey[FeedCache] = web.AppKey("renewd.feed_cache", FeedCache)
STARTING: web.AppKey[Callable[[], bool]] = web.AppKey("renewd.starting")
log = logging.getLogger(__name__)

NOT_FOUND_BODY = b"404: Not Found\n"
_NOT_FOUND_HEADERS = {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def _not_found() -> web.Response:
    return web.Response(status=404, body=NOT_FOUND_BODY, headers=_NOT_FOUND_HEADERS)


STARTING_BODY = b"503: Service Unavailable (starting: the plans are being built)\n"
RETRY_AFTER_SECONDS = 5  # a calendar app retries later; the first build takes seconds


def _starting() -> web.Response:
    headers = {**_NOT_FOUND_HEADERS, "Retry-After": str(RETRY_AFTER_SECONDS)}
    return web.Response(status=503, body=STARTING_BODY, headers=headers)


def _accepts_gzip(header: str) -> bool:
    """Whether Accept-Encoding allows gzip. A malformed q-value does not (identity is always
    safe), and nothing a client writes here can fail the request."""
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip().lower().replace(" ", "")
            if not q.startswith("q="):
                return True
            try:
                weight = float(q[2:])
            except ValueError:
                return False
            return 0 < weight <= 1
    return False


def _not_modified(request: web.Request, entry: Published) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        return entry.matches(inm)
    try:
        ims = request.if_modified_since
    except ValueError:
        return False
    if ims is None or ims > dt.datetime.now(dt.UTC):  # a date in the future is invalid
        return False
    return entry.last_modified.replace(microsecond=0) <= ims


async def feed(request: web.Request) -> web.StreamResponse:
    rest = request.match_info["rest"]
    calendar = rest.endswith(".ics")
    cache = request.app[CACHE]
    if request.app[STARTING]():
        return _starting()
    name = cache.feed_name(rest[:-4] if calendar else rest)
    if name is None:
        return _not_found()
    # A cold render of a large feed (the all-people feed of an agency) takes seconds: keep it
    # off the event loop so health checks and other feeds are answered meanwhile.
    entry = cache.rendered(name)
    if entry is None:
        entry = await asyncio.to_thread(cache.published, name)
    if not calendar:
        build = functools.partial(
            subscribe_page,
            plan=cache.person_plan(entry.spec.name),
            loopback=cache.settings.server.loopback,
        )
        return web.Response(body=cache.page(entry.spec.name, build), headers=_PAGE_HEADERS)
    gzip = _accepts_gzip(request.headers.get("Accept-Encoding", ""))
    if _not_modified(request, entry):
        headers = entry.not_modified_headers
        if gzip:  # the validator of the representation this client would get
            headers = {**headers, "ETag": entry.gzipped()[1]["ETag"]}
        return web.Response(status=304, headers=headers)
    if gzip:
        body, headers = entry.gzipped()
        return web.Response(body=body, headers=headers)
    return web.Response(body=entry.body, headers=entry.headers)


def build_app(cache: FeedCache, starting: Callable[[], bool] = lambda: False) -> web.Application:
    """The aiohttp application serving `cache`. Add routes (health, metrics) before starting.
    While `starting()` (the daemon's first plans are being built) every feed path answers 503
    with Retry-After, whatever its token: no feed is known yet, and none is refused."""
    app = web.Application()
    app[CACHE] = cache
    app[STARTING] = starting
    app.router.add_get("/feeds/{rest:.*}", feed)  # HEAD included
    return app


_FEEDS_PATH = re.compile(r"/feeds(?:/|$)", re.IGNORECASE)


class RedactingAccessLogger(AbstractAccessLogger):
    """An access log line without the token: feed and action-link URLs are the credentials."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        if malformed(request.method):
            return  # ServerLog told it, once a minute
        path = request.path
        if _FEEDS_PATH.search(path):  # //feeds/…, /FEEDS/…: whatever the router made of it
            path = "/feeds/…" + (".ics" if path.endswith(".ics") else "")
        elif path.startswith("/a/"):  # a one-click action link: the token is the credential
            path = "/a/…"
        self.logger.info(
            "%s %s %s %d %.1fms",
            request.remote,
            request.method,
            path,
            response.status,
            time * 1000,
        )


async def start(
    app: web.Application,
    listen: str,
    *,
    idle_timeout: float = 75.0,
    header_timeout: float = 10.0,
    max_connections: int = 512,
) -> web.AppRunner:
    """Listen on HOST:PORT (port 0 picks a free one); return the runner to clean up later.
    Connections are limited as `renewd.web.limits` says."""
    host, _, port = listen.rpartition(":")
    guard = ConnectionGuard(max_connections=max_connections, header_timeout=header_timeout)
    app.middlewares.append(guard.middleware())
    runner = web.AppRunner(
        app,
        access_log_class=RedactingAccessLogger,
        access_log=logging.getLogger("renewd.access"),
        logger=ServerLog(guard.reports),
        keepalive_timeout=idle_timeout,
    )
    await runner.setup()
    site = GuardedSite(runner, guard, host=host.strip("[]"), port=int(port))
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise ListenError(f"cannot listen on {listen}: {exc.strerror or exc}") from None
    return runner


async def start_configured(app: web.Application, server: ServerSettings) -> web.AppRunner:
    """`start` with the `[server]` section's address and limits."""
    return await start(
        app,
        server.listen,
        idle_timeout=server.idle_timeout_seconds,
        header_timeout=server.header_timeout_seconds,
        max_connections=server.max_connections,
    )


class ListenError(ConfigError):
    """The listen address is taken or not ours: a configuration problem (exit 78)."""


def bound_port(runner: web.AppRunner) -> int:
    """The port the first site listens on (useful with port 0)."""
    server = runner.addresses[0]
    return int(server[1])


# -- the subscribe page ------------------------------------------------------------------------

_PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
}


def _next_step(plan: PersonPlan | None) -> str:
    """The person's next step and its date, in both languages, as HTML (or "")."""
    if plan is None:
        return ""
    steps = [m for m in plan.milestones if m.status is not Status.DONE]
    if not steps:
        return f"<p>{_both('subscribe.done', '/ ')}</p>"
    nxt = min(steps, key=lambda m: m.due)
    zh, en = step_name(nxt.kind, Lang.ZH), step_name(nxt.kind, Lang.EN)
    day = nxt.due.isoformat()
    provisional = f"（{_both('subscribe.provisional', ' ')}）" if nxt.provisional else ""
    return (
        f'<p class="next">{_both("subscribe.next", " / ")}: <b>{html.escape(zh)}</b> /'
        f" {html.escape(en)} — {day}{provisional}</p>"
    )


def _both(key: str, between: str) -> str:
    """The subscribe page's words in Chinese, then English: it is read before anyone chose."""
    return say(Lang.ZH, key) + between + say(Lang.EN, key)


_LOOPBACK = f'<p class="warn">{_both("subscribe.loopback", "<br>")}</p>'


def subscribe_page(
    spec: FeedSpec, urls: FeedUrls, *, plan: PersonPlan | None = None, loopback: bool = False
) -> bytes:
    """A small bilingual page: the person's next step, the webcal and https links, and a QR code
    of each (iPhones open webcal:, Android and in-app browsers need https)."""
    title = html.escape(spec.title)
    webcal = html.escape(urls.webcal, quote=True)
    https = html.escape(urls.https, quote=True)
    import segno  # here: the QR code library is only needed when someone opens this page

    qr_webcal = segno.make(urls.webcal, error="m").svg_inline(scale=4, title="webcal QR")
    qr_https = segno.make(urls.https, error="m").svg_inline(scale=4, title="https QR")
    iphone = say(Lang.EN, "subscribe.iphone") + " / " + say(Lang.ZH, "subscribe.iphone")
    text = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}}
code{{word-break:break-all}}.qr{{display:flex;flex-wrap:wrap;gap:2em}}
.warn{{background:#fff3e0;border:1px solid #ffcc80;padding:.6em}}</style></head><body>
<h1>{title}</h1>
{_LOOPBACK if loopback else ""}
{_next_step(plan)}
<p>{_both("subscribe.intro", "<br>" + chr(10))}</p>
<p><a href="{webcal}">{_both("subscribe.webcal", " / ")}</a></p>
<div class="qr"><figure>{qr_webcal}<figcaption>{iphone} (webcal)</figcaption></figure>
<figure>{qr_https}<figcaption>{_both("subscribe.android", " / ")} (https)</figcaption>
</figure></div>
<p>{_both("subscribe.copy", "/" + chr(10))}<br><code>{https}</code></p>
<p>{_both("subscribe.share", "<br>" + chr(10))}</p>
</body></html>
"""
    return text.encode("utf-8")
