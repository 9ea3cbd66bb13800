"""The home-screen icons the console serves are the ones tools/make_icons.py draws (issue 19
item 5): PNGs of their stated sizes, opaque, maskable (the picture inside the central safe zone,
the corners the plain background a launcher may cut away)."""

from __future__ import annotations

import importlib.util
import struct
import zlib
from pathlib import Path
from types import ModuleType

from renewd.web.console.homescreen import ICONS

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "renewd" / "web" / "console" / "static"


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "tools" / "make_icons.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows (RGB, filter bytes dropped) of a PNG the tool writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2)  # 8-bit RGB: opaque, as apple-touch-icon must be
    raw, at = b"", 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            raw += data[at + 8 : at + 8 + length]
        at += length + 12
    flat = zlib.decompress(raw)
    stride = width * 3 + 1
    rows = [flat[i * stride : (i + 1) * stride] for i in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


def test_the_committed_icons_are_what_the_tool_draws() -> None:
    make_icons = tool()
    assert make_icons.SIZES == ICONS
    for name, size in ICONS.items():
        width, height, _ = pixels((STATIC / name).read_bytes())
        assert (width, height) == (size, size), name
    drawn = pixels(make_icons.render(180))
    assert drawn == pixels((STATIC / "apple-touch-icon.png").read_bytes())


def test_outside_the_safe_zone_is_only_the_background() -> None:
    size, _, rows = pixels((STATIC / "icon-192.png").read_bytes())
    background = bytes(tool().BLUE)
    for y, row in enumerate(rows):
        for x in range(size):
            # Farther from the centre than 40% of the side: what a circular mask may cut.
            if (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 > (0.4 * size) ** 2:
                assert row[x * 3 : x * 3 + 3] == background, (x, y)
