"""The arrows point inwards, floor by floor, and never in a circle.

The core imports nothing outside itself but the standard library and the calendar data packages.
Every other module stands on a floor (`FLOORS`; a module takes the floor of the longest prefix
that names it), and imports only from its own floor or lower ones:

    0  renewd (the version), core/                      data in, data out: no I/O, no clock
    1  store/, roster/, channels/, redaction            the adapters of one kind each
    2  settings, settings_console, settings_notify,     configuration, read once; the wall clock;
       settings_smtp, settings_calendar, settings_state, credentials,
       policy_settings, clock, channels.factory,        channels built from the settings; the
       roster_read                                      one roster read every entry uses
    3  delivery/, calendar/                             the delivery pipeline; the plans on the
                                                        working-day calendar and its use cases
    4  daemon/, web/                                    the runtime, and what it serves
    5  commands/                                        the CLI's composition root and commands
    6  cli, __main__                                    the entry point

Two placements differ from the obvious: `redaction` stands with the channels (a channel
registers the tokens it fetches), and `channels.factory` on the settings floor (it builds the
channels from `Settings`). Every import counts: at module level, inside a function, and under
`if TYPE_CHECKING:` (a type the module names is a dependency all the same), so the rule holds
for everything a module reaches, at any depth; the same edges may not make a circle. The delivery
pass never reaches a composition root, however indirectly.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

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


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in `path`: at module level, in a function, or
    under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(tree):
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


FLOORS = {
    "renewd": 0,
    "renewd.core": 0,
    "renewd.store": 1,
    "renewd.roster": 1,
    "renewd.channels": 1,
    "renewd.redaction": 1,
    "renewd.settings": 2,
    "renewd.settings_console": 2,
    "renewd.settings_notify": 2,
    "renewd.settings_smtp": 2,
    "renewd.settings_calendar": 2,
    "renewd.settings_state": 2,
    "renewd.credentials": 2,
    "renewd.policy_settings": 2,
    "renewd.pack_settings": 2,
    "renewd.clock": 2,
    "renewd.channels.factory": 2,
    "renewd.roster_read": 2,
    "renewd.delivery": 3,
    "renewd.calendar": 3,
    "renewd.daemon": 4,
    "renewd.web": 4,
    "renewd.commands": 5,
    "renewd.cli": 6,
    "renewd.__main__": 6,
}


def floor_of(module: str) -> int | None:
    """The floor of the longest `FLOORS` prefix naming `module` (None: it has no floor). The
    package `renewd` names itself only: a new top-level module needs a floor of its own."""
    for prefix in (module, *reversed(list(_parents(module)))):
        if prefix in FLOORS and (prefix != "renewd" or module == "renewd"):
            return FLOORS[prefix]
    return None


def known_modules() -> set[str]:
    return {module_name(p) for p in modules(PACKAGE)}


def import_graph() -> dict[str, set[str]]:
    """module -> the renewd modules it imports (any import, TYPE_CHECKING included), with the
    packages whose `__init__` runs first (importing a.b imports a)."""
    graph: dict[str, set[str]] = {}
    known = known_modules()
    for path in modules(PACKAGE):
        name = module_name(path)
        graph[name] = {t for _, t in imports(path) if t in known and t != name}
        graph[name] |= {
            parent
            for t in set(graph[name])
            for parent in _parents(t)
            if parent in known and parent != name and not name.startswith(parent + ".")
        }
    return graph


def upward(name: str, path: Path) -> list[str]:
    """The imports of `path` (module `name`) that go to a higher floor than its own."""
    own = floor_of(name)
    assert own is not None, f"{name} has no floor"
    found = []
    for line, target in imports(path):
        theirs = floor_of(target) if target.startswith("renewd") else None
        if theirs is not None and theirs > own:
            found.append(f"{path.name}:{line} imports {target} (floor {theirs} > {own})")
    return found


def test_every_module_has_a_floor() -> None:
    assert sorted(m for m in known_modules() if floor_of(m) is None) == []


@pytest.mark.parametrize("path", modules(PACKAGE), ids=module_name)
def test_imports_go_to_the_same_floor_or_lower(path: Path) -> None:
    assert upward(module_name(path), path) == []


def test_floor_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The rule can fail: the store importing the settings (lazily) or, for types only, the
    daemon is reported; the core beneath it is not."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\n"
        "from renewd.core.model import Person\n"
        "if TYPE_CHECKING:\n"
        "    from renewd.daemon.runtime import Daemon\n"
        "def f() -> None:\n"
        "    from renewd.settings import Settings\n"
    )
    assert upward("renewd.store.bad", bad) == [
        "bad.py:4 imports renewd.daemon.runtime (floor 4 > 1)",
        "bad.py:6 imports renewd.settings (floor 2 > 1)",
    ]


def test_nothing_reaches_a_higher_floor() -> None:
    """Transitively: whatever a module reaches, through any chain of imports, is on its floor or
    lower (the chain is named when it is not)."""
    graph = import_graph()
    found = []
    for start in sorted(graph):
        own = floor_of(start)
        assert own is not None
        chains = {start: [start]}
        todo = [start]
        while todo:
            node = todo.pop()
            for nxt in sorted(graph[node] - chains.keys()):
                chains[nxt] = [*chains[node], nxt]
                todo.append(nxt)
        found += [
            " -> ".join(chain)
            for end, chain in chains.items()
            if (theirs := floor_of(end)) is not None and theirs > own
        ]
    assert found == []


def test_no_import_circles() -> None:
    """No circle, counting every import: one under TYPE_CHECKING hides a circle, it does not
    break it (a port the lower side defines does)."""
    graph = import_graph()
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


def _reach(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


# However indirectly, the delivery modules never reach a composition root, the daemon or the
# planner: they deliver the plans they are handed.
DELIVERY_NEVER_REACHES = ("renewd.commands", "renewd.daemon", "renewd.web", "renewd.core.plan")


# `delivery.run` wires a pass for its callers: before the pass it notes what a new holiday notice
# moved (`calendar.changes`, which replans on the old calendar to compare), so it may reach the
# planner, never a composition root.
WIRING = "renewd.delivery.run"


@pytest.mark.parametrize(
    "name", sorted(m for m in known_modules() if m.startswith("renewd.delivery"))
)
def test_the_delivery_pipeline_never_reaches_a_composition_root(name: str) -> None:
    reached = _reach(name, import_graph())
    bad = DELIVERY_NEVER_REACHES[:-1] if name == WIRING else DELIVERY_NEVER_REACHES
    assert sorted(m for m in reached if any(m == b or m.startswith(b + ".") for b in bad)) == []


def test_the_service_grab_bag_is_gone() -> None:
    """The old grab bag `service/` made way for delivery/, daemon/, calendar/ and commands/app."""
    assert not (PACKAGE / "service").exists()
    assert not (PACKAGE / "service.py").exists()
    assert importlib.util.find_spec("renewd.service") is None


@pytest.mark.parametrize("name", PASS_MODULES)
def test_the_delivery_pass_sees_no_app_and_builds_nothing(name: str) -> None:
    path = SRC / (name.replace(".", "/") + ".py")
    found = [
        f"{path.name}:{line} imports {target}"
        for line, target in imports(path)
        if any(target == bad or target.startswith(bad + ".") for bad in PASS_FORBIDDEN)
    ]
    assert found == []


def _calls(name: str) -> dict[str, list[str]]:
    """module -> the lines where it calls `name(...)` (any `x.name(...)` or `name(...)`)."""
    found: dict[str, list[str]] = {}
    for path in modules(PACKAGE):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.setdefault(module_name(path), []).append(f"{path.name}:{node.lineno}")
    return found


def test_one_roster_read_for_every_entry() -> None:
    """The roster files are read in one place (`renewd.roster_read.read_roster`, over the
    roster package's readers): every entry gets the same limits, clash check and last good
    records."""
    readers = set(_calls("load_roster")) | set(_calls("read_partial"))
    assert readers == {"renewd.roster_read"}
    users = set(_calls("read_roster"))
    assert {"renewd.commands.app", "renewd.commands.notify", "renewd.daemon.refresh"} <= users
    assert "renewd.daemon.console_port" in users  # the console's upload check


def test_one_delivery_pass_wiring() -> None:
    """The daemon and `renewd notify --due` both run a pass through `delivery.run.deliver`; only
    it builds a `Delivery`."""
    assert set(_calls("Delivery")) == {"renewd.delivery.run"}
    assert set(_calls("deliver")) >= {"renewd.daemon.runtime", "renewd.commands.notify"}


def test_delivery_rows_only_through_the_store() -> None:
    """No SQL of the delivery tables outside the store."""
    pattern = ("FROM delivery", "UPDATE delivery", "INTO delivery")
    outside = [
        module_name(path)
        for path in modules(PACKAGE)
        if not module_name(path).startswith("renewd.store")
        and any(p in path.read_text(encoding="utf-8") for p in pattern)
    ]
    assert outside == []


def test_no_test_module_imports_another() -> None:
    """Shared fixtures and helpers live in the kits (`*kit.py`) and `conftest.py`, never in a
    sibling test module, whose tests would then run twice and whose fixtures shadow silently."""
    tests = Path(__file__).parent
    found = [
        f"{path.name}:{line} imports {target}"
        for path in sorted(tests.glob("test_*.py"))
        for line, target in imports(path)
        if target.split(".")[0].startswith("test_")
    ]
    assert found == []
