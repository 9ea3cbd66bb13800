"""Policy packs (docs/packs.md): every shipped pack validates and plans; `shanghai-points` is the
policy `[policy]` overrides; a bad pack file or override is refused naming file and key."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.core.chain import plan_chain
from renewd.core.errors import ConfigError
from renewd.core.model import Person, Status
from renewd.core.pack import Engine, Offset, Unit, add_months, anniversary_on_or_after
from renewd.core.plan import Planner
from renewd.core.policy import STEP_BEFORE, Owner, Owners, Policy
from renewd.core.progress import kind_of
from renewd.core.workdays import WorkdayCalendar
from renewd.pack_settings import PackOverride, build_packs, parse_pack, shipped_packs
from renewd.policy_settings import PolicySettings

D = dt.date.fromisoformat
Write = Callable[[str, str], Path]
TODAY = D("2026-12-07")
CALENDAR = WorkdayCalendar()
SHIPPED = (
    "foreign-residence-permit",
    "foreign-work-permit",
    "guangzhou-residence-permit",
    "hmt-residence-permit",
    "shanghai-points",
)


def test_the_shipped_packs_are_the_five_named() -> None:
    assert tuple(shipped_packs()) == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_pack_plans_a_year_of_expiries(name: str) -> None:
    pack = shipped_packs()[name]
    planner = Planner(pack.policy(), CALENDAR) if pack.engine is Engine.SHANGHAI_POINTS else None
    for offset in range(365):
        expiry = TODAY + dt.timedelta(days=offset)
        if planner is not None:
            plan = planner.plan(Person("E1", "张三", expiry), TODAY)
            assert [m.kind.value for m in plan.milestones][:3] == list(pack.kinds[:3])
            continue
        chain = plan_chain(pack, expiry, {}, CALENDAR, TODAY)
        assert [s.kind for s in chain.steps] == list(pack.kinds)
        for step in chain.steps:
            assert step.opens is None or step.opens <= step.due, (expiry, step)
            assert step.cutoff is None or step.due <= step.cutoff, (expiry, step)
        if offset >= 150:  # planned in good time: the document can be renewed before it expires
            assert chain.feasible, (expiry, chain)
            assert chain.projected is not None
            assert chain.projected <= expiry, (expiry, chain)
            assert all(s.status in (Status.UPCOMING, Status.OPEN) for s in chain.steps)


def test_shanghai_points_pack_is_the_default_policy() -> None:
    pack = shipped_packs()["shanghai-points"]
    assert pack.policy() == Policy() == PolicySettings().core()
    assert pack.policy().owners == Owners()
    # The settings' defaults are the pack's figures, so `settings.policy.window_days` agrees.
    settings = PolicySettings()
    for figure, value in pack.figures.items():
        field = figure.removeprefix("processing_workdays_")
        if field != figure:
            assert getattr(settings.processing_workdays, field) == value
        else:
            assert getattr(settings, figure) == value, figure
    # What a recorded step proves is the chain the planner uses.
    proves = {s.kind: s.proves for s in pack.steps if s.proves}
    assert proves == {
        kind_of(step).value: (kind_of(before).value,) for step, before in STEP_BEFORE.items()
    }


def test_the_policy_table_still_overrides_the_pack() -> None:
    policy = PolicySettings.model_validate(
        {"window_days": 20, "processing_workdays": {"changed": 25}, "owners": {"prepare": "both"}}
    ).core()
    assert policy.window_days == 20
    assert policy.processing_workdays.changed == 25
    assert policy.processing_workdays.unchanged == 7
    assert policy.owners.prepare is Owner.BOTH
    assert policy.sync_workdays == 3


# Hand-checked on the 2026 State Council notice: National Day 1–7 October with 20 September
# (Sunday) and 10 October (Saturday) worked; Mid-Autumn Festival on Friday 25 September.
TABLES = [
    (
        "foreign-work-permit",
        "2026-11-20",  # Friday: 23 working days back (20 processing + 3 signing) is 20 October
        {
            "filing_window": (None, "2026-08-22"),
            "extension_filing": ("2026-08-22", "2026-10-20"),
            "permit_processing": ("2026-10-21", "2026-11-17"),
            "holder_signature": ("2026-11-17", "2026-11-20"),
            "expiry": (None, "2026-11-20"),
        },
    ),
    (
        "foreign-work-permit",
        "2026-11-05",  # back over National Day, counting the worked Saturday 10 October
        {
            "filing_window": (None, "2026-08-07"),
            "extension_filing": ("2026-08-07", "2026-09-29"),
            "permit_processing": ("2026-09-30", "2026-11-02"),
            "holder_signature": ("2026-11-02", "2026-11-05"),
            "expiry": (None, "2026-11-05"),
        },
    ),
    (
        "foreign-residence-permit",
        "2026-10-20",  # 30 days before is the worked Sunday 20 September
        {
            "employer_letter": ("2026-07-22", "2026-09-11"),  # 13 Sep is a Sunday: Friday
            "residence_application": ("2026-07-22", "2026-09-20"),
            "passport_held": ("2026-09-21", "2026-10-16"),  # 15 wd, 25 Sep and 1–7 Oct off
            "passport_collection": ("2026-10-16", "2026-10-20"),
            "expiry": (None, "2026-10-20"),
        },
    ),
    (
        "hmt-residence-permit",
        "2026-10-20",  # 25 working days back (20 processing + 5 collection)
        {
            "renewal_window": (None, "2026-07-22"),
            "card_application": ("2026-07-22", "2026-09-09"),
            "card_processing": ("2026-09-10", "2026-10-13"),
            "card_collection": ("2026-10-13", "2026-10-20"),
            "expiry": (None, "2026-10-20"),
        },
    ),
    (
        "guangzhou-residence-permit",
        "2026-10-31",  # the anniversary; online endorsement on any day of the month before
        {
            "endorsement_window": (None, "2026-09-30"),
            "endorsement": ("2026-09-30", "2026-10-30"),
            "expiry": (None, "2026-10-31"),
        },
    ),
]


@pytest.mark.parametrize(("name", "expiry", "table"), TABLES)
def test_pack_dates_follow_the_working_day_calendar(
    name: str, expiry: str, table: dict[str, tuple[str | None, str]]
) -> None:
    plan = plan_chain(shipped_packs()[name], D(expiry), {}, CALENDAR, D("2026-07-01"))
    got = {s.kind: (s.opens and s.opens.isoformat(), s.due.isoformat()) for s in plan.steps}
    assert got == table
    assert plan.feasible
    assert not plan.provisional


def test_work_permit_filing_after_the_cut_off_is_infeasible_and_escalated() -> None:
    pack = shipped_packs()["foreign-work-permit"]
    # Expiry 5 January 2027: the system stopped accepting the extension on 6 December.
    late = plan_chain(pack, D("2027-01-05"), {}, CALENDAR, TODAY)
    filing = late.step("extension_filing")
    assert filing.cutoff == D("2026-12-06")
    assert filing.due == D("2026-12-02")  # 23 working days before 5 January
    assert filing.status is Status.OVERDUE
    assert late.cut_off
    assert not late.feasible
    assert late.escalate
    # Expiry 7 January: the cut-off is tomorrow, the soonest working day; late, but possible.
    tight = plan_chain(pack, D("2027-01-07"), {}, CALENDAR, TODAY)
    assert tight.step("extension_filing").cutoff == D("2026-12-08")
    assert tight.step("extension_filing").status is Status.OVERDUE
    assert not tight.cut_off
    # A filing recorded before the cut-off closes it; the decision is 20 working days later.
    filed = plan_chain(
        pack, D("2027-01-05"), {"extension_filing": D("2026-12-04")}, CALENDAR, TODAY
    )
    assert not filed.cut_off
    assert filed.step("extension_filing").status is Status.DONE
    # 20 working days from 4 December: 31 December is the 19th, 1 January (estimated) is off.
    assert filed.step("permit_processing").due == D("2027-01-04")
    assert filed.step("permit_processing").provisional


def test_work_permit_is_planned_back_from_the_residence_permits_deadline() -> None:
    packs = shipped_packs()
    residence = plan_chain(packs["foreign-residence-permit"], D("2026-11-20"), {}, CALENDAR, TODAY)
    apply_by = residence.step("residence_application").due
    assert apply_by == D("2026-10-21")
    work = packs["foreign-work-permit"]
    alone = plan_chain(work, D("2026-11-20"), {}, CALENDAR, D("2026-07-01"))
    chained = plan_chain(work, D("2026-11-20"), {}, CALENDAR, D("2026-07-01"), deadline=apply_by)
    assert alone.step("extension_filing").due == D("2026-10-20")
    # 23 working days before 21 October, over National Day and Mid-Autumn: 14 September.
    assert chained.step("extension_filing").due == D("2026-09-14")
    assert chained.step("holder_signature").due <= apply_by
    assert chained.step("expiry").due == D("2026-11-20")


def test_a_recorded_step_proves_the_ones_before_it() -> None:
    pack = shipped_packs()["foreign-residence-permit"]
    plan = plan_chain(pack, D("2027-03-01"), {"passport_held": D("2027-01-20")}, CALENDAR, TODAY)
    assert plan.step("residence_application").implied_by == "passport_held"
    assert plan.step("employer_letter").implied_by == "passport_held"
    assert plan.step("employer_letter").status is Status.DONE
    assert plan.step("passport_collection").due == D("2027-01-22")


def test_guangzhou_cycles_end_on_each_anniversary_of_issue() -> None:
    assert anniversary_on_or_after(D("2019-10-31"), D("2026-07-01")) == D("2026-10-31")
    assert anniversary_on_or_after(D("2019-10-31"), D("2026-10-31")) == D("2026-10-31")
    assert anniversary_on_or_after(D("2019-10-31"), D("2026-11-01")) == D("2027-10-31")
    assert anniversary_on_or_after(D("2020-02-29"), D("2026-01-01")) == D("2026-02-28")
    assert add_months(D("2027-03-31"), -1) == D("2027-02-28")


def test_pack_overrides_change_figures_and_owners(tmp_path: Path) -> None:
    packs = build_packs(
        {
            "foreign-work-permit": PackOverride.model_validate(
                {"processing_workdays": 25, "owners": {"holder_signature": "both"}}
            )
        },
        tmp_path,
        "config.toml",
    )
    pack = packs["foreign-work-permit"]
    assert pack.figures["processing_workdays"] == 25
    assert pack.step("holder_signature").owner is Owner.BOTH
    assert pack.step("extension_filing").due == Offset(
        "deadline",
        -28,
        Unit.WORKDAYS,
        True,
        False,
        ("processing_workdays", "signature_workdays"),
        0,
        -1,
    )
    with pytest.raises(ConfigError) as err:
        build_packs({"foreign-work-permit": PackOverride.model_validate({"speed": 3})}, None, "c")
    assert err.value.problems[0].field == "packs.foreign-work-permit"
    with pytest.raises(ConfigError):
        build_packs({"shanghai-points": PackOverride.model_validate({"window_days": 3})}, None, "c")


def test_a_bad_pack_file_is_refused_naming_file_and_key() -> None:
    bad = """
name = "shenzhen-residence-permit"
title = { zh = "深圳居住证", en = "Shenzhen residence permit" }
[figures]
window_days = 30
[[steps]]
kind = "endorsement"
owner = "holder"
completes = true
due = { from = "expiry", before = "windo_days" }
words.zh = { title = "签注", short = "签注", do = "办理签注。" }
"""
    with pytest.raises(ConfigError) as err:
        parse_pack(bad, "shenzhen.toml")
    text = str(err.value)
    assert "shenzhen.toml" in text
    assert "steps.0.due: unknown figure 'windo_days'" in text
    assert "steps.0.words needs 'en'" in text


def test_check_reports_a_users_pack_file_by_file_and_key(write: Write) -> None:
    write("people.csv", "工号,姓名,居住证到期日\n1001,张三,2027-03-01\n")
    write(
        "shenzhen.toml",
        'name = "shenzhen-residence-permit"\ntitle = { zh = "深圳", en = "Shenzhen" }\n'
        '[[steps]]\nkind = "endorsement"\nowner = "landlord"\ndue = { from = "expiry" }\n',
    )
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[packs.shenzhen-residence-permit]\nfile = "shenzhen.toml"\n',
    )
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "check", "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 78, result.stderr
    assert "shenzhen.toml" in result.stderr
    assert "steps.0.owner" in result.stderr
