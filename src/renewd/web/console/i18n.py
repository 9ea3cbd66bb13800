"""The console's words in Chinese (the default) and English: one table, looked up by key."""

from __future__ import annotations

import datetime as dt

from renewd.core.model import Lang, MilestoneKind, Status, Step
from renewd.core.problemwords import hide_numbers
from renewd.core.progress import kind_of
from renewd.core.rosterdiff import Cell
from renewd.roster.reader import COLUMNS

K = MilestoneKind

STEP_NAMES: dict[MilestoneKind, tuple[str, str]] = {
    K.PREPARE: ("准备材料", "Prepare"),
    K.PERMIT_WINDOW: ("签注窗口开放", "Window opens"),
    K.PERMIT_RENEWAL: ("居住证签注", "Permit renewal"),
    K.POINTS_APPLICATION: ("积分续办申请", "Points application"),
    K.EMPLOYER_SUBMISSION: ("单位审核递交", "Employer submission"),
    K.POINTS_APPROVAL: ("等待积分审批", "Points approval"),
    K.COLLECT_NOTICE: ("领取积分通知单", "Collect the notice"),
    K.EXPIRY: ("居住证到期", "Permit expires"),
    K.GRACE_END: ("逾期补签截止", "Late-renewal limit"),
}

STATUS_NAMES: dict[Status, tuple[str, str]] = {
    Status.UPCOMING: ("未开始", "upcoming"),
    Status.OPEN: ("可办理", "open"),
    Status.DUE: ("临近", "due soon"),
    Status.OVERDUE: ("已逾期", "overdue"),
    Status.DONE: ("已完成", "done"),
}

WORDS: dict[str, tuple[str, str]] = {
    "app": ("居住证续办", "Permit renewals"),
    "overview": ("概览", "Overview"),
    "people": ("人员", "People"),
    "deliveries": ("消息投递", "Deliveries"),
    "feeds": ("日历订阅", "Feeds"),
    "calendar": ("工作日历", "Calendar"),
    "roster": ("名单", "Roster"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "account": ("账号", "Account"),
    "password": ("密码", "Password"),
    "signin_failed": ("账号或密码不正确。", "Wrong account name or password."),
    "throttled": (
        "登录失败次数过多，请 15 分钟后再试。",
        "Too many failed sign-ins; try again in 15 minutes.",
    ),
    "today": ("今天", "Today"),
    "overdue_steps": ("已逾期的步骤", "Overdue steps"),
    "due_week": ("本周到期的步骤", "Steps due this week"),
    "infeasible": ("来不及续办的计划", "Infeasible plans"),
    "at_risk": ("受影响的关键日期", "Critical dates at risk"),
    "failed_deliveries": ("发送失败（重试中）", "Failed deliveries (retrying)"),
    "dead_deliveries": ("放弃发送", "Dead deliveries"),
    "roster_problems": ("名单问题", "Roster problems"),
    "missing_notice": ("缺少放假通知的年份", "Years without a holiday notice"),
    "search": ("姓名或工号", "Name or id"),
    "group": ("部门/单位", "Group"),
    "all_groups": ("全部部门", "All groups"),
    "status": ("状态", "Status"),
    "any_status": ("全部状态", "Any status"),
    "step": ("步骤", "Step"),
    "any_step": ("全部步骤", "Any step"),
    "filter": ("筛选", "Filter"),
    "next_step": ("下一步", "Next step"),
    "due": ("截止", "Due"),
    "name": ("姓名", "Name"),
    "id": ("工号", "Id"),
    "person": ("人员", "Person"),
    "expires": ("居住证到期", "Permit expires"),
    "no_people": ("没有符合条件的人员。", "Nobody matches."),
    "page": ("第 {page} / {pages} 页，共 {total} 人", "Page {page} of {pages}, {total} people"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "timeline": ("时间线", "Timeline"),
    "steps": ("步骤", "Steps"),
    "done_on": ("完成日期", "Done on"),
    "record_done": ("记为完成", "Mark done"),
    "undo": ("撤销", "Undo"),
    "new_expiry": ("新居住证到期日", "New permit expiry"),
    "save": ("保存", "Save"),
    "history": ("消息记录", "Delivery history"),
    "changes": ("修改记录", "Changes"),
    "feed": ("个人日历订阅", "Personal feed"),
    "subscribe": ("订阅页面", "Subscribe page"),
    "gap": ("预计积分中断 {days} 天", "Projected gap of {days} days"),
    "passed": ("已过", "passed"),
    "implied_by": ("（{step}已记录，可推定）", "(implied by {step})"),
    "gap_legend": ("预计积分中断", "projected gap"),
    "provisional": ("暂定（放假通知未发布）", "provisional (holiday notice not out)"),
    "rest_day": ("休息日", "rest day"),
    "makeup_day": ("调休上班", "make-up working day"),
    "recorded": ("已记录。", "Recorded."),
    "undone": ("已撤销。", "Undone."),
    "roster_value": (
        "名单文件中也有这个日期，撤销需修改名单。",
        "The roster file also holds this date; edit the roster to undo it.",
    ),
    "retry": ("立即重试", "Retry now"),
    "retry_these": ("全部重试（{n}）", "Retry all ({n})"),
    "owed_all": ("失败和已放弃", "Failed and given up"),
    "owed_total": ("{n} 条消息未送达，按原因", "{n} messages not delivered, by reason"),
    "next_try": ("下次重试 {at}", "next try {at}"),
    "nothing_owed": (
        "没有失败或已放弃的消息。每人已发送的消息见其人员页的“消息记录”。",
        "No failed or given-up messages. What was sent to each person is on his"
        " page, under Delivery history.",
    ),
    "reason": ("原因", "Reason"),
    "channel": ("渠道", "Channel"),
    "recipient": ("接收人", "Recipient"),
    "attempts": ("次数", "Attempts"),
    "when": ("时间", "When"),
    "late": ("补发", "late"),
    "rotate": ("更换链接", "Rotate"),
    "rotated": (
        "订阅链接已更换，旧链接失效。",
        "The feed has a new link; the old one stopped working.",
    ),
    "official": ("正式", "official"),
    "estimated": ("暂定（估算）", "provisional (estimated)"),
    "source": ("来源", "Source"),
    "year": ("年份", "Year"),
    "calendar_import_hook": (
        "放假通知发布后，可用 renewd calendar import 导入。",
        "Once the notice is out, import it with renewd calendar import.",
    ),
    "notice_import": ("导入放假通知", "Import the holiday notice"),
    "notice_hint": (
        "粘贴国务院放假安排通知全文（或 holiday-cn JSON）；先试读，确认后取消勾选再导入。",
        "Paste the State Council notice as published (or holiday-cn JSON); read it first,"
        " then untick the dry run to store it.",
    ),
    "notice_dry_run": ("只试读，不保存", "Dry run: store nothing"),
    "notice_read": ("读取", "Read"),
    "notice_refused": ("未导入：", "Refused, nothing stored:"),
    "notice_moves": ("以下日期将调整：", "These due dates move:"),
    "notice_stored": (
        "已导入；下一次发送时通知相关人员。",
        "Stored; the owners hear what moved in the next pass.",
    ),
    "notice_dry": ("试读：未保存。", "Dry run: nothing stored."),
    "notice_same": (
        "该年份已是这一安排，未改变。",
        "That year already has exactly this arrangement.",
    ),
    "upload": ("上传新名单", "Upload a new roster"),
    "check": ("检查", "Check"),
    "confirm_swap": ("确认替换名单", "Replace the roster"),
    "roster_ok": (
        "检查通过：替换后名单共 {count} 人（目前 {current} 人）。请核对以下变化，确认后替换。",
        "Checks passed: {count} people after the swap ({current} now). Check what changes,"
        " then confirm.",
    ),
    "diff_added": ("新增 {n} 人", "{n} added"),
    "diff_removed": ("移除 {n} 人", "{n} removed"),
    "diff_changed": ("信息变更 {n} 人", "{n} changed"),
    "diff_same": ("未变 {n} 人", "{n} unchanged"),
    "diff_none": (
        "与目前的名单完全相同，替换不会改变任何人。",
        "Identical to the roster in force: the swap changes nobody.",
    ),
    "diff_more": ("……另有 {n} 人", "…and {n} more"),
    "diff_remove_warning": (
        "将移除 {n} 人：他们的提醒将停止，个人日历订阅链接失效。",
        "{n} people will be removed: their reminders stop and their feeds stop working.",
    ),
    "diff_drastic": (
        "注意：这会移除目前 {current} 人中的 {n} 人，超过一半。如果只上传了一个部门的表，"
        "请不要确认：替换的是整个文件 {file}，表中没有的人都会被移除。",
        "Careful: this removes {n} of the {current} people in force, more than half. If you"
        " uploaded one department's sheet, do not confirm: the whole file {file} is replaced"
        " and everyone not in it is removed.",
    ),
    "confirm_swap_removing": ("确认替换（移除 {n} 人）", "Replace the roster (remove {n})"),
    "confirm_swap_drastic": (
        "仍然替换并移除 {n} 人",
        "Replace anyway and remove {n} people",
    ),
    "empty_cell": ("（空）", "(empty)"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "roster_bad": ("名单有问题，未替换：", "The roster has problems and was not swapped in:"),
    "roster_swapped": ("名单已替换。", "The roster was replaced."),
    "export": ("导出", "Export"),
    "admin_only": ("仅管理员可用。", "Admins only."),
    "link_title": ("确认已完成", "Confirm it is done"),
    "link_confirm": ("确认", "Confirm"),
    "link_invalid": (
        "这个链接无效或已过期。请在最新的提醒消息中打开链接，或联系人事。",
        "This link is invalid or has expired. Open the link in your latest reminder, or ask HR.",
    ),
    "link_done": ("谢谢！已记录，相关提醒将停止。", "Thank you, recorded: the reminders stop."),
    "link_ask": ("{name}，请确认这一步已经完成：", "{name}, please confirm this step is done:"),
    "loopback_warning": (
        "base_url 是本机地址，手机无法访问这些链接；请在配置中设为局域网或公网地址。",
        "base_url is a loopback address that no phone can reach; set it to a reachable address.",
    ),
    "webcal": ("在日历应用中订阅", "Subscribe in your calendar app"),
    "https_link": ("https 链接（安卓或微信内打开）", "https link (Android, in-app browsers)"),
    "not_found": ("没有找到。", "Not found."),
    "forbidden": ("请求无效，请刷新页面重试。", "Invalid request; reload the page and try again."),
    "lang_other": ("English", "中文"),
    "all": ("全部", "All"),
    "by": ("操作人", "By"),
    "accounts": ("账号", "Accounts"),
    "admin": ("管理员（全部部门）", "admin (every group)"),
    "accounts_hint": (
        "用命令行管理账号：renewd user add|remove|passwd。",
        "Manage accounts on the command line: renewd user add|remove|passwd.",
    ),
}


DELIVERY_NAMES: dict[str, tuple[str, str]] = {
    "pending": ("待发送", "pending"),
    "sending": ("发送中", "sending"),
    "sent": ("已发送", "sent"),
    "failed": ("失败，将重试", "failed, will retry"),
    "dead": ("已放弃", "gave up"),
    "cancelled": ("已取消（步骤已完成）", "cancelled (step done)"),
}


OTHER_KINDS: dict[str, tuple[str, str]] = {
    "message": ("提醒消息", "reminder"),
    "digest": ("人事汇总", "HR digest"),
    "first_contact": ("首次状态", "first status"),
    "infeasible": ("计划不可行提醒", "infeasible plan"),
    "critical_date": ("关键日期提醒", "critical date"),
    "dates_moved": ("日期调整", "dates moved"),
    "calendar_estimate": ("节假日安排待导入", "holiday notice to import"),
}
ACTORS: dict[str, tuple[str, str]] = {
    "link": ("员工确认链接", "confirmation link"),
    "cli": ("命令行", "command line"),
}
CHANGES: dict[str, tuple[str, str]] = {
    "done": ("记为完成", "recorded done"),
    "undo": ("撤销记录", "record removed"),
    "new_expiry": ("新居住证到期日", "new permit expiry"),
}


def kind_name(kind: str, lang: Lang) -> str:
    """A delivery's kind: a step's name, or what else renewd sends (a message, a digest…)."""
    try:
        return step_name(MilestoneKind(kind), lang)
    except ValueError:
        zh, en = OTHER_KINDS.get(kind, (kind, kind))
        return zh if lang is Lang.ZH else en


def actor_name(actor: str, lang: Lang) -> str:
    """Who recorded a change: "控制台：hr-admin", the employee's link, the command line."""
    if actor.startswith("console:"):
        return ("控制台：" if lang is Lang.ZH else "console: ") + actor.removeprefix("console:")
    zh, en = ACTORS.get(actor, (actor, actor))
    return zh if lang is Lang.ZH else en


def change_name(action: str, detail: str, lang: Lang) -> str:
    """An audit line in words: "记为完成：居住证签注 2026-12-01"."""
    zh, en = CHANGES.get(action, (action, action))
    what = zh if lang is Lang.ZH else en
    field, _, rest = detail.partition("=")
    if field in set(Step):
        field = step_name(kind_of(Step(field)), lang)
    text = f"{field} {rest}".strip() if rest else field
    return f"{what}{'：' if lang is Lang.ZH else ': '}{text}"


def delivery_name(status: str, lang: Lang) -> str:
    zh, en = DELIVERY_NAMES.get(status, (status, status))
    return zh if lang is Lang.ZH else en


def field_name(field: str, lang: Lang) -> str:
    """A roster field by the column name HR writes: 居住证到期日 / permit_expires."""
    names = COLUMNS.get(field)
    return names[0] if names and lang is Lang.ZH else field


def cell_text(value: Cell, lang: Lang) -> str:
    """A roster cell as the diff shows it; ID-card and phone-like numbers hidden."""
    if value is None or value in ("", ()):
        return word("empty_cell", lang)
    if isinstance(value, bool):
        return word("yes" if value else "no", lang)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = ("、" if lang is Lang.ZH else ", ").join(value) if isinstance(value, tuple) else value
    return hide_numbers(text, lang)


def word(key: str, lang: Lang, **fields: object) -> str:
    zh, en = WORDS[key]
    text = zh if lang is Lang.ZH else en
    return text.format(**fields) if fields else text


def step_name(kind: MilestoneKind, lang: Lang) -> str:
    zh, en = STEP_NAMES[kind]
    return zh if lang is Lang.ZH else en


def status_name(status: Status, lang: Lang) -> str:
    zh, en = STATUS_NAMES[status]
    return zh if lang is Lang.ZH else en
