"""The README's command table says what the parser accepts: every command and every option,
nothing the parser does not know."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from renewd.cli import build_parser

README = Path(__file__).parent.parent / "README.md"
COMMON = {"-h", "--help", "-c", "--config", "-v", "--verbose", "--debug-libraries"}


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def parser_table() -> dict[str, set[str]]:
    """`{"notify": {"--due", ...}, "feeds rotate": set(), ...}`: commands and their options."""
    table: dict[str, set[str]] = {}
    for name, sub in subparsers(build_parser()).items():
        table[name] = {o for a in sub._actions for o in a.option_strings} - COMMON
        for action_name, action_parser in subparsers(sub).items():
            options = {o for a in action_parser._actions for o in a.option_strings}
            table[f"{name} {action_name}"] = options - COMMON
    return table


def readme_table() -> dict[str, set[str]]:
    """The same, read from the first column of the README's command table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    table: dict[str, set[str]] = {}
    for row in re.findall(r"^\| (`renewd .+?) \|", section, re.MULTILINE):
        for usage in re.findall(r"`renewd ([^`]+)`", row):
            words = usage.split()
            name = words[0]
            if len(words) > 1 and re.fullmatch(r"[a-z]+", words[1]):
                name = f"{name} {words[1]}"
            options = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage))
            table.setdefault(name, set()).update(options - COMMON)
    return table


def test_readme_command_table_matches_the_parser() -> None:
    documented, parsed = readme_table(), parser_table()
    assert sorted(documented) == sorted(parsed)
    assert {name: sorted(opts) for name, opts in documented.items()} == {
        name: sorted(opts) for name, opts in parsed.items()
    }


def test_the_readme_rule_can_fail() -> None:
    documented = readme_table()
    assert "--dry-run" in documented["notify"]  # the parser reads what the README shows
    assert "check" in documented


ROOT = Path(__file__).parent.parent
DESIGN = ROOT / "docs" / "design.md"
# Where docstrings and comments may point into docs/design.md: the package and its tests.
REFERRING = [ROOT / "src" / "renewd", ROOT / "tests"]
# A reference may wrap onto the next line of a docstring or a comment.
REFERENCE = re.compile(r"docs/design\.md(?:\s|#)+§(\d+)")


def design_sections() -> set[int]:
    """The numbers of the `## §N Title` headings of docs/design.md."""
    text = DESIGN.read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^## §(\d+) ", text, re.MULTILINE)}


def referring_files() -> list[Path]:
    return sorted(
        path
        for root in REFERRING
        for path in root.rglob("*")
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".toml", ".md"}
    )


def test_every_design_reference_names_a_section_that_exists() -> None:
    sections = design_sections()
    dangling = [
        f"{path.relative_to(ROOT)}: docs/design.md §{number}"
        for path in referring_files()
        for number in REFERENCE.findall(path.read_text(encoding="utf-8"))
        if int(number) not in sections
    ]
    assert dangling == []


def test_no_reference_to_the_spec_outside_the_repository_remains() -> None:
    old = "SPEC" + " §"  # spelled in two parts so that this file does not match itself
    stale = [
        str(path.relative_to(ROOT))
        for path in referring_files()
        if old in path.read_text(encoding="utf-8")
    ]
    assert stale == []


def test_the_design_reference_rules_can_fail() -> None:
    sections = design_sections()
    assert {1, 3, 7, 9, 10, 17, 18} <= sections  # the headings parse
    assert max(sections) == len(sections)  # numbered 1..N without gaps
    sample = "see docs/design.md §" + "99, docs/design.md\n    §3 and docs/design.md\n    # §7"
    found = REFERENCE.findall(sample)  # spelled in two parts, as above
    assert found == ["99", "3", "7"]
    assert 99 not in sections
    assert any(REFERENCE.search(p.read_text(encoding="utf-8")) for p in referring_files())


SRC = Path(__file__).parent.parent / "src"


def readme_layout() -> set[str]:
    """The modules the README's "Layout" section names (`renewd.x.y`), and the subpackages it
    names whole (`console/`) as `renewd.web.console.*`."""
    text = README.read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    named: set[str] = set()
    package = ""
    depth = 0  # inside a description in parentheses, which may go over two lines
    for line in text.splitlines():
        if not line.startswith("    "):
            continue
        body = line.strip()
        if body.startswith("src/renewd/"):
            head, _, body = body.partition(" ")
            package = ".".join(["renewd", *head.removeprefix("src/renewd/").strip("/").split("/")])
            package = package.rstrip(".")
            if head.endswith(".py,"):  # "src/renewd/cli.py, __main__.py"
                package, body = "renewd", head.removeprefix("src/renewd/") + " " + body
        kept = []
        for char in body:
            depth += char == "("
            kept.append(char if depth == 0 else " ")
            depth -= char == ")" and depth > 0
        body = "".join(kept)
        for word in re.findall(r"[A-Za-z_][\w/.]*", body):
            word = word.removesuffix(".py")
            if word.endswith("/"):
                named.add(f"{package}.{word.strip('/')}.*")
            else:
                named.add(f"{package}.{word.replace('/', '.')}")
    return named


def test_the_readme_layout_names_every_module_and_nothing_else() -> None:
    named = readme_layout()
    whole = {n.removesuffix(".*") for n in named if n.endswith(".*")}
    actual = set()
    for path in (SRC / "renewd").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            continue
        name = ".".join(parts)
        if not any(name.startswith(w + ".") for w in whole):
            actual.add(name)
    listed = {n for n in named if not n.endswith(".*")}
    assert sorted(actual - listed) == [], "modules the README's layout leaves out"
    assert sorted(listed - actual) == [], "names in the README's layout that are no module"
    for package in whole:
        assert (SRC / package.replace(".", "/") / "__init__.py").exists(), package


def test_the_layout_rule_can_fail() -> None:
    named = readme_layout()
    assert "renewd.core.plan" in named
    assert "renewd.delivery.run" in named
    assert "renewd.channels.factory" in named
    assert "renewd.cli" in named
    assert "renewd.__main__" in named
    assert "renewd.web.console.*" in named
