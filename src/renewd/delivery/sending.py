"""Sending the waiting rows of the delivery log: each channel's rows in id order, up to its
`concurrency` at a time, each claimed just before it is sent and recorded when its send returns.

Only `channel.send` runs in the worker threads; every read and write of the database happens on
the thread that runs the pass, on its one connection. A row is claimed in the name of this
process (`renewd.delivery.holders`) with a lease, renewed every `RENEW_SECONDS` while its send is
in flight, so a row whose sender died is free again within `LEASE_SECONDS`. `should_stop` ends
a pass early: nothing more is submitted, the sends in flight are waited for and recorded, and
every other row stays pending (or failed) for the next pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, deque
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field, replace

from renewd.channels.base import Channel, Result
from renewd.core.reminders import Kind, ReminderKey
from renewd.delivery.holders import LEASE_SECONDS, RENEW_SECONDS
from renewd.settings_notify import NotifySettings
from renewd.store.claims import Claims
from renewd.store.database import StateUnwritable
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import DeliveryRow, DeliveryStatus, ReminderFact, Subject, columns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One delivery row as a pass saw it."""

    subject: Subject
    channel: str
    recipient: str
    late: bool = False
    attempts: int = 0
    reason: str = ""
    part: int = 0
    items: tuple[ReminderKey, ...] = ()  # the reminders a message or digest carries

    @property
    def kind(self) -> Kind | None:
        """The reminder's or alert's kind; None for a digest."""
        return self.subject.kind if isinstance(self.subject, ReminderKey) else None

    @classmethod
    def of(cls, row: DeliveryRow) -> Outcome:
        return cls(
            row.subject, row.channel, row.recipient, row.late, row.attempts, "", row.part, row.items
        )

    def describe(self) -> str:
        to = self.recipient or "(configured)"
        who, _, kind, lead = columns(self.subject)
        what = f"{who} {kind} {lead:+d}"
        if kind == "digest":
            what = f"{who} {kind} #{lead} part {self.part + 1}"
        elif kind == "message":
            what = f"{who} message #{lead}"
        if self.items:
            what += f" ({len(self.items)} items)"
        text = f"{what} via {self.channel} to {to}"
        if self.late:
            text += " (late)"
        if self.reason:
            text += f": {self.reason}"
        return text


@dataclass
class PassReport:
    today: dt.date
    dry_run: bool = False
    sent: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)  # will be retried
    dead: list[Outcome] = field(default_factory=list)  # gave up after max_attempts
    purged: list[str] = field(default_factory=list)  # leavers whose data was deleted
    cancelled: list[Outcome] = field(default_factory=list)  # step done before a retry
    planned: list[Outcome] = field(default_factory=list)  # dry run: what would be claimed
    skipped: list[str] = field(default_factory=list)  # reminders no channel can deliver
    issued: int = 0  # new reminders and alerts this pass
    messages: int = 0  # messages built for them (one per recipient; digest parts count once)
    first_contacts: int = 0  # people who heard from renewd for the first time
    late: int = 0  # reminders sent late because renewd was not running on their day
    repeated: int = 0  # messages left out: the reader was told the same the pass day before
    # How this pass issued each reminder (for readable lines, also in a dry run).
    facts: dict[ReminderKey, ReminderFact] = field(default_factory=dict)
    stopped: bool = False  # `should_stop` ended the pass early; the rest waits for the next

    @property
    def ok(self) -> bool:
        return not self.failed and not self.dead


@dataclass(frozen=True)
class _Sending:
    """A row this pass has claimed (attempts counts this one), and the channel to send it on."""

    row: DeliveryRow
    channel: Channel | None


class Sender:
    """Sends queued rows of one pass on `channels`, recording each in `log`."""

    def __init__(
        self,
        log: DeliveryLog,
        channels: Mapping[str, Channel],
        notify: NotifySettings,
        stamp: Callable[[], float],
        report: PassReport,
        holder: str = "",
        unrecorded: dict[int, Callable[[], None]] | None = None,
    ) -> None:
        self.log = log
        self.channels = channels
        self.notify = notify
        self.stamp = stamp
        self.report = report
        self.holder = holder
        self._renewed = 0.0
        self.submitted = 0  # sends this pass has handed to a channel
        # Outcomes the state database refused to take (a full disk), by row id: kept and
        # written first by the next pass, so a message that left is never sent again.
        self.unrecorded = {} if unrecorded is None else unrecorded
        self.refusal: StateUnwritable | None = None  # why the database refused (full, locked)

    def send(
        self, queues: Mapping[str, deque[DeliveryRow]], should_stop: Callable[[], bool] | None
    ) -> None:
        """Send each channel's rows in id order, up to its `concurrency` at a time. A row is
        claimed (compare-and-set to `sending`) just before its send is submitted, so no row waits
        in `sending` behind others, and a stop leaves every row that was not submitted as it was
        (pending, or failed)."""
        report = self.report
        limits = {name: self._concurrency(name) for name in queues}
        if not limits:
            return
        busy: Counter[str] = Counter()
        in_flight: dict[Future[Result], _Sending] = {}
        with ThreadPoolExecutor(sum(limits.values()), thread_name_prefix="renewd-send") as pool:
            try:
                while True:
                    for name, queue in queues.items():
                        while queue and busy[name] < limits[name] and not report.stopped:
                            if should_stop is not None and should_stop():
                                report.stopped = True
                                break
                            sending = self._take(queue.popleft())
                            if sending is None:
                                continue  # another pass took it
                            if sending.channel is None:
                                reason = f"channel {name} is no longer configured"
                                self._record(sending, Result(False, reason))
                                continue
                            future = pool.submit(
                                sending.channel.send, sending.row.message, sending.row.recipient
                            )
                            in_flight[future] = sending
                            busy[name] += 1
                            self.submitted += 1
                    if not in_flight:
                        break
                    done, _ = wait(in_flight, RENEW_SECONDS, return_when=FIRST_COMPLETED)
                    self._renew()
                    for future in done:
                        sending = in_flight.pop(future)
                        busy[sending.row.channel] -= 1
                        self._record(sending, _result_of(future))
            finally:
                # Only after an error on this thread (KeyboardInterrupt, a database error):
                # record the sends already out, so they do not wait in `sending` to be re-sent.
                for future in as_completed(list(in_flight)):
                    self._record(in_flight.pop(future), _result_of(future))
                for name in queues:  # an email channel's connections last one pass
                    if (channel := self.channels.get(name)) is not None:
                        channel.close()
        if report.stopped:
            left = sum(len(q) for q in queues.values())
            log.info("delivery pass stopped early; %d deliveries wait for the next pass", left)

    def _concurrency(self, name: str) -> int:
        channel = self.channels.get(name)
        return 1 if channel is None else max(1, channel.concurrency)

    def _renew(self) -> None:
        """Keep the claims of the sends in flight: a slow send is not taken for a dead one."""
        now = self.stamp()
        if self.holder and now - self._renewed >= RENEW_SECONDS:
            Claims(self.log.db).renew(self.holder, now + LEASE_SECONDS, now)
            self._renewed = now

    def _take(self, row: DeliveryRow) -> _Sending | None:
        now = self.stamp()
        if not self._renewed:
            self._renewed = now
        taken = self.log.take(row, now, self.holder, now + LEASE_SECONDS)
        return None if taken is None else _Sending(taken, self.channels.get(taken.channel))

    def _record(self, sending: _Sending, result: Result) -> None:
        """Mark a claimed row sent, failed (with its next attempt time) or dead."""
        row, done_at, report = sending.row, self.stamp(), self.report
        outcome = replace(Outcome.of(row), reason=result.reason)
        if result.ok:
            self._write(row, lambda: self._finish(row, DeliveryStatus.SENT, done_at))
            report.sent.append(outcome)
            return
        log.warning("delivery failed (attempt %d): %s", row.attempts, outcome.describe())
        if row.attempts >= self.notify.max_attempts or sending.channel is None:
            self._write(row, lambda: self._finish(row, DeliveryStatus.DEAD, done_at, result.reason))
            report.dead.append(outcome)
            return
        waits = self.notify.retry_after_seconds
        wait_s = waits[min(row.attempts - 1, len(waits) - 1)]
        self._write(
            row,
            lambda: self._finish(
                row, DeliveryStatus.FAILED, done_at, result.reason, next_at=done_at + wait_s
            ),
        )
        report.failed.append(outcome)

    def _finish(
        self,
        row: DeliveryRow,
        status: DeliveryStatus,
        at: float,
        reason: str = "",
        next_at: float | None = None,
    ) -> None:
        """Record the outcome of our claim (nothing if it was rescued and claimed again)."""
        self.log.finish(row, status, at, reason, next_at=next_at)

    def _write(self, row: DeliveryRow, write: Callable[[], None]) -> None:
        """Record an outcome; if the database cannot take it, remember it and stop the pass."""
        try:
            write()
        except StateUnwritable as exc:
            self.unrecorded[row.id] = write
            self.refusal = self.refusal or exc
            self.report.stopped = True


def _result_of(future: Future[Result]) -> Result:
    try:
        return future.result()
    except Exception as exc:  # Channel.send does not raise; if it ever does, fail this row only
        log.error("a send raised", exc_info=exc)
        return Result(False, f"unexpected {type(exc).__name__} (see the log)")
