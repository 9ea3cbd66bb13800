"""Progress facts in the core (`renewd.core.progress`): step names, refused days, merging."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import EXPIRES, person
from renewd.core.errors import UsageError
from renewd.core.model import Lang, MilestoneKind, Progress, Step
from renewd.core.progress import (
    check_day,
    check_record,
    kind_of,
    merge_progress,
    parse_step,
    step_of,
)

pytestmark = pytest.mark.both_databases  # the `db` fixture: SQLite and PostgreSQL

D = dt.date.fromisoformat
TODAY = D("2026-06-20")


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("permit_renewal", Step.PERMIT_RENEWED),
        ("permit", Step.PERMIT_RENEWED),
        ("permit_renewed_on", Step.PERMIT_RENEWED),
        ("居住证签注", Step.PERMIT_RENEWED),
        ("续办申请", Step.POINTS_APPLIED),
        ("points-application", Step.POINTS_APPLIED),
        ("Submitted", Step.POINTS_SUBMITTED),
        ("审批通过", Step.POINTS_APPROVED),
        ("notice", Step.NOTICE_COLLECTED),
    ],
)
def test_a_step_is_named_by_kind_short_name_or_chinese_name(text: str, step: Step) -> None:
    assert parse_step(text) is step


def test_an_unknown_step_name_is_refused_with_the_names_to_use() -> None:
    with pytest.raises(UsageError, match="permit_renewal"):
        parse_step("renewal-ish")


def test_each_step_closes_one_milestone_and_back() -> None:
    for step in Step:
        assert step_of(kind_of(step)) is step
    assert step_of(MilestoneKind.EXPIRY) is None


def test_a_day_in_the_future_is_refused() -> None:
    with pytest.raises(UsageError, match="future"):
        check_day(Step.PERMIT_RENEWED, TODAY + dt.timedelta(days=1), TODAY, Progress())


def test_a_step_before_the_step_it_waits_for_is_refused() -> None:
    progress = Progress(permit_renewed_on=D("2026-06-10"))
    with pytest.raises(UsageError, match="before permit_renewed_on"):
        check_day(Step.POINTS_APPLIED, D("2026-06-09"), TODAY, progress)
    check_day(Step.POINTS_APPLIED, D("2026-06-10"), TODAY, progress)


def test_a_permit_renewal_before_the_window_is_refused_in_the_readers_language() -> None:
    opens = EXPIRES - dt.timedelta(days=30)
    with pytest.raises(UsageError, match="居住证"):
        check_record(
            person(), Step.PERMIT_RENEWED, opens - dt.timedelta(days=1), TODAY, 30, lang=Lang.ZH
        )
    check_record(person(), Step.PERMIT_RENEWED, opens, TODAY, 30)


def test_a_new_expiry_must_be_later_than_the_one_in_force() -> None:
    with pytest.raises(UsageError, match="not after"):
        check_record(person(), None, None, TODAY, 30, new_expiry=EXPIRES)
    check_record(person(), None, None, TODAY, 30, new_expiry=EXPIRES + dt.timedelta(days=365))


def test_merged_progress_keeps_the_later_date_of_roster_and_record() -> None:
    roster = person(progress=Progress(permit_renewed_on=D("2026-06-12")))
    other = person("E002")
    recorded = {"E001": Progress(permit_renewed_on=D("2026-06-05"), points_applied_on=TODAY)}
    merged = merge_progress([roster, other], recorded)
    want = Progress(permit_renewed_on=D("2026-06-12"), points_applied_on=TODAY)
    assert merged[0].progress == want
    assert merged[1] is other
