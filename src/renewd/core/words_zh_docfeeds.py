"""Words of the documents' calendar events and console timelines (issue 22: feeds and the
console for every pack), in Chinese: part of the Chinese catalogue (`words_zh.ZH`)."""

from __future__ import annotations

DOCFEEDS_ZH: dict[str, str] = {
    "docfeed.tag": "【{document}】",
    "docfeed.cutoff": "硬性截止：{date}（逾期不予受理，需重新申请）",
    "docfeed.cutoff.title": "{step}·硬性截止",
    "docfeed.cutoff.desc": "{step}的最后一天：逾期系统不予受理，需重新申请。",
    "docfeed.cut_off": "⚠ 已过{step}的硬性截止日：需重新申请。",
    "docfeed.cut_off.short": "⚠ 已过硬性截止日，需重新申请",
    "docfeed.infeasible": (
        "⚠ 按当前进度无法按时完成：证件预计中断 {gap} 天（预计 {projected} 办妥）。"
    ),
    "docfeed.infeasible.short": "⚠ 无法按时完成，证件预计中断 {gap} 天",
    "docfeed.title.person": "{name}·证件续办",
    "console.doc_owner": "办理人",
    "console.doc_cutoff": "硬性截止",
    "console.doc_expires": "到期日",
    "console.doc_overdue": "有逾期步骤",
    "docview.cutoff": "硬性截止 {date}",
}
