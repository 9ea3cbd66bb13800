"""The Chinese wording catalogue (the default language): every sentence renewd says, by key.
`renewd.core.wording` explains the keys; `words_en.py` must have the same ones (a test checks)."""

from __future__ import annotations

from renewd.core.words_zh_accounts import ACCOUNTS_ZH
from renewd.core.words_zh_cli import CLI_ZH
from renewd.core.words_zh_console import CONSOLE_ZH
from renewd.core.words_zh_docfeeds import DOCFEEDS_ZH
from renewd.core.words_zh_docnotes import DOCNOTES_ZH
from renewd.core.words_zh_feeds import FEEDS_ZH
from renewd.core.words_zh_init import INIT_ZH
from renewd.core.words_zh_packs import PACKS_ZH
from renewd.core.words_zh_phone import PHONE_ZH
from renewd.core.words_zh_steps import STEPS_ZH
from renewd.core.words_zh_web import WEB_ZH

ZH: dict[str, str] = {
    # step names (short: titles, tables, digests)
    # what to do, by role
    "by.date": "在 {due}前",
    "by.now": "立即",
    "ask.generic": "请联系单位人事在 {due}前办理。",
    "ask.overdue": "已过截止日：请立即联系单位人事办理。",
    # dates and leads
    "due.by": "截止 {date}",
    "due.on": "日期 {date}",
    "left.days": "还剩 {n} 天",
    "left.days.one": "还剩 1 天",
    "left.today": "今天截止",
    "left.over": "已逾期 {n} 天",
    "left.over.one": "已逾期 1 天",
    "left.headsup.future": "{n} 天后",
    "left.headsup.future.one": "1 天后",
    "left.headsup.today": "就是今天",
    "left.headsup.past": "已于 {date} 开始",
    "left.past.expiry": "已于 {date} 到期",
    "opens.from": "可办理：{date}起",
    "lead.before": "截止前 {n} 天",
    "lead.before.one": "截止前 1 天",
    "lead.on": "截止当天",
    "lead.after": "截止后 {n} 天",
    "lead.after.one": "截止后 1 天",
    "lead.first": "首次联系",
    "lead.late": "补发（{days} 的提醒未能按时发出）",
    "lead.alert": "需关注",
    "days.range": "{a} 至 {b}",
    "weekday": "（周{w}）",
    # notes
    "note.risk": "社保断缴或工作变动会影响续办，请尽早核对。",
    "note.infeasible.now": "按当前进度积分有效期可能中断约 {gap} 天：请立即办理并告知人事。",
    "note.infeasible.hr": "按当前进度积分有效期可能中断约 {gap} 天：您的居住证已续签，"
    "积分续办由单位办理，请提醒人事尽快完成。",
    "note.infeasible.window": "按当前进度积分有效期可能中断约 {gap} 天，按常规办理时间不够："
    "请在签注窗口开放的 {opens}当天办理。",
    "note.lapsed": "居住证已于 {expired}到期，使用功能中止，积分暂不能使用；"
    "请最迟于 {grace}（含当日）补办签注，居住年限连续计算。",
    "note.lapsed.restart": "居住证已于 {expired}到期，逾期签注的期限 {grace} 已过，居住年限将重新"
    "计算；仍请尽快办理签注，之后由单位办理积分续办。",
    "note.expiry_estimated": "尚未登记新的居住证有效期：到期日 {expires}是按上次到期日加一年"
    "估算的，以上日期随之推算；请把新证的有效期告知单位人事（或在控制台登记），日期将随之更新。",
    "note.hr.expiry_estimated": "{people}：尚未登记新的居住证有效期，到期日是按上次到期日"
    "加一年估算的，以上日期随之推算。请在名单的居住证到期日一栏填写新证的有效期（或在控制台"
    "登记），日期将随之更新。",
    "critical.section": "关键日期",
    "critical.head": "{label}：{date}",
    "critical.left": "还有 {n} 天",
    "critical.left.one": "还有 1 天",
    "critical.today": "就是今天",
    "critical.means": "按当前进度，届时积分可能处于中断期（预计中断约 {gap} 天），可能无法使用。",
    "critical.do.permit.open.holder": "为尽量缩短中断，请在签注窗口开放的 {opens}当天续签居住证，"
    "并告知人事随即提交积分续办申请。",
    "critical.do.permit.open.hr": "为尽量缩短中断，请提醒员工在签注窗口开放的 {opens}当天续签"
    "居住证，之后随即提交积分续办申请。",
    "critical.do.permit.holder": "为尽量缩短中断，请立即续签居住证，并告知人事随即提交积分"
    "续办申请。",
    "critical.do.permit.hr": "为尽量缩短中断，请提醒员工立即续签居住证，之后随即提交积分续办申请。",
    "critical.do.points.holder": "为尽量缩短中断，请与人事确认积分续办申请尽快提交。",
    "critical.do.points.hr": "为尽量缩短中断，请立即完成积分续办申请并提交。",
    "critical.do.wait": "积分续办申请已提交，正在等待审批；审批通过后中断即结束。",
    "critical.do.check": "如中断无法避免，请提前向学校或相关办事部门确认：届时手中的积分通知单"
    "或续办受理材料是否可以使用。",
    "note.critical.default": "关键日期",
    "note.provisional": "部分日期依据估算的 {years} 年节假日安排，国务院公布放假通知后可能调整。",
    "note.late": "{days} 的提醒未能按时发出，本消息一并补发。",
    # message frames
    "title.reminder": "【续签提醒】{name}：{steps}",
    "title.status": "【续签状态】{name}：居住证 {expires} 到期",
    "title.digest": "【续签提醒汇总】{heading} {date}：{people} 人 {items} 项",
    "title.digest.part": "（{n}/{total}）",
    "title.attention": "【需关注】{date}：{people} 人 {items} 项",
    "title.test": "【renewd】测试消息",
    "hello": "{name}，您好：",
    "status.intro": "您的居住证与积分续办进度如下：",
    "status.intro.permit": "您的居住证续签进度如下：",
    "status.expires": "居住证到期：{date}",
    "sign.off": "—— {name}",
    "status.done": "已完成：{step}（{date}）",
    "status.implied": "已完成：{step}（{by}已记录）",
    "status.next": "下一步：{step}，{when}",
    "status.next.hr": "下一步由单位人事办理：{step}，{when}",
    "status.next.ask": "下一步（请联系单位人事办理）：{step}，{when}",
    "status.nothing": "本周期的步骤均已完成。",
    "section.todo": "需要您办理",
    "section.info": "请知悉",
    "section.give": "{step}：请交给单位人事",
    "section.bring": "{step}需准备",
    "section.group": "{group}",
    "section.forward.end": "（以上为转告{name}的消息）",
    "section.forward": "请转告：{name}（{id}）",
    "section.attention": "需关注（逾期、计划不可行或关键日期）",
    "section.attention.short": "需关注",
    "item.person": "{name}（{id}）",
    "alert.critical.risk": "关键日期 {head}，届时积分可能无效",
    "alert.infeasible": "计划不可行，积分预计中断约 {gap} 天（居住证 {expires} 到期）",
    "footer.hr.forward": "员工本人的步骤已直接通知员工；没有个人通道的员工，其完整消息列在"
    "“请转告”下，可直接复制转发。",
    "alert.critical": "关键日期 {label}（{date}）时积分可能无效",
    "alert.infeasible.advice": "可做的：签注窗口 {opens} 开放当日即办理签注并随即提交积分续办；"
    "即便如此，积分预计在 {expires} 至 {back} 之间中断约 {gap} 天",
    "alert.critical.item": "{label}（{date}）",
    "alert.infeasible.advice.now": "可做的：立即办理签注并随即提交积分续办；"
    "即便如此，积分预计在 {expires} 至 {back} 之间中断约 {gap} 天",
    "alert.infeasible.advice.employer": "可做的：居住证已签注，请立即完成积分续办申请和递交；"
    "即便如此，积分预计在 {expires} 至 {back} 之间中断约 {gap} 天",
    "alert.infeasible.advice.submit": "可做的：续办申请已完成，请立即网上审核并递交积分材料；"
    "即便如此，积分预计在 {expires} 至 {back} 之间中断约 {gap} 天",
    "alert.infeasible.advice.waiting": "积分续办已递交、尚待审批：积分预计在 {expires} 至 {back} "
    "之间中断约 {gap} 天；请向受理点查询审批进度，审批通过后请登记",
    "alert.infeasible.critical": "中断期间的关键日期：{dates}",
    "alert.still_open": "{steps}",
    "alert.still_open.step": "{step}（已逾期 {n} 天）",
    "alert.still_open.step.one": "{step}（已逾期 1 天）",
    "section.summary": "每周汇总：仍未完成的事项",
    "footer.hr": "员工本人的步骤已直接通知员工；本汇总只列出需要单位办理或知悉的事项。",
    "test.body": "这是来自 renewd 的测试消息（通道 {channel}）。收到即表示配置正确。",
    "owner.holder": "持证人本人",
    "owner.employer": "单位人事专员",
    "owner.both": "持证人与单位（知悉即可）",
    "feed.who": "办理人：{who}",
    "feed.done": "已完成：{date}",
    "feed.implied": "已完成（{step}已记录，可推定）",
    "feed.gap": "积分中断约 {gap} 天：新积分审批前积分不可用。",
    "feed.provisional": "日期暂定：{years} 年节假日安排公布后可能调整。",
    "feed.materials": "材料清单：",
    "feed.infeasible": "⚠ 按当前进度无法按时完成：积分预计中断 {gap} 天（预计审批 {approval}）。"
    "请立即联系人事。",
    "feed.critical": "⚠ {date} {label} 届时积分可能无效。",
    "feed.infeasible.short": "⚠ 无法按时完成，积分预计中断 {gap} 天",
    "feed.critical.short": "⚠ {date} {label}",
    "feed.on": "日期：{date}",
    "feed.by": "截止：{date}",
    "feed.tag.points": "【积分】",
    "feed.tag.permit": "【居住证】",
    "feed.provisional.tag": "（暂定）",
    "feed.critical.desc": "这一天需要有效的居住证积分。",
    "feed.critical.risk": "⚠ 按当前进度届时积分可能无效（中断 {gap} 天）。请立即联系人事。",
    "feed.critical.head": "【关键日期】",
    "feed.title.all": "全部人员·居住证与积分续办",
    "feed.title.group": "{group}·居住证与积分续办",
    "feed.title.person": "{name}·居住证与积分续办",
    # punctuation
    "weekdays": "一 二 三 四 五 六 日",
    "p.and": "、",
    "p.groups": "、",
    "p.materials": "、",
    "p.colon": "：",
    "p.comma": "，",
    "p.list": "、",
    "p.semi": "；",
    "p.paren": "（{text}）",
    "p.also": "另需：",
    "p.more": " 等 {n} 项",
    "all": "全部",
    # the CLI (`notify --due`, `log`, tables)
    # roster problems, as the console shows them (renewd.core.problemwords)
    "problem.hidden": "（号码已隐藏）",
    "problem.source": "{file} 第{row}行",
    "problem.row": "第{row}行",
    "problem.entry": "{row}",
    "problem.field": "{field}",
    "problem.join": " ",
    "problem.line": "{where}：{message}",
    "problem.value": "（值：{value}）",
    "problem.no_such_date": "没有这一天（{date}）",
    "problem.not_a_date": "不是日期；请写成 2027-02-10、2027/2/10、2027年2月10日 或 20270210",
    "problem.duplicate_id": "工号 {id} 重复，首次出现在 {where}",
    "problem.missing_column": "缺少必填列（{names}）",
    "problem.empty": "必填项为空",
    "problem.no_people": "文件中没有人员（只有表头不算名单）",
    "problem.yes_no": "应填 是/否",
    "problem.email": "应填一个邮箱地址，如 name@example.com（不能填多个）",
    "problem.unreadable": "无法读取文件：{reason}",
    # statuses (CLI tables)
    "status.upcoming": "未开始",
    "status.open": "可办理",
    "status.due": "即将截止",
    "status.overdue": "已逾期",
    "status.done_": "已完成",
    # refusals of a progress record (renewd done, the console, a link)
    "refuse.future": "{day} 还没到（今天是 {today}）：请在办完后再记录",
    "refuse.before": "{step}的日期 {day} 早于已记录的{before}（{earlier}）："
    "一步不能早于它所等待的上一步",
    "refuse.window": "{step}的日期 {day} 不可能：{expires} 到期的居住证从 {opens} 起"
    "（到期前 {n} 天）才能签注；请检查日期，或名单中的到期日",
    "refuse.expiry": "新居住证到期日 {new} 不晚于当前的到期日（{old}）：续签会延长有效期，"
    "请检查日期",
    # step short labels (dates-moved notes, the console, the CLI's tables)
    # dates moved (a calendar change), roster problems, the estimate ask, action links
    "moved.heading": "日期调整（节假日安排更新）",
    "moved.title": "【日期调整】{n} 项续签日期因节假日安排变化而调整",
    "moved.title.one": "【日期调整】{n} 项续签日期因节假日安排变化而调整",
    "moved.opening": "节假日安排已更新（{cause}），以下日期有变：",
    "moved.closing": "请按新日期办理。",
    "moved.who": "{name}（{id}）",
    "moved.line": "{step}：{old} → {new}",
    "moved.provisional": "（仍为预估）",
    "roster.no_group": "未分组",
    "roster.heading": "名单问题：{who}，{n} 处需要更正",
    "roster.intro": "以下行未能读取：已保留此人上次的正确记录（新人暂不提醒）。请更正名单。",
    "roster.title": "【名单问题】{who}：{n} 处需要更正",
    "estimate.title": "【需关注】节假日安排尚未导入",
    "estimate.heading": "节假日安排尚未导入（国务院公布当天请导入）",
    "estimate.line": "{n} 人的续签日期依据的是估算的 {years} 年节假日安排（暂定）。"
    "国务院公布放假通知当天，请在控制台“工作日历”页粘贴通知全文导入（{console}calendar），"
    "或由管理员运行 `{command}`；导入后日期如有变化会逐一告知。",
    "links.heading": "办完了？点链接确认（无需登录）",
    "links.line": "{step}: {url}",
    "links.feed": "办完了？点这里确认：{url}",
    "footer.console": "在控制台查看和记录：{url}",
    "feed.alarm": "提醒",
    # materials (renewd.core.materials)
    # the bilingual subscribe page (renewd.web.server), Chinese half
    "subscribe.done": "所有步骤已完成。",
    "subscribe.next": "下一步",
    "subscribe.provisional": "暂定",
    "subscribe.loopback": "注意：这个地址是本机地址（base_url），手机无法打开；请管理员把 [server]"
    " base_url 设为手机能访问的地址。",
    "subscribe.intro": "订阅这个日历，续签居住证和积分的每个节点都会出现在你的日历里。",
    "subscribe.webcal": "在日历应用中订阅",
    "subscribe.iphone": "苹果日历",
    "subscribe.android": "安卓、微信、企业微信",
    "subscribe.copy": "或复制这个链接添加“订阅日历”（Google、Outlook、DAVx⁵/ICSx⁵、Home Assistant"
    "）",
    "subscribe.share": "请勿转发此链接：任何拿到它的人都能看到日历内容。",
    # the daemon's status line (systemd), bilingual; notices described
    "daemon.status": "{n} 人 / people; 下次发送 next send {next}",
    "daemon.status.feeds": "{n} 人 / people; feeds only",
    "daemon.status.roster": "; 名单错误 roster errors: {n}",
    "notice.makeup": "上班",
    "notice.understood": "  {name}：{span}，共 {count} 天",
    "notice.understood_total": "  共 {off} 个休息日，{makeup} 个调休上班日",
    "done.cycle.new": "本年度续办已完成，新居住证有效期至 {expires}。下一次续办开始时会再通知您。",
    "done.cycle.ask": "本年度续办已完成。请把新的居住证有效期告知单位人事（或在控制台登记），"
    "以便安排下一次续办。",
    "done.cycle.hr": "本年度续办已完成，尚未登记新的居住证有效期，请向员工确认后登记",
    "title.cycle_done": "【续签完成】{name}：本年度续办已完成",
    "note.infeasible.waiting": "按当前进度积分有效期可能中断约 {gap} 天："
    "积分续办材料已递交，正在等待审批结果。",
    **STEPS_ZH,
    **CONSOLE_ZH,
    **CLI_ZH,
    **PACKS_ZH,
    **DOCNOTES_ZH,
    **INIT_ZH,
    **WEB_ZH,
    **PHONE_ZH,
    **ACCOUNTS_ZH,
    **FEEDS_ZH,
    **DOCFEEDS_ZH,
}
