"""One delivery pass: claim before send, retry with backoff, never re-send.

The delivery log (`renewd.store.deliveries`) holds what was issued and every delivery row. A pass
(`Delivery.run_pass`) is synchronous and safe to repeat on the same day:

1. compute the due reminders (pure) from the plans, the issued keys, the people renewd has
   written to (the others get a first-contact status) and the days passes ran (late = renewd was
   not running);
2. route them to one message per recipient (`renewd.service.outbox`) and, in **one
   transaction**, insert those reminders and all their delivery rows as `pending` (a concurrent
   pass that inserted the same reminder first wins; ours is dropped);
3. send every row that is pending, failed with its wait over, or left `sending` by a process
   that is gone (`renewd.service.holders`: a dead pid, an expired lease) — each first moved to
   `sending` with a compare-and-set, so two passes never send the same row at the same time —
   and mark it sent, failed (with the reason, the attempt count and the next attempt time) or
   dead (`renewd.service.sending`).

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
from collections.abc import Callable, Mapping, Sequence

from renewd.channels.base import Channel
from renewd.core.errors import Problem
from renewd.core.messages import Section
from renewd.core.model import MilestoneKind, PersonPlan
from renewd.core.reminders import Reminder, ReminderKey
from renewd.core.routing import PersonalEnvelope
from renewd.core.schedule import LeadRules, PassHistory, due_reminders
from renewd.core.workdays import WorkdayCalendar
from renewd.service.holders import Holder, Role, is_gone, this_process
from renewd.service.moved import CalendarMail
from renewd.service.notices import Notices
from renewd.service.outbox import Extra, Outbox, build
from renewd.service.sending import Outcome, PassReport, Sender
from renewd.settings import NotifySettings, Settings
from renewd.store.claims import Claims
from renewd.store.database import Database
from renewd.store.deliveries import (
    DeliveryLog,
    DeliveryRow,
    DeliveryStatus,
    NewDelivery,
    ReminderFact,
)

log = logging.getLogger(__name__)

__all__ = ["Delivery", "Outcome", "PassReport", "rules_from", "workday_move"]


def rules_from(notify: NotifySettings, grace_days: int) -> LeadRules:
    return LeadRules(
        default=notify.lead_days,
        by_kind=notify.lead_days_by_kind,
        by_person=notify.lead_days_by_person,
        overdue_every_days=notify.overdue_every_days,
        grace_days=grace_days,
    )


def workday_move(
    settings: Settings, calendar: WorkdayCalendar
) -> Callable[[dt.date], dt.date] | None:
    """With `notify.workdays_only`: a fire date moved to the previous working day."""
    if not settings.notify.workdays_only:
        return None

    def move(day: dt.date) -> dt.date:
        return calendar.last_workday(day).date

    return move


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
    ) -> None:
        """`move` maps a fire date to the day it is sent (previous working day) when
        `notify.workdays_only` is set: see `workday_move`. `extra` adds sections to each
        person's one message (see `renewd.service.outbox`). Claims are made as `holder`
        (default: this process, as a command); `under_lock`: the caller is the daemon holding
        the state lock, so claims of any other daemon are known to be dead."""
        self.holder = holder or this_process(Role.COMMAND)
        self.under_lock = under_lock
        self.db = db
        self.log = DeliveryLog(db)
        self.settings = settings
        self.notify = settings.notify
        self.policy = settings.policy.core()
        self.channels = channels
        self.move = move
        self.extra = extra
        self.rules = rules_from(settings.notify, settings.policy.grace_days)

    def issued(self, since: dt.date | None = None) -> set[ReminderKey]:
        return self.log.issued(since)

    def counts(self) -> dict[DeliveryStatus, int]:
        """Delivery rows by status, for health and metrics."""
        return self.log.counts()

    def history(self, person: str | None = None, limit: int = 200) -> list[DeliveryRow]:
        return self.log.history(person, limit)

    def rescue(self, at: float) -> int:
        """Free the rows left `sending` by holders that are gone (`renewd.service.holders`), so
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
        calendar_warning: str | None = None,
    ) -> PassReport:
        """Issue what is due on `today` and (re)send what is waiting. `now` is an aware datetime
        used for retry times; the pass adds its own elapsed time (monotonic) as it goes.

        `should_stop` is asked before each send is submitted; once it answers True the pass
        submits nothing more, waits for the sends in flight, records them and returns with
        `report.stopped` set. Rows it did not submit stay as they were (pending, or failed with
        their wait), so the next pass sends them, once.

        Reminders and digests go out at `send_at`; a sweep in between (`catch_up_only`) issues
        nothing new once a pass has run for `today`: it sends retries, and catches up only when
        no pass ran for `today` yet (a start after downtime, or a first start after `send_at`).

        `notices`: roster problems by group ("" = no group), from `read_partial`; each one HR
        was not told of yet goes out once (`renewd.service.notices`).

        A pass that issues also carries the pending "dates moved" notes, inside each recipient's
        one message (or in one of their own for a recipient it writes nothing else), and once a
        week `calendar_warning` to the escalation channels (`renewd.service.moved`)."""
        report = PassReport(today=today, dry_run=dry_run)
        history = PassHistory(self.log.pass_days())
        # A sweep catches up a day no pass ran for, but never starts a new install on
        # yesterday's reminders (a start before `send_at`): its first pass is at `send_at`.
        issue = not catch_up_only or (
            today not in history.days and (bool(history.days) or today >= now.date())
        )
        known = self.log.known_people()
        reminders: list[Reminder] = []
        if issue:
            since = today - dt.timedelta(days=800)  # cycles older than two years cannot be due
            reminders = due_reminders(
                plans, today, self.rules, self.issued(since), self.move,
                known=known, history=history,
            )  # fmt: skip
        told = Notices(self.db, self.settings, self.channels, notices or {})
        mail = CalendarMail(self.db, self.settings, self.channels, plans, today, calendar_warning)
        if dry_run:
            if issue:
                mail.begin()
            claims = [*self._outbox(reminders, today, report, mail).claims,
                      *told.build(today, False)]  # fmt: skip
            rest = mail.rest() if issue else []
            report.planned = [_planned(d) for d in claims + rest]
            report.issued = len(reminders) + len(rest)
            return report
        started = time.monotonic()

        def stamp() -> float:
            return now.timestamp() + (time.monotonic() - started)

        if issue:
            seen = [p.person.id for p in plans if known is None or p.person.id not in known]

            def deliveries(won: list[Reminder]) -> list[NewDelivery]:
                mail.begin(self.db.conn)  # inside the claim's transaction, as is `rest`
                claims = list(self._outbox(won, today, report, mail).claims)
                return claims + mail.rest(self.db.conn)

            report.issued = self.log.claim(reminders, deliveries, today, stamp(), seen)
        if notices:  # a claim of their own: each notice commits with its "told" record
            Claims(self.db).add(lambda: told.build(today, True), stamp())
        self.rescue(stamp())
        sender = Sender(self.log, self.channels, self.notify, stamp, report, str(self.holder))
        sender.send(self._queues(plans, stamp, report), should_stop)
        return report

    # -- what to send --------------------------------------------------------------------------

    def _outbox(
        self,
        reminders: Sequence[Reminder],
        today: dt.date,
        report: PassReport,
        mail: CalendarMail | None = None,
    ) -> Outbox:
        """One message per recipient for `reminders` (see `renewd.service.outbox`), with the
        calendar mail's sections inside."""
        number = self.log.next_pass_number(today)
        extra, digest_extra = self.extra, None
        if mail is not None:
            extra, digest_extra = _joined(self.extra, mail.extra), mail.digest_extra
        outbox = build(reminders, today, number, self.settings, self.policy, self.channels,
                       extra, digest_extra)  # fmt: skip
        report.skipped += outbox.unheard
        report.messages = outbox.messages
        report.first_contacts = len({r.plan.person.id for r in reminders if r.first})
        report.late = sum(1 for r in reminders if r.late)
        report.facts = {r.key: ReminderFact(r.fire_on, today, r.late, r.first) for r in reminders}
        return outbox

    # -- what is waiting -----------------------------------------------------------------------

    def _queues(
        self, plans: Sequence[PersonPlan], stamp: Callable[[], float], report: PassReport
    ) -> dict[str, deque[DeliveryRow]]:
        """The waiting rows by channel, in id order; a retry for a step that is now done (or a
        cycle that is over) is cancelled. People missing from `plans` keep their rows: a roster
        that failed to load cancels nothing."""
        now = stamp()
        rows = self.log.waiting(now, now - self.notify.stale_sending_seconds)
        queues: dict[str, deque[DeliveryRow]] = defaultdict(deque)
        if not rows:
            return queues  # the usual sweep: nothing waits, so no need to index the plans
        rows = self.log.with_items(rows)
        planned = {p.person.id for p in plans}
        open_steps = {
            (p.person.id, p.cycle, m.kind) for p in plans for m in p.milestones if m.done_on is None
        }

        def closed(key: ReminderKey) -> bool:
            return (
                key.person in planned
                and isinstance(key.kind, MilestoneKind)
                and (key.person, key.cycle, key.kind) not in open_steps
            )

        for row in rows:
            subject = row.subject
            # A message whose every step is done since goes with them (its status note too).
            steps = [k for k in row.items if isinstance(k.kind, MilestoneKind)]
            if (isinstance(subject, ReminderKey) and closed(subject)) or (
                steps and all(closed(k) for k in steps)
            ):
                self.log.finish(row, DeliveryStatus.CANCELLED, stamp(), "the step is done")
                report.cancelled.append(Outcome.of(row))
                continue
            queues[row.channel].append(row)
        return queues


def _joined(first: Extra | None, second: Extra) -> Extra:
    if first is None:
        return second

    def both(envelope: PersonalEnvelope) -> Sequence[Section]:
        return (*first(envelope), *second(envelope))

    return both


def _planned(d: NewDelivery) -> Outcome:
    return Outcome(d.subject, d.channel, d.recipient, d.late, 0, "", d.part, d.items)
