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
from renewd.core.words_zh_web import WEB_ZH

ZH: dict[str, str] = {
    # step names (short: titles, tables, digests)
    "shanghai-points.prepare.title": "准备续办材料",
    "shanghai-points.permit_window.title": "居住证可以开始签注",
    "shanghai-points.permit_renewal.title": "居住证签注（续签）",
    "shanghai-points.points_application.title": "积分“续办申请”",
    "shanghai-points.employer_submission.title": "单位网上审核并递交积分材料",
    "shanghai-points.points_approval.title": "积分审批结果",
    "shanghai-points.collect_notice.title": "打印或领取积分通知单",
    "shanghai-points.expiry.title": "居住证及积分到期",
    "shanghai-points.expiry.title.permit": "居住证到期",
    "shanghai-points.grace_end.title": "逾期签注最后一天",
    # what to do, by role
    "shanghai-points.prepare.do.permit": "整理材料，核对社保是否连续缴纳、工作单位是否有变化。"
    "社保断缴或更换单位会影响签注，请尽早处理。",
    "shanghai-points.prepare.do": "整理材料，核对社保是否连续缴纳、工作单位及积分项目（学历、职称"
    "、配偶、子女）"
    "是否有变化。社保断缴或更换单位会影响续办，请尽早告知人事。",
    "shanghai-points.permit_window.do": "从今天起可以办理居住证签注（续签）。",
    "shanghai-points.permit_renewal.do": "办理居住证签注，可通过“一网通办”或到社区事务受理服务中心"
    "办理，"
    "办结后告知人事。",
    "shanghai-points.permit_renewal.do.sms": "多数持证人（登记地址相符、合法就业）由系统自动签注并"
    "以短信确认："
    "请留意签注短信。若到 {check}仍未收到，请通过“一网通办”或到社区事务受理服务中心办理。",
    "shanghai-points.permit_renewal.do.at_open": "按当前进度时间很紧：签注窗口 {opens}开放，请当天"
    "就通过“一网通办”"
    "或到社区事务受理服务中心办理，不要等待自动签注短信。",
    "shanghai-points.permit_renewal.do.apply": "未收到自动签注短信、也未登记续签：请现在通过“一网"
    "通办”或到"
    "社区事务受理服务中心办理居住证签注，办结后告知人事。",
    "shanghai-points.points_application.do": "居住证续签数据同步后（约 3 个工作日），登录积分系统"
    "点击“续办申请”。",
    "shanghai-points.points_application.do.unconfirmed": "居住证续签尚未登记（可能已自动签注）：请"
    "先与员工确认"
    "居住证已签注（签注确认短信或“一网通办”查询），再登录积分系统点击“续办申请”，并在控制台登记续签"
    "（{id} 的人员页，或请员工点击其消息中的确认链接）。若尚未签注，请员工立即办理居住证签注。",
    "shanghai-points.points_application.do.unconfirmed.holder": "您的居住证续签尚未登记（可能已自"
    "动签注）："
    "请先确认居住证已签注（签注确认短信或“一网通办”查询），再登录积分系统点击“续办申请”，"
    "并登记续签（消息中的确认链接，或告知人事）。若尚未签注，请立即办理居住证签注。",
    "shanghai-points.employer_submission.do": "网上审核续办申请并点击“提交申请”，再递交盖章的申请"
    "表及材料。",
    "shanghai-points.collect_notice.do": "审批通过后，在线打印或到区人才服务中心领取《居住证积分通"
    "知单》。",
    "shanghai-points.grace_end.do": "到期后 60 天内签注可保持居住年限连续，此日为最后一天，请立即"
    "签注。",
    "shanghai-points.points_application.ask": "请联系单位人事，在 {due}前为您点击“续办申请”。",
    "shanghai-points.points_application.ask.unconfirmed": "您的居住证续签尚未登记（可能已自动签注"
    "）：请先确认"
    "居住证已签注（签注确认短信或“一网通办”查询）；已签注的，请登记续签（消息中的确认链接，"
    "或告知人事），并联系单位人事{by}为您点击“续办申请”。若尚未签注，请立即办理居住证签注。",
    "by.date": "在 {due}前",
    "by.now": "立即",
    "shanghai-points.employer_submission.ask": "请联系单位人事，在 {due}前完成网上审核并递交材料。",
    "ask.generic": "请联系单位人事在 {due}前办理。",
    "ask.overdue": "已过截止日：请立即联系单位人事办理。",
    "shanghai-points.points_approval.info": "积分续办已递交，审批短信预计在 {opens} 至 {due} 之间"
    "到达；"
    "到 {due} 仍未收到请向受理点查询。",
    "shanghai-points.expiry.info": "居住证及积分通知单的最后有效日。",
    "shanghai-points.expiry.info.permit": "居住证的最后有效日。",
    "shanghai-points.expiry.info.renewed.permit": "原居住证的最后有效日。",
    "shanghai-points.expiry.info.renewed": "原居住证及积分通知单的最后有效日；新积分审批前积分暂不"
    "可用。",
    "shanghai-points.permit_window.info": "从这一天起可以办理居住证签注（续签）。",
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
    "shanghai-points.points_approval.feed": "积分续办已递交：留意审批短信；到期仍未收到请向受理点"
    "查询。",
    "shanghai-points.permit_renewal.feed.sms": "多数持证人（登记地址相符、合法就业）由系统自动签注"
    "并以短信确认；"
    "签注窗口开放约一周后仍未收到短信，请通过“一网通办”或到社区事务受理服务中心办理。",
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
    "shanghai-points.prepare.short": "准备材料",
    "shanghai-points.permit_window.short": "签注窗口开放",
    "shanghai-points.permit_renewal.short": "居住证签注",
    "shanghai-points.points_application.short": "积分续办申请",
    "shanghai-points.employer_submission.short": "单位审核递交",
    "shanghai-points.points_approval.short": "积分审批",
    "shanghai-points.collect_notice.short": "领取积分通知单",
    "shanghai-points.expiry.short": "居住证到期",
    "shanghai-points.grace_end.short": "逾期签注截止",
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
    "shanghai-points.materials.hr_own": "人事专员本人身份证原件及复印件",
    "shanghai-points.materials.holder_permit": "持证人有效的居住证原件及复印件",
    "shanghai-points.materials.holder_id": "持证人身份证原件及复印件",
    "shanghai-points.materials.application_form": "网上打印的《上海市居住证积分申请表》（单位盖章"
    "、持证人签名）",
    "shanghai-points.materials.own_permit": "您有效的居住证原件及复印件",
    "shanghai-points.materials.own_id": "您的身份证原件及复印件",
    "shanghai-points.materials.own_signature": "在积分申请表上签名（单位打印并盖章）",
    "shanghai-points.materials.permit_card": "您的居住证",
    "shanghai-points.materials.permit_id": "您的身份证",
    "shanghai-points.materials.permit_sms": "留意自动签注确认短信",
    "shanghai-points.materials.collect_id": "有效身份证件（到区人才服务中心领取时）",
    "shanghai-points.materials.new_licence": "新单位营业执照复印件",
    "shanghai-points.materials.labour_contract": "劳动合同",
    "shanghai-points.materials.leaving_certificate": "原单位退工证明",
    "shanghai-points.materials.diploma": "经认证的学历证书",
    "shanghai-points.materials.title_certificate": "职称证书",
    "shanghai-points.materials.title_record": "评审或考试记录",
    "shanghai-points.materials.appointment": "聘任文件",
    "shanghai-points.materials.post_description": "岗位说明",
    "shanghai-points.materials.marriage_certificate": "结婚证",
    "shanghai-points.materials.spouse_id": "配偶身份证",
    "shanghai-points.materials.spouse_permit": "配偶居住证",
    "shanghai-points.materials.spouse_register": "配偶户口簿",
    "shanghai-points.materials.child_permit": "子女居住证或居住证明",
    "shanghai-points.materials.child_register": "子女户口簿",
    "shanghai-points.materials.divorce_certificate": "离婚证",
    "shanghai-points.materials.divorce_agreement": "离婚协议书或法院判决书",
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
    "shanghai-points.points_approval.overdue": "审批短信预计在 {opens} 至 {due} 之间到达，"
    "现已逾期 {n} 天仍未到达：请向单位人事（或受理点）查询办理进度。",
    "note.infeasible.waiting": "按当前进度积分有效期可能中断约 {gap} 天："
    "积分续办材料已递交，正在等待审批结果。",
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
