"""The accounts page, for admins: list, add, limit to groups, reset a password, remove.

The rules are `renewd user`'s, from the same code (`renewd.store.accounts`): the name pattern,
the password length, Argon2id hashing, groups the roster or `[groups]` know (an unknown one is
refused naming the known ones). Beyond the command line, the console keeps an admin: the last
admin can be neither removed nor demoted, by another admin or by himself. A reset or a removal
ends that account's sessions. A password left empty is generated and shown once, on the answer
to the form (never in a URL, never in the log; the page is `no-store`). Anyone else gets 403.
"""

from __future__ import annotations

import asyncio
import logging
import re
import urllib.parse

from aiohttp import web

from renewd.store.accounts import (
    MIN_PASSWORD,
    AccountProblem,
    check_groups,
    generate_password,
)
from renewd.web.console.app import CONSOLE, SESSION, Console, redirect

log = logging.getLogger(__name__)

# Groups as an HR specialist types them: commas, enumeration commas or semicolons (ASCII or
# full-width) or lines; a space may be part of a group's name.
_GROUPS_SPLIT = re.compile("[,;\n\uff0c\u3001\uff1b]+")
DONE = ("added", "scoped", "was_reset", "removed")


def known_groups(console: Console) -> list[str]:
    """The groups an account may be limited to: the roster's and `[groups]`'s, as for the CLI."""
    view = console.view()
    people = {p.person.group for p in view.plans if p.person.group} if view else set()
    return sorted(people | set(console.settings.groups))


def parse_groups(text: str) -> frozenset[str]:
    return frozenset(g.strip() for g in _GROUPS_SPLIT.split(text) if g.strip())


def _forbidden(request: web.Request) -> web.Response | None:
    if request[SESSION].account.admin:
        return None
    return request.app[CONSOLE].render(
        request, "message.html", 403, message_key="accounts.forbidden"
    )


def _page(request: web.Request, status: int = 200, **context: object) -> web.Response:
    console = request.app[CONSOLE]
    context.setdefault("form", {"name": "", "groups": "", "admin": False})
    context.setdefault("done", None)
    return console.render(
        request,
        "accounts.html",
        status,
        accounts=console.accounts.all(),
        known=known_groups(console),
        min_password=MIN_PASSWORD,
        **context,
    )


def _refused(request: web.Request, problem: AccountProblem, **context: object) -> web.Response:
    return _page(request, 400, refused=(problem.key, problem.fields), **context)


def _audit(request: web.Request, what: str, name: str) -> None:
    console = request.app[CONSOLE]
    actor = request[SESSION].account.name
    console.accounts.audit(
        f"console:{actor}", "", "account", f"{what} {name}", console.source.now()
    )
    log.info("console account %r: %s %r", actor, what, name)  # never a password


async def accounts_page(request: web.Request) -> web.StreamResponse:
    if (refused := _forbidden(request)) is not None:
        return refused
    msg, name = request.query.get("msg", ""), request.query.get("name", "")
    return _page(request, done=(msg, name) if msg in DONE else None)


async def _form(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


async def add(request: web.Request) -> web.StreamResponse:
    if (refused := _forbidden(request)) is not None:
        return refused
    console = request.app[CONSOLE]
    form = await _form(request)
    name, admin = form.get("name", "").strip(), "admin" in form
    groups = parse_groups(form.get("groups", ""))
    given = form.get("password", "")
    password = given or generate_password()
    kept = {"name": name, "groups": ", ".join(sorted(groups)), "admin": admin}
    try:
        check_groups(groups, known_groups(console))
        # Argon2 takes ~0.2 s and 64 MiB: off the event loop, as sign-in's check.
        await asyncio.to_thread(
            console.accounts.add,
            name,
            password,
            groups=groups,
            admin=admin,
            now=console.source.now(),
        )
    except AccountProblem as problem:
        return _refused(request, problem, form=kept)
    _audit(request, "add", name)
    if given:
        return _done(request, "added", name)
    return _page(request, done=("added", name), generated=(name, password))


async def scope(request: web.Request) -> web.StreamResponse:
    """Limit an account to groups, or make it admin (the last admin stays admin)."""
    if (refused := _forbidden(request)) is not None:
        return refused
    console = request.app[CONSOLE]
    form = await _form(request)
    name, admin = form.get("name", ""), "admin" in form
    groups = parse_groups(form.get("groups", ""))
    try:
        check_groups(groups, known_groups(console))
        console.accounts.set_scope(name, groups=groups, admin=admin)
    except AccountProblem as problem:
        return _refused(request, problem)
    _audit(request, "admin" if admin else "groups " + ", ".join(sorted(groups)), name)
    if name == request[SESSION].account.name and not admin:
        return redirect("/")  # no longer an admin: the accounts page is not his any more
    return _done(request, "scoped", name)


async def reset(request: web.Request) -> web.StreamResponse:
    """A new password (given, or generated and shown once); the account's sessions end."""
    if (refused := _forbidden(request)) is not None:
        return refused
    console = request.app[CONSOLE]
    form = await _form(request)
    name, given = form.get("name", ""), form.get("password", "")
    password = given or generate_password()
    try:
        await asyncio.to_thread(console.accounts.set_password, name, password)
    except AccountProblem as problem:
        return _refused(request, problem)
    _audit(request, "reset", name)
    if given:
        return _done(request, "was_reset", name)
    return _page(request, done=("was_reset", name), generated=(name, password))


async def remove(request: web.Request) -> web.StreamResponse:
    """Asks first (the form without `confirm`), then removes; the last admin is refused."""
    if (refused := _forbidden(request)) is not None:
        return refused
    console = request.app[CONSOLE]
    form = await _form(request)
    name = form.get("name", "")
    if console.accounts.get(name) is None:
        return _refused(request, AccountProblem("", "no_account", name=name))
    if form.get("confirm") != "1":
        return _page(request, confirm=name)
    try:
        console.accounts.remove(name, keep_an_admin=True)
    except AccountProblem as problem:
        return _refused(request, problem)
    _audit(request, "remove", name)
    if name == request[SESSION].account.name:
        return redirect("/signin")  # his own sessions, this one too, ended with the account
    return _done(request, "removed", name)


def _done(request: web.Request, what: str, name: str) -> web.Response:
    query = urllib.parse.urlencode({"msg": what, "name": name})
    return redirect(f"/accounts?{query}")


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/accounts", accounts_page)
    router.add_post("/accounts/add", add)
    router.add_post("/accounts/scope", scope)
    router.add_post("/accounts/reset", reset)
    router.add_post("/accounts/remove", remove)
