"""Every console route, and `mount`: the one call the daemon's server needs."""

from __future__ import annotations

from aiohttp import web

from renewd.web.console import accounts, admin, deliveries, exports, homescreen, links, pages
from renewd.web.console.app import (
    CONSOLE,
    Console,
    guard,
    signin,
    signin_page,
    signout,
    stylesheet,
    switch_lang,
)


def mount(app: web.Application, console: Console) -> None:
    """Add the console's routes and its middleware to the daemon's application."""
    app[CONSOLE] = console
    app.middlewares.append(guard)
    router = app.router
    router.add_get("/signin", signin_page)
    router.add_post("/signin", signin)
    router.add_post("/signout", signout)
    router.add_get("/lang", switch_lang)
    router.add_get("/static/console.css", stylesheet)
    homescreen.add_routes(router)
    pages.add_routes(router)
    admin.add_routes(router)
    accounts.add_routes(router)
    deliveries.add_routes(router)
    exports.add_routes(router)
    links.add_routes(router)
