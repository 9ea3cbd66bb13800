"""What lets the console be added to a phone's home screen: the web app manifest and its icons.

    GET /manifest.webmanifest?lang=en   application/manifest+json, names from the catalogue
    GET /static/icon-192.png, icon-512.png, apple-touch-icon.png

Public like the stylesheet: a browser fetches the manifest without the session cookie, and
nothing in it is private. Every console page links it (base.html) with the page's language,
since that fetch carries no language cookie either. The icons are drawn once by
tools/make_icons.py (maskable: the picture lies inside the central safe zone).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from aiohttp import web

from renewd.core.model import Lang
from renewd.web.console.app import CONSOLE
from renewd.web.console.i18n import word

PATH = "/manifest.webmanifest"
THEME = "#0d47a1"  # the header's blue (console.css), also base.html's theme-color
BACKGROUND = "#f5f7fa"
ICONS = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180}
CACHE = {"Cache-Control": "public, max-age=86400"}


@cache
def _icon(name: str) -> bytes:
    return resources.files("renewd.web.console").joinpath(f"static/{name}").read_bytes()


def manifest(lang: Lang) -> dict[str, object]:
    icons: list[dict[str, str]] = []
    for name, size in ICONS.items():
        if name.startswith("icon-"):
            for purpose in ("any", "maskable"):
                src, sizes = f"/static/{name}", f"{size}x{size}"
                icons.append({"src": src, "sizes": sizes, "type": "image/png", "purpose": purpose})
    return {
        "id": "/",
        "name": word("app_name", lang),
        "short_name": word("app", lang),
        "description": word("app_about", lang),
        "lang": "zh-CN" if lang is Lang.ZH else "en",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": icons,
    }


async def manifest_file(request: web.Request) -> web.StreamResponse:
    asked = request.query.get("lang", "")
    lang = Lang(asked) if asked in (Lang.ZH.value, Lang.EN.value) else None
    if lang is None:
        lang = request.app[CONSOLE].settings.language
    body = json.dumps(manifest(lang), ensure_ascii=False, indent=1)
    return web.Response(
        text=body, content_type="application/manifest+json", charset="utf-8", headers=CACHE
    )


async def icon_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ICONS:
        raise web.HTTPNotFound()
    return web.Response(body=_icon(name), content_type="image/png", headers=CACHE)


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(PATH, manifest_file)
    router.add_get("/static/{name:[a-z0-9-]+\\.png}", icon_file)
