"""The delivery log and one delivery pass: claim before send, retry with backoff, never re-send.

Tables (component "delivery" of the state database):

- `reminder`: one row per issued reminder or alert, key (person, cycle, kind, lead). What
  `schedule.due_reminders` reads as "already issued".
- `delivery`: one row per (person, cycle, kind, lead, part, channel, recipient), unique. A digest
  row uses person = "@digest:<group>" (or "@escalation"), cycle = the pass day, kind = "digest",
  lead = the digest's number that day, part = its part when split. The rendered title and body are
  stored, so a retry sends exactly what was claimed.

Row states: pending → sending → sent | failed → (sending again when its wait is over) → dead after
`max_attempts`; cancelled when the step was done before a retry got through.

A pass (`Delivery.run_pass`) is synchronous and safe to repeat on the same day:

1. compute the due reminders (pure) from the plans and the `reminder` keys;
2. in **one transaction**, insert those reminders and all their delivery rows as `pending`
   (a concurrent pass that inserted the same reminder first wins; ours is dropped);
3. send every row that is pending, failed with its wait over, or stuck in `sending` for longer
   than `notify.stale_sending_seconds` — each first moved to `sending` with a compare-and-set,
   so two passes never send the same row at the same time — and mark it sent, failed (with the
   reason, the attempt count and the next attempt time) or dead.

Sends overlap: each channel has up to its `concurrency` sends in flight (4 for email and
Telegram, 1 elsewhere), in worker threads that only call `channel.send`. Every database read and
write stays on the thread that runs the pass, on its one connection: a row is claimed just before
its send is submitted and recorded when that send returns, so a claimed row is never older than
its own send (far below `notify.stale_sending_seconds`). `should_stop` ends a pass early:
nothing more is submitted, the sends in flight are waited for and recorded, and every other row
stays pending (or failed) for the next pass.

Crash safety: a crash after step 2 leaves pending rows, sent by the next pass (no duplicate). A
crash *during* a send leaves a `sending` row; after `notify.stale_sending_seconds` it is treated
as failed and sent again. That is the one case where a person can get a message twice: the
message left but the confirmation was never written. Confirmed (`sent`) rows are never sent again.

The daemon should run passes in a worker thread (`asyncio.to_thread`) with APScheduler
`max_instances=1`; the compare-and-set makes an overlapping `renewd notify --due` harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from renewd.channels.transports import Channel, Result, build_channels
from renewd.core.messages import Format, Message, digest_messages, lang_of, reminder_message
from renewd.core.model import Lang, MilestoneKind, PersonPlan
from renewd.core.schedule import LeadRules, Reminder, ReminderKey, due_reminders
from renewd.settings import NotifySettings, Settings
from renewd.store.database import Database
from renewd.store.leavers import Leavers

if TYPE_CHECKING:
    from renewd.service.app import App

log = logging.getLogger(__name__)

ESCALATION = "@escalation"
DIGEST = "digest"

SCHEMA = [
    """
    CREATE TABLE reminder (
        person TEXT NOT NULL,
        cycle TEXT NOT NULL,
        kind TEXT NOT NULL,
        lead INTEGER NOT NULL,
        fire_on TEXT NOT NULL,
        issued_on TEXT NOT NULL,
        late INTEGER NOT NULL,
        PRIMARY KEY (person, cycle, kind, lead)
    );
    CREATE TABLE delivery (
        id INTEGER PRIMARY KEY,
        person TEXT NOT NULL,
        cycle TEXT NOT NULL,
        kind TEXT NOT NULL,
        lead INTEGER NOT NULL,
        part INTEGER NOT NULL DEFAULT 0,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        sent_at REAL,
        late INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        format TEXT NOT NULL,
        UNIQUE (person, cycle, kind, lead, part, channel, recipient)
    );
    CREATE INDEX delivery_work ON delivery (status, next_at);
    CREATE INDEX delivery_person ON delivery (person, created_at)
    """,
]

PENDING, SENDING, SENT, FAILED, DEAD, CANCELLED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "dead",
    "cancelled",
)


@dataclass(frozen=True)
class Outcome:
    """One delivery row as a pass saw it."""

    person: str
    kind: str
    lead: int
    channel: str
    recipient: str
    late: bool = False
    attempts: int = 0
    reason: str = ""
    part: int = 0

    def describe(self) -> str:
        to = self.recipient or "(configured)"
        what = f"{self.person} {self.kind} {self.lead:+d}"
        if self.kind == DIGEST:
            what = f"{self.person} {DIGEST} #{self.lead} part {self.part + 1}"
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
    cancelled: list[Outcome] = field(default_factory=list)  # step done before a retry
    purged: list[str] = field(default_factory=list)  # leavers whose data was deleted
    planned: list[Outcome] = field(default_factory=list)  # dry run: what would be claimed
    skipped: list[str] = field(default_factory=list)  # reminders no channel can deliver
    issued: int = 0  # new reminders and alerts this pass
    stopped: bool = False  # `should_stop` ended the pass early; the rest waits for the next

    @property
    def ok(self) -> bool:
        return not self.failed and not self.dead


@dataclass(frozen=True)
class _Claim:
    reminder: Reminder | None
    person: str
    cycle: dt.date
    kind: str
    lead: int
    part: int
    channel: str
    recipient: str
    message: Message
    late: bool


def rules_from(notify: NotifySettings, grace_days: int) -> LeadRules:
    return LeadRules(
        default=notify.lead_days,
        by_kind=notify.lead_days_by_kind,
        by_person=notify.lead_days_by_person,
        overdue_every_days=notify.overdue_every_days,
        grace_days=grace_days,
    )


class Delivery:
    """The delivery log of one state database, and passes over it."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        channels: Mapping[str, Channel],
        *,
        move: Callable[[dt.date], dt.date] | None = None,
    ) -> None:
        """`move` maps a fire date to the day it is sent (previous working day) when
        `notify.workdays_only` is set; `run_pass(app, ...)` passes the calendar's."""
        self.db = db
        self.settings = settings
        self.notify = settings.notify
        self.channels = channels
        self.move = move
        self.rules = rules_from(settings.notify, settings.policy.grace_days)
        db.ensure_schema("delivery", SCHEMA)

    # -- reading the log ---------------------------------------------------------------------

    def issued(self, since: dt.date | None = None) -> set[ReminderKey]:
        sql = "SELECT person, cycle, kind, lead FROM reminder"
        args: tuple[str, ...] = ()
        if since is not None:
            sql += " WHERE cycle >= ?"
            args = (since.isoformat(),)
        return {
            ReminderKey(r[0], dt.date.fromisoformat(r[1]), r[2], r[3])
            for r in self.db.conn.execute(sql, args)
        }

    def latest_pass_day(self) -> dt.date | None:
        """The latest day reminders were issued for."""
        row = self.db.conn.execute("SELECT MAX(issued_on) FROM reminder").fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def counts(self) -> dict[str, int]:
        """Delivery rows by status, for health and metrics."""
        rows = self.db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status")
        return dict(rows.fetchall())

    def history(self, person: str | None = None, limit: int = 200) -> list[dict[str, object]]:
        sql = (
            "SELECT person, cycle, kind, lead, part, channel, recipient, status, attempts,"
            " late, reason, title, created_at, updated_at, sent_at FROM delivery"
        )
        args: tuple[object, ...] = ()
        if person is not None:
            sql += " WHERE person = ?"
            args = (person,)
        sql += " ORDER BY id DESC LIMIT ?"
        return [dict(row) for row in self.db.conn.execute(sql, (*args, limit))]

    # -- one pass ------------------------------------------------------------------------------

    def run_pass(
        self,
        plans: Sequence[PersonPlan],
        today: dt.date,
        now: dt.datetime,
        *,
        dry_run: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> PassReport:
        """Issue what is due on `today` and (re)send what is waiting. `now` is an aware datetime
        used for retry times; the pass adds its own elapsed time (monotonic) as it goes.

        `should_stop` is asked before each send is submitted; once it answers True the pass
        submits nothing more, waits for the sends in flight, records them and returns with
        `report.stopped` set. Rows it did not submit stay as they were (pending, or failed with
        their wait), so the next pass sends them, once."""
        report = PassReport(today=today, dry_run=dry_run)
        since = today - dt.timedelta(days=800)  # cycles older than two years cannot be due
        reminders = due_reminders(plans, today, self.rules, self.issued(since), self.move)
        latest = self.latest_pass_day()
        if latest is not None and today < latest:
            # `--today` in the past or a clock set back: what a later day already superseded
            # must not go out; retries of what is waiting still do.
            log.warning(
                "pass day %s is before the last pass day %s: issuing nothing new", today, latest
            )
            reminders = []
        if dry_run:
            report.planned = [self._outcome_of(c) for c in self._claims(reminders, today, report)]
            report.issued = len(reminders)
            return report
        started = time.monotonic()

        def stamp() -> float:
            return now.timestamp() + (time.monotonic() - started)

        report.issued = self._claim(reminders, today, stamp(), report)
        self._send_waiting(plans, stamp, report, should_stop)
        if plans:
            present = {plan.person.id for plan in plans}
            retain = self.settings.state.retain_days
            report.purged = Leavers(self.db).update(present, today, retain)
        return report

    # -- building the claims -----------------------------------------------------------------

    def _claims(
        self, reminders: Sequence[Reminder], today: dt.date, report: PassReport
    ) -> list[_Claim]:
        default_lang = self.settings.language
        claims: list[_Claim] = []
        by_group: dict[str, list[Reminder]] = defaultdict(list)
        escalations: list[Reminder] = []
        for reminder in reminders:
            if reminder.escalate:
                escalations.append(reminder)
            if reminder.milestone is None:
                continue
            person = reminder.plan.person
            if person.group in self.settings.groups:
                by_group[person.group].append(reminder)
            lang = lang_of(reminder.plan, default_lang)
            rendered: dict[Format, Message] = {}
            reached = False
            for channel in self.channels.values():
                address = channel.address(person)
                if not address:
                    continue
                message = rendered.get(channel.format)
                if message is None:
                    message = reminder_message(reminder, today, lang, channel.format)
                    rendered[channel.format] = message
                claims.append(self._claim_of(reminder, channel.name, address, message))
                reached = True
            if not reached:
                report.skipped.append(f"{person.id} {reminder.kind.value}: no personal channel")
        for group, items in sorted(by_group.items()):
            names = self.settings.groups[group].channels
            claims += self._digest_claims(f"@digest:{group}", group, names, items, today)
        if escalations and self.notify.escalate_to:
            claims += self._digest_claims(
                ESCALATION, "", self.notify.escalate_to, escalations, today, escalation=True
            )
        return claims

    def _claim_of(self, r: Reminder, channel: str, recipient: str, message: Message) -> _Claim:
        return _Claim(
            reminder=r,
            person=r.plan.person.id,
            cycle=r.plan.cycle,
            kind=r.kind.value,
            lead=r.lead,
            part=0,
            channel=channel,
            recipient=recipient,
            message=message,
            late=r.late,
        )

    def _digest_claims(
        self,
        key: str,
        heading: str,
        channel_names: Iterable[str],
        items: Sequence[Reminder],
        today: dt.date,
        *,
        escalation: bool = False,
    ) -> list[_Claim]:
        claims = []
        lang: Lang = self.settings.language
        number = self._next_digest_number(key, today)
        for name in channel_names:
            channel = self.channels.get(name)
            if channel is None or not channel.fixed:
                continue
            parts = digest_messages(
                items,
                today,
                lang,
                channel.format,
                heading=heading,
                escalation=escalation,
                max_bytes=channel.max_bytes,
            )
            for part, message in enumerate(parts):
                claims.append(
                    _Claim(None, key, today, DIGEST, number, part, name, "", message, False)
                )
        return claims

    def _next_digest_number(self, key: str, today: dt.date) -> int:
        row = self.db.conn.execute(
            "SELECT MAX(lead) FROM delivery WHERE person = ? AND cycle = ? AND kind = ?",
            (key, today.isoformat(), DIGEST),
        ).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    @staticmethod
    def _outcome_of(c: _Claim) -> Outcome:
        return Outcome(c.person, c.kind, c.lead, c.channel, c.recipient, c.late, 0, "", c.part)

    # -- claiming ------------------------------------------------------------------------------

    def _claim(
        self, reminders: Sequence[Reminder], today: dt.date, at: float, report: PassReport
    ) -> int:
        """Insert the reminders and their deliveries as pending, all or nothing.

        One write transaction: a concurrent pass (a cron `notify --due` beside the daemon) waits,
        then finds the reminders issued. Messages and digests are built from the reminders this
        pass won, inside the transaction, so two passes never send the same digest twice."""
        with self.db.transaction() as conn:
            lost: set[ReminderKey] = set()
            for r in reminders:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO reminder"
                    " (person, cycle, kind, lead, fire_on, issued_on, late)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (r.plan.person.id, r.plan.cycle.isoformat(), r.kind.value, r.lead,
                     r.fire_on.isoformat(), today.isoformat(), int(r.late)),
                )  # fmt: skip
                if cur.rowcount == 0:
                    lost.add(r.key)  # another pass issued it first
            won = [r for r in reminders if r.key not in lost]
            claims = self._claims(won, today, report)
            conn.executemany(
                "INSERT OR IGNORE INTO delivery (person, cycle, kind, lead, part, channel,"
                " recipient, status, attempts, next_at, created_at, updated_at, late,"
                " title, body, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.person, c.cycle.isoformat(), c.kind, c.lead, c.part, c.channel,
                     c.recipient, PENDING, at, at, at, int(c.late), c.message.title,
                     c.message.body, c.message.format.value)
                    for c in claims
                ],
            )  # fmt: skip
        return len(reminders) - len(lost)

    # -- sending -------------------------------------------------------------------------------

    def _send_waiting(
        self,
        plans: Sequence[PersonPlan],
        stamp: Callable[[], float],
        report: PassReport,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        now = stamp()
        stale = now - self.notify.stale_sending_seconds
        rows = self.db.conn.execute(
            "SELECT * FROM delivery WHERE status = ?"
            " OR (status = ? AND next_at <= ?) OR (status = ? AND updated_at <= ?) ORDER BY id",
            (PENDING, FAILED, now, SENDING, stale),
        ).fetchall()
        # A retry for a step that is now done (or a cycle that is over) is cancelled, and so
        # is everything waiting for someone who left the roster (a roster that failed to load
        # gives no plans at all, so it cancels nothing).
        planned = {p.person.id: p for p in plans}
        open_steps = {
            (p.person.id, p.cycle.isoformat(), m.kind.value)
            for p in plans
            for m in p.milestones
            if m.done_on is None
        }
        known_kinds = {k.value for k in MilestoneKind}
        queues: dict[str, deque[sqlite3.Row]] = defaultdict(deque)
        for row in rows:
            if plans and not row["person"].startswith("@") and row["person"] not in planned:
                self._finish(row, CANCELLED, stamp(), "left the roster", row["attempts"])
                report.cancelled.append(_outcome_of_row(row, row["attempts"]))
                continue
            if (
                row["kind"] in known_kinds
                and row["person"] in planned
                and (row["person"], row["cycle"], row["kind"]) not in open_steps
            ):
                self._finish(row, CANCELLED, stamp(), "the step is done", row["attempts"])
                report.cancelled.append(_outcome_of_row(row, row["attempts"]))
                continue
            queues[row["channel"]].append(row)
        self._send_queues(queues, stamp, report, should_stop)

    def _send_queues(
        self,
        queues: Mapping[str, deque[sqlite3.Row]],
        stamp: Callable[[], float],
        report: PassReport,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        """Send each channel's rows in id order, up to its `concurrency` at a time.

        Only `channel.send` runs in the worker threads; every read and write of the database
        happens here, on the calling thread. A row is claimed (compare-and-set to `sending`) just
        before its send is submitted, so no row waits in `sending` behind others, and a stop
        leaves every row that was not submitted as it was (pending, or failed)."""
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
                            sending = self._take(queue.popleft(), stamp)
                            if sending is None:
                                continue  # another pass took it
                            if sending.channel is None:
                                reason = f"channel {name} is no longer configured"
                                self._record(sending, Result(False, reason), stamp(), report)
                                continue
                            future = pool.submit(sending.channel.send, sending.message,
                                                 sending.recipient)  # fmt: skip
                            in_flight[future] = sending
                            busy[name] += 1
                    if not in_flight:
                        break
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        sending = in_flight.pop(future)
                        busy[sending.outcome.channel] -= 1
                        self._record(sending, _result_of(future), stamp(), report)
            finally:
                # Only after an error on this thread (KeyboardInterrupt, a database error):
                # record the sends already out, so they do not wait in `sending` to be re-sent.
                for future in as_completed(list(in_flight)):
                    self._record(in_flight.pop(future), _result_of(future), stamp(), report)
        if report.stopped:
            left = sum(len(q) for q in queues.values())
            log.info("delivery pass stopped early; %d deliveries wait for the next pass", left)

    def _concurrency(self, name: str) -> int:
        channel = self.channels.get(name)
        return 1 if channel is None else max(1, channel.concurrency)

    def _take(self, row: sqlite3.Row, stamp: Callable[[], float]) -> _Sending | None:
        """Claim `row` for this pass (compare-and-set to `sending`), or None if another pass has
        changed it since it was read."""
        attempts = int(row["attempts"]) + 1
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE delivery SET status = ?, attempts = ?, updated_at = ?"
                " WHERE id = ? AND status = ? AND attempts = ?",
                (SENDING, attempts, stamp(), row["id"], row["status"], row["attempts"]),
            )
        if cur.rowcount != 1:
            return None
        message = Message(str(row["title"]), str(row["body"]), Format(str(row["format"])))
        return _Sending(
            row, _outcome_of_row(row, attempts), self.channels.get(str(row["channel"])), message
        )

    def _record(
        self, sending: _Sending, result: Result, done_at: float, report: PassReport
    ) -> None:
        """Mark a claimed row sent, failed (with its next attempt time) or dead."""
        row, attempts = sending.row, sending.outcome.attempts
        outcome = replace(sending.outcome, reason=result.reason)
        if result.ok:
            self._finish(row, SENT, done_at, "", attempts, sent=True)
            report.sent.append(outcome)
            return
        log.warning("delivery failed (attempt %d): %s", attempts, outcome.describe())
        if attempts >= self.notify.max_attempts or sending.channel is None:
            self._finish(row, DEAD, done_at, result.reason, attempts)
            report.dead.append(outcome)
            return
        waits = self.notify.retry_after_seconds
        wait_s = waits[min(attempts - 1, len(waits) - 1)]
        self._finish(row, FAILED, done_at, result.reason, attempts, next_at=done_at + wait_s)
        report.failed.append(outcome)

    def _finish(
        self,
        row: sqlite3.Row,
        status: str,
        at: float,
        reason: str,
        attempts: object,
        *,
        sent: bool = False,
        next_at: float | None = None,
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE delivery SET status = ?, updated_at = ?, reason = ?, attempts = ?,"
                " sent_at = CASE WHEN ? THEN ? ELSE sent_at END,"
                " next_at = COALESCE(?, next_at) WHERE id = ?",
                (status, at, reason, attempts, sent, at, next_at, row["id"]),
            )


@dataclass(frozen=True)
class _Sending:
    """A row this pass has claimed, with what to send and where."""

    row: sqlite3.Row
    outcome: Outcome  # attempts counts this one
    channel: Channel | None
    message: Message

    @property
    def recipient(self) -> str:
        return str(self.row["recipient"])


def _outcome_of_row(row: sqlite3.Row, attempts: int) -> Outcome:
    return Outcome(
        row["person"], row["kind"], row["lead"], row["channel"], row["recipient"],
        bool(row["late"]), attempts, "", row["part"],
    )  # fmt: skip


def _result_of(future: Future[Result]) -> Result:
    try:
        return future.result()
    except Exception as exc:  # Channel.send does not raise; if it ever does, fail this row only
        log.error("a send raised", exc_info=exc)
        return Result(False, f"unexpected {type(exc).__name__} (see the log)")


def open_delivery(app: App, channels: Mapping[str, Channel] | None = None) -> Delivery:
    db = Database.in_dir(app.settings.state.dir)
    move = None
    if app.settings.notify.workdays_only:
        calendar = app.calendar

        def move(day: dt.date) -> dt.date:
            return calendar.last_workday(day).date

    chans = build_channels(app.settings) if channels is None else channels
    return Delivery(db, app.settings, chans, move=move)


def run_pass(
    app: App,
    today: dt.date,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    channels: Mapping[str, Channel] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PassReport:
    """One delivery pass for the daemon or `renewd notify --due` (synchronous; see module doc).
    `should_stop` ends it early and cleanly, as in `Delivery.run_pass`."""
    delivery = open_delivery(app, channels)
    try:
        plans = app.plans(today, delivery.db)
        return delivery.run_pass(plans, today, now, dry_run=dry_run, should_stop=should_stop)
    finally:
        delivery.db.close()
