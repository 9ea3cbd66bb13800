"""Issue 9's wording defects, each checked on the mail a real SMTP server on 127.0.0.1 receives
from `renewd notify --due` (and the feed's expiry event): checklists, contradictions, the
provisional year, automatic endorsement on and off."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main
from renewd.core.events import plan_events
from renewd.core.model import Lang, MilestoneKind, Person, Progress
from renewd.core.plan import Planner

pytestmark = pytest.mark.integration

UID_KEY = b"u" * 32

HEADER = "工号,姓名,居住证到期日,邮箱,居住证续签日期,变更事项\n"


def mails(
    tmp_path: Path,
    port: int,
    sink: Sink,
    row: str,
    day: str,
    policy: str = "",
    header: str = HEADER,
) -> str:
    """The text of every mail one pass on `day` sends for a one-row roster (no HR: he hears all)."""
    (tmp_path / "people.csv").write_text(header + row + "\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n[policy]\n{policy}\n'
        f'[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\nport = {port}\n'
        'mode = "plain"\nsender = "hr@example.com"\n',
        encoding="utf-8",
    )
    before = len(sink.messages)
    assert main(["notify", "-c", str(config), "--due", "--today", day]) == 0
    out = []
    for _, _, raw in sink.messages[before:]:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        out.append(f"{parsed['Subject']}\n{body.get_content()}")
    return "\n\n".join(out)


Send = Callable[..., str]


@pytest.fixture
def send(tmp_path: Path, smtp: tuple[Sink, int]) -> Send:
    sink, port = smtp

    def _send(row: str, day: str, policy: str = "", header: str = HEADER) -> str:
        return mails(tmp_path, port, sink, row, day, policy, header)

    return _send


def test_permit_step_lists_the_holders_own_papers_not_the_points_materials(send: Send) -> None:
    text = send("1,张三,2026-12-28,a@example.com,,单位", "2026-12-05")
    assert "居住证签注（续签）需准备" in text
    assert "您的居住证" in text
    assert "人事专员本人身份证" not in text  # HR's own ID card is on HR's list
    assert "劳动合同" not in text  # an employer change's points papers belong to points steps


def test_no_collect_the_notice_while_the_permit_is_overdue(send: Send) -> None:
    text = send("1,张三,2026-12-28,a@example.com,,", "2026-12-21")
    assert "已逾期" in text
    assert "打印或领取积分通知单" not in text


def test_days_left_never_next_to_act_now(send: Send) -> None:
    # An employer change: infeasible; 45 days before the permit step is due.
    text = send("1,张三,2027-02-25,a@example.com,,单位", "2026-12-20")
    assert "还剩" in text
    assert "请立即办理" not in text


def test_the_provisional_note_names_the_year_of_the_missing_notice(send: Send) -> None:
    text = send("1,张三,2027-02-10,a@example.com,,", "2027-01-12")
    assert "估算的 2027 年节假日安排" in text
    assert "2026 年节假日" not in text


@pytest.mark.parametrize(
    ("policy", "day", "says", "never"),
    [
        ("auto_endorsement = true", "2026-12-01", "请留意签注短信", "请现在通过"),
        ("auto_endorsement = true", "2026-12-09", "未收到自动签注短信", "请留意签注短信"),
        ("auto_endorsement = false", "2026-12-01", "社区事务受理服务中心办理", "签注短信"),
    ],
)
def test_automatic_endorsement_on_and_off(
    send: Send, policy: str, day: str, says: str, never: str
) -> None:
    text = send("1,张三,2026-12-28,a@example.com,,", day, policy)
    assert says in text
    assert never not in text  # the checklist included: it agrees with the advice


SMS_ITEM = "留意自动签注确认短信"


@pytest.mark.parametrize(
    ("row", "day", "advice", "sms_item"),
    [
        # waiting for the SMS (before the check day): the checklist says to watch for it
        ("1,张三,2026-12-28,a@example.com,,", "2026-12-01", "请留意签注短信", True),
        # past the check day without a record: apply now, no "watch for the SMS"
        ("1,张三,2026-12-28,a@example.com,,", "2026-12-09", "请现在通过", False),
        # overdue
        ("1,张三,2026-12-28,a@example.com,,", "2026-12-21", "请现在通过", False),
        # infeasible (an employer change), before the window: apply the day it opens
        ("1,张三,2027-02-25,a@example.com,,单位", "2026-12-20", "不要等待自动签注短信", False),
    ],
)
def test_the_sms_item_only_while_waiting_for_the_sms_is_the_advice(
    send: Send, row: str, day: str, advice: str, sms_item: bool
) -> None:
    text = send(row, day)
    assert advice in text
    assert "居住证签注（续签）需准备" in text
    assert "您的居住证" in text.split("居住证签注（续签）需准备")[1]
    assert (SMS_ITEM in text) is sms_item


def test_the_expiry_event_is_not_done_while_a_gap_remains(planner: Planner) -> None:
    renewed = Progress(permit_renewed_on=dt.date(2026, 6, 25))  # late: the points will lapse
    person = Person("1", "张三", dt.date(2026, 6, 30), progress=renewed)
    plan = planner.plan(person, dt.date(2026, 6, 26))
    assert plan.gap_days > 0
    [expiry] = [
        e for e in plan_events(plan, Lang.ZH, uid_key=UID_KEY) if e.uid.endswith("-expiry@renewd")
    ]
    assert not expiry.summary.startswith("✓")
    assert f"积分中断约 {plan.gap_days} 天" in expiry.description
    permit = plan.milestone(MilestoneKind.PERMIT_RENEWAL)
    assert permit is not None
    assert permit.done_on is not None


@pytest.mark.parametrize("auto", [True, False])
def test_the_feeds_permit_event_follows_automatic_endorsement(planner: Planner, auto: bool) -> None:
    plan = planner.plan(Person("1", "张三", dt.date(2026, 6, 30)), dt.date(2026, 5, 1))
    events = plan_events(plan, Lang.ZH, auto_endorsement=auto, uid_key=UID_KEY)
    [permit] = [e for e in events if e.uid.endswith("-permit_renewal@renewd")]
    assert ("自动签注并以短信确认" in permit.description) is auto
    assert ("留意自动签注确认短信" in permit.description) is auto  # the checklist agrees
    [approval] = [e for e in events if e.uid.endswith("-points_approval@renewd")]
    assert "留意审批短信" in approval.description


def test_a_person_without_points_never_reads_of_points(send: Send, planner: Planner) -> None:
    """`积分 = 否`: only the permit milestones, and their words and papers without points (the
    prepare step, its checklist, the expiry), in mail and in the feed."""
    header = "工号,姓名,居住证到期日,邮箱,积分\n"
    row = "1,张三,2027-03-01,a@example.com,否"
    texts = [send(row, day, header=header) for day in
             ("2026-12-01", "2026-12-29", "2027-01-29", "2027-02-26", "2027-03-01")]  # fmt: skip
    assert sum(bool(t) for t in texts) >= 3
    for text in texts:
        assert "积分" not in text, text
    person = Person(id="1", name="张三", permit_expires=dt.date(2027, 3, 1), has_points=False)
    plan = planner.plan(person, dt.date(2026, 12, 1))
    events = plan_events(plan, Lang.ZH, uid_key=UID_KEY)
    assert events
    for event in events:
        assert "积分" not in event.summary + event.description, event.summary
    assert any(e.summary.endswith("居住证到期") for e in events)


def test_a_first_contact_says_when_the_next_step_opens_and_that_it_may_move(send: Send) -> None:
    """Nothing is due yet: the status is the whole message, so it carries the window and the
    provisional note the plan has."""
    text = send("1,张三,2027-05-10,a@example.com,,", "2026-12-20")
    assert "【续签状态】" in text
    assert "下一步：居住证签注（续签）（暂定）" in text
    assert "可办理：2027-04-10（周六）起" in text
    assert "估算的 2027 年节假日安排" in text


def test_after_his_renewal_an_employee_is_not_told_to_act_on_hrs_lateness(send: Send) -> None:
    """The permit is renewed (recorded) but HR's steps are late: the lapse warning says his part
    is done and to remind HR, and the expiry says it expired, not that it "began"."""
    header = "工号,姓名,居住证到期日,邮箱,居住证续签日期\n"
    row = "1,张三,2027-03-19,a@example.com,2027-03-04"
    send(row, "2027-03-05", header=header)  # first contact
    text = send(row, "2027-03-22", header=header)
    assert "居住证及积分到期：已于 2027-03-19 到期" in text
    assert "开始" not in text.split("居住证及积分到期", 1)[1].split("\n", 1)[0]
    assert "您的居住证已续签，积分续办由单位办理，请提醒人事尽快完成" in text
    assert "请立即办理并告知人事" not in text


def test_a_first_contact_with_a_step_due_says_when_it_opens_once(send: Send) -> None:
    """The status and the due step's own line both spoke of the window: said once is enough."""
    text = send("1,张三,2027-01-22,a@example.com,,", "2026-12-01")
    assert "需要您办理" in text
    assert text.count("可办理：2026-12-23（周三）起") == 1
