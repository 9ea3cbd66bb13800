"""Noticing roster edits: poll (mtime, size) and act only once a change has settled."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RosterWatcher:
    """Notices roster edits by polling (mtime, size), and only acts once a file is stable, so a
    half-written file is never read; a broken file is reported and the last good roster kept."""

    files: tuple[Path, ...]
    _seen: dict[Path, tuple[int, int] | None] = field(default_factory=dict)
    _pending: dict[Path, tuple[int, int] | None] | None = None

    def snapshot(self) -> dict[Path, tuple[int, int] | None]:
        result: dict[Path, tuple[int, int] | None] = {}
        for path in self.files:
            try:
                st = path.stat()
                result[path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                result[path] = None
        return result

    def mark_loaded(self, snapshot: dict[Path, tuple[int, int] | None] | None = None) -> None:
        self._seen = snapshot if snapshot is not None else self.snapshot()
        self._pending = None

    def changed(self) -> bool:
        """True once a change has been seen on two consecutive polls unchanged (settled)."""
        now = self.snapshot()
        if now == self._seen:
            self._pending = None
            return False
        if self._pending == now:
            return True
        self._pending = now
        return False
