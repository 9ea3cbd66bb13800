"""The daemon hands freed memory back to the system after big work (issue 20): without it the
idle daemon stays at the peak of its last planning or pass (glibc keeps freed heap pages)."""

from __future__ import annotations

import gc
import platform

import pytest

from renewd.daemon.memory import release


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_heap_goes_back_to_the_system() -> None:
    blocks = [bytearray(1000) for _ in range(100_000)]  # ~100 MiB of malloc'd blocks
    pin = bytearray(1000)  # above them: the heap's top cannot shrink on its own
    del blocks
    gc.collect()
    kept = rss_mib()
    release()
    assert rss_mib() < kept - 50  # the freed pages in the middle of the heap are returned
    assert pin  # still ours
