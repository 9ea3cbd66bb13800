"""The Chinese catalogue's words for the reminders of documents other than the points (issue 22):
the status a person hears first, the infeasible plan (a hard cut-off passed) told to the holder,
HR and the escalation, and the weekly summary's line. Each step's own words are its pack's
(`renewd.core.words_zh_packs`, or the pack file). Merged into `renewd.core.words_zh`."""

DOCNOTES_ZH: dict[str, str] = {
    "docs.title.status": "【续签进度】{name}：{documents}",
    "docs.status.intro": "renewd 会提醒您本次续签的每一步，目前进度如下：",
    "docs.status.expires": "{document}到期：{date}",
    "docs.section": "{document} · {heading}",
    "docs.bring": "{step}需准备",
    "docs.give": "{step}：请交给单位人事",
    "docs.cutoff": "最后受理日：{date}，过后系统不再受理，只能重新申请",
    "docs.step.ask": "请在 {due} 前联系单位人事办理：{step}。",
    "docs.infeasible.cut_off": "{document}：已无法申请延期——最后受理日为 {cutoff}，系统不再受理。"
    "须重新申请，请人事立即办理（证件 {expires} 到期）。",
    "docs.infeasible.gap": "{document}：即使每一步都尽早完成，续签也将在到期（{expires}）后约 {gap}"
    " 天才能完成。请立即办理下一步，并与人事联系。",
    "docs.alert.cut_off": "{document}：受理截止日 {cutoff} 已过，延期未申请，须重新申请（{expires}"
    " 到期）",
    "docs.alert.gap": "{document}：计划不可行，续签将在到期（{expires}）后约 {gap} 天完成",
    "docs.still_open": "{document} · {steps}",
    "docs.note.provisional": "标注（暂定）的日期基于估算的节假日安排，导入当年通知后可能调整。",
}
