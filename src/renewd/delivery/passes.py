"""One delivery pass: claim before send, retry with backoff, never re-send.

The delivery log (`renewd.store.deliveries`) holds what was issued and every delivery row. A pass
(`Delivery.run_pass`) is synchronous and safe to repeat on the same day:

1. compute the due reminders (pure) from the plans, the issued keys, the people renewd has
   written to (the others get a first-contact status) and the days passes ran (late = renewd was
   not running);
2. route them to one message per recipient (`renewd.delivery.outbox`) and, in **one
   transaction**, insert those reminders and all their delivery rows as `pending` (a concurrent
   pass that inserted the same reminder first wins; ours is dropped);
3. send every row that is pending, failed with its wait over, or left `sending` by a process
   that is gone (`renewd.delivery.holders`: a dead pid, an expired lease) — each first moved to
   `sending` with a compare-and-set, so two passes never send the same row at the same time —
   and mark it sent, failed (with the reason, the attempt count and the next attempt time) or
   dead (`renewd.delivery.sending`).

A pass sees only what it is given: the plans, the channels and the state database. It never
plans, builds channels or opens a connection of its own, so the daemon's plans and channels (the
WeCom access token with them) serve every pass.

Sends overlap: each channel has up to its `concurrency` sends in flight (4 for email and
Telegram, 1 elsewhere), in worker threads that only call `channel.send`.

Crash safety: a crash after step 2 leaves pending rows, sent by the next pass (no duplicate). A
crash *during* a send leaves `sending` rows (at most the channels' `concurrency` of them), held
by the dead process: the restarted daemon frees them at once, any pass frees them when their
holder's pid is gone or its lease (30 s) ran out, and they are sent again. That is the one case
where a person can get a message twice: the message left but the confirmation was never
written. Confirmed (`sent`) rows are never sent again.

The daemon runs passes in a worker thread (`asyncio.to_thread`), one at a time; the
compare-and-set makes an overlapping `renewd notify --due` harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Mapping, Sequence

from renewd.channels.base import Channel
from renewd.core.documents import DocumentPlan
from renewd.core.errors import Problem
from renewd.core.estimate import Estimate
from renewd.core.model import PersonPlan
from renewd.core.readers import readers_of
from renewd.core.reminders import MessageKey, Reminder, ReminderKey
from renewd.core.repeats import pass_day_before
from renewd.core.schedule import PassHistory, rest_day
from renewd.delivery.calendar_notes import CalendarMail
from renewd.delivery.doc_pass import is_step, open_step_keys, pass_reminders, people
from renewd.delivery.holders import Holder, HolderKind, is_gone, this_process
from renewd.delivery.outbox import Extra, Outbox, build, joined
from renewd.delivery.roster_notes import RosterNotes
from renewd.delivery.routes import reroute_waiting, routes_of
from renewd.delivery.rules import rules_from, workday_move
from renewd.delivery.sending import Outcome, PassReport, Sender
from renewd.settings import Settings
from renewd.store.claims import Claims
from renewd.store.database import Database, StateUnwritable
from renewd.store.deliveries import DeliveryLog
from renewd.store.delivery_rows import DeliveryRow, DeliveryStatus, NewDelivery, ReminderFact
from renewd.store.leavers import Leavers

log = logging.getLogger(__name__)

__all__ = ["Delivery", "Outcome", "PassReport", "rules_from", "workday_move"]


class Delivery:
    """The delivery log of one state database, and passes over it on `channels`."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        channels: Mapping[str, Channel],
        *,
        move: Callable[[dt.date], dt.date] | None = None,
        extra: Extra | None = None,
        holder: Holder | None = None,
        under_lock: bool = False,
        unrecorded: dict[int, Callable[[], None]] | None = None,
    ) -> None:
        """`move` maps a fire date to the day it is sent (previous working day) when
        `notify.workdays_only` is set: see `workday_move`. `extra` adds sections to each
        person's one message (see `renewd.delivery.outbox`). Claims are made as `holder`
        (default: this process, as a command); `under_lock`: the caller is the daemon holding
        the state lock, so claims of any other daemon are known to be dead. `unrecorded`:
        outcomes a full disk refused (`Sender.unrecorded`), kept across passes by the daemon."""
        self.holder = holder or this_process(HolderKind.COMMAND)
        # A shared database (PostgreSQL): other daemons may be alive, the state lock says nothing.
        self.under_lock = under_lock and not db.dialect.shared
        self.db = db
        self.log = DeliveryLog(db)
        self.settings = settings
        self.notify = settings.notify
        self.policy = settings.policy.core()
        self.channels = channels
        self.move = move
        self.extra = extra
        self.rules = rules_from(settings.notify, settings.policy.grace_days)
        self.unrecorded = {} if unrecorded is None else unrecorded

    def issued(self, since: dt.date | None = None) -> set[ReminderKey]:
        return self.log.issued(since)

    def counts(self) -> dict[DeliveryStatus, int]:
        """Delivery rows by status, for health and metrics."""
        return self.log.counts()

    def history(self, person: str | None = None, limit: int = 200) -> list[DeliveryRow]:
        return self.log.history(person, limit)

    def rescue(self, at: float) -> int:
        """Free the rows left `sending` by holders that are gone (`renewd.delivery.holders`), so
        that this pass sends them again at once. Returns how many."""
        claims, freed = Claims(self.db), 0
        for text in claims.holders():
            holder = Holder.parse(text)
            if holder is None or not is_gone(holder, self.holder, under_lock=self.under_lock):
                continue  # a live holder, or a claim of 0.1.0: its lease or age decides
            count = claims.release(text, at)
            log.warning("%d deliveries left sending by %s (gone) will be sent again", count, text)
            freed += count
        return freed

    # -- one pass ------------------------------------------------------------------------------

    def run_pass(
        self,
        plans: Sequence[PersonPlan],
        today: dt.date,
        now: dt.datetime,
        *,
        dry_run: bool = False,
        should_stop: Callable[[], bool] | None = None,
        catch_up_only: bool = False,
        notices: Mapping[str, Sequence[Problem]] | None = None,
        calendar_warning: Estimate | None = None,
        documents: Sequence[DocumentPlan] = (),
        on_roster: Collection[str] = (),
    ) -> PassReport:
        """Issue what is due on `today` and (re)send what is waiting. `now` is an aware datetime
        used for retry times; the pass adds its own elapsed time (monotonic) as it goes.

        `should_stop` is asked before each send is submitted; once it answers True the pass
        submits nothing more, waits for the sends in flight, records them and returns with
        `report.stopped` set. Rows it did not submit stay as they were (pending, or failed with
        their wait), so the next pass sends them, once.

        Reminders and digests go out at `send_at`, never on a rest day with `workdays_only`;
        a sweep in between (`catch_up_only`) issues nothing new once a pass ran for `today`:
        it sends retries, and catches up only when no pass ran for `today` yet (after downtime).

        `notices`: roster problems by group ("" = no group), from `read_partial`; each one HR
        was not told of yet goes out once (`renewd.delivery.roster_notes`).

        A pass that issues also carries the pending "dates moved" notes, inside each recipient's
        one message (or in one of their own for a recipient it writes nothing else), and once a
        week `calendar_warning` to the escalation channels (`renewd.delivery.calendar_notes`).
        `documents`: the other documents' plans, reminded in the same messages (`doc_pass`).
        `on_roster`: ids on the roster the plans leave out (a document that cannot be planned):
        not "left the roster", so nothing of theirs is cancelled or purged."""
        report = PassReport(today=today, dry_run=dry_run)
        if not dry_run:
            self._write_unrecorded()
        history = PassHistory(self.log.pass_days())
        # A sweep catches up a day no pass ran for, but never starts a new install on
        # yesterday's reminders (a start before `send_at`): its first pass is at `send_at`.
        issue = not catch_up_only or (
            today not in history.days and (bool(history.days) or today >= now.date())
        )
        latest = max(history.days, default=None)
        if issue and latest is not None and today < latest:
            # `--today` in the past or a clock set back: what a later day already superseded
            # must not go out; retries of what is waiting still do.
            log.warning(
                "pass day %s is before the last pass day %s: issuing nothing", today, latest
            )
            issue = False
        resting = issue and rest_day(today, self.move)  # `workdays_only`: the next working day
        issue, notices = issue and not resting, None if resting else notices
        known = self.log.known_people()
        reminders: list[Reminder] = []
        if issue:
            since = today - dt.timedelta(days=800)  # cycles older than two years cannot be due
            issued, dues = self.issued(since), self.log.dues(since)
            before = self.log.last_said(pass_day_before(today, self.move))
            said = {(key.person, key.kind) for keys in before.values() for key in keys}
            reminders = pass_reminders(
                plans,
                documents,
                today,
                self.rules,
                issued,
                self.move,
                known,
                history,
                dues,
                self.policy.owners,
                readers_of(routes_of(self.settings, self.channels)),
                said,
            )
        told = RosterNotes(self.db, self.settings, self.channels, notices or {})
        mail = CalendarMail(self.db, self.settings, self.channels, plans, today, calendar_warning)
        if dry_run:
            if issue:
                mail.begin()
            told.begin()
            claims = [*self._outbox(reminders, today, report, mail, told).claims]
            notes, rest = told.rest(today, False), mail.rest() if issue else []
            report.messages += sum(1 for d in notes + rest if d.part == 0)  # on their own
            claims += notes
            report.planned = [_planned(d) for d in claims + rest]
            report.issued = len(reminders) + len(rest)
            return report
        started = time.monotonic()

        def stamp() -> float:
            return now.timestamp() + (time.monotonic() - started)

        if issue:
            seen = [i for i in people(plans, documents) if known is None or i not in known]

            def deliveries(won: list[Reminder]) -> list[NewDelivery]:
                mail.begin(self.db.conn)  # inside the claim's transaction, as are the `rest`s
                told.begin()
                claims = list(self._outbox(won, today, report, mail, told).claims)
                rest = mail.rest(self.db.conn) + told.rest(today, True)
                report.messages += sum(1 for d in rest if d.part == 0)  # messages of their own
                return claims + rest

            report.issued = self.log.claim(reminders, deliveries, today, stamp(), seen)
        elif resting:  # the day counts as run: "late" stays true
            self.log.ran(today, stamp(), [i for i in people(plans, documents) if known is None])
        if notices and not issue:  # a claim of their own: each commits with its "told" record
            Claims(self.db).add(lambda: told.build(today, True), stamp())
        self.rescue(stamp())
        # A pass submits new sends for at most one sweep: slow peers cannot stretch it into the
        # next; sends in flight finish under their own timeouts, the rest wait for the next pass.
        deadline = started + self.notify.sweep_seconds

        def stop() -> bool:  # the sweep's time ends a pass once it has sent something: one
            # whose preparation alone outlasted it (a slow database) would never send at all
            spent = time.monotonic() > deadline and sender.submitted > 0
            return spent or (should_stop is not None and should_stop())

        sender = Sender(
            self.log,
            self.channels,
            self.notify,
            stamp,
            report,
            str(self.holder),
            unrecorded=self.unrecorded,
        )
        sender.send(self._queues(plans, stamp, report, documents, on_roster), stop)
        if self.unrecorded:
            refusal = sender.refusal or StateUnwritable("the state database refused a write")
            raise type(refusal)(
                f"{refusal.message.rstrip('.')}; {len(self.unrecorded)} sent deliveries could not"
                " be recorded (a daemon keeps them until it can; after a one-shot command they"
                " may repeat once)"
            )
        if plans or documents:
            present = set(people(plans, documents)) | set(on_roster)
            retain = self.settings.state.retain_days
            report.purged = Leavers(self.db).update(present, today, retain)
        return report

    def _write_unrecorded(self) -> None:
        """Outcomes a full disk refused last time, first (raises while it still refuses)."""
        for row_id, write in list(self.unrecorded.items()):
            write()
            del self.unrecorded[row_id]

    # -- what to send --------------------------------------------------------------------------

    def _outbox(
        self,
        reminders: Sequence[Reminder],
        today: dt.date,
        report: PassReport,
        mail: CalendarMail | None = None,
        told: RosterNotes | None = None,
    ) -> Outbox:
        """One message per recipient for `reminders` (see `renewd.delivery.outbox`), with the
        calendar mail's and the roster notes' sections inside."""
        number = self.log.next_pass_number(today)
        digest_extra = joined(
            mail.digest_extra if mail else None, told.digest_extra if told else None
        )
        moved = mail.extra if mail else None  # news, unlike the action links of `self.extra`
        hooks = (self.extra, digest_extra, moved)  # the last: for relayed people
        said = self.log.last_said(pass_day_before(today, self.move))
        outbox = build(
            reminders, today, number, self.settings, self.policy, self.channels, *hooks, said, moved
        )
        report.repeated = outbox.repeated
        report.skipped += outbox.unheard
        report.messages = outbox.messages
        report.first_contacts = len({r.plan.person.id for r in reminders if r.first})
        report.late = sum(1 for r in reminders if r.late)
        report.facts = {r.key: ReminderFact(r.fire_on, today, r.late, r.first) for r in reminders}
        return outbox

    # -- what is waiting -----------------------------------------------------------------------

    def _queues(
        self,
        plans: Sequence[PersonPlan],
        stamp: Callable[[], float],
        report: PassReport,
        documents: Sequence[DocumentPlan] = (),
        on_roster: Collection[str] = (),
    ) -> dict[str, deque[DeliveryRow]]:
        """The waiting rows by channel, in id order; a retry for a step that is now done (or a
        cycle that is over) is cancelled, and so is everything waiting for someone who left the
        roster (a roster that failed to load gives no plans at all, so it cancels nothing). A row
        on a channel that is gone is re-routed (`reroute_waiting`)."""
        now = stamp()
        rows = self.log.waiting(now, now - self.notify.stale_sending_seconds)
        queues: dict[str, deque[DeliveryRow]] = defaultdict(deque)
        if not rows:
            return queues  # the usual sweep: nothing waits, so no need to index the plans
        rows = self.log.with_items(rows)
        if reroute_waiting(
            self.db, self.settings, self.channels, rows, plans, stamp
        ):  # their replacements are waiting now
            rows = self.log.with_items(
                self.log.waiting(now, now - self.notify.stale_sending_seconds)
            )
        planned = set(people(plans, documents))
        open_steps = open_step_keys(plans, documents)

        def closed(key: ReminderKey) -> bool:
            return (
                key.person in planned
                and is_step(key)
                and (key.person, key.cycle, key.kind) not in open_steps
            )

        for row in rows:
            subject = row.subject
            if row.id in self.unrecorded:
                continue  # it went out; only its record is missing
            if (
                planned
                and isinstance(subject, ReminderKey | MessageKey)
                and not subject.person.startswith("@")  # "@moved:…", "@calendar": no person
                and subject.person not in planned
                and subject.person not in on_roster
            ):
                self.log.finish(row, DeliveryStatus.CANCELLED, stamp(), "left the roster")
                report.cancelled.append(Outcome.of(row))
                continue
            # A message whose every step is done since goes with them (its status note too).
            steps = [k for k in row.items if is_step(k)]
            if (isinstance(subject, ReminderKey) and closed(subject)) or (
                steps and all(closed(k) for k in steps)
            ):
                self.log.finish(row, DeliveryStatus.CANCELLED, stamp(), "the step is done")
                report.cancelled.append(Outcome.of(row))
                continue
            queues[row.channel].append(row)
        return queues


def _planned(d: NewDelivery) -> Outcome:
    return Outcome(d.subject, d.channel, d.recipient, d.late, 0, "", d.part, d.items)
