"""The HR console mounted at `/` of the daemon's server: sign-in, sessions, CSRF, page rendering.

    console = Console(settings, source, Accounts(db), ActionLinks(...), db)
    routes.mount(app, console)   # adds the routes and one middleware; /feeds/ etc. untouched

Every console route needs a session except the sign-in page, the stylesheet, the language
switch and the one-click action pages (`/a/<token>`, which carry their own signature). Every POST
carries a CSRF token: the session's, or before sign-in a double-submit cookie. Pages are
server-rendered with Jinja2 (autoescape), without scripts, under a strict Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
from aiohttp import web

from renewd.core import problemwords
from renewd.core.model import Lang
from renewd.delivery.actionlinks import PATH as ACTION_PATH
from renewd.delivery.actionlinks import ActionLinks
from renewd.settings import Settings
from renewd.store.accounts import Account, Accounts, Session
from renewd.store.database import Database
from renewd.web.console import i18n
from renewd.web.console.index import PeopleIndex
from renewd.web.console.proxies import Proxies
from renewd.web.console.source import ConsoleSource, PlansView
from renewd.web.limits import RateLimitedLog

log = logging.getLogger(__name__)

SESSION_COOKIE = "renewd_session"
PRE_COOKIE = "renewd_presign"  # the double-submit CSRF token before a session exists
LANG_COOKIE = "renewd_lang"
NOT_CONSOLE = ("/feeds/", "/healthz", "/metrics")
PUBLIC = ("/signin", "/static/", "/lang", "/manifest.webmanifest", ACTION_PATH)
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; manifest-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}

CONSOLE: web.AppKey[Console] = web.AppKey("renewd.console")
SESSION: web.RequestKey[Session] = web.RequestKey("renewd.session")
LANG: web.RequestKey[Lang] = web.RequestKey("renewd.lang")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("renewd.web.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        step_name=i18n.step_name,
        next_step_name=i18n.next_step_name,
        status_name=i18n.status_name,
        kind_name=i18n.kind_name,
        actor_name=i18n.actor_name,
        change_name=i18n.change_name,
        delivery_name=i18n.delivery_name,
    )
    env.filters["q"] = lambda text: urllib.parse.quote(str(text), safe="")
    return env


# Control characters (a TAB or CR/LF that browsers drop or a header would split on), space and
# the backslash that browsers read as "/": never in a redirect target.
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def local_path(target: str | None) -> str:
    """`target` if it is a path on this site, else "/": no open redirect, no header splitting.
    A path on this site has no scheme, no host, no "//" and no control character or backslash
    (browsers drop a TAB, so "/<TAB>/evil.example" would be "//evil.example"), nor one spelt
    %09; what remains is percent-encoded to ASCII, so a Location header never carries a byte a
    client chose."""
    if not target or _UNSAFE.search(target) or _UNSAFE.search(urllib.parse.unquote(target)):
        return "/"
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "//" in parts.path:
        return "/"
    return urllib.parse.quote(target, safe="/?&=%#:@!$'()*+,;~")


@dataclass
class Console:
    settings: Settings
    source: ConsoleSource
    accounts: Accounts
    links: ActionLinks
    db: Database
    _index: tuple[PlansView, PeopleIndex] | None = None

    def __post_init__(self) -> None:
        self.env = _env()
        self.css = resources.files("renewd.web.console").joinpath("static/console.css").read_bytes()
        self.secure = self.settings.server.base_url.startswith("https://")
        self._csrf_key = hashlib.sha256(b"renewd-console-csrf" + secrets.token_bytes(32)).digest()
        self.reports = RateLimitedLog()
        self.reconfigure(self.settings)

    def reconfigure(self, settings: Settings) -> None:
        """A configuration taken on SIGHUP: `[console]` and the language apply to the next
        request (`[server]` and `[state]` stay until a restart, as for the daemon)."""
        self.settings = settings
        conf = settings.console
        self.proxies = Proxies.of(conf.trusted_proxies)

    # -- data ----------------------------------------------------------------------------------

    def index(self) -> PeopleIndex | None:
        """The people index of the current snapshot, rebuilt when the snapshot changes."""
        snap = self.source.view()
        if snap is None:
            return None
        if snap.index is not None:
            return snap.index
        if self._index is None or self._index[0] is not snap:
            self._index = (snap, PeopleIndex.build(snap.plans, snap.today, snap.documents))
        return self._index[1]

    def view(self) -> PlansView | None:
        return self.source.view()

    # -- sessions ------------------------------------------------------------------------------

    def session_of(self, request: web.Request) -> Session | None:
        header = self.settings.console.trusted_proxy_header
        if header and self.proxies.sent(request):
            name = request.headers.get(header, "").strip()
            account = self.accounts.get(name) if name else None
            if account is not None:
                csrf = hmac.new(self._csrf_key, name.encode(), hashlib.sha256).hexdigest()
                return Session(account, csrf, float("inf"))
        session_id = request.cookies.get(SESSION_COOKIE)
        if not session_id:
            return None
        return self.accounts.session(session_id, time.time())

    def duplicate_proxy_header(self, request: web.Request) -> bool:
        """Whether `request` carries the trusted proxy header more than once: refused, since a
        client's own copy may come before the one the proxy appended (whichever copy were
        believed, one of them is a lie)."""
        header = self.settings.console.trusted_proxy_header
        if not header or len(request.headers.getall(header, ())) < 2:
            return False
        self.reports.warning("proxy-header", f"refused requests carrying {header} more than once")
        return True

    def set_cookie(self, response: web.StreamResponse, name: str, value: str, **kw: Any) -> None:
        response.set_cookie(
            name, value, httponly=True, samesite="Lax", secure=self.secure, path="/", **kw
        )

    # -- rendering -----------------------------------------------------------------------------

    def render(
        self, request: web.Request, template: str, status: int = 200, **context: Any
    ) -> web.Response:
        lang = request.get(LANG, self.settings.language)
        session = request.get(SESSION)

        def t(key: str, **fields: object) -> str:
            return i18n.word(key, lang, **fields)

        page = self.env.get_template(template).render(
            t=t,
            problem=lambda p: problemwords.describe(p, lang),  # a roster Problem, in words
            field_name=lambda f: i18n.field_name(f, lang),
            cell=lambda v: i18n.cell_text(v, lang),
            lang=lang,
            zh=lang is Lang.ZH,
            account=session.account if session else None,
            csrf=session.csrf if session else request.get(PRE_KEY, ""),
            path=request.path_qs if request.method == "GET" else "/",  # where the toggle returns
            today=(snap.today if (snap := self.view()) else None),
            current_problems=snap.roster_problems if snap else (),
            building=self.source.building(),
            **context,
        )
        return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")

    def plain(self, request: web.Request, key: str, status: int) -> web.Response:
        return self.render(request, "message.html", status=status, message_key=key)


PRE_KEY: web.RequestKey[str] = web.RequestKey("renewd.presign")
BUILDING_RETRY_SECONDS = 5  # the page reloads itself this often while the plans are built


def _lang_of(request: web.Request, default: Lang) -> Lang:
    value = request.cookies.get(LANG_COOKIE)
    return Lang(value) if value in (Lang.ZH.value, Lang.EN.value) else default


def redirect(location: str) -> web.Response:
    """A 303 See Other to a path on this site: after a form, the browser GETs the next page."""
    return web.Response(status=303, headers={"Location": local_path(location)})


def _signin_redirect(request: web.Request) -> web.StreamResponse:
    target = "/signin"
    if request.method == "GET" and request.path != "/":
        target += "?" + urllib.parse.urlencode({"next": request.path_qs})
    return redirect(target)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sessions, CSRF and security headers for every console path; other paths pass through."""
    if request.path.startswith(NOT_CONSOLE):
        return await handler(request)
    console = request.app[CONSOLE]
    request[LANG] = _lang_of(request, console.settings.language)
    public = request.path.startswith(PUBLIC)
    presign = request.cookies.get(PRE_COOKIE, "")
    fresh_presign = ""
    if public and not presign:
        presign = fresh_presign = secrets.token_urlsafe(24)
    request[PRE_KEY] = presign
    try:
        if console.duplicate_proxy_header(request):
            response: web.StreamResponse = console.plain(request, "forbidden", 400)
        elif public:
            if request.method == "POST" and not await _csrf_ok(request, presign):
                response = console.plain(request, "forbidden", 403)
            else:
                response = await handler(request)
        else:
            session = console.session_of(request)
            if session is None:
                response = _signin_redirect(request)
            else:
                request[SESSION] = session
                if request.method == "POST" and not await _csrf_ok(request, session.csrf):
                    log.warning("refused a form without a valid CSRF token: %s", request.path)
                    response = console.plain(request, "forbidden", 403)
                else:
                    response = await handler(request)
    except web.HTTPNotFound:
        if console.source.building():  # nobody is found yet: say why, and when to look again
            response = console.plain(request, "building", 503)
            response.headers["Retry-After"] = str(BUILDING_RETRY_SECONDS)
        else:
            response = console.plain(request, "not_found", 404)
    except web.HTTPException as exc:
        if exc.status >= 400:
            raise
        response = web.Response(status=exc.status, headers=exc.headers)
    if fresh_presign:
        console.set_cookie(response, PRE_COOKIE, fresh_presign)
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    return response


async def _csrf_ok(request: web.Request, expected: str) -> bool:
    if not expected:
        return False
    if request.content_type == "multipart/form-data":
        # The token travels in the query string of an upload form; the body is read later.
        given = request.query.get("csrf", "")
    else:
        given = str((await request.post()).get("csrf", ""))
    return hmac.compare_digest(given.encode(), expected.encode())


# -- sign-in, sign-out, language, stylesheet -------------------------------------------------


async def signin_page(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    target = local_path(request.query.get("next"))
    return console.render(request, "signin.html", target=target, error=None, name="")


async def signin(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    form = await request.post()
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    target = local_path(str(form.get("next", "")))
    address = console.proxies.client_address(request)
    now = time.time()
    # Reserved before the check, in one transaction: simultaneous guesses cannot all be checked.
    attempt = console.accounts.throttle.reserve(name, address, now)
    if attempt is None:  # a flood of guesses is one line a minute, with how many
        shown = _shown(console, name)
        console.reports.warning("throttled", f"sign-in throttled for {shown} from {address}")
        return console.render(
            request, "signin.html", status=429, target=target, error="throttled", name=name
        )
    account: Account | None = await _verify(console.accounts, name, password)
    if account is None:
        log.warning("failed sign-in for %s from %s", _shown(console, name), address)
        return console.render(
            request, "signin.html", status=401, target=target, error="signin_failed", name=name
        )
    console.accounts.throttle.succeeded(attempt)
    session_id, _ = console.accounts.open_session(
        account, now, console.settings.console.session_hours
    )
    log.info("account %r signed in from %s", name, address)
    response = redirect(target)
    console.set_cookie(
        response,
        SESSION_COOKIE,
        session_id,
        max_age=int(console.settings.console.session_hours * 3600),
    )
    return response


def _shown(console: Console, name: str) -> str:
    """How a sign-in's account name is logged: a name that is no account may be a password
    typed into the wrong field, so it is not written down."""
    return f"account {name!r}" if console.accounts.get(name) else "an unknown account"


async def _verify(accounts: Accounts, name: str, password: str) -> Account | None:
    # Argon2 takes ~0.1 s and 64 MiB: off the event loop.
    return await asyncio.to_thread(accounts.verify, name, password)


async def signout(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        console.accounts.close_session(session_id)
    response = redirect("/signin")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def switch_lang(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    to = request.query.get("to", "")
    response = redirect(local_path(request.query.get("next")))
    if to in (Lang.ZH.value, Lang.EN.value):
        console.set_cookie(response, LANG_COOKIE, to, max_age=365 * 86400)
    return response


async def stylesheet(request: web.Request) -> web.StreamResponse:
    console = request.app[CONSOLE]
    return web.Response(
        body=console.css,
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )
