"""Which reminders are due on a day: a pure function of (plans, today, settings, what was issued).

A milestone reminder is `days_before` its due date (60, 30, ... 0; negative for overdue repeats:
-2, -4, ...) and is identified by its key (see `renewd.core.reminders`). For each milestone
that is not done, every lead day and every overdue repeat gives a *fire date*; the reminder due on
`today` is the one with the latest fire date on or before `today`. It goes out if its key was
never issued, and is marked late when its fire date is before `today`.

So a daily pass sends each lead day once; a pass after downtime sends only the latest missed
reminder of each milestone, once; earlier missed ones are superseded, never sent afterwards (their
fire date is older than an issued one). Nothing here reads the clock or the database: the caller
passes `issued`, the keys already in the delivery log, `known`, the people renewd has written to
before, and `history`, the days on which passes ran.

Honest words (issue 9): a reminder is *late* only when renewd really was not running on its fire
day (`PassHistory`), and it names those days; a person seen for the first time gets his due
reminders marked `first` (never "late") and a `FirstContact` status. A step is reminded
only once it can start: `points_application` once the permit renewal is recorded or the permit
step's due date has come without a record (automatic endorsements often go unrecorded; the
reminder then says to confirm the endorsement first and record it), each later step once the one
before it is done or due itself (done, while the permit renewal is unrecorded: no "collect the
notice" while the permit is overdue), the notice once the approval is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from renewd.core import critical
from renewd.core.cadence import (
    WEEK,
    Ahead,
    is_news,
    latest_fire,
    lead_window,
    moved,
    pace,
    pulls,
    step_fire_dates,
    still_open,
    summary_week,
)
from renewd.core.cadence import overdue_send_day as overdue_send_day  # where tests find it
from renewd.core.closing import finished
from renewd.core.model import Milestone, MilestoneKind, PersonPlan, Status
from renewd.core.reminders import (
    Alert,
    AlertKind,
    CycleDone,
    FirstContact,
    MilestoneReminder,
    Reminder,
    ReminderKey,
)

K = MilestoneKind


# Steps someone must act on: the configured lead days apply, and overdue repeats follow.
ACTIONABLE = frozenset(
    {K.PERMIT_RENEWAL, K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION, K.COLLECT_NOTICE}
)
# Heads-ups and waits: one reminder on the day unless `[notify.lead_days_by_kind]` says otherwise.
# (A lead of 60 before "the window opens" would only repeat the `prepare` heads-up.)
BUILTIN_LEADS: Mapping[MilestoneKind, tuple[int, ...]] = {
    K.PREPARE: (0,),
    K.PERMIT_WINDOW: (0,),
    K.POINTS_APPROVAL: (0,),
    K.EXPIRY: (0,),
    K.GRACE_END: (7, 1, 0),
}
# A first contact stands in for the next pass's repeat of itself if that pass is this close
# (the next day; under `workdays_only` the Monday after a Friday).
STAND_IN_DAYS = 3
# A heads-up missed during downtime still goes out (late) within this many days of its day.
HEADS_UP_CATCH_UP_DAYS = 7
# Steps that cannot start before the one before them is done: no reminder before they open
# (a "click 续办申请" reminder while the permit is not renewed yet only confuses).
WAIT_TO_OPEN = frozenset({K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION, K.COLLECT_NOTICE})
# An approval that did not come is overdue too (escalate), but the person cannot act on it.
OVERDUE_KINDS = ACTIONABLE | {K.POINTS_APPROVAL}
# What only a recorded submission starts.
AFTER_SUBMISSION = frozenset({K.POINTS_APPROVAL, K.COLLECT_NOTICE})
# The chain whose steps wait for the one before them.
CHAIN = (
    K.PERMIT_RENEWAL,
    K.POINTS_APPLICATION,
    K.EMPLOYER_SUBMISSION,
    K.POINTS_APPROVAL,
    K.COLLECT_NOTICE,
)


@dataclass(frozen=True)
class PassHistory:
    """The days on which a delivery pass ran (its reminder day), from the first one on."""

    days: frozenset[dt.date] = frozenset()

    @property
    def first(self) -> dt.date | None:
        return min(self.days) if self.days else None

    def last(self, today: dt.date) -> dt.date | None:
        """The last pass day up to `today` (`today` itself when a pass ran today already)."""
        return max((d for d in self.days if d <= today), default=None)

    def missed(self, day: dt.date, today: dt.date) -> tuple[dt.date, ...]:
        """The days renewd was not running in the stretch that holds `day` (before `today`);
        empty if it ran on `day` or `day` is before the first pass (a new install)."""
        first = self.first
        if first is None or day < first or day >= today or day in self.days:
            return ()
        start = day
        while start - dt.timedelta(days=1) not in self.days and start > first:
            start -= dt.timedelta(days=1)
        out: list[dt.date] = []
        cur = start
        while cur < today and cur not in self.days:
            out.append(cur)
            cur += dt.timedelta(days=1)
        return tuple(out)


@dataclass(frozen=True)
class LeadRules:
    """The lead-day settings, resolved: per person, then per milestone kind, then the default."""

    default: tuple[int, ...] = (60, 30, 14, 7, 3, 1, 0)
    by_kind: Mapping[MilestoneKind, tuple[int, ...]] | None = None
    by_person: Mapping[str, tuple[int, ...]] | None = None
    overdue_every_days: int = 2
    grace_days: int = 60
    critical_leads: tuple[int, ...] = (30, 7)  # `[notify] critical_lead_days`
    overdue_weekly_after_days: int = 7
    # The escalation channel's weekly summary: the weekday (0 = Monday), None for none.
    summary_weekday: int | None = 0
    # A document's steps: "<pack>/<step>" or a step's kind (`[notify.lead_days_by_kind]`).
    by_step: Mapping[str, tuple[int, ...]] | None = None

    def leads(self, person: str, kind: MilestoneKind) -> tuple[int, ...]:
        if self.by_kind and kind in self.by_kind:
            return self.by_kind[kind]
        if kind not in ACTIONABLE:
            return BUILTIN_LEADS.get(kind, (0,))
        if self.by_person and person in self.by_person:
            return self.by_person[person]
        return self.default

    def step_leads(self, pack: str, step: str) -> tuple[int, ...] | None:
        """A document step's own lead days ("<pack>/<step>", then the step's kind), if set."""
        for key in (f"{pack}/{step}", step):
            if self.by_step and key in self.by_step:
                return self.by_step[key]
        return None


def fire_dates(
    milestone: Milestone,
    cycle: dt.date,
    rules: LeadRules,
    person: str,
    until: dt.date,
    move: Callable[[dt.date], dt.date] | None = None,
) -> Iterator[tuple[dt.date, int]]:
    """Every (fire date, lead) of one milestone up to `until`, in no particular order.

    `move` maps a day to the last working day on or before it (`workdays_only`): a fire date is
    the day a reminder is sent, so it is moved first and compared with `until` after. An overdue
    repeat moved onto or before the due date (not overdue yet) goes to the next working day after
    it instead (`cadence.overdue_send_day`). Overdue repeats (`overdue_days`) stop at the end of
    the grace period. A document's steps take the same (`renewd.core.doc_schedule`).
    """
    return step_fire_dates(
        milestone.due,
        rules.leads(person, milestone.kind),
        milestone.kind in OVERDUE_KINDS,
        cycle + dt.timedelta(days=rules.grace_days),
        *pace(milestone.kind, rules.overdue_every_days, rules.overdue_weekly_after_days),
        until,
        move,
        milestone.opens,
    )


def rest_day(day: dt.date, move: Callable[[dt.date], dt.date] | None) -> bool:
    """Whether `day` is a rest day under `workdays_only` (a `move` that moves it). No reminder,
    digest or escalation is issued on one (docs/design.md §8); what would fall there went out the
    working day before, or goes out on the next one. Retries are not held back."""
    return move is not None and move(day) != day


def latest_due(
    milestone: Milestone,
    cycle: dt.date,
    rules: LeadRules,
    person: str,
    today: dt.date,
    move: Callable[[dt.date], dt.date] | None = None,
) -> tuple[dt.date, int] | None:
    """The (fire date, lead) of the latest reminder due on or before `today`, if any.

    Ties (two leads moved onto the same working day) go to the smaller lead: the nearer deadline.
    """
    return latest_fire(fire_dates(milestone, cycle, rules, person, today, move))


def _blocked(plan: PersonPlan, milestone: Milestone, today: dt.date) -> bool:
    """Whether a step cannot start yet.

    `points_application` waits for the permit renewal: it can start once the renewal is recorded,
    or once the permit step's due date has come without a record (in Shanghai most permits are
    endorsed automatically and nobody records it; the reminder then asks to confirm first, see
    `renewd.core.messages.action`). Each later step waits for the one before it to be done or
    due itself, and, while the permit renewal is not recorded, for it to be done (recorded): a
    guessed date never leads to "collect the notice" while the permit is overdue. The approval
    and the notice wait for the employer's submission to be recorded: "submitted, the approval
    SMS is expected" is never said of an application nobody handed in. The notice waits for the
    approval's record: nobody prints a notice not approved yet (the approval's own messages say
    what to do once its SMS comes, with the link that records it)."""
    if milestone.kind not in CHAIN[1:]:
        return False
    if milestone.kind in AFTER_SUBMISSION:
        submission = plan.milestone(K.EMPLOYER_SUBMISSION)
        if submission is not None and not submission.done:
            return True
    if milestone.kind is K.COLLECT_NOTICE:
        approval = plan.milestone(K.POINTS_APPROVAL)
        return approval is not None and not approval.done
    permit = plan.milestone(K.PERMIT_RENEWAL)
    unrecorded = permit is not None and not permit.done
    if milestone.kind is K.POINTS_APPLICATION:
        return unrecorded and permit is not None and today < permit.due
    before = plan.milestone(CHAIN[CHAIN.index(milestone.kind) - 1])
    if before is None or before.done:
        return False
    if unrecorded or _blocked(plan, before, today):
        return True
    return before.status not in (Status.DUE, Status.OVERDUE)


def _dated(
    reminder: MilestoneReminder,
    day: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    dues: Mapping[ReminderKey, dt.date] | None,
    since: dt.date | None,
) -> MilestoneReminder:
    """`reminder` (of its fire date `day`) with its news (an overdue one: its first overdue
    repeat only) and, when its lead was issued under an earlier due date, keyed for the new one
    (`cadence.moved`; overdue before under its old date: escalated then, not news again)."""
    lead = reminder.days_before
    every, weekly = pace(reminder.kind, rules.overdue_every_days, rules.overdue_weekly_after_days)
    news = lead >= 0 or is_news(reminder.plan, reminder.kind, lead, issued, every, weekly)
    if moved(reminder.key, reminder.milestone.due, day, issued, dues, since):
        return replace(reminder, moved=True, news=news and lead >= 0)
    return replace(reminder, news=news)


def due_reminders(
    plans: Iterable[PersonPlan],
    today: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    move: Callable[[dt.date], dt.date] | None = None,
    *,
    known: Container[str] | None = None,
    history: PassHistory | None = None,
    dues: Mapping[ReminderKey, dt.date] | None = None,
    ahead: list[Ahead] | None = None,
) -> list[Reminder]:
    """The reminders and alerts to issue on `today` that `issued` does not hold yet.

    `known` holds the people renewd has written to before (None: everyone is known); the others
    get first-contact reminders. `history` says when passes ran (None: no lateness is known).
    `dues`: the due date each issued step key was issued for; a step whose due date moved since
    is reminded again on its new dates (`cadence.moved`). `ahead`, if given, gets each open
    step's next overdue repeat within the week, with its day, when nothing of it is due today
    (for `cadence.together`)."""
    out: list[Reminder] = []
    history = history or PassHistory()
    since = history.last(today)
    horizon = today + dt.timedelta(days=WEEK - 1)
    leads_until = lead_window(today, move)
    weekday = rules.summary_weekday
    summary = None if weekday is None else summary_week(today, weekday, move, history.days)
    for plan in plans:
        person = plan.person.id
        first = known is not None and person not in known
        start = len(out)  # this person's reminders are out[start:]: no scan of everyone's
        closed = finished(plan, today)
        if closed is not None:
            done = CycleDone(plan, today, closed.cycle, closed.new_expiry)
            if closed.tell and not first and done.key not in issued:
                out.append(done)  # told once; a new person's first contact says it all
            if closed.cycle == plan.cycle:
                continue  # silence until the next cycle's first step
        for milestone in plan.milestones:
            if milestone.done:  # recorded, or implied by a later step: nothing to remind
                continue
            if milestone.status is Status.DONE and (
                (today - milestone.due).days > HEADS_UP_CATCH_UP_DAYS
            ):
                continue  # a heads-up whose day passed long ago: no use catching up
            opens = milestone.opens if milestone.kind in WAIT_TO_OPEN else None
            if opens is not None and today < opens:
                continue
            if _blocked(plan, milestone, today):
                continue
            found = latest_due(milestone, plan.cycle, rules, person, today, move)
            if found is not None:
                day, lead = found
                # Late only when renewd was not running on the fire day (and it did run before):
                # never on a first run, never for a lead that fell before the step opened.
                before_open = opens is not None and day < opens
                missed = () if first or before_open else history.missed(day, today)
                reminder = MilestoneReminder(
                    plan, milestone, lead, day, bool(missed), first, missed
                )
                reminder = _dated(reminder, day, rules, issued, dues, since)
                if reminder.key not in issued:
                    out.append(reminder)
                    continue
            if ahead is not None:  # its next lead or overdue repeat, for `cadence.together`
                fires = fire_dates(milestone, plan.cycle, rules, person, horizon, move)
                heads_up = milestone.kind is K.PREPARE  # its day rides too (`pulls`)
                for day, lead in pulls(fires, today, leads_until, milestone.opens, heads_up):
                    pull = MilestoneReminder(plan, milestone, lead, today, False, first)
                    pull = _dated(pull, day, rules, issued, dues, since)
                    if pull.key not in issued:
                        ahead.append((day, pull))
        if first:  # the status message itself, even when only HR's steps are due
            notice = FirstContact(plan, today)
            if notice.key not in issued:
                told = [r for r in out[start:] if isinstance(r, MilestoneReminder)]
                out.append(notice)
                out += stand_ins(told, today, rules, issued, move)
        alerts: list[Alert] = []
        if not plan.feasible:
            alerts.append(Alert(plan, AlertKind.INFEASIBLE, today, first=first))
        alerts += [
            Alert(plan, AlertKind.CRITICAL, today, c, first=first) for c in plan.critical_at_risk
        ]
        # The weekly summary; a person whose news this pass escalates is in it already.
        alerts = [alert for alert in alerts if alert.key not in issued]
        news = bool(alerts) or any(r.escalate for r in out[start:])
        week = summary if summary is not None and not news and still_open(plan, today) else None
        if week is not None:
            alerts.append(Alert(plan, AlertKind.STILL_OPEN, today, week=week))
        out += [alert for alert in alerts if alert.key not in issued]
        out += critical.lead_alerts(plan, today, rules.critical_leads, issued, move, first=first)
    return out


def next_pass_day(today: dt.date, move: Callable[[dt.date], dt.date] | None) -> dt.date:
    """The day after `today` on which a pass issues (the next working day with `move`)."""
    day = today + dt.timedelta(days=1)
    while rest_day(day, move):
        day += dt.timedelta(days=1)
    return day


def stand_ins(
    told: Iterable[MilestoneReminder],
    today: dt.date,
    rules: LeadRules,
    issued: Container[ReminderKey],
    move: Callable[[dt.date], dt.date] | None = None,
) -> list[MilestoneReminder]:
    """The reminders a first contact stands in for (issued with it, never sent): for each step
    it `told` of, the one due on the next pass day (the next morning, or after a weekend) when
    it would only repeat it (the same step, date and status: not newly overdue, not its last
    day). The next distinct one goes out."""
    nxt = next_pass_day(today, move)
    if (nxt - today).days > STAND_IN_DAYS:
        return []  # a long holiday between: the next reminder is no repeat of yesterday's
    out: list[MilestoneReminder] = []
    for reminder in told:
        milestone, plan = reminder.milestone, reminder.plan
        found = latest_due(milestone, plan.cycle, rules, plan.person.id, nxt, move)
        if found is None or found[0] <= today or nxt == milestone.due:
            continue
        if (today > milestone.due) != (nxt > milestone.due):
            continue  # newly overdue: news
        quiet = MilestoneReminder(plan, milestone, found[1], found[0], False, quiet=True)
        if quiet.key not in issued and quiet.key != reminder.key:
            out.append(quiet)
    return out


def reminder_day(now: dt.datetime, send_at: dt.time) -> dt.date:
    """The day whose reminders are due at `now` (local time): yesterday's before `send_at`.

    The daemon's safety sweep uses this so a sweep at 03:00 does not send today's reminders early.
    """
    local = now.date()
    return local if now.time().replace(tzinfo=None) >= send_at else local - dt.timedelta(days=1)
