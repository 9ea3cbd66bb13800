"""Issue 17 item 1: a recorded step proves the steps before it (docs/design.md §4).

A 续办申请 proves the permit renewal, a submission the application, an approval the submission,
transitively, whoever recorded the later step and however. The implied step is done: never
reminded nor escalated, shown "implied by" in `plan --json`, and `grace_end` goes with the
permit renewal. Undoing the later record undoes the implication."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import EXPIRES, PERMIT_DUE, person
from netkit import Sink
from renewd.cli import main
from renewd.core.events import plan_events
from renewd.core.model import Lang, MilestoneKind, Progress, Status, Step
from renewd.core.plan import Planner
from renewd.core.progress import implied
from renewd.core.schedule import LeadRules, due_reminders

K = MilestoneKind
D = dt.date.fromisoformat
NEXT = EXPIRES + dt.timedelta(days=365)
AFTER_DUE = PERMIT_DUE + dt.timedelta(days=6)  # the permit step is overdue unless done


def test_a_recorded_application_proves_the_permit_renewal(planner: Planner) -> None:
    applied = PERMIT_DUE + dt.timedelta(days=1)
    plan = planner.plan(person(progress=Progress(points_applied_on=applied)), AFTER_DUE)
    permit = plan.milestone(K.PERMIT_RENEWAL)
    assert permit is not None
    assert permit.status is Status.DONE
    assert permit.done
    assert permit.done_on is None
    assert permit.implied_by is K.POINTS_APPLICATION
    assert plan.milestone(K.GRACE_END) is None  # only while the permit renewal is not done
    assert not any(m.status is Status.OVERDUE for m in plan.milestones)
    assert not plan.escalate
    application = plan.milestone(K.POINTS_APPLICATION)
    assert application is not None
    assert (application.done_on, application.implied_by) == (applied, None)


def test_an_approval_proves_every_step_before_it(planner: Planner) -> None:
    approved = PERMIT_DUE + dt.timedelta(days=10)
    plan = planner.plan(person(progress=Progress(points_approved_on=approved)), approved)
    for kind in (K.PERMIT_RENEWAL, K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION):
        milestone = plan.milestone(kind)
        assert milestone is not None
        assert (milestone.status, milestone.implied_by) == (Status.DONE, K.POINTS_APPROVAL), kind
    notice = plan.milestone(K.COLLECT_NOTICE)
    assert notice is not None
    assert not notice.done  # a step after the recorded one is not implied


def test_the_nearest_recorded_later_step_is_the_proof() -> None:
    day = D("2026-06-20")
    progress = Progress(points_submitted_on=day, points_approved_on=day)
    assert implied(progress) == {
        Step.PERMIT_RENEWED: Step.POINTS_SUBMITTED,
        Step.POINTS_APPLIED: Step.POINTS_SUBMITTED,
    }
    assert implied(Progress(permit_renewed_on=day)) == {}
    assert implied(Progress()) == {}


def test_an_implied_step_is_never_reminded_nor_escalated(planner: Planner) -> None:
    applied = PERMIT_DUE + dt.timedelta(days=1)
    p = person(progress=Progress(points_applied_on=applied))
    for offset in range(0, 60):
        day = applied + dt.timedelta(days=offset)
        due = due_reminders([planner.plan(p, day)], day, LeadRules(), set())
        kinds = {getattr(r, "kind", None) for r in due}
        assert not kinds & {K.PERMIT_RENEWAL, K.GRACE_END, K.PREPARE, K.PERMIT_WINDOW}, day


def test_the_feed_shows_the_permit_renewal_done_implied_by_the_application(
    planner: Planner,
) -> None:
    applied = PERMIT_DUE + dt.timedelta(days=1)
    plan = planner.plan(person(progress=Progress(points_applied_on=applied)), AFTER_DUE)
    events = {e.uid.rsplit("-", 1)[1]: e for e in plan_events(plan, Lang.ZH, uid_key=b"k" * 32)}
    permit = events["permit_renewal@renewd"]
    assert permit.summary.startswith("✓")
    assert "已完成（积分“续办申请”已记录，可推定）" in permit.description
    assert "grace_end@renewd" not in events


def test_undoing_the_later_record_undoes_the_implication(planner: Planner) -> None:
    plan = planner.plan(person(), AFTER_DUE)  # the application's record removed
    permit = plan.milestone(K.PERMIT_RENEWAL)
    assert permit is not None
    assert (permit.status, permit.implied_by) == (Status.OVERDUE, None)
    assert plan.milestone(K.GRACE_END) is not None
    due = due_reminders([plan], AFTER_DUE, LeadRules(), set())
    assert any(getattr(r, "kind", None) is K.PERMIT_RENEWAL for r in due)


def test_a_new_permit_starts_the_next_cycle_once_the_approval_implies_the_renewal(
    planner: Planner,
) -> None:
    approved = EXPIRES - dt.timedelta(days=10)
    progress = Progress(
        points_approved_on=approved,
        notice_collected_on=approved,
        new_permit_expires=EXPIRES + dt.timedelta(days=365),
    )
    plan = planner.plan(person(progress=progress), approved)
    assert plan.cycle == EXPIRES + dt.timedelta(days=365)


def test_a_collected_notice_alone_proves_the_whole_chain(planner: Planner) -> None:
    collected = EXPIRES - dt.timedelta(days=10)
    plan = planner.plan(person(progress=Progress(notice_collected_on=collected)), collected)
    assert all(m.done for m in plan.milestones if m.kind not in (K.EXPIRY, K.GRACE_END))
    approval = plan.milestone(K.POINTS_APPROVAL)
    assert approval is not None
    assert approval.implied_by is K.COLLECT_NOTICE
    expiry = plan.milestone(K.EXPIRY)
    assert expiry is not None
    assert expiry.done_on == collected
    new = replace(person().progress, notice_collected_on=collected, new_permit_expires=NEXT)
    assert planner.plan(person(progress=new), collected).cycle == NEXT


# -- through the command line and a real SMTP server ------------------------------------------

HR_BOX = "hr-rd@example.com"
BOSS_BOX = "boss@example.com"
# Expiry 2026-12-28: the window opens 11-28, permit_by is 12-10, apply_by 12-15.
HEADER = "工号,姓名,部门,居住证到期日,邮箱\n"
PERMIT = "居住证签注"


@pytest.fixture
def config(tmp_path: Path, smtp: tuple[Sink, int]) -> Path:
    _, port = smtp
    keys = f'host = "127.0.0.1"\nport = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
    path = tmp_path / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[notify]\nescalate_to = ["boss"]\n'
        f'[[channels]]\nname = "mail"\ntype = "email"\n{keys}'
        f'[[channels]]\nname = "hr-rd"\ntype = "email"\nto = ["{HR_BOX}"]\n{keys}'
        f'[[channels]]\nname = "boss"\ntype = "email"\nto = ["{BOSS_BOX}"]\n{keys}'
        '[groups."研发部"]\nchannels = ["hr-rd"]\n',
        encoding="utf-8",
    )
    rows = "E1,孙浩,研发部,2026-12-28,e1@example.com\n"
    (tmp_path / "people.csv").write_text(HEADER + rows, encoding="utf-8")
    return path


def run_pass(config: Path, sink: Sink, day: str) -> dict[str, str]:
    """Recipient -> the text (subject and plain body) of what one pass on `day` sent him."""
    before = len(sink.messages)
    assert main(["notify", "-c", str(config), "--due", "--today", day]) == 0
    out: dict[str, list[str]] = defaultdict(list)
    for _, rcpts, raw in sink.messages[before:]:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        for to in rcpts:
            out[to].append(f"{parsed['Subject']}\n{body.get_content()}")
    return {to: "\n\n".join(texts) for to, texts in out.items()}


def test_plan_json_says_which_step_implies_the_permit_renewal(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["done", "-c", str(config), "E1", "续办申请", "--on", "2026-12-07"]) == 0
    capsys.readouterr()
    assert main(["plan", "-c", str(config), "--json", "--today", "2026-12-14"]) == 0
    doc = json.loads(capsys.readouterr().out)
    steps = {m["kind"]: m for m in doc["people"][0]["milestones"]}
    assert steps["permit_renewal"]["status"] == "done"
    assert steps["permit_renewal"]["done_on"] is None
    assert steps["permit_renewal"]["implied_by"] == "points_application"
    assert steps["points_application"]["done_on"] == "2026-12-07"
    assert steps["points_application"]["implied_by"] is None
    assert all("implied_by" in m for m in steps.values())
    assert "grace_end" not in steps
    assert doc["people"][0]["escalate"] is False


def test_after_hr_records_the_application_nobody_hears_of_an_overdue_permit(
    config: Path, smtp: tuple[Sink, int], capsys: pytest.CaptureFixture[str]
) -> None:
    sink, _ = smtp
    run_pass(config, sink, "2026-12-01")  # first contact
    assert main(["done", "-c", str(config), "E1", "续办申请", "--on", "2026-12-07"]) == 0
    for day in ("2026-12-11", "2026-12-12", "2026-12-14", "2026-12-16", "2026-12-18"):
        mails = run_pass(config, sink, day)
        assert PERMIT not in mails.get("e1@example.com", ""), day
        assert "逾期" not in mails.get("e1@example.com", ""), day
        for box in (HR_BOX, BOSS_BOX):
            assert PERMIT not in mails.get(box, ""), (day, box)
    # Undone: the permit renewal is unrecorded again, and overdue.
    assert main(["done", "-c", str(config), "E1", "续办申请", "--undo"]) == 0
    mails = run_pass(config, sink, "2026-12-20")
    assert PERMIT in mails["e1@example.com"]
    assert PERMIT in mails[BOSS_BOX]
