"""What reminders say (issue 9): one letter per recipient, true words, escaping at the channel
edge. Letters are built from real plans and rendered as the channels render them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PERMIT_DUE, person
from renewd.channels.formatting import escape, render, split
from renewd.core.digests import digest_letter
from renewd.core.letter import Format
from renewd.core.messages import personal_letter
from renewd.core.model import Change, Lang, MilestoneKind, Person, Progress
from renewd.core.plan import Planner
from renewd.core.policy import CalendarOptions, Policy
from renewd.core.routing import AddressField, ChannelRoute, Routed, Routes, Scope, route
from renewd.core.schedule import LeadRules, PassHistory, due_reminders
from renewd.core.workdays import WorkdayCalendar

K = MilestoneKind
D = dt.date.fromisoformat
ROUTES = Routes(
    (
        ChannelRoute("mail", Scope.PERSONAL, AddressField.EMAIL, fixed=False),
        ChannelRoute("hr-mail", Scope.GROUP, None, fixed=True),
    ),
    {"研发部": ("hr-mail",)},
)


def routed(
    planner: Planner,
    people: list[Person],
    today: dt.date,
    *,
    first: bool = False,
    history: PassHistory | None = None,
    routes: Routes = ROUTES,
) -> Routed:
    plans = planner.plan_all(people, today)
    known: set[str] | None = set() if first else None
    due = due_reminders(plans, today, LeadRules(), set(), known=known, history=history)
    return route(due, routes)


def text_of(planner: Planner, people: list[Person], today: dt.date, **kw: object) -> str:
    """Every personal message body of the pass, rendered as plain text."""
    out = []
    policy = planner.policy
    for envelope in routed(planner, people, today, **kw).personal:  # type: ignore[arg-type]
        for message in render(personal_letter(envelope, today, Lang.ZH, policy), Format.TEXT):
            out.append(message.title + "\n" + message.body)
    return "\n\n".join(out)


def test_employee_never_hears_an_employer_step(planner: Planner) -> None:
    # The whole chain of someone whose permit was renewed: employer steps go to HR only.
    p = person(progress=Progress(permit_renewed_on=D("2026-06-01")))
    for day in (D("2026-06-05"), D("2026-06-10"), D("2026-06-15")):
        text = text_of(planner, [p], day)
        assert "单位网上审核并递交积分材料" not in text
        assert "续办申请" not in text
    digest = routed(planner, [p], D("2026-06-10")).group
    assert digest
    assert digest[0].channel == "hr-mail"


def test_family_hears_employer_steps_as_ask_your_hr(planner: Planner) -> None:
    p = person(group="", progress=Progress(permit_renewed_on=D("2026-06-01")))
    text = text_of(planner, [p], D("2026-06-10"))
    assert "请联系单位人事" in text


def test_one_message_per_person_with_steps_in_chain_order(planner: Planner) -> None:
    # An infeasible family member: several steps due on the same day, one message.
    p = person(group="", changes=frozenset({Change.EMPLOYER}))
    day = D("2026-06-05")
    result = routed(planner, [p], day)
    assert len(result.personal) == 1
    kinds = [i.reminder.kind for i in result.personal[0].items]
    steps = [k for k in kinds if isinstance(k, MilestoneKind)]
    assert len(steps) > 1
    assert steps == sorted(steps, key=list(MilestoneKind).index)


def test_points_materials_only_on_points_steps_and_hr_id_only_for_hr(planner: Planner) -> None:
    day = PERMIT_DUE - dt.timedelta(days=3)
    text = text_of(planner, [person()], day)
    assert "居住证签注" in text
    assert "人事专员本人身份证" not in text
    assert "积分申请表" not in text  # a points material, not the permit step's
    assert "您的居住证" in text
    assert "您的身份证" in text
    assert "短信" in text
    p = person(progress=Progress(permit_renewed_on=D("2026-06-01"),
                                 points_applied_on=D("2026-06-05")))  # fmt: skip
    envelope = routed(planner, [p], D("2026-06-08")).group[0]
    digest = render(digest_letter(envelope, D("2026-06-08"), Lang.ZH, planner.policy),
                    Format.TEXT)[0].body  # fmt: skip
    assert "人事专员本人身份证" in digest


def test_no_collect_the_notice_while_the_permit_is_overdue(planner: Planner) -> None:
    p = person(group="")
    for offset in range(1, 40):
        day = PERMIT_DUE + dt.timedelta(days=offset)
        assert "打印或领取积分通知单" not in text_of(planner, [p], day), day


def test_days_left_and_urgency_agree(planner: Planner) -> None:
    # Infeasible, 45 days before the window: no "act now" next to "45 days left".
    p = person(changes=frozenset({Change.EMPLOYER}))
    for day in (D("2026-04-15"), D("2026-05-02")):
        text = text_of(planner, [p], day)
        if "还剩" in text:
            assert "请立即办理" not in text
            assert "请现在" not in text


def test_heads_up_is_never_overdue(planner: Planner) -> None:
    p = person(group="")
    window = PERMIT_DUE.replace(day=1) - dt.timedelta(days=0)
    for offset in range(0, 7):
        day = window + dt.timedelta(days=offset)
        assert "已逾期" not in text_of(planner, [p], day).split("居住证签注")[0]


def test_first_run_is_a_status_message_never_late(planner: Planner) -> None:
    day = PERMIT_DUE - dt.timedelta(days=5)
    history = PassHistory(frozenset({day - dt.timedelta(days=20)}))
    text = text_of(planner, [person()], day, first=True, history=history)
    assert "【续签状态】" in text
    assert "下一步" in text
    assert "未运行" not in text
    assert "中断" not in text
    assert "延后" not in text


def test_late_message_names_the_days_renewd_was_not_running(planner: Planner) -> None:
    day = PERMIT_DUE - dt.timedelta(days=2)  # the lead-3 reminder fell on a missed day
    ran = {day - dt.timedelta(days=n) for n in range(4, 30)}
    text = text_of(planner, [person()], day, history=PassHistory(frozenset(ran)))
    missed = [day - dt.timedelta(days=n) for n in (3, 2, 1)]
    assert f"{missed[0]} 至 {missed[-1]} 的提醒未能按时发出" in text


def test_provisional_note_names_the_estimated_year() -> None:
    planner = Planner(Policy(), WorkdayCalendar.from_options(CalendarOptions()))
    p = person(permit_expires=D("2027-02-10"), group="")
    plan = planner.plan(p, D("2027-01-15"))
    assert plan.provisional
    assert 2027 in plan.estimated_years
    text = text_of(planner, [p], D("2027-01-15"))
    assert "2027 年节假日安排" in text
    assert "2026 年节假日" not in text


@pytest.mark.parametrize(
    ("auto", "day", "expected", "absent"),
    [
        (True, "2026-06-02", "请留意签注短信", "请现在"),
        (True, "2026-06-09", "请现在", "请留意签注短信"),  # from the check day on
        (False, "2026-06-02", "社区事务受理服务中心办理", "短信"),
    ],
)
def test_automatic_endorsement(auto: bool, day: str, expected: str, absent: str) -> None:
    policy = Policy(auto_endorsement=auto)
    planner = Planner(policy, WorkdayCalendar.from_options(CalendarOptions()))
    text = text_of(planner, [person(group="")], D(day))
    assert expected in text
    assert absent not in text.split("需准备")[0]


def test_infeasible_plan_says_apply_when_the_window_opens(planner: Planner) -> None:
    p = person(changes=frozenset({Change.EMPLOYER}), group="")
    text = text_of(planner, [p], D("2026-05-25"))
    assert "不要等待自动签注短信" in text


def test_name_with_markup_is_inert_on_every_format(planner: Planner) -> None:
    name = "张*三_<b>"
    day = PERMIT_DUE - dt.timedelta(days=3)
    envelope = routed(planner, [person(name=name)], day).personal[0]
    letter = personal_letter(envelope, day, Lang.ZH, planner.policy)
    html = render(letter, Format.HTML)[0]
    assert "张*三_&lt;b&gt;" in html.title
    assert "张*三_&lt;b&gt;，您好" in html.body
    markdown = render(letter, Format.MARKDOWN)[0]
    assert r"张\*三\_&lt;b&gt;" in markdown.title
    assert r"张\*三\_&lt;b&gt;" in markdown.body
    text = render(letter, Format.TEXT)[0]
    assert name in text.title
    assert f"{name}，您好" in text.body


def test_english_letter(planner: Planner) -> None:
    day = PERMIT_DUE - dt.timedelta(days=3)
    envelope = routed(planner, [person(lang=Lang.EN)], day).personal[0]
    message = render(personal_letter(envelope, day, Lang.EN, planner.policy), Format.TEXT)[0]
    assert message.title.startswith("[Renewal] 张三: residence permit")
    assert "3 days left" in message.body
    assert "For you to do:" in message.body


def test_escape_removes_line_breaks_and_tags() -> None:
    assert escape("a\n<b>", Format.HTML) == "a &lt;b&gt;"
    assert escape("a\nb", Format.TEXT) == "a b"
    assert escape("2026-12-01 - x", Format.MARKDOWN) == "2026-12-01 - x"
    assert escape("# x", Format.MARKDOWN) == r"\# x"


def test_split_keeps_every_line_in_order() -> None:
    lines = ["head", *(f"- item {i} 汉字" for i in range(200))]
    parts = split(lines, "footer", 400)
    assert len(parts) > 1
    assert all(len(p.encode()) <= 400 for p in parts)
    seen = [ln for p in parts for ln in p.split("\n")[1:] if ln.startswith("- ")]
    assert seen == lines[1:]
    assert parts[-1].endswith("footer")


def test_two_people_sharing_one_address_get_one_message(planner: Planner) -> None:
    day = PERMIT_DUE - dt.timedelta(days=3)
    a = person("E001", email="family@example.com", group="")
    b = person("E002", name="李四", email="family@example.com", group="")
    result = routed(planner, [a, b], day)
    assert len(result.personal) == 1
    letter = personal_letter(result.personal[0], day, Lang.ZH, planner.policy)
    assert "张三" in letter.title
    assert "李四" in letter.title


def test_an_overdue_employer_step_is_listed_once_when_hr_is_also_the_escalation_channel(
    planner: Planner,
) -> None:
    routes = Routes(ROUTES.channels, ROUTES.groups, escalate_to=("hr-mail",))
    p = person(progress=Progress(permit_renewed_on=D("2026-06-01")))
    day = D("2026-06-20")  # the application was due on 2026-06-16: overdue, so escalated
    [digest] = routed(planner, [p], day, routes=routes).group
    assert digest.attention  # the overdue step is an escalation too ...
    body = render(digest_letter(digest, day, Lang.ZH, planner.policy), Format.TEXT)[0].body
    assert body.count("张三（E001）：积分“续办申请”") == 1  # ... listed once


def test_a_family_overdue_employer_step_says_ask_now(planner: Planner) -> None:
    p = person(group="", progress=Progress(permit_renewed_on=D("2026-06-01")))
    text = text_of(planner, [p], D("2026-06-20"))
    assert "已过截止日：请立即联系单位人事办理。" in text


NAMES = st.text(
    alphabet=st.sampled_from("张三李四王五欧阳*_<>[]`#abcXYZ -"), min_size=1, max_size=24
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(NAMES, min_size=1, max_size=40),
    fmt=st.sampled_from(list(Format)),
    max_bytes=st.integers(min_value=400, max_value=4096),
)
def test_digest_parts_fit_the_budget_and_keep_every_item_in_order(
    planner: Planner, names: list[str], fmt: Format, max_bytes: int
) -> None:
    day = D("2026-06-10")
    renewed = Progress(permit_renewed_on=D("2026-06-01"))
    people = [person(f"E{i:03}", name=n, progress=renewed) for i, n in enumerate(names)]
    [envelope] = routed(planner, people, day).group
    letter = digest_letter(envelope, day, Lang.ZH, planner.policy)
    [whole] = render(letter, fmt)
    parts = render(letter, fmt, max_bytes)
    assert all(len(part.body.encode()) <= max_bytes for part in parts)
    head, *lines = whole.body.splitlines()
    assert all(part.body.splitlines()[0] == head for part in parts)  # the heading repeats
    split_lines = [line for part in parts for line in part.body.splitlines()[1:]]
    # Nothing lost, nothing added, order kept (a blank separator at a part's edge is dropped).
    assert [ln for ln in split_lines if ln] == [ln for ln in lines if ln]
    assert all(part.body.splitlines()[-1] for part in parts)
    if len(parts) > 1:
        assert all(p.title.endswith(f"（{n}/{len(parts)}）") for n, p in enumerate(parts, 1))
