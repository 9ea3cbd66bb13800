"""The Chinese catalogue's words for policy packs other than Shanghai points (`packs.*`,
docs/packs.md); each pack's step names and instructions are in its own file. Merged into
`renewd.core.words_zh`."""

PACKS_ZH: dict[str, str] = {
    "packs.note.gap": "证件中断约 {gap} 天",
    "packs.note.cut_off": "已过系统受理截止日，须重新申请",
}
