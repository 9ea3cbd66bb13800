"""Slow SMTP (issue 11, defect 4): a real SMTP server on 127.0.0.1 that answers the end of DATA
after 20 s (RFC 5321 allows 10 minutes) gets each message once, recorded sent."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from conftest import PERMIT_DUE, at, person, settings
from netkit import Sink, free_port
from renewd.channels.factory import build_channels
from renewd.core.plan import Planner
from renewd.delivery.passes import Delivery
from renewd.store.database import Database

pytestmark = pytest.mark.integration

REPLY_AFTER = 20.0


class SlowSink(Sink):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(REPLY_AFTER)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[tuple[Sink, int]]:
    sink, port = SlowSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.mark.slow  # 20 s: the server takes seconds per message on purpose
def test_a_server_slow_to_accept_data_gets_each_message_once(
    slow_smtp: tuple[Sink, int], db: Database, planner: Planner
) -> None:
    sink, port = slow_smtp
    conf = settings(
        channels=[
            {"name": "mail", "type": "email", "host": "127.0.0.1", "port": port,
             "mode": "plain", "sender": "hr@example.com"},
        ],
        notify={"retry_after_seconds": [1]},
    )  # fmt: skip
    delivery = Delivery(db, conf, build_channels(conf))
    day = PERMIT_DUE - dt.timedelta(days=3)
    for hour in (9, 10):  # the pass, then a sweep that would retry a send recorded failed
        report = delivery.run_pass(planner.plan_all([person()], day), day, at(day, hour))
        assert not report.failed, [o.describe() for o in report.failed]
    statuses = dict(db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status"))
    assert set(statuses) == {"sent"}
    assert len(sink.messages) == statuses["sent"]  # each delivery once, none twice
    assert set(sink.recipients) == {"e001@example.com"}


class OnceTooSlow(Sink):
    """Takes the first message but answers its end of DATA only after the client gave up."""

    def __init__(self) -> None:
        super().__init__()
        self.slow = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.slow:
            self.slow = False
            await asyncio.sleep(3.0)
        return await super().handle_DATA(server, session, envelope)


def test_a_send_that_times_out_after_data_is_retried_and_said_to_maybe_repeat(
    db: Database, planner: Planner, caplog: pytest.LogCaptureFixture
) -> None:
    sink, port = OnceTooSlow(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        conf = settings(
            channels=[
                {"name": "mail", "type": "email", "host": "127.0.0.1", "port": port,
                 "mode": "plain", "sender": "hr@example.com", "concurrency": 1},
            ],
            notify={"retry_after_seconds": [1], "smtp_timeout_seconds": 1},
        )  # fmt: skip
        delivery = Delivery(db, conf, build_channels(conf))
        day = PERMIT_DUE - dt.timedelta(days=3)
        plans = planner.plan_all([person()], day)
        first = delivery.run_pass(plans, day, at(day))
        assert first.failed
        assert "may repeat" in first.failed[0].reason
        assert any("may repeat" in r.getMessage() for r in caplog.records)
        import time

        time.sleep(3.5)  # the slow server is done with the first copy meanwhile
        second = delivery.run_pass(plans, day, at(day, 10))
        assert second.sent
        assert not second.failed
        # The retry went out: once if the server dropped the first copy with the connection,
        # twice if it kept it (twice beats never, and the log said it may repeat).
        assert 1 <= len(sink.messages) <= 2
    finally:
        controller.stop()
