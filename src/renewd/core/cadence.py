"""A season's cadence (docs/design.md §8): how far apart overdue repeats come, which overdue
reminder is news for the escalation channel, and the day of its weekly summary of what is still
open. Pure: dates and plans in, dates and answers out.

- Overdue repeats come every `overdue_every_days` while the step is at most
  `overdue_weekly_after_days` overdue, then weekly (`overdue_days`).
- A person's overdue steps are repeated together (`together`) for their readers: when one of
  them is repeated, the others whose readers all hear it come with it if they are due before
  the one after it would be (within `overdue_every_days`; a weekly repeat's others within the
  week). Two steps due a day apart are said in one message every other day, then once a week,
  not on alternate days. A person's leads likewise: beside any step of his told to a reader
  today, another step's next lead within two pass days (`lead_window`, `pulls`), never a due
  day, each with its own countdown and key.
- The escalation channel hears a step's *first* overdue reminder only (`is_news`): later repeats
  go to the people who act on the step, and what is still open comes back in the weekly summary
  (`summary_week`, `still_open`) instead of a daily copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Iterator, Mapping

from renewd.core.model import Milestone, MilestoneKind, PersonPlan, Status
from renewd.core.policy import Owner, Owners
from renewd.core.reminders import (
    DocumentReminder,
    Kind,
    MilestoneReminder,
    Reminder,
    ReminderKey,
)

Move = Callable[[dt.date], dt.date]


# Waits: nobody's act (the bureau's approval). Told on its day and overdue as any step, then
# weekly: the holder can only ask, HR can only look it up, and every other day said nothing new.
WAITS = frozenset({MilestoneKind.POINTS_APPROVAL})


def pace(kind: Kind, every: int, weekly_after: int) -> tuple[int, int]:
    """The (every, weekly_after) of `kind`'s overdue repeats (`overdue_days`): a wait's first
    repeat comes as any step's, the later ones a week apart."""
    return (every, min(every, weekly_after)) if kind in WAITS else (every, weekly_after)


def overdue_days(every: int, weekly_after: int) -> Iterator[int]:
    """How many days overdue each repeat comes: every `every` days while that is at most
    `weekly_after`, then weekly (2, 4, 6, 13, 20, ... by default)."""
    late = 0
    while True:
        late += every if late + every <= weekly_after else max(every, 7)
        yield late


def is_news(
    plan: PersonPlan,
    kind: MilestoneKind,
    days_before: int,
    issued: Container[ReminderKey],
    every: int,
    weekly_after: int,
) -> bool:
    """Whether an overdue reminder (`days_before` < 0) is the step's first overdue one: no
    earlier overdue repeat of it was issued in this cycle."""
    return first_overdue(plan.person.id, plan.cycle, kind, days_before, issued, every, weekly_after)


def first_overdue(
    person: str,
    cycle: dt.date,
    kind: Kind,
    days_before: int,
    issued: Container[ReminderKey],
    every: int,
    weekly_after: int,
) -> bool:
    """`is_news` for any step's key (a document's too)."""
    for late in overdue_days(every, weekly_after):
        if late >= -days_before:
            return True
        if ReminderKey(person, cycle, kind, -late) in issued:
            return False
    return True  # pragma: no cover - the loop above always ends


def step_fire_dates(
    due: dt.date,
    leads: Iterable[int],
    overdue: bool,
    repeats_end: dt.date,
    every: int,
    weekly_after: int,
    until: dt.date,
    move: Move | None = None,
    opens: dt.date | None = None,
) -> Iterator[tuple[dt.date, int]]:
    """Every (fire date, lead) of one step due on `due` up to `until` (`schedule.fire_dates`,
    for a points milestone or a document's step): each lead day, moved by `move`, and with
    `overdue` the overdue repeats up to `repeats_end`. A lead day in the `OPENING_DAYS` before
    the step's window `opens` comes on the day it opens instead (`opening_day`)."""
    for lead in leads:
        day = opening_day(due - dt.timedelta(days=lead), opens)
        day = move(day) if move else day
        if day <= until:
            yield day, lead
    if not overdue:
        return
    for late in overdue_days(every, weekly_after):
        day = due + dt.timedelta(days=late)
        if day > repeats_end:
            return
        sent = overdue_send_day(day, due, move)
        if sent > until:
            return  # moved days never go backwards: the later repeats are later still
        yield sent, -late


# A lead this many days (or fewer) before the step's window opens waits for the opening day.
OPENING_DAYS = 2


def opening_day(day: dt.date, opens: dt.date | None) -> dt.date:
    """The day a lead due on `day` is sent: a day or two before the window `opens`, the opening
    day itself. The reader can do nothing before it, and the window's own heads-up ("filing
    opens", "the endorsement window opens") comes that day: one message that says both,
    not "30 days left (possible from tomorrow)" and then "it opens today" on consecutive days."""
    if opens is not None and opens - dt.timedelta(days=OPENING_DAYS) <= day < opens:
        return opens
    return day


def moved(
    plain: ReminderKey,
    due: dt.date,
    fire: dt.date,
    issued: Container[ReminderKey],
    dues: Mapping[ReminderKey, dt.date] | None,
    since: dt.date | None,
) -> bool:
    """Whether a step's reminder, its plain key `plain` issued already, is due again under a
    dated key (`leads.dated_lead`): that lead was issued for another due date (an earlier
    step recorded late moved the chain) and its fire date for `due` came after `since`, the
    last pass day (a fire date that passed before the move was known stays passed, and a
    second pass on one day re-sends nothing).
    A key issued before the due dates were recorded (`dues` has none) never is."""
    if dues is None or plain not in issued:
        return False
    old = dues.get(plain)
    return old is not None and old != due and (since is None or fire > since)


WEEK = 7


def next_repeat(fires: Iterable[tuple[dt.date, int]], today: dt.date) -> tuple[dt.date, int] | None:
    """The earliest of `fires` (up to the week after `today`) after `today` that is an overdue
    repeat: what `together` may bring forward."""
    ahead = [(day, lead) for day, lead in fires if day > today and lead < 0]
    return min(ahead, default=None)


# A lead of another step rides beside a reader's message about the person this many pass days
# ahead at most (`lead_window`): steps due a day or two apart (leads 3 and 1 are two days apart).
LEAD_PASS_DAYS = 2


def lead_window(today: dt.date, move: Move | None = None) -> dt.date:
    """The last day a lead may fall on to ride beside a message of `today` (`pulls`): the
    second pass day after it (with `workdays_only`, `move`: the second working day; a week
    ahead at most)."""
    day, passes = today, 0
    while passes < LEAD_PASS_DAYS and (day - today).days < WEEK:
        day += dt.timedelta(days=1)
        passes += move is None or move(day) == day
    return day


def pulls(
    fires: Iterable[tuple[dt.date, int]],
    today: dt.date,
    until: dt.date | None,
    opens: dt.date | None = None,
    heads_up: bool = False,
) -> list[tuple[dt.date, int]]:
    """The (fire date, lead) of one step `together` may bring forward to `today`: its next
    overdue repeat (`next_repeat`) and its next lead after `today` up to `until`
    (`lead_window`). Never a step's due day (lead 0) nor its first overdue day: those are heard
    on their day; but a `heads_up`'s day (prepare the materials) is only a day to know, and
    rides with a message a day or two before it rather than make a message of its own (a
    permit-only holder's renewal is due on his expiry: its 60-day lead and the prepare day
    often fall a day apart). No lead before its window `opens`: one on the opening day says so
    with the window's own reminder."""
    fires = list(fires)
    out = [nxt] if (nxt := next_repeat(fires, today)) is not None else []
    if until is None or (opens is not None and opens > today):
        return out
    least = 0 if heads_up else 1
    ahead = [(d, lead) for d, lead in fires if today < d <= until and lead >= least]
    return [min(ahead), *out] if ahead else out


Ahead = tuple[dt.date, Reminder]  # a step's next overdue repeat or lead: its own day, the reminder


def together(
    reminders: Iterable[Reminder],
    ahead: Iterable[Ahead],
    today: dt.date,
    every: int,
    weekly_after: int,
    owners: Owners,
    readers: Callable[[Reminder], frozenset[str]] | None = None,
    said: Container[tuple[str, Kind]] = frozenset(),
) -> list[Reminder]:
    """Of `ahead` (each open step's next overdue repeat within the week with its day, not due
    today: `schedule.due_reminders`' and `doc_schedule.due_document_reminders`' `ahead`), the
    ones to issue today beside `reminders`: a person's steps whose every reader (`readers`:
    `core.readers`; without it, the step's owner: `owners` for the points, a document's step
    names its own) hears one of that person's overdue repeats today, when they are due within
    `every` days (before the next one would come) or, beside a weekly repeat, are weekly ones
    within the week. A reader hears a person's overdue steps in one message, every other day
    and then weekly, and nobody hears a step brought forward beside a message he does not get;
    each step keeps its own key, so it is not said again on its own day.

    Leads likewise: a step's next lead in `ahead` (up to `lead_window`; never its due day: `pulls`)
    comes beside any of the person's steps told today to its every reader, so two steps due a
    day or two apart are not heard on consecutive days; each says its own countdown. Not a
    step in `said` ((person, kind) of the steps a message of the pass day before carried): its
    reader heard it then and would not hear it again (`repeats.said_again`)."""
    whom = readers or (lambda r: _by_owner(r, owners))
    hearing: dict[str, set[str]] = {}
    repeated: dict[str, set[str]] = {}
    weekly: dict[str, set[str]] = {}
    told: set[tuple[str, Kind]] = set()
    for r in reminders:
        if isinstance(r, MilestoneReminder | DocumentReminder):
            person = r.plan.person.id
            told.add((person, r.kind))
            if isinstance(r, MilestoneReminder) and r.quiet:
                continue
            hearing.setdefault(person, set()).update(whom(r))
            if not r.overdue:
                continue
            repeated.setdefault(person, set()).update(whom(r))
            if -r.days_before > weekly_after:
                weekly.setdefault(person, set()).update(whom(r))
    out: list[Reminder] = []
    for day, r in sorted(ahead, key=lambda a: a[0]):
        if isinstance(r, MilestoneReminder | DocumentReminder):
            person = r.plan.person.id
            if (person, r.kind) in told:
                continue
            hearers = whom(r)
            soon = (day - today).days < every and r.due < today  # overdue already
            near = hearers and soon and hearers <= repeated.get(person, set())
            week = -r.days_before > weekly_after and hearers <= weekly.get(person, set())
            ahead_of_day = r.days_before > 0 or r.kind is MilestoneKind.PREPARE  # `pulls`
            lead = ahead_of_day and (person, r.kind) not in said
            lead = lead and bool(hearers) and hearers <= hearing.get(person, set())
            if near or (hearers and week) or lead:
                out.append(r)
                told.add((person, r.kind))
    return out


def _by_owner(reminder: Reminder, owners: Owners) -> frozenset[str]:
    """A step's readers as its owner says: the holder, the employer (HR), or both."""
    if not isinstance(reminder, MilestoneReminder | DocumentReminder):
        return frozenset()
    if isinstance(reminder, MilestoneReminder):
        owner = owners.of(reminder.kind)
    else:
        owner = reminder.plan.pack.step(reminder.step.kind).owner
    holder, hr = owner is not Owner.EMPLOYER, owner is not Owner.HOLDER
    return frozenset(name for name, reads in (("holder", holder), ("hr", hr)) if reads)


def latest_fire(fires: Iterable[tuple[dt.date, int]]) -> tuple[dt.date, int] | None:
    """The latest (fire date, lead); ties (two leads moved onto one working day) go to the
    smaller lead: the nearer deadline."""
    best: tuple[dt.date, int] | None = None
    for day, lead in fires:
        if best is None or day > best[0] or (day == best[0] and lead < best[1]):
            best = (day, lead)
    return best


def overdue_send_day(day: dt.date, due: dt.date, move: Move | None) -> dt.date:
    """The day an overdue repeat for `day` is sent: `day`, or with `move` the working day on or
    before it, or (when that is not after `due`) the first working day after it."""
    if move is None:
        return day
    sent = move(day)
    if sent > due:
        return sent
    sent = day + dt.timedelta(days=1)
    while move(sent) != sent:  # a rest day: `move` takes it back
        sent += dt.timedelta(days=1)
    return sent


SUMMARY_SPAN_DAYS = 4  # a summary day at rest moves this far forward at most


def summary_week(
    today: dt.date,
    weekday: int,
    move: Move | None = None,
    ran: Container[dt.date] | None = None,
) -> dt.date | None:
    """The summary day (weekday 0 = Monday) whose summary goes out on `today`, if any: that
    day itself, or with `workdays_only` (`move` says which days are rest days: it moves them)
    the first working day of the four from it. A week whose first four days are rest days
    (Spring Festival) has none: moved back, it would come days after the week before's, and
    on a make-up Sunday, the day before the next week's. `ran`:
    the days a pass ran; a summary whose day renewd was down goes out on the first pass after
    it (within the week), not never."""
    day = today - dt.timedelta(days=(today.weekday() - weekday) % 7)
    week = (day + dt.timedelta(days=n) for n in range(SUMMARY_SPAN_DAYS))
    sent = next((d for d in week if move is None or move(d) == d), None)
    if sent == today:
        return day
    if ran is not None and sent is not None and sent < today and _missed(sent, today, ran):
        return day
    return None


def _missed(sent: dt.date, today: dt.date, ran: Container[dt.date]) -> bool:
    """Whether no pass ran from `sent` until `today`, after one ran before it."""
    if not any(sent - dt.timedelta(days=n) in ran for n in range(1, 8)):
        return False  # renewd was not running the week before either: it starts afresh
    day = sent
    while day < today:
        if day in ran:
            return False
        day += dt.timedelta(days=1)
    return True


K = MilestoneKind
# Steps that can be overdue (heads-ups and the expiry itself are days, not steps).
STEPS = (
    K.PERMIT_RENEWAL,
    K.POINTS_APPLICATION,
    K.EMPLOYER_SUBMISSION,
    K.POINTS_APPROVAL,
    K.COLLECT_NOTICE,
)


def open_steps(plan: PersonPlan) -> tuple[Milestone, ...]:
    """The plan's overdue steps nobody recorded (nor implied by a later record); the approval
    and the notice only once the submission is recorded (nothing waits for them before), the
    notice only once the approval is (nobody prints a notice not approved yet)."""
    submission = plan.milestone(K.EMPLOYER_SUBMISSION)
    submitted = submission is None or submission.done
    approval = plan.milestone(K.POINTS_APPROVAL)
    approved = approval is None or approval.done
    return tuple(
        m
        for m in plan.milestones
        if m.kind in STEPS
        and m.status is Status.OVERDUE
        and not m.done
        and (submitted or m.kind not in (K.POINTS_APPROVAL, K.COLLECT_NOTICE))
        and (approved or m.kind is not K.COLLECT_NOTICE)
    )


def still_open(plan: PersonPlan, today: dt.date) -> bool:
    """Whether the plan belongs in the escalation channel's weekly summary: a step overdue, or
    a critical date at risk still ahead. An infeasible plan is told once (it is known on day one
    and nothing changes it week by week); it returns here when its steps fall overdue."""
    return bool(open_steps(plan)) or any(c.date >= today for c in plan.critical_at_risk)
