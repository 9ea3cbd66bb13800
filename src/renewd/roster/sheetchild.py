"""The child process that reads one spreadsheet (`renewd.roster.sandbox` starts it):
`python -P -m renewd.roster.sheetchild`, the job as JSON on stdin, the rows as JSON lines on
stdout. Its limits are set before the reader is imported, so that nothing it does can outgrow
them; a failed allocation aborts this process only.
"""

from __future__ import annotations

import json
import math
import resource
import sys
from pathlib import Path

from renewd.roster.sandbox import BATCH, encode_cell


def confine(memory: int, seconds: float) -> None:
    """Cap this process's address space and CPU time (never above a cap it already has); no
    core dump of a failed reader."""
    cpu = math.ceil(seconds)
    for kind, soft, hard in (
        (resource.RLIMIT_AS, memory, memory),
        (resource.RLIMIT_CPU, cpu, cpu + 5),  # SIGXCPU, then SIGKILL
        (resource.RLIMIT_CORE, 0, 0),
    ):
        ceiling = resource.getrlimit(kind)[1]
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(kind, (soft, hard))


def main() -> int:
    job = json.loads(sys.stdin.read(1 << 16))
    from renewd.roster.limits import FileError, LimitError, RosterLimits

    limits = RosterLimits(**job["limits"])
    try:
        confine(limits.parse_memory_bytes, limits.parse_seconds)
    except (OSError, ValueError) as exc:  # never read a file unconfined
        sys.stdout.buffer.write(_line({"unreadable": f"cannot limit the reader's memory: {exc}"}))
        return 0
    from renewd.roster.formats import parse_sheet

    out = sys.stdout.buffer
    try:
        rows = parse_sheet(Path(job["path"]), limits)
    except LimitError as exc:
        out.write(_line({"refused": str(exc)}))
        return 0
    except FileError as exc:
        out.write(_line({"unreadable": str(exc)}))
        return 0
    except MemoryError:
        memory = limits.parse_memory_bytes >> 20
        why = f"reading the spreadsheet needs more memory than [roster] parse_memory_mb = {memory}"
        out.write(_line({"refused": why}))
        return 0
    for start in range(0, len(rows), BATCH):
        out.write(_line(rows[start : start + BATCH]))
    out.write(_line({"end": len(rows)}))
    out.flush()
    return 0


def _line(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=encode_cell).encode("utf-8") + b"\n"


if __name__ == "__main__":
    sys.exit(main())
