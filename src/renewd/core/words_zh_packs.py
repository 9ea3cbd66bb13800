"""The Chinese catalogue's words for the policy packs other than Shanghai points (docs/packs.md):
each shipped pack's title, its steps' names and instructions (`<pack>.<kind>.title|short|do`) and
the materials its steps' checklists name (`<pack>.materials.<name>`); a user's pack carries its
own words in its file. Merged into `renewd.core.words_zh`."""

PACKS_ZH: dict[str, str] = {
    "packs.note.gap": "证件中断约 {gap} 天",
    "packs.note.cut_off": "已过系统受理截止日，须重新申请",
    "packs.checklist": "所需材料：{items}",
    "packs.checklist.sep": "、",
    "packs.next": "{person} · {document}：{step}，{due} 前。{do}",
    # foreign-work-permit
    "foreign-work-permit.title": "外国人工作许可证",
    "foreign-work-permit.filing_window.title": "工作许可延期申报开放",
    "foreign-work-permit.filing_window.short": "申报开放",
    "foreign-work-permit.filing_window.do": "今天起可在外国人来华工作管理服务系统申报工作许可延期"
    "。",
    "foreign-work-permit.extension_filing.title": "申报工作许可延期",
    "foreign-work-permit.extension_filing.short": "申报延期",
    "foreign-work-permit.extension_filing.do": "在外国人来华工作管理服务系统提交工作许可延期申请；"
    "到期前30日之后系统将不再受理，只能重新申请。",
    "foreign-work-permit.permit_processing.title": "等待工作许可审批",
    "foreign-work-permit.permit_processing.short": "等待审批",
    "foreign-work-permit.permit_processing.do": "审批进行中，留意系统通知。",
    "foreign-work-permit.holder_signature.title": "持证人签字确认",
    "foreign-work-permit.holder_signature.short": "签字确认",
    "foreign-work-permit.holder_signature.do": "签署延期后的工作许可材料；之后办理居留许可。",
    "foreign-work-permit.expiry.title": "工作许可到期",
    "foreign-work-permit.expiry.short": "到期",
    "foreign-work-permit.expiry.do": "工作许可今天到期。",
    "foreign-work-permit.materials.passport": "持证人护照（有效期需覆盖延期期限）",
    "foreign-work-permit.materials.contract": "续签的劳动合同或聘用证明",
    "foreign-work-permit.materials.work_permit": "现有外国人工作许可证",
    "foreign-work-permit.materials.application_form": "工作许可延期申请表（在线填写打印，申请人签"
    "字、单位盖章）",
    "foreign-work-permit.materials.residence_permit": "有效居留许可（信息页）",
    # foreign-residence-permit
    "foreign-residence-permit.title": "外国人居留许可（工作类）",
    "foreign-residence-permit.employer_letter.title": "出具居留延期单位函件",
    "foreign-residence-permit.employer_letter.short": "单位函件",
    "foreign-residence-permit.employer_letter.do": "为持证人出具延期居留的单位函件并加盖公章。",
    "foreign-residence-permit.residence_application.title": "到出入境管理机构申请居留许可延期",
    "foreign-residence-permit.residence_application.short": "申请居留延期",
    "foreign-residence-permit.residence_application.do": "携带材料到出入境管理机构申请居留许可延期"
    "，须在到期前至少30日提出。",
    "foreign-residence-permit.passport_held.title": "等待居留许可审批（护照被收存）",
    "foreign-residence-permit.passport_held.short": "等待审批",
    "foreign-residence-permit.passport_held.do": "审批期间护照由出入境管理机构收存，请勿安排出境旅"
    "行。",
    "foreign-residence-permit.passport_collection.title": "领取护照及居留许可",
    "foreign-residence-permit.passport_collection.short": "领取护照",
    "foreign-residence-permit.passport_collection.do": "凭回执领取护照及新的居留许可。",
    "foreign-residence-permit.expiry.title": "居留许可到期",
    "foreign-residence-permit.expiry.short": "到期",
    "foreign-residence-permit.expiry.do": "居留许可今天到期。",
    "foreign-residence-permit.materials.passport": "护照原件",
    "foreign-residence-permit.materials.letter": "单位出具的延期居留函件（加盖公章）",
    "foreign-residence-permit.materials.work_permit": "延期后的外国人工作许可证",
    "foreign-residence-permit.materials.photo": "近期证件照",
    "foreign-residence-permit.materials.registration": "住宿登记表",
    # hmt-residence-permit
    "hmt-residence-permit.title": "港澳台居民居住证",
    "hmt-residence-permit.renewal_window.title": "可以换领居住证",
    "hmt-residence-permit.renewal_window.short": "可换领",
    "hmt-residence-permit.renewal_window.do": "今天起可到指定派出所申请换领居住证。",
    "hmt-residence-permit.card_application.title": "到指定派出所申请换领居住证",
    "hmt-residence-permit.card_application.short": "申请换领",
    "hmt-residence-permit.card_application.do": "本人携带材料到指定派出所申请换领。",
    "hmt-residence-permit.card_processing.title": "等待制证",
    "hmt-residence-permit.card_processing.short": "等待制证",
    "hmt-residence-permit.card_processing.do": "制证约需20个工作日，留意领证通知。",
    "hmt-residence-permit.card_collection.title": "领取新居住证",
    "hmt-residence-permit.card_collection.short": "领证",
    "hmt-residence-permit.card_collection.do": "到受理地派出所领取新居住证。",
    "hmt-residence-permit.expiry.title": "居住证到期",
    "hmt-residence-permit.expiry.short": "到期",
    "hmt-residence-permit.expiry.do": "居住证今天到期。",
    "hmt-residence-permit.materials.travel_permit": "港澳居民来往内地通行证或台湾居民来往大陆通行"
    "证",
    "hmt-residence-permit.materials.old_card": "原居住证",
    "hmt-residence-permit.materials.residence_proof": "居住、就业或就读证明",
    "hmt-residence-permit.materials.photo": "近期证件照",
    # guangzhou-residence-permit
    "guangzhou-residence-permit.title": "广州居住证",
    "guangzhou-residence-permit.endorsement_window.title": "居住证签注开放",
    "guangzhou-residence-permit.endorsement_window.short": "可签注",
    "guangzhou-residence-permit.endorsement_window.do": "今天起可通过“粤省事”或到居住地服务站办理"
    "签注。",
    "guangzhou-residence-permit.endorsement.title": "办理居住证签注",
    "guangzhou-residence-permit.endorsement.short": "签注",
    "guangzhou-residence-permit.endorsement.do": "在签发周年日前通过“粤省事”或到居住地服务站办理签"
    "注。",
    "guangzhou-residence-permit.expiry.title": "签注周年日",
    "guangzhou-residence-permit.expiry.short": "周年日",
    "guangzhou-residence-permit.expiry.do": "居住证签注今天到期。",
    "guangzhou-residence-permit.materials.card": "居住证",
    "guangzhou-residence-permit.materials.id_card": "身份证",
    "guangzhou-residence-permit.materials.residence_proof": "居住证明（租赁合同或房产证明）",
}
