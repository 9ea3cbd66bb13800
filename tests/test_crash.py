"""kill -9 in the middle of a delivery pass, restart: everything due arrives, and nothing that was
confirmed sent arrives twice.

The one case that can repeat (documented in renewd.delivery.passes): a message that left while the
process died before writing `sent`. Those rows are `sending` in the database at the kill; the
test reads them and bounds the duplicates by their number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from conftest import FROZEN_NOW
from daemonkit import Daemon
from netkit import Sink, free_port

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
PEOPLE = 300
FROZEN_DAY = dt.datetime.fromisoformat(FROZEN_NOW).date()


def statuses(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(dict(conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status")))


def wait_for(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


class SlowSink(Sink):
    """A sink that takes `delay` seconds per message, so that a pass is long enough to kill."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def slow_smtp(delay: float) -> Iterator[tuple[SlowSink, int]]:
    """A real SMTP server on 127.0.0.1 taking `delay` seconds a message: a pass lasts long
    enough to be killed in the middle."""
    sink, port = SlowSink(delay), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_kill_9_mid_pass_then_restart_delivers_everything_once(write: Write) -> None:
    with slow_smtp(0.01) as (sink, smtp_port):
        _kill_mid_pass_and_restart(write, sink, smtp_port)


def _kill_mid_pass_and_restart(write: Write, sink: Sink, smtp_port: int) -> None:
    # Without points, a permit expiring in 40 days has exactly one reminder due today (the
    # suite's frozen day, after send_at): the 60-day lead of `permit_renewal`, sent late.
    expires = FROZEN_DAY + dt.timedelta(days=40)
    rows = "\n".join(f"P{i:04d},人员{i},{expires},否,p{i}@example.com" for i in range(PEOPLE))
    write("people.csv", f"工号,姓名,居住证到期日,积分,邮箱\n{rows}\n")
    port = free_port()
    config = write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        [notify]
        sweep_seconds = 1
        stale_sending_seconds = 2
        [[channels]]
        name = "mail"
        type = "email"
        host = "127.0.0.1"
        port = {smtp_port}
        mode = "plain"
        sender = "人事部 <hr@example.com>"
        """,
    )
    db = config.parent / "state" / "renewd.sqlite3"

    first = Daemon(config, port).start()
    assert first.read_notify("READY=1"), first.kill()
    started = wait_for(lambda: len(sink.recipients) >= PEOPLE // 3, 120)
    log = first.kill()  # SIGKILL: no chance to tidy up
    assert started, log
    at_kill = statuses(db)
    received_at_kill = len(sink.recipients)
    assert at_kill["sent"] >= 1
    assert at_kill["pending"] + at_kill["sending"] + at_kill["failed"] >= 1, "killed too late"
    in_flight = at_kill["sending"]

    second = Daemon(config, port).start()
    assert second.read_notify("READY=1"), second.kill()
    finished = wait_for(lambda: statuses(db)["sent"] == PEOPLE, 180)
    time.sleep(1.5)  # a few more sweeps: nothing more may go out
    code, log = second.stop()
    assert finished, log
    assert code == 0, log

    counts = Counter(sink.recipients)
    assert set(counts) == {f"p{i}@example.com" for i in range(PEOPLE)}  # nothing skipped
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= in_flight  # only the messages in flight at the kill can repeat
    assert statuses(db) == Counter({"sent": PEOPLE})
    assert received_at_kill < len(sink.recipients)


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_kill_9_restarted_daemon_rescues_orphaned_claims_at_once(write: Write) -> None:
    """Default settings (stale_sending_seconds 900, a sweep every 300 s): the restarted daemon,
    holding the state lock, frees the dead daemon's claims at start-up and delivers every
    reminder within 30 s of its restart; only the messages in flight at the kill may repeat."""
    with slow_smtp(0.02) as (sink, smtp_port):
        expires = FROZEN_DAY + dt.timedelta(days=40)
        rows = "\n".join(f"P{i:04d},人员{i},{expires},否,p{i}@example.com" for i in range(PEOPLE))
        write("people.csv", f"工号,姓名,居住证到期日,积分,邮箱\n{rows}\n")
        port = free_port()
        config = write(
            "config.toml",
            f"""\
            [roster]
            files = ["people.csv"]
            settle_seconds = 0
            [state]
            dir = "state"
            [server]
            listen = "127.0.0.1:{port}"
            [notify]
            send_at = "00:00"
            [[channels]]
            name = "mail"
            type = "email"
            host = "127.0.0.1"
            port = {smtp_port}
            mode = "plain"
            sender = "人事部 <hr@example.com>"
            """,
        )
        db = config.parent / "state" / "renewd.sqlite3"
        first = Daemon(config, port).start()
        assert first.read_notify("READY=1"), first.kill()
        started = wait_for(lambda: len(sink.recipients) >= PEOPLE // 3, 120)
        log = first.kill()  # SIGKILL mid-pass
        assert started, log
        at_kill = statuses(db)
        in_flight = at_kill["sending"]
        assert 1 <= in_flight <= 4, at_kill  # the email channel's concurrency
        assert at_kill["pending"] >= 1, "killed too late"

        second = Daemon(config, port).start()
        restarted = time.monotonic()
        assert second.read_notify("READY=1"), second.kill()
        finished = wait_for(lambda: statuses(db)["sent"] == PEOPLE, 30)
        took = time.monotonic() - restarted
        code, log = second.stop()
        assert finished, (statuses(db), log)
        assert took < 30
        assert code == 0, log
        assert "left sending by daemon:" in log  # the start-up pass freed the dead claims
    counts = Counter(sink.recipients)
    assert set(counts) == {f"p{i}@example.com" for i in range(PEOPLE)}  # nothing skipped
    assert sum(n - 1 for n in counts.values()) <= in_flight  # only those in flight may repeat
    assert statuses(db) == Counter({"sent": PEOPLE})
