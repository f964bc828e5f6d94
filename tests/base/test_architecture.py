"""The layout keeps the pipeline readable: stages as subpackages, no cycles, one home a name.

These tests read the source with :mod:`ast`, so they check every import, including those
inside functions, and leave ``if TYPE_CHECKING:`` blocks out: those never run.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import dueprocess

PACKAGE = Path(dueprocess.__file__).parent
STAGES = ("_base", "_intake", "_review", "_production", "_cases", "_reports")
PUBLIC = (
    "dueprocess",
    "dueprocess.parts",
    "dueprocess.cases",
    "dueprocess.reports",
    "dueprocess.exceptions",
    "dueprocess.typing",
    "dueprocess.testing",
    "dueprocess.adapters",
)
MAX_LINES = 700
MAX_TOP_LEVEL_MODULES = 8


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for other in node.orelse:
                yield from _imports(other)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def run_time_imports(name: str) -> set[str]:
    """The dueprocess modules *name* imports when it runs, in any function."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = package[: len(package) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        for alias in node.names:
            submodule = f"{target}.{alias.name}"
            found.add(submodule if submodule in MODULES else target)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: run_time_imports(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_another_that_imports_it_back_at_run_time() -> None:
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle_through_an_import_inside_a_function() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    source = "def f():\n    from . import _x\nif TYPE_CHECKING:\n    from . import _y\n"
    imported = [node.names[0].name for node in _imports(ast.parse(source))]
    assert imported == ["_x"]


def test_no_module_is_longer_than_700_lines() -> None:
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: count for name, count in lengths.items() if count > MAX_LINES} == {}


def test_the_top_level_holds_at_most_eight_modules_beside_the_stage_packages() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert set(STAGES) <= packages


def test_a_stage_package_init_imports_nothing() -> None:
    # The public modules import from the stage modules directly, so importing one stage
    # module never runs a package __init__ that pulls in the rest of its stage.
    for stage in (*STAGES, "_formats"):
        assert GRAPH[f"dueprocess.{stage}"] == set(), stage


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_never_imports_a_later_stage_or_the_command_line(stage: str) -> None:
    later = STAGES[STAGES.index(stage) + 1 :]
    forbidden = tuple(f"dueprocess.{name}" for name in (*later, "_cli", "_formats", "adapters"))
    forbidden += ("dueprocess.cases", "dueprocess.reports", "dueprocess.parts")
    wrong = {
        (name, imported)
        for name in MODULES
        if name.startswith(f"dueprocess.{stage}")
        for imported in GRAPH[name]
        if imported == "dueprocess" or imported.startswith(forbidden)
    }
    # Cases may ask reports for one thing: the CSV writer an invoice shares with them.
    if stage == "_cases":
        wrong.discard(("dueprocess._cases._invoice", "dueprocess._reports._csvio"))
    assert wrong == set()


def test_typing_imports_no_implementation_at_run_time() -> None:
    assert GRAPH["dueprocess.typing"] == set()


def test_every_public_name_has_exactly_one_public_home() -> None:
    homes: dict[str, list[str]] = {}
    for module in PUBLIC:
        for name in importlib.import_module(module).__all__:
            homes.setdefault(name, []).append(module)
    assert {name: where for name, where in homes.items() if len(where) > 1} == {}


def test_the_top_level_keeps_about_forty_names() -> None:
    assert len(dueprocess.__all__) <= 45


def test_every_error_lives_in_the_exceptions_module() -> None:
    errors = {
        f"{module}.{name}"
        for module in PUBLIC
        if module not in {"dueprocess.exceptions", "dueprocess.adapters"}
        for name in importlib.import_module(module).__all__
        if isinstance(getattr(importlib.import_module(module), name), type)
        and issubclass(getattr(importlib.import_module(module), name), BaseException)
    }
    assert errors == set()


# The command line is a thin shell over the public API: besides its own modules, it may
# read the public modules and the shared base (dates, strict JSON, text), nothing else.
CLI_SHARED = ("dueprocess._base", "dueprocess._cli")


def cli_imports_outside_the_public_api(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a ``_cli`` module that reaches past the public API, as ``a -> b``."""

    def allowed(module: str) -> bool:
        return module in PUBLIC or any(
            module == shared or module.startswith(f"{shared}.") for shared in CLI_SHARED
        )

    return sorted(
        f"{name} -> {imported}"
        for name, imports in graph.items()
        if name.startswith("dueprocess._cli")
        for imported in imports
        if not allowed(imported)
    )


def test_the_command_line_imports_only_the_public_api_and_the_shared_base() -> None:
    assert cli_imports_outside_the_public_api(GRAPH) == []


def test_the_cli_import_check_names_an_import_of_a_private_module() -> None:
    graph = {
        "dueprocess._cli._x": {
            "dueprocess",
            "dueprocess.adapters",
            "dueprocess.adapters._files",
            "dueprocess._base._dates",
            "dueprocess._cli._common",
            "dueprocess._production._produce",
        },
        "dueprocess._review._reviewer": {"dueprocess._review._policy"},
    }
    assert cli_imports_outside_the_public_api(graph) == [
        "dueprocess._cli._x -> dueprocess._production._produce",
        "dueprocess._cli._x -> dueprocess.adapters._files",
    ]


def test_no_command_module_imports_another_command_module() -> None:
    # What commands share lives in _common, _options, _readers and _progress; a helper
    # borrowed from another command's module would tie two commands together.
    commands = {
        name for name in GRAPH["dueprocess._cli._commands"] if name.startswith("dueprocess._cli.")
    }
    commands -= {"dueprocess._cli._options"}
    assert len(commands) >= 10
    assert {
        (name, other) for name in commands for other in GRAPH[name] if other in commands
    } == set()
