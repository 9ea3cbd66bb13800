"""The English catalogue's words for policy packs other than Shanghai points (`packs.*`,
docs/packs.md); each pack's step names and instructions are in its own file. Merged into
`renewd.core.words_en`."""

PACKS_EN: dict[str, str] = {
    "packs.note.gap": "lapse {gap}d",
    "packs.note.cut_off": "past the filing cut-off: a new application is needed",
}
