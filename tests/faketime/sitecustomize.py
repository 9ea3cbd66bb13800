"""Loaded by every Python process of `make test-clock` (this folder is put on PYTHONPATH there).

Debian 12's libfaketime (0.9.10) with FAKETIME_DONT_FAKE_MONOTONIC=1 turns Python 3.11's
`time.sleep`, an absolute `clock_nanosleep` on the monotonic clock, into EINVAL (libfaketime
issue #426). A relative wait is untouched, so `time.sleep` waits in `select` instead. Nothing else
changes: the point of those runs is that the wall clock is another day.
"""

import select
import time
from typing import SupportsIndex


def _sleep(seconds: float | SupportsIndex) -> None:
    seconds = float(seconds)
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


time.sleep = _sleep
