"""The state directory's lock: one daemon per state, since two would send everything twice."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO

from renewd.core.errors import EX_TEMPFAIL, ConfigError, RenewdError
from renewd.store.database import state_failure


class AlreadyRunning(RenewdError):
    exit_code = EX_TEMPFAIL


class StateLock:
    """An exclusive flock on `<state dir>/renewd.lock`: two daemons on one state double-send."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "renewd.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        try:
            # The state holds names, addresses and the feed key: owner only (SPEC: 0700).
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle = self.path.open("a+")
        except OSError as exc:
            raise ConfigError(
                f"{self.path.parent}: cannot use the state directory: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunning(
                f"another renewd is already running on the state directory {self.path.parent}"
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        except OSError as exc:  # a full disk at start: a clean error (73), not a traceback
            with contextlib.suppress(OSError):  # closing flushes, and fails the same way
                handle.close()
            raise state_failure(exc, self.path) or ConfigError(
                f"{self.path}: cannot write the lock file: {exc.strerror or exc}"
            ) from None
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
