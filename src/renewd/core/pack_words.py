"""A chain pack's words (docs/packs.md). A shipped pack keeps them in the wording catalogue
(`renewd.core.words_*_packs`): its title under `<pack>.title`, each step's name and instruction
under `<pack>.<kind>.title|short|do` (the step says `words = "catalogue"`) and each material a
step's checklist names under `<pack>.materials.<name>`. A user's pack may carry them in its own
file instead, so a city's pack needs no Python. Pure: no I/O.

    catalogue_gaps(["foreign-work-permit.title"])    # [] when every language has the key
    step_checklist(pack, "extension_filing", Lang.EN)  # ("the holder's passport ...", ...)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from renewd.core.model import Lang
from renewd.core.pack import Pack, StepWords
from renewd.core.wording import CATALOGUE, say

# The word parts every step of a chain pack has, in every language.
WORD_PARTS = ("title", "short", "do")


def title_key(pack: str) -> str:
    return f"{pack}.title"


def step_keys(pack: str, kind: str) -> tuple[str, ...]:
    return tuple(f"{pack}.{kind}.{part}" for part in WORD_PARTS)


def material_key(pack: str, name: str) -> str:
    return f"{pack}.materials.{name}"


def catalogue_gaps(keys: Iterable[str]) -> list[str]:
    """The keys some language of the catalogue lacks."""
    return [key for key in keys if any(key not in CATALOGUE[lang] for lang in Lang)]


def catalogued(key: str) -> Mapping[Lang, str]:
    """A key's words in every language (the key must be in the catalogue)."""
    return MappingProxyType({lang: say(lang, key) for lang in Lang})


def catalogued_step(pack: str, kind: str) -> Mapping[Lang, StepWords]:
    """A step's words from the catalogue, in every language."""
    return MappingProxyType(
        {lang: StepWords(*(say(lang, key) for key in step_keys(pack, kind))) for lang in Lang}
    )


def step_checklist(pack: Pack, kind: str, lang: Lang) -> tuple[str, ...]:
    """What the step's owner brings, in `lang`: the step's materials in chain order."""
    return tuple(pack.materials[name][lang] for name in pack.step(kind).materials)


def checklist_line(pack: Pack, kind: str, lang: Lang) -> str:
    """`需准备：护照、……` / `Bring: the passport; ...`, or "" for a step that needs nothing."""
    items = step_checklist(pack, kind, lang)
    if not items:
        return ""
    return say(lang, "packs.checklist", items=say(lang, "packs.checklist.sep").join(items))
