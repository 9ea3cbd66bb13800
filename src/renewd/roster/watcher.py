"""Notice roster edits, and read a changed file only once its writer has finished.

A file is read after its size and mtime stayed the same for `[roster] settle_seconds` (longer
than any pause of the program writing it), so a half-written file is never loaded. Writing the
roster atomically (to a temporary file in the same folder, then renaming it over the old one) is
still the safe way: the rename is seen at once and the file is whole.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class Watched(Protocol):
    """What `RosterWatcher.of` reads of the `[roster]` settings (`renewd.settings`)."""

    @property
    def files(self) -> tuple[Path, ...]: ...

    @property
    def settle_seconds(self) -> float: ...


FileStamps = dict[Path, tuple[int, int] | None]  # path -> (mtime_ns, size), None when missing


@dataclass
class RosterWatcher:
    files: tuple[Path, ...]
    settle_seconds: float = 10.0
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    _seen: FileStamps = field(default_factory=dict)
    _pending: FileStamps | None = None
    _pending_since: float = 0.0

    @property
    def poll_seconds(self) -> float:
        """How often to look: often enough to honour `settle_seconds`, at most every 2 s."""
        return min(2.0, max(0.2, self.settle_seconds / 4))

    def stamps(self) -> FileStamps:
        result: FileStamps = {}
        for path in self.files:
            try:
                st = path.stat()
                result[path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                result[path] = None
        return result

    def mark_loaded(self, stamps: FileStamps | None = None) -> None:
        self._seen = stamps if stamps is not None else self.stamps()
        self._pending = None

    def changed(self) -> bool:
        """True once a change has stayed the same for `settle_seconds`."""
        now = self.stamps()
        if now == self._seen:
            self._pending = None
            return False
        if self._pending != now:
            self._pending, self._pending_since = now, self.clock()
            return False
        return self.clock() - self._pending_since >= self.settle_seconds

    @classmethod
    def of(cls, roster: Watched) -> RosterWatcher:
        return cls(roster.files, roster.settle_seconds)

    async def settle(self) -> None:
        """At start-up, wait for roster files written just now to settle (at most three quiet
        periods: a file that never stops changing is read anyway, and validated)."""
        deadline = self.clock() + 3 * self.settle_seconds
        young = self.young()
        if not young:
            return
        log.info("waiting for %d roster file(s) to settle", len(young))
        self.mark_loaded({})
        while self.clock() < deadline and not self.changed():
            await asyncio.sleep(self.poll_seconds)

    def young(self) -> list[Path]:
        """Files modified less than `settle_seconds` ago: at start-up they may still be written;
        older ones are read at once."""
        horizon = self.wall() - self.settle_seconds
        return [
            path
            for path, stat in self.stamps().items()
            if stat is not None and stat[0] / 1e9 > horizon
        ]
