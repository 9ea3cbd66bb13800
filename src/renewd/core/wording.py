"""The wording catalogue: every sentence renewd says about a renewal, per language, as plain text.

Messages, digests, feeds and the CLI take their words from here, so a step is called the same
thing everywhere and the two languages cannot drift apart (a test checks that both catalogues
have the same keys). Nothing here knows about markup: channels escape at their own edge.

Each step has one owner (SPEC §3, `[policy.owners]`) and is worded for its reader (`Role`):
- ACT: the reader does it (the holder for his own steps, HR for the employer's);
- ASK_HR: an employer step heard by a holder who has no HR channel ("ask your HR to ...");
- INFORM: a waiting step or a date to know; nobody is asked to act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum

from renewd.core.model import Lang, MilestoneKind, Status

K = MilestoneKind


class Role(StrEnum):
    ACT = "act"
    ASK_HR = "ask_hr"
    INFORM = "inform"


# The renewal chain in the order it happens: messages list steps in this order.
CHAIN_ORDER: tuple[MilestoneKind, ...] = tuple(MilestoneKind)
# Heads-ups: a day to know, never "overdue".
HEADS_UP = frozenset({K.PREPARE, K.PERMIT_WINDOW})
# Waits and dates: both hear of them, nobody acts.
INFORM_ONLY = frozenset({K.POINTS_APPROVAL, K.EXPIRY, K.PERMIT_WINDOW})
POINTS_STEPS = frozenset(
    {K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION, K.POINTS_APPROVAL, K.COLLECT_NOTICE}
)

_ZH: dict[str, str] = {
    # step names (short: titles, tables, digests)
    "step.prepare": "准备续办材料",
    "step.permit_window": "居住证可以开始签注",
    "step.permit_renewal": "居住证签注（续签）",
    "step.points_application": "积分“续办申请”",
    "step.employer_submission": "单位网上审核并递交积分材料",
    "step.points_approval": "积分审批结果",
    "step.collect_notice": "打印或领取积分通知单",
    "step.expiry": "居住证及积分到期",
    "step.grace_end": "逾期签注最后一天",
    # what to do, by role
    "do.prepare": "整理材料，核对社保是否连续缴纳、工作单位及积分项目（学历、职称、配偶、子女）"
    "是否有变化。社保断缴或更换单位会影响续办，请尽早告知人事。",
    "do.permit_window": "从今天起可以办理居住证签注（续签）。",
    "do.permit_renewal": "办理居住证签注，可通过“一网通办”或到社区事务受理服务中心办理，"
    "办结后告知人事。",
    "do.permit_renewal.sms": "多数持证人（登记地址相符、合法就业）由系统自动签注并以短信确认："
    "请留意签注短信。若到 {check}仍未收到，请通过“一网通办”或到社区事务受理服务中心办理。",
    "do.permit_renewal.at_open": "按当前进度时间很紧：签注窗口 {opens}开放，请当天就通过“一网通办”"
    "或到社区事务受理服务中心办理，不要等待自动签注短信。",
    "do.permit_renewal.apply": "未收到自动签注短信、也未登记续签：请现在通过“一网通办”或到"
    "社区事务受理服务中心办理居住证签注，办结后告知人事。",
    "do.points_application": "居住证续签数据同步后（约 3 个工作日），登录积分系统点击“续办申请”。",
    "do.employer_submission": "网上审核续办申请并点击“提交申请”，再递交盖章的申请表及材料。",
    "do.collect_notice": "审批通过后，在线打印或到区人才服务中心领取《居住证积分通知单》。",
    "do.grace_end": "到期后 60 天内签注可保持居住年限连续，此日为最后一天，请立即签注。",
    "ask.points_application": "请联系单位人事，在 {due}前为您点击“续办申请”。",
    "ask.employer_submission": "请联系单位人事，在 {due}前完成网上审核并递交材料。",
    "ask.generic": "请联系单位人事在 {due}前办理。",
    "ask.overdue": "已过截止日：请立即联系单位人事办理。",
    "info.points_approval": "积分续办已递交，审批短信预计在 {opens} 至 {due} 之间到达；"
    "到 {due} 仍未收到请向受理点查询。",
    "info.expiry": "居住证及积分通知单的最后有效日。",
    "info.expiry.renewed": "原居住证及积分通知单的最后有效日；新积分审批前积分暂不可用。",
    "info.permit_window": "从这一天起可以办理居住证签注（续签）。",
    # dates and leads
    "due.by": "截止 {date}",
    "due.on": "日期 {date}",
    "left.days": "还剩 {n} 天",
    "left.today": "今天截止",
    "left.over": "已逾期 {n} 天",
    "left.headsup.future": "{n} 天后",
    "left.headsup.today": "就是今天",
    "left.headsup.past": "已于 {date}开始",
    "opens.from": "可办理：{date}起",
    "lead.before": "截止前 {n} 天",
    "lead.on": "截止当天",
    "lead.after": "截止后 {n} 天",
    "lead.first": "首次联系",
    "lead.late": "补发（renewd 在 {days} 未运行）",
    "lead.alert": "需关注",
    "days.range": "{a} 至 {b}",
    "weekday": "（周{w}）",
    # notes
    "note.risk": "社保断缴或工作变动会影响续办，请尽早核对。",
    "note.infeasible.now": "按当前进度积分有效期可能中断约 {gap} 天：请立即办理并告知人事。",
    "note.infeasible.window": "按当前进度积分有效期可能中断约 {gap} 天，按常规办理时间不够："
    "请在签注窗口开放的 {opens}当天办理。",
    "note.critical": "注意：{label}（{date}）时积分可能无效。",
    "note.critical.default": "关键日期",
    "note.provisional": "部分日期依据估算的 {years} 年节假日安排，国务院公布放假通知后可能调整。",
    "note.late": "renewd 在 {days} 未运行；本消息补发了那几天应发的提醒。",
    # message frames
    "title.reminder": "【续签提醒】{name}：{steps}",
    "title.status": "【续签状态】{name}：居住证 {expires} 到期",
    "title.digest": "【续签提醒汇总】{heading} {date}：{people} 人 {items} 项",
    "title.digest.part": "（{n}/{total}）",
    "title.attention": "【需关注】{date}：{people} 人 {items} 项",
    "title.test": "【renewd】测试消息",
    "hello": "{name}，您好：",
    "status.intro": "renewd 开始为您跟踪居住证与积分续办。目前进度：",
    "status.expires": "居住证到期：{date}",
    "status.done": "已完成：{step}（{date}）",
    "status.next": "下一步：{step}，{when}",
    "status.next.hr": "下一步由单位人事办理：{step}，{when}",
    "status.next.ask": "下一步（请联系单位人事办理）：{step}，{when}",
    "status.nothing": "本周期的步骤均已完成。",
    "section.todo": "需要您办理",
    "section.info": "请知悉",
    "section.bring": "{step}需准备",
    "section.group": "{group}",
    "section.unreachable": "以下员工没有可用的个人通道，请转告",
    "section.attention": "需关注（逾期、计划不可行或关键日期）",
    "item.person": "{name}（{id}）",
    "alert.infeasible": "计划不可行，积分预计中断约 {gap} 天（居住证 {expires} 到期）",
    "alert.critical": "关键日期 {label}（{date}）时积分可能无效",
    "footer.hr": "员工本人的步骤已直接通知员工；本汇总只列出需要单位办理或知悉的事项。",
    "test.body": "这是来自 renewd 的测试消息（通道 {channel}）。收到即表示配置正确。",
    "owner.holder": "持证人本人",
    "owner.employer": "单位人事专员",
    "owner.both": "持证人与单位（知悉即可）",
    "feed.who": "办理人：{who}",
    "feed.done": "已完成：{date}",
    "feed.gap": "积分中断约 {gap} 天：新积分审批前积分不可用。",
    "feed.provisional": "日期暂定：{years} 年节假日安排公布后可能调整。",
    "feed.materials": "材料清单：",
    "all": "全部",
    # the CLI (`notify --due`, `log`, tables)
    "cli.pass": "发送日 {day}：新提醒 {issued} 条，共 {messages} 封消息"
    "（首次联系 {first} 人，补发 {late} 条）",
    "cli.dry": "演练（不发送、不记录）{day}：新提醒 {issued} 条，将发 {messages} 封消息"
    "（首次联系 {first} 人，补发 {late} 条）",
    "cli.would": "将发送",
    "cli.sent": "已发送",
    "cli.failed": "失败，待重试",
    "cli.dead": "已放弃",
    "cli.cancelled": "已取消",
    "cli.skipped": "无法送达",
    "cli.pending": "等待发送",
    "cli.sending": "发送中",
    "cli.recorded": "已记录",
    "cli.attempt": "第 {n} 次尝试",
    "cli.total": "合计：已发送 {sent}，失败待重试 {failed}，已放弃 {dead}，已取消 {cancelled}，"
    "无法送达 {skipped}；数据库中仍在等待重试 {waiting}",
    "cli.message": "{person} 的消息",
    "cli.digest": "{channel} 汇总",
    "cli.via": "经 {channel} 发往 {to}",
    "cli.configured": "（通道配置的收件人）",
    "cli.lead.late_on": "补发（renewd 在 {day} 未运行）",
    "cli.progress": "{person} {step} = {day}（由 {by} 记录）",
    "cli.no_rows": "还没有发送记录",
    "cli.first_contact": "续签状态",
    "cli.col.id": "工号",
    "cli.col.name": "姓名",
    "cli.col.group": "部门",
    "cli.col.expiry": "居住证到期",
    "cli.col.profile": "申请方式",
    "cli.col.next": "下一步",
    "cli.col.due": "截止",
    "cli.col.status": "状态",
    "cli.col.note": "备注",
    "cli.note.gap": "积分中断约 {gap} 天",
    "cli.note.provisional": "日期暂定",
    "cli.alert.infeasible": "计划不可行",
    "cli.alert.critical_date": "关键日期有风险",
    # statuses (CLI tables)
    "status.upcoming": "未开始",
    "status.open": "可办理",
    "status.due": "即将截止",
    "status.overdue": "已逾期",
    "status.done_": "已完成",
}

_EN: dict[str, str] = {
    "step.prepare": "prepare the renewal",
    "step.permit_window": "permit renewal window opens",
    "step.permit_renewal": "residence permit endorsement (renewal)",
    "step.points_application": "points renewal application (续办申请)",
    "step.employer_submission": "employer's online review and hand-in",
    "step.points_approval": "points approval",
    "step.collect_notice": "print or collect the points notice",
    "step.expiry": "permit and points expire",
    "step.grace_end": "last day to endorse late",
    "do.prepare": "Gather the materials; check that social insurance was paid without gaps and"
    " whether the employer or a points item (education, title, spouse, child) changed. A gap or a"
    " job change puts the renewal at risk: tell HR early.",
    "do.permit_window": "From today the residence permit can be endorsed (renewed).",
    "do.permit_renewal": "Endorse the residence permit online (一网通办) or at the community"
    " affairs service centre, then tell HR it is done.",
    "do.permit_renewal.sms": "Most holders (registered address matches, legally employed) are"
    " endorsed automatically and get an SMS: watch for it. Without it by {check}, apply online"
    " (一网通办) or at the community affairs service centre.",
    "do.permit_renewal.at_open": "Time is short: the window opens on {opens}; apply that day,"
    " online (一网通办) or at the community affairs service centre, without waiting for the"
    " automatic-endorsement SMS.",
    "do.permit_renewal.apply": "No endorsement SMS and no renewal recorded: apply now, online"
    " (一网通办) or at the community affairs service centre, then tell HR.",
    "do.points_application": "Once the permit renewal has synchronised (about 3 working days), log"
    " in to the points system and click 续办申请.",
    "do.employer_submission": "Review the application online, click 提交申请, and hand in the"
    " sealed application form and the materials.",
    "do.collect_notice": "After approval, print the points notice online or collect it at the"
    " district talent service centre.",
    "do.grace_end": "Endorsing within 60 days after expiry keeps the residence years continuous;"
    " this is the last day: endorse now.",
    "ask.points_application": "Ask your employer's HR to click 续办申请 for you by {due}.",
    "ask.employer_submission": "Ask your employer's HR to review online and hand in the materials"
    " by {due}.",
    "ask.generic": "Ask your employer's HR to do this by {due}.",
    "ask.overdue": "The due date has passed: ask your employer's HR to do this now.",
    "info.points_approval": "The points renewal is submitted; the approval SMS is expected between"
    " {opens} and {due}. Without it by {due}, ask the office.",
    "info.expiry": "The last valid day of the residence permit and the points notice.",
    "info.expiry.renewed": "The last valid day of the old permit and points notice; the points"
    " cannot be used until the new ones are approved.",
    "info.permit_window": "From this day the residence permit can be endorsed (renewed).",
    "due.by": "by {date}",
    "due.on": "on {date}",
    "left.days": "{n} days left",
    "left.today": "due today",
    "left.over": "overdue by {n} days",
    "left.headsup.future": "in {n} days",
    "left.headsup.today": "today",
    "left.headsup.past": "since {date}",
    "opens.from": "possible from {date}",
    "lead.before": "{n} days before",
    "lead.on": "on the due date",
    "lead.after": "{n} days after the due date",
    "lead.first": "first contact",
    "lead.late": "late (renewd was not running on {days})",
    "lead.alert": "attention",
    "days.range": "{a} to {b}",
    "weekday": " ({w})",
    "note.risk": "A gap in social insurance or a job change puts the renewal at risk: check now.",
    "note.infeasible.now": "At the current pace the points may lapse for about {gap} days: act now"
    " and tell HR.",
    "note.infeasible.window": "At the current pace the points may lapse for about {gap} days:"
    " endorse the permit on the day the window opens, {opens}.",
    "note.critical": "Warning: the points may be invalid on {label} ({date}).",
    "note.critical.default": "a critical date",
    "note.provisional": "Some dates rest on an estimate of the {years} holidays: they may move"
    " when the State Council publishes the notice.",
    "note.late": "renewd was not running on {days}; this message carries the reminders due then.",
    "title.reminder": "[Renewal] {name}: {steps}",
    "title.status": "[Renewal status] {name}: permit expires {expires}",
    "title.digest": "[Renewal digest] {heading} {date}: {items} items, {people} people",
    "title.digest.part": " ({n}/{total})",
    "title.attention": "[Attention] {date}: {items} items, {people} people",
    "title.test": "[renewd] test message",
    "hello": "Hello {name},",
    "status.intro": "renewd now tracks your permit and points renewal. Where it stands:",
    "status.expires": "Permit expires: {date}",
    "status.done": "Done: {step} ({date})",
    "status.next": "Next: {step}, {when}",
    "status.next.hr": "Next, done by your employer's HR: {step}, {when}",
    "status.next.ask": "Next (ask your employer's HR): {step}, {when}",
    "status.nothing": "Every step of this cycle is done.",
    "section.todo": "For you to do",
    "section.info": "For your information",
    "section.bring": "For the {step}, bring",
    "section.group": "{group}",
    "section.unreachable": "No personal channel reaches these employees; please tell them",
    "section.attention": "Attention (overdue, infeasible or critical dates)",
    "item.person": "{name} ({id})",
    "alert.infeasible": "plan infeasible: the points lapse about {gap} days (permit expires"
    " {expires})",
    "alert.critical": "the points may be invalid on {label} ({date})",
    "footer.hr": "Employees were told of their own steps directly; this digest lists what the"
    " employer must do or know.",
    "test.body": "A test message from renewd (channel {channel}). It works.",
    "owner.holder": "the permit holder",
    "owner.employer": "the employer's HR officer",
    "owner.both": "holder and employer (to know)",
    "feed.who": "Who: {who}",
    "feed.done": "Done: {date}",
    "feed.gap": "Points gap of about {gap} days: the points cannot be used until approval.",
    "feed.provisional": "Provisional: may move when the holiday notice for {years} is published.",
    "feed.materials": "Materials:",
    "all": "all",
    "cli.pass": "pass {day}: {issued} new reminders in {messages} messages (first contact:"
    " {first} people, late: {late})",
    "cli.dry": "dry run (nothing sent or recorded) {day}: {issued} new reminders in {messages}"
    " messages (first contact: {first} people, late: {late})",
    "cli.would": "would send",
    "cli.sent": "sent",
    "cli.failed": "failed, will retry",
    "cli.dead": "dead",
    "cli.cancelled": "cancelled",
    "cli.skipped": "undeliverable",
    "cli.pending": "pending",
    "cli.sending": "sending",
    "cli.recorded": "recorded",
    "cli.attempt": "attempt {n}",
    "cli.total": "total: sent {sent}, failed (will retry) {failed}, dead {dead}, cancelled"
    " {cancelled}, undeliverable {skipped}; retries still waiting in the database {waiting}",
    "cli.message": "message for {person}",
    "cli.digest": "{channel} digest",
    "cli.via": "via {channel} to {to}",
    "cli.configured": "(the channel's recipients)",
    "cli.lead.late_on": "late (renewd was not running on {day})",
    "cli.progress": "{person} {step} = {day} (recorded by {by})",
    "cli.no_rows": "no deliveries recorded",
    "cli.first_contact": "renewal status",
    "cli.col.id": "id",
    "cli.col.name": "name",
    "cli.col.group": "group",
    "cli.col.expiry": "expiry",
    "cli.col.profile": "profile",
    "cli.col.next": "next step",
    "cli.col.due": "due",
    "cli.col.status": "status",
    "cli.col.note": "note",
    "cli.note.gap": "gap {gap}d",
    "cli.note.provisional": "provisional",
    "cli.alert.infeasible": "plan infeasible",
    "cli.alert.critical_date": "critical date at risk",
    "status.upcoming": "upcoming",
    "status.open": "open",
    "status.due": "due soon",
    "status.overdue": "overdue",
    "status.done_": "done",
}

CATALOGUE: Mapping[Lang, Mapping[str, str]] = {Lang.ZH: _ZH, Lang.EN: _EN}
_WEEKDAYS = {Lang.ZH: "一二三四五六日", Lang.EN: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def say(lang: Lang, key: str, **values: object) -> str:
    """The catalogue's sentence `key` in `lang`, filled in with `values`."""
    return CATALOGUE[lang][key].format(**values)


def step_name(kind: MilestoneKind, lang: Lang) -> str:
    return say(lang, f"step.{kind.value}")


def status_name(status: Status, lang: Lang) -> str:
    return say(lang, "status.done_" if status is Status.DONE else f"status.{status.value}")


def date(day: dt.date, lang: Lang) -> str:
    """2027-01-19（周二） / 2027-01-19 (Tue)."""
    return day.isoformat() + say(lang, "weekday", w=_WEEKDAYS[lang][day.weekday()])


def days_left(kind: MilestoneKind, due: dt.date, today: dt.date, lang: Lang) -> str:
    """How far the step's date is, in words that never call a heads-up overdue."""
    n = (due - today).days
    if kind in HEADS_UP or kind in INFORM_ONLY:
        if n > 0:
            return say(lang, "left.headsup.future", n=n)
        return say(lang, "left.headsup.today" if n == 0 else "left.headsup.past", date=due)
    if n > 0:
        return say(lang, "left.days", n=n)
    return say(lang, "left.today") if n == 0 else say(lang, "left.over", n=-n)


def day_span(days: Iterable[dt.date], lang: Lang) -> str:
    """Missed days as "2026-12-02 至 2026-12-04" (consecutive) or a list."""
    ordered = sorted(days)
    if not ordered:
        return ""
    if len(ordered) == 1:
        return ordered[0].isoformat()
    consecutive = (ordered[-1] - ordered[0]).days == len(ordered) - 1
    if consecutive:
        return say(lang, "days.range", a=ordered[0].isoformat(), b=ordered[-1].isoformat())
    return (
        "、".join(d.isoformat() for d in ordered)
        if lang is Lang.ZH
        else ", ".join(d.isoformat() for d in ordered)
    )


def lead_text(lead: int, lang: Lang) -> str:
    """A reminder's lead for people: "60 days before", "6 days after the due date"."""
    if lead > 0:
        return say(lang, "lead.before", n=lead)
    return say(lang, "lead.on") if lead == 0 else say(lang, "lead.after", n=-lead)


def years_text(years: Iterable[int], lang: Lang) -> str:
    joined = [str(y) for y in sorted(set(years))]
    return "、".join(joined) if lang is Lang.ZH else " and ".join(joined)
