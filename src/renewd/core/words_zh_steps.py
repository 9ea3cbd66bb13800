"""The Chinese wording catalogue: the Shanghai points pack's steps (`shanghai-points.*`): their
titles, what to do and to ask, what to know, short names, feed texts and materials. Merged into
`renewd.core.words_zh`."""

from __future__ import annotations

STEPS_ZH: dict[str, str] = {
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
    "shanghai-points.collect_notice.do.approved": "积分审批已于 {approved}通过：请在线打印或到区"
    "人才服务中心领取《居住证积分通知单》。",
    "shanghai-points.grace_end.do": "到期后 60 天内签注可保持居住年限连续，此日为最后一天，请立即"
    "签注。",
    "shanghai-points.points_application.ask": "请联系单位人事，在 {due}前为您点击“续办申请”。",
    "shanghai-points.points_application.ask.unconfirmed": "您的居住证续签尚未登记（可能已自动签注"
    "）：请先确认"
    "居住证已签注（签注确认短信或“一网通办”查询）；已签注的，请登记续签（消息中的确认链接，"
    "或告知人事），并联系单位人事{by}为您点击“续办申请”。若尚未签注，请立即办理居住证签注。",
    "shanghai-points.employer_submission.ask": "请联系单位人事，在 {due}前完成网上审核并递交材料。",
    "shanghai-points.points_approval.info": "积分续办已递交，审批短信预计在 {opens} 至 {due} 之间"
    "到达；"
    "到 {due} 仍未收到请向受理点查询。",
    "shanghai-points.expiry.info": "居住证及积分通知单的最后有效日。",
    "shanghai-points.expiry.info.permit": "居住证的最后有效日。",
    "shanghai-points.expiry.info.renewed.permit": "原居住证的最后有效日。",
    "shanghai-points.expiry.info.renewed": "原居住证及积分通知单的最后有效日；新积分审批前积分暂不"
    "可用。",
    "shanghai-points.points_approval.hr.overdue": "请登录积分系统查询审批进度；已通过的，请在控制台"
    "登记审批日期（员工确认领取通知单也会登记）。",
    "shanghai-points.expiry.hr.renewed": "居住证已续签，但积分续办尚未审批通过：原积分通知单到期后"
    "积分暂不可用，直至新积分审批通过；请尽快完成单位的续办步骤。",
    "shanghai-points.permit_window.info": "从这一天起可以办理居住证签注（续签）。",
    "shanghai-points.points_approval.feed": "积分续办已递交：留意审批短信；到期仍未收到请向受理点"
    "查询。",
    "shanghai-points.permit_renewal.feed.sms": "多数持证人（登记地址相符、合法就业）由系统自动签注"
    "并以短信确认；"
    "签注窗口开放约一周后仍未收到短信，请通过“一网通办”或到社区事务受理服务中心办理。",
    "shanghai-points.prepare.short": "准备材料",
    "shanghai-points.permit_window.short": "签注窗口开放",
    "shanghai-points.permit_renewal.short": "居住证签注",
    "shanghai-points.points_application.short": "积分续办申请",
    "shanghai-points.employer_submission.short": "单位审核递交",
    "shanghai-points.points_approval.short": "积分审批",
    "shanghai-points.collect_notice.short": "领取积分通知单",
    "shanghai-points.expiry.short": "居住证到期",
    "shanghai-points.grace_end.short": "逾期签注截止",
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
    "shanghai-points.points_approval.overdue": "审批短信预计在 {opens} 至 {due} 之间到达，"
    "现已逾期 {n} 天仍未到达：请向单位人事（或受理点）查询办理进度。",
    "shanghai-points.points_approval.then": "收到审批短信后，请在线打印或到区人才服务中心领取《居住"
    "证积分通知单》，并点击下方链接确认。",
}
