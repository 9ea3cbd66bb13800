"""One name per step (issue 16): every name the product shows for a step is one `renewd done`
accepts, and the names it showed before still mean the same step."""

from __future__ import annotations

import datetime as dt

import pytest

from renewd.core.model import Lang, MilestoneKind, Step
from renewd.core.moves import Move
from renewd.core.progress import FORMER_NAMES, kind_of, parse_step
from renewd.core.wording import short_name, step_name, step_names
from renewd.web.console.i18n import step_name as console_step_name

RECORDABLE = [kind_of(step) for step in Step]


def shown(kind: MilestoneKind) -> set[str]:
    """The names messages, feeds, the CLI, the console and dates-moved mail print for `kind`."""
    names = {kind.value}
    for lang in Lang:
        names |= {step_name(kind, lang), step_name(kind, lang, points=False)}
        names |= {short_name(kind, lang), console_step_name(kind, lang)}
    return names


@pytest.mark.parametrize("kind", RECORDABLE, ids=str)
def test_every_name_shown_for_a_step_is_accepted_by_done(kind: MilestoneKind) -> None:
    for name in shown(kind) | step_names(kind):
        assert kind_of(parse_step(name)) is kind, name


def test_the_three_old_names_of_the_employer_step_are_one_step() -> None:
    names = ["单位网上审核并递交积分材料", "单位审核提交", "单位审核递交"]
    assert {parse_step(n) for n in names} == {Step.POINTS_SUBMITTED}
    assert {kind_of(parse_step(n)) for n in names} == {MilestoneKind.EMPLOYER_SUBMISSION}


def test_former_names_keep_their_step() -> None:
    for name, step in FORMER_NAMES.items():
        assert parse_step(name) is step, name


def test_a_dates_moved_line_names_the_step_by_its_short_label() -> None:
    day = dt.date(2027, 1, 26)
    move = Move("E001", day, MilestoneKind.EMPLOYER_SUBMISSION, day, day + dt.timedelta(days=1))
    assert move.line(Lang.ZH).startswith("单位审核递交：")
    assert move.line(Lang.EN).startswith("employer submission: ")


@pytest.mark.parametrize("lang", list(Lang), ids=str)
def test_each_step_has_one_full_name_and_one_short_label(lang: Lang) -> None:
    full = [step_name(kind, lang) for kind in MilestoneKind]
    short = [short_name(kind, lang) for kind in MilestoneKind]
    assert len(set(full)) == len(full)
    assert len(set(short)) == len(short)
