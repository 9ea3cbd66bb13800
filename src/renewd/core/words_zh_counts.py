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
    "summary.roster.heading": "名单仍有 {n} 行未更正",
    "summary.roster.heading.one": "名单仍有 1 行未更正",
    "summary.roster.since": "最早一处自 {since} 起未更正（{days} 天）。更正之前，这些行上的老员工"
    "沿用上次的正确记录，新员工收不到任何提醒。",
    "summary.roster.todo": "请按下列文件、行、栏更正名单，并在控制台的名单页上传：{url}",
    "summary.roster.more": "……另有 {n} 处（控制台的名单页列出全部）",
}
