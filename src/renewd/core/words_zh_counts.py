"""The Chinese catalogue's words for counts of people (`count.*`, `renewd.core.headcount`) and the
escalation channel's weekly section of roster problems left unfixed (`summary.roster.*`).
Merged into `renewd.core.words_zh`."""

COUNTS_ZH: dict[str, str] = {
    "count.people": "{n} 人",
    "count.people.one": "1 人",
    "count.people.documents": "{n} 人，另有其他证件 {documents} 份（积分之外）",
    "count.people.documents.one": "1 人，另有其他证件 {documents} 份（积分之外）",
    "count.people.documents_only": "{n} 人（其中 {only} 人只办理其他证件），"
    "另有其他证件 {documents} 份（积分之外）",
    "cli.check.ok": "ok: {count}，名单文件 {files} 个",
    "cli.roster.stored": "名单第 {version} 版已由 {by} 保存：{count}，来自 {names}；"
    "各实例将在数秒内按此名单安排",
    "summary.roster.heading": "名单问题仍未更正：{n} 行未计入",
    "summary.roster.heading.one": "名单问题仍未更正：1 行未计入",
    "summary.roster.since": "自 {since} 起未更正（{days} 天）：更正之前，此人沿用上次的正确记录，"
    "新人则完全收不到提醒。",
    "summary.roster.todo": "请在名单中按下列文件、行、栏更正，并在控制台的名单页上传：{url}",
    "summary.roster.more": "……另有 {n} 处（控制台的名单页列出全部）",
}
