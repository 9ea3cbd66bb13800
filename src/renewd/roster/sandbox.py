"""Untrusted spreadsheets are read in a child process, within `[roster] parse_memory_mb` and
`parse_seconds` (issue 18, 1).

The guards in `renewd.roster.ooxml` and `renewd.roster.limits` refuse every shape of file known
to make a spreadsheet reader allocate without bound; a native reader may still hold a bug nobody
has found. So the reader runs in `python -m renewd.roster.sheetchild` with its address space
(RLIMIT_AS) and CPU time capped, its output counted, and a wall-clock deadline: whatever the file
does to it costs that file ("refused"), never the daemon or the command that asked.

The child answers on stdout, one JSON value a line: the sheet's rows, BATCH at a time, as arrays of
arrays (dates tagged, `encode_cell`), then `{"end": rows}`; or one `{"refused": why}` /
`{"unreadable": why}`.
JSON, not pickle: a child that a file took over cannot make its parent run code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from renewd.roster.limits import FileError, LimitError, MiB, RosterLimits

log = logging.getLogger(__name__)

# One reader at a time per process: the daemon's own memory plus one child is what the unit's
# MemoryMax= is sized for (a console upload waits for a reload, or the other way round).
_ONE_AT_A_TIME = threading.Lock()
_ALLOCATION_RE = re.compile(rb"memory allocation of (\d+) bytes failed")
BATCH = 1000  # rows a line


class ReaderFailed(Exception):
    """The child stopped without an answer: killed, crashed or out of time."""


def encode_cell(value: Any) -> Any:
    """A cell that JSON has no type for (json's `default`): dates and times, tagged."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    return str(value)


def _decode_cell(tagged: dict[str, Any]) -> Any:
    if "datetime" in tagged:
        return dt.datetime.fromisoformat(tagged["datetime"])
    if "date" in tagged:
        return dt.date.fromisoformat(tagged["date"])
    if "time" in tagged:
        return dt.time.fromisoformat(tagged["time"])
    if "timedelta" in tagged:
        return dt.timedelta(seconds=float(tagged["timedelta"]))
    return tagged  # a control line


def read_sheet(path: Path, limits: RosterLimits) -> list[list[Any]]:
    """The first sheet of `path` as rows of cells, read by a child within `limits`. Raises
    LimitError (over a limit, or the reader stopped) or FileError (not a readable sheet)."""
    job = json.dumps({"path": str(path), "limits": dataclasses.asdict(limits)})
    with _ONE_AT_A_TIME, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            _run(job, out, err, limits)
        except ReaderFailed as exc:
            raise LimitError(str(exc)) from None
        return _answer(out, limits)


def _run(job: str, out: IO[bytes], err: IO[bytes], limits: RosterLimits) -> None:
    # -P: never import from the working directory; the child needs nothing but renewd.
    command = [sys.executable, "-P", "-m", "renewd.roster.sheetchild"]
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err)
    except OSError as exc:
        raise ReaderFailed(f"cannot start the spreadsheet reader: {exc.strerror}") from None
    try:
        proc.communicate(job.encode(), timeout=limits.parse_seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        log.warning("spreadsheet reader stopped after parse_seconds = %g", limits.parse_seconds)
        raise ReaderFailed(
            f"reading the spreadsheet took longer than [roster] parse_seconds ="
            f" {limits.parse_seconds:g}; it was stopped and the file refused"
        ) from None
    if proc.returncode == 0:
        return
    err.seek(0)
    tail = err.read()[-4096:]
    # Only the signal and the size of a failed allocation are logged: the rest of what the
    # reader said may quote the file.
    asked = _ALLOCATION_RE.search(tail)
    how = _how(proc.returncode)
    log.warning(
        "spreadsheet reader %s%s",
        how,
        f" (it asked for {int(asked.group(1)) / MiB:,.0f} MB)" if asked else "",
    )
    memory = limits.parse_memory_bytes / MiB
    if asked or proc.returncode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL):
        raise ReaderFailed(
            f"the spreadsheet reader {how} within [roster] parse_memory_mb = {memory:g}"
            + (f": the file made it ask for {int(asked.group(1)) / MiB:,.0f} MB" if asked else "")
            + "; the file was refused (is it really a roster?)"
        )
    if proc.returncode == -signal.SIGXCPU:
        raise ReaderFailed(
            f"reading the spreadsheet used more CPU time than [roster] parse_seconds ="
            f" {limits.parse_seconds:g}; the file was refused"
        )
    raise ReaderFailed(f"the spreadsheet reader {how}; the file was refused")


def _how(code: int) -> str:
    if code < 0:
        try:
            return f"was stopped by {signal.Signals(-code).name}"
        except ValueError:
            return f"was stopped by signal {-code}"
    return f"failed (exit status {code})"


def _answer(out: IO[bytes], limits: RosterLimits) -> list[list[Any]]:
    size = out.seek(0, 2)
    if size > limits.parse_memory_bytes:  # the child could not have held more than this
        raise LimitError("the spreadsheet reader answered with more than it could have read")
    out.seek(0)
    rows: list[list[Any]] = []
    for line in out:
        value = json.loads(line, object_hook=_decode_cell)
        if isinstance(value, list) and all(isinstance(row, list) for row in value):
            rows.extend(value)
            continue
        if not isinstance(value, dict):
            break
        if "refused" in value:
            raise LimitError(str(value["refused"]))
        if "unreadable" in value:
            raise FileError(str(value["unreadable"]))
        if value.get("end") == len(rows):
            return rows
        break
    raise FileError("cannot read spreadsheet: the reader stopped before it finished")
