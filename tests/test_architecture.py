"""The arrows point inwards: the core imports nothing outside itself but the standard library and
the calendar data packages, and no module imports another in a circle."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src"
PACKAGE = SRC / "renewd"
CORE = PACKAGE / "core"
# Third-party packages the core may use: the working-day calendar's data.
CORE_THIRD_PARTY = {"chinese_calendar", "lunardate"}


def module_name(path: Path) -> str:
    if not path.is_relative_to(SRC):
        return path.stem
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def imports(path: Path, *, runtime_only: bool = False) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in `path`; with `runtime_only`, not those under
    `if TYPE_CHECKING:` (they never run, so they cannot make a circle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield node.lineno, target
            # `from renewd.core import plan` imports the submodule renewd.core.plan
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if (SRC / candidate.replace(".", "/")).with_suffix(".py").exists():
                    yield node.lineno, candidate


def test_the_core_package_exists_and_holds_the_pure_modules() -> None:
    names = {module_name(p) for p in modules(CORE)}
    for required in ("model", "policy", "workdays", "plan", "schedule", "messages", "ics"):
        assert f"renewd.core.{required}" in names


def outside_core(path: Path) -> list[str]:
    """The imports of `path` that the core may not make."""
    return [
        f"{path.name}:{line} imports {target}"
        for line, target in imports(path)
        if not (
            target == "renewd.core"
            or target.startswith("renewd.core.")
            or target.split(".")[0] in sys.stdlib_module_names
            or target.split(".")[0] in CORE_THIRD_PARTY
        )
    ]


@pytest.mark.parametrize("path", modules(CORE), ids=lambda p: p.name)
def test_core_imports_only_itself_stdlib_and_calendar_data(path: Path) -> None:
    assert outside_core(path) == []


def test_core_rule_catches_an_adapter_import(tmp_path: Path) -> None:
    """The rule can fail: the settings loader or a third-party package is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlite3\nfrom renewd.settings import Settings\nimport pydantic\n")
    assert outside_core(bad) == [
        "bad.py:2 imports renewd.settings",
        "bad.py:3 imports pydantic",
    ]


CORE_FORBIDDEN_RUNTIME = [
    "sqlite3",
    "smtplib",
    "aiohttp",
    "apprise",
    "requests",
    "pydantic",
    "pydantic_settings",
]


def test_importing_the_core_loads_no_adapter() -> None:
    names = [module_name(p) for p in modules(CORE)]
    code = (
        f"import json, sys, importlib; [importlib.import_module(m) for m in {names!r}]; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('renewd') "
        f"and not m.startswith('renewd.core') and m != 'renewd' "
        f"or m in {CORE_FORBIDDEN_RUNTIME!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = {}
    known = {module_name(p) for p in modules(PACKAGE)}
    for path in modules(PACKAGE):
        name = module_name(path)
        graph[name] = {t for _, t in imports(path, runtime_only=True) if t in known and t != name}
        # a package's __init__ runs before its submodules: importing a.b imports a
        graph[name] |= {
            parent
            for t in set(graph[name])
            for parent in _parents(t)
            if parent in known and parent != name and not name.startswith(parent + ".")
        }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def _parents(module: str) -> Iterator[str]:
    parts = module.split(".")
    for i in range(1, len(parts)):
        yield ".".join(parts[:i])


MAX_LINES = 400


def test_no_module_over_400_lines() -> None:
    sizes = {module_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in modules(SRC)}
    assert sizes  # the rule looks at something
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


# The delivery pass is handed its plans, channels and state database: it never reaches back for
# the composition root, builds channels, plans or reads a roster of its own.
PASS_MODULES = ("renewd.delivery.passes", "renewd.delivery.sending")
PASS_FORBIDDEN = (
    "renewd.commands.app",
    "renewd.daemon.runtime",
    "renewd.channels.factory",
    "renewd.core.plan",
    "renewd.roster",
)


@pytest.mark.parametrize("name", PASS_MODULES)
def test_the_delivery_pass_sees_no_app_and_builds_nothing(name: str) -> None:
    path = SRC / (name.replace(".", "/") + ".py")
    found = [
        f"{path.name}:{line} imports {target}"
        for line, target in imports(path)
        if any(target == bad or target.startswith(bad + ".") for bad in PASS_FORBIDDEN)
    ]
    assert found == []
