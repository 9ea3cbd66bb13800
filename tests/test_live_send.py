"""A live send is never stolen (issue 11, defect 13): with `stale_sending_seconds` shorter than
a send, a second pass (a cron `renewd notify --due` beside the daemon) must not send the row
that the first pass is still sending."""

from __future__ import annotations

import datetime as dt
import threading
import time

from conftest import PERMIT_DUE, Recorder, at, person, settings
from renewd.channels.base import Result
from renewd.core.letter import Message
from renewd.core.model import MilestoneKind
from renewd.core.plan import Planner
from renewd.delivery.passes import Delivery
from renewd.store.database import Database

ONLY_PERMIT: dict[str, list[int]] = {
    k.value: [] for k in MilestoneKind if k is not MilestoneKind.PERMIT_RENEWAL
}
DAY = PERMIT_DUE - dt.timedelta(days=3)


class Slow(Recorder):
    def __init__(self) -> None:
        super().__init__("rec")
        self.lock = threading.Lock()

    def _send(self, message: Message, recipient: str) -> Result:
        time.sleep(3.0)  # longer than stale_sending_seconds
        with self.lock:
            self.sent.append((message, recipient))
        return Result(True)


def test_a_send_longer_than_stale_sending_seconds_is_not_stolen(
    db: Database, planner: Planner, tmp_path: object
) -> None:
    conf = settings(
        channels=[{"name": "rec", "type": "console"}],
        notify={"stale_sending_seconds": 1, "lead_days_by_kind": ONLY_PERMIT},
        state={"dir": str(db.path.parent)},
    )
    rec = Slow()
    plans = planner.plan_all([person()], DAY)
    first = threading.Thread(
        target=lambda: Delivery(db, conf, {"rec": rec}).run_pass(plans, DAY, at(DAY))
    )
    first.start()
    time.sleep(2.0)  # the first send is in flight, its claim older than stale_sending_seconds
    other = db.again()  # another process's connection
    try:
        later = at(DAY) + dt.timedelta(seconds=2)
        Delivery(other, conf, {"rec": rec}).run_pass(plans, DAY, later)
    finally:
        other.close()
    first.join()
    assert len(rec.sent) == 1
