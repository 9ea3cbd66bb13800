"""Draw the console's home-screen icons once: `python tools/make_icons.py` writes
src/renewd/web/console/static/icon-192.png, icon-512.png and apple-touch-icon.png (180).

The standard library only (no Pillow): each pixel's coverage of a few shapes comes from their
signed distance, which also anti-aliases the edges. The picture is a vertical timeline (a done
step, today's ring, a next step, each with its label bar) on the console header's blue, filling
the square so that it is maskable: everything that matters lies inside the central circle of 40%
of the size, the safe zone launchers keep when they cut the icon to a circle or a squircle.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "src" / "renewd" / "web" / "console" / "static"
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180}

Colour = tuple[int, int, int]
BLUE: Colour = (13, 71, 161)  # the header's #0d47a1
WHITE: Colour = (255, 255, 255)
PALE: Colour = (144, 202, 249)  # a done step, quieter than the rest
AMBER: Colour = (255, 183, 77)  # today
SCALE = 1.2  # the picture below, drawn larger about the centre (its farthest corner stays at 0.36)

# A shape is a signed distance (negative inside) at a point, in units of the icon's side.
Shape = Callable[[float, float], float]


def box(x0: float, y0: float, x1: float, y1: float, radius: float) -> Shape:
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 - radius, (y1 - y0) / 2 - radius

    def distance(x: float, y: float) -> float:
        dx, dy = abs(x - cx) - hx, abs(y - cy) - hy
        outside = math.hypot(max(dx, 0.0), max(dy, 0.0))
        return outside + min(max(dx, dy), 0.0) - radius

    return distance


def circle(cx: float, cy: float, r: float) -> Shape:
    return lambda x, y: math.hypot(x - cx, y - cy) - r


def ring(cx: float, cy: float, r: float, width: float) -> Shape:
    return lambda x, y: abs(math.hypot(x - cx, y - cy) - r) - width / 2


PICTURE: list[tuple[Shape, Colour]] = [
    (box(0.355, 0.30, 0.385, 0.70, 0.015), WHITE),  # the time line
    (circle(0.37, 0.30, 0.045), PALE),  # a done step
    (box(0.45, 0.275, 0.66, 0.325, 0.025), PALE),
    (circle(0.37, 0.50, 0.075), BLUE),  # today: a ring around the line
    (ring(0.37, 0.50, 0.058, 0.035), AMBER),
    (box(0.47, 0.465, 0.70, 0.535, 0.035), AMBER),
    (circle(0.37, 0.70, 0.045), WHITE),  # the next step
    (box(0.45, 0.675, 0.62, 0.725, 0.025), WHITE),
]


def render(size: int) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray(b"\x00")  # PNG filter type: none
        y = 0.5 + ((py + 0.5) / size - 0.5) / SCALE
        for px in range(size):
            x = 0.5 + ((px + 0.5) / size - 0.5) / SCALE
            colour = [float(c) for c in BLUE]
            for shape, paint in PICTURE:
                cover = min(1.0, max(0.0, 0.5 - shape(x, y) * size * SCALE))
                if cover:
                    colour = [c + (p - c) * cover for c, p in zip(colour, paint, strict=True)]
            row += bytes(round(c) for c in colour)
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB, opaque
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    for name, size in SIZES.items():
        (STATIC / name).write_bytes(render(size))
        print(f"{STATIC / name} ({size}x{size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
