"""Memory freed by a big piece of work handed back to the system (issue 20).

After everyone is planned, the feeds refreshed or a delivery pass made, CPython has freed the
work's objects, but glibc's allocator keeps the pages it grew its heap by: the daemon's RSS stays
at the work's peak for the rest of the day. `release()` collects and asks glibc to return its
free pages (`malloc_trim`); elsewhere (musl, macOS) it only collects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


def release() -> None:
    """Collect, then return the allocator's free pages to the system where it can."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
