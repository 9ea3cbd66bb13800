"""A season for a foreign employee with both permits (docs/packs.md), planned day by day from
December to after the expiries while everyone acts on the day a step is due: the same plan
invariants as for the points (nothing overdue when everyone is on time, statuses never go back,
a finished step stays finished, the chain stays feasible), the work permit renewed before the
residence permit is applied for, the next season (each new expiry written in the roster, the
residence permit's following the renewed work permit's) started afresh, and a late employer
escalated once no working day is left before the cut-off."""

from __future__ import annotations

import datetime as dt

from renewd.core.documents import DocumentPlan, plan_documents
from renewd.core.model import Person, Status
from renewd.core.pack import StepType
from renewd.core.workdays import WorkdayCalendar
from renewd.pack_settings import shipped_packs

D = dt.date.fromisoformat
CALENDAR = WorkdayCalendar()
PACKS = shipped_packs()
WORK, RESIDENCE = "foreign-work-permit", "foreign-residence-permit"
ROWS = (
    Person("2001", "John Smith", D("2027-04-20"), group="研发部", document=WORK),
    Person("2001", "John Smith", D("2027-04-25"), group="研发部", document=RESIDENCE),
)
ORDER = {Status.UPCOMING: 0, Status.OPEN: 1, Status.DUE: 2, Status.OVERDUE: 3, Status.DONE: 4}


def days(start: str, end: str) -> list[dt.date]:
    first, last = D(start), D(end)
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def plans_on(day: dt.date, done: dict[tuple[str, str], dict[str, dt.date]]) -> list[DocumentPlan]:
    return plan_documents(PACKS, ROWS, CALENDAR, day, done)


def test_a_season_on_time_keeps_every_invariant() -> None:
    done: dict[tuple[str, str], dict[str, dt.date]] = {}
    seen: dict[tuple[str, str], Status] = {}
    finished: dict[tuple[str, str], dt.date] = {}
    for day in days("2026-12-07", "2027-05-10"):
        for entry in plans_on(day, done):
            plan = entry.plan
            assert plan.feasible, (day, plan)
            assert not plan.cut_off
            for step in plan.steps:
                key = (entry.pack.name, step.kind)
                assert step.status is not Status.OVERDUE, (day, step)
                before = seen.get(key)
                if before is not None and entry.pack.step(step.kind).type is not StepType.HEADS_UP:
                    assert ORDER[step.status] >= ORDER[before], (day, step, before)
                seen[key] = step.status
                if key in finished:
                    assert step.done, (day, step)  # nobody is asked again
                # Everyone acts on the day the step is due (an office decides on its last day).
                pack_step = entry.pack.step(step.kind)
                if not step.done and pack_step.type is not StepType.HEADS_UP and step.due == day:
                    done.setdefault(entry.key, {})[step.kind] = day
                    finished[key] = day
                    for proven in pack_step.proves:
                        finished[(entry.pack.name, proven)] = day
    signed = done[("2001", WORK)]["holder_signature"]
    applied = done[("2001", RESIDENCE)]["residence_application"]
    assert signed <= applied  # the residence permit is applied for with the renewed work permit
    assert signed <= D("2027-04-20")
    assert done[("2001", RESIDENCE)]["passport_held"] <= D("2027-04-25")
    assert set(done[("2001", WORK)]) == {
        "extension_filing",
        "permit_processing",
        "holder_signature",
    }


def test_a_late_employer_is_escalated_once_no_working_day_is_left_before_the_cut_off() -> None:
    cutoff = D("2027-03-21")  # 30 days before the work permit's expiry: a Sunday
    last_chance = D("2027-03-19")  # the last working day on or before it
    for day in days("2027-03-01", "2027-04-25"):
        work = next(e for e in plans_on(day, {}) if e.pack.name == WORK).plan
        filing = work.step("extension_filing")
        assert filing.cutoff == cutoff
        if day <= last_chance:
            assert not work.cut_off, day
        if day > last_chance:  # the employer acts on working days: none is left before it
            assert work.cut_off, day
            assert not work.feasible
            assert work.escalate
            assert filing.status is Status.OVERDUE


def test_two_seasons_the_residence_permit_following_the_renewed_work_permit() -> None:
    """HR writes each new expiry in the roster the day after the renewal is finished: the work
    permit's a year on, the residence permit's the renewed work permit's (it follows it). The
    next season starts from nothing done, with the invariants above, and plans the work permit
    back from the new residence application day again."""
    rows = {WORK: ROWS[0], RESIDENCE: ROWS[1]}
    renewed = {WORK: "holder_signature", RESIDENCE: "passport_collection"}
    done: dict[tuple[str, str], dict[str, dt.date]] = {}
    history: dict[tuple[str, dt.date, str], dt.date] = {}  # (pack, cycle, kind) -> done on
    seen: dict[tuple[str, dt.date, str], Status] = {}
    first_day: dict[tuple[str, dt.date], tuple[dt.date, DocumentPlan]] = {}
    for day in days("2026-12-07", "2028-05-10"):
        entries = plan_documents(PACKS, rows.values(), CALENDAR, day, done)
        for entry in entries:
            plan, name = entry.plan, entry.pack.name
            first_day.setdefault((name, plan.cycle), (day, entry))
            assert plan.feasible, (day, plan)
            for step in plan.steps:
                key = (name, plan.cycle, step.kind)
                pack_step = entry.pack.step(step.kind)
                assert step.status is not Status.OVERDUE, (day, step)
                if key in seen and pack_step.type is not StepType.HEADS_UP:
                    assert ORDER[step.status] >= ORDER[seen[key]], (day, step)
                seen[key] = step.status
                if key in history:
                    assert step.done, (day, step)
                if not step.done and pack_step.type is not StepType.HEADS_UP and step.due == day:
                    done.setdefault(entry.key, {})[step.kind] = day
                    history[key] = day
        for entry in entries:  # the day after a renewal, its new expiry is in the roster
            name, cycle = entry.pack.name, entry.plan.cycle
            finished = history.get((name, cycle, renewed[name]))
            if finished is not None and finished < day and rows[name].permit_expires == cycle:
                new = (
                    D("2028-04-20")
                    if name == WORK
                    else rows[WORK].permit_expires  # the residence permit follows the work permit
                )
                rows[name] = Person("2001", "John Smith", new, group="研发部", document=name)
    assert {cycle for _, cycle in first_day} == {D("2027-04-20"), D("2027-04-25"), D("2028-04-20")}
    # The new season starts with nothing done: last season's steps are an earlier cycle's.
    start, fresh = first_day[(WORK, D("2028-04-20"))]
    assert start == D("2027-03-28")  # signed on Friday 26 March, written in the roster on 27
    assert not any(step.done for step in fresh.plan.steps)
    # ... and is not planned back from last season's residence application (it was served by
    # the renewal just finished): as if he held the work permit alone, until the residence
    # permit's new expiry is in the roster.
    alone = plan_documents(PACKS, [fresh.person], CALENDAR, start)[0].plan
    assert fresh.plan.steps == alone.steps
    for year in ("2027", "2028"):
        work = {k: v for (p, c, k), v in history.items() if p == WORK and str(c.year) == year}
        res = {k: v for (p, c, k), v in history.items() if p == RESIDENCE and str(c.year) == year}
        assert work["holder_signature"] <= res["residence_application"], year
    # 2028: the residence permit expires with the work permit on 20 April (a Thursday): applied
    # for 30 days before, on Tuesday 21 March; the work-permit extension filed 23 working days
    # before that (20 for the decision, 3 to sign): Thursday 17 February.
    second = {k: v for (p, c, k), v in history.items() if c == D("2028-04-20")}
    assert second["residence_application"] == D("2028-03-21")
    assert second["holder_signature"] == D("2028-03-21")
    assert second["extension_filing"] == D("2028-02-17")
