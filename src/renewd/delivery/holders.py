"""Who holds a claim on a delivery row, and whether that holder is gone.

A pass claims each row it sends (`sending`, compare-and-set) in the name of its process: a
`Holder`, written into the row as `role:host:pid:token` (the token is random per process, so a
new process that happens to get the same pid is not mistaken for the old one). While the sends
are in flight the pass renews the lease of its rows every `RENEW_SECONDS`; a row whose lease ran
out (`LEASE_SECONDS` after its last renewal) belongs to nobody and is sent again by the next pass.

A holder is known to be gone, without waiting for its lease, when:

- the daemon starts: it holds the state lock, so no other daemon is running, and every claim of a
  `daemon` holder other than itself was left by a daemon that died (`kill -9`, power loss);
- the holder ran on this host and its pid is no longer a process, or is this very process under
  another token (a restarted container reuses its pids).

Its rows are then marked failed and due at once: the next pass sends them again. A message that
was in flight when its sender died may therefore arrive twice; nothing else repeats.
Claims written by renewd 0.1.0 have no holder: they are retried after
`notify.stale_sending_seconds`, as they were.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from enum import StrEnum

LEASE_SECONDS = 30.0  # a claim not renewed for this long belongs to nobody
RENEW_SECONDS = 10.0  # how often a pass renews the leases of its sends in flight


class HolderKind(StrEnum):
    DAEMON = "daemon"  # `renewd run`: holds the state lock
    COMMAND = "command"  # `renewd notify --due` and other passes beside the daemon


@dataclass(frozen=True)
class Holder:
    role: HolderKind
    host: str
    pid: int
    token: str

    def __str__(self) -> str:
        return f"{self.role}:{self.host}:{self.pid}:{self.token}"

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        parts = text.split(":")
        if len(parts) != 4 or not parts[2].isdigit():
            return None
        try:
            role = HolderKind(parts[0])
        except ValueError:
            return None
        return cls(role, parts[1], int(parts[2]), parts[3])


_TOKEN = secrets.token_hex(8)


def this_process(role: HolderKind) -> Holder:
    """The holder that claims in this process's name (one token per process)."""
    return Holder(role, socket.gethostname(), os.getpid(), _TOKEN)


def is_gone(holder: Holder, me: Holder, *, under_lock: bool) -> bool:
    """Whether `holder` cannot be sending any more (see the module docstring). `under_lock`:
    `me` is the daemon holding the state lock."""
    if holder == me:
        return False
    if under_lock and holder.role is HolderKind.DAEMON:
        return True
    if holder.host != me.host:
        return False  # another machine sharing the state directory: wait for its lease
    if holder.pid == me.pid:
        return True  # this pid, another token: an earlier process that had the same pid
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a live process of another user
    return False
