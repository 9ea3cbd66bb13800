"""One catalogue per language (issue 16): every Chinese sentence renewd says comes from
`renewd.core.words_zh` (and its console part); no other module holds a Chinese string literal,
but the input vocabularies below, each with its reason. Docstrings and comments are not
literals."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from renewd.core.model import Lang
from renewd.core.wording import CATALOGUE, say
from renewd.core.words_en import EN
from renewd.core.words_zh import ZH

SRC = Path(__file__).resolve().parent.parent / "src" / "renewd"
CJK = re.compile(r"[\u4e00-\u9fff]")

CATALOGUES = {
    "core/words_zh.py": "the Chinese catalogue",
    "core/words_zh_console.py": "the Chinese catalogue: the console's words",
    "core/words_zh_cli.py": "the Chinese catalogue: what the command line prints",
    "core/words_en.py": "the English catalogue (it names Chinese terms: 续办申请, 一网通办)",
    "core/words_en_console.py": "the English catalogue: the console's words (the language toggle)",
    "core/words_en_cli.py": "the English catalogue: what the command line prints",
    "core/words_zh_init.py": "the Chinese catalogue: renewd init's questions and config comments",
    "core/words_en_init.py": "the English catalogue: renewd init (it names 续办申请)",
    "core/words_zh_web.py": "the Chinese catalogue: what the console refuses (issue 18)",
    "core/words_zh_phone.py": "the Chinese catalogue: the phone timeline and home-screen app",
    "core/words_zh_accounts.py": "the Chinese catalogue: the admin's accounts page, init's robots",
    "core/words_zh_feeds.py": "the Chinese catalogue: the size of HR's feeds (issue 20)",
    "core/words_zh_packs.py": "the Chinese catalogue: policy packs' notes (issue 22)",
    "core/words_zh_docfeeds.py": "the Chinese catalogue: the documents' feeds and timelines",
    "core/words_zh_docnotes.py": "the Chinese catalogue: documents' reminders (issue 22)",
    "core/words_zh_counts.py": "the Chinese catalogue: counts of people, unfixed roster rows",
    "core/words_zh_steps.py": "the Chinese catalogue: the Shanghai points pack's steps",
    "core/words_en_steps.py": "the English catalogue: the points pack's steps (it names 续办申请)",
}
# Words renewd reads, not says: what people and the State Council write.
INPUT_VOCABULARIES = {
    "roster/columns.py": "roster header aliases: the column names HR writes (居住证到期日 ...)",
    "roster/cells.py": "date, yes/no and document words in roster cells (2027年2月10日, 是/否)",
    "core/notices.py": "the holiday-notice grammar: the State Council notice as published",
    "core/notice_year.py": "where the notice names its year: title, opening sentence, dates",
    "core/arrangement.py": "the statutory holidays as notices name them, and their short forms",
    "core/workdays.py": "the solar-term name chinese_calendar returns for Qingming (清明)",
    "core/problemwords.py": "matches the roster reader's English problem text, which quotes 是/否",
    "core/progress.py": "step aliases `renewd done` accepts, and the names steps had before",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def chinese_literals(path: Path) -> list[str]:
    """`path:line: text` for each string constant with a Chinese character, docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:40]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and CJK.search(node.value)
    ]


def test_no_module_outside_the_catalogues_holds_chinese_literals() -> None:
    allowed = {*CATALOGUES, *INPUT_VOCABULARIES}
    found = [
        hit
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).as_posix() not in allowed
        for hit in chinese_literals(path)
    ]
    assert not found, "Chinese words belong in the catalogue (renewd.core.words_zh):\n" + "\n".join(
        found
    )


def test_every_allowed_module_exists_and_still_needs_it() -> None:
    for name in (*CATALOGUES, *INPUT_VOCABULARIES):
        assert chinese_literals(SRC / name), (
            f"{name} holds no Chinese literal: drop it from the list"
        )


def test_the_catalogues_have_the_same_keys() -> None:
    assert set(ZH) == set(EN)


def test_policy_words_carry_the_policy_in_their_key() -> None:
    steps = [k for k in ZH if k.startswith(("step.", "do.", "info."))]
    assert not steps, f"step words are keyed by policy (shanghai-points.<kind>.…): {steps}"


def test_one_day_is_singular_in_english_and_every_singular_has_its_plural() -> None:
    assert say(Lang.EN, "left.days", n=1) == "1 day left"
    assert say(Lang.EN, "left.days", n=2) == "2 days left"
    assert say(Lang.EN, "left.over", n=1) == "overdue by 1 day"
    assert say(Lang.ZH, "left.days", n=1) == "还剩 1 天"
    for lang, words in CATALOGUE.items():
        for key in words:
            if key.endswith(".one"):
                assert key.removesuffix(".one") in words, (lang, key)
