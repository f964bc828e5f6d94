"""The source tree, one line per module, generated at build time from the modules' docstrings.

A page holds a marker alone on a line::

    % architecture: tree

and the marker becomes one section per part of ``src/dueprocess``, in the order of the
pipeline (:data:`GROUPS`): the public modules, the shared base, intake, review,
production, cases, reports, then the formats, the adapters and the command line. Each
section opens with its package's docstring and lists every module in it with the first
paragraph of the module's docstring, so "where is the rule for X" is answered by reading
down one table.

Nothing is listed by hand: a module added or split by anyone appears in the next build.
A module without a docstring, or a subpackage :data:`GROUPS` does not place, fails the
build and names itself.

``% architecture: stages`` draws the stages and the imports between them, as the code has
them today (imports inside functions counted, ``if TYPE_CHECKING:`` blocks left out).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

import dueprocess

__all__ = [
    "GROUPS",
    "MARKER",
    "Module",
    "modules",
    "render",
    "render_document",
    "setup",
    "stage_imports",
]

MARKER = re.compile(r"^% architecture: (?P<name>[a-z0-9-]+)[ \t]*$", re.MULTILINE)
PACKAGE = Path(dueprocess.__file__).resolve().parent

#: Each part of the package, in pipeline order: (directory, or "" for the top level;
#: heading). A subpackage that is not here fails the build.
GROUPS: tuple[tuple[str, str], ...] = (
    ("", "Public modules"),
    ("_base", "Shared base"),
    ("_intake", "1. Intake"),
    ("_review", "2. Review"),
    ("_production", "3. Production"),
    ("_cases", "4. Cases"),
    ("_reports", "5. Reports"),
    ("_formats", "Formats"),
    ("adapters", "Adapters"),
    ("_cli", "Command line"),
)

#: The top level's modules in the order a reader meets them; others follow by name.
TOP_ORDER = (
    "__init__.py",
    "parts.py",
    "cases.py",
    "reports.py",
    "exceptions.py",
    "typing.py",
    "testing.py",
    "__main__.py",
)

_ROLE = re.compile(r":(?P<role>\w+):`(?P<target>[^`]+)`")
_DOCS_PAGE = re.compile(r"\bdocs/(?P<page>[a-z_]+)\.md\b")


@attrs.frozen
class Module:
    """One source file: its path under ``src/dueprocess`` and its docstring's summary."""

    path: str
    name: str
    summary: str


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not doc or not doc.strip():
        raise ValueError(
            f"architecture: src/dueprocess/{path.relative_to(PACKAGE).as_posix()} has no "
            "docstring; its first line is its entry in docs/architecture.md"
        )
    return " ".join(doc.strip().split("\n\n", 1)[0].split())


def _module_name(relative: Path) -> str:
    parts = ["dueprocess", *relative.with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _group_of(relative: Path) -> str:
    return relative.parts[0] if len(relative.parts) > 1 else ""


def modules() -> dict[str, list[Module]]:
    """Every module of the package, by group, in :data:`GROUPS` order."""
    known = {directory for directory, _ in GROUPS}
    found: dict[str, list[Module]] = {directory: [] for directory, _ in GROUPS}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        group = _group_of(relative)
        if group not in known:
            raise ValueError(
                f"architecture: the package {group}/ has no place in the tree; add it to "
                "GROUPS in docs/_ext/architecture.py"
            )
        found[group].append(Module(relative.as_posix(), _module_name(relative), _summary(path)))
    top = found[""]
    rank = {name: index for index, name in enumerate(TOP_ORDER)}
    top.sort(key=lambda module: (rank.get(module.path, len(rank)), module.path))
    return found


# --- docstring text to MyST --------------------------------------------------------------


def _public_names() -> dict[int, str]:
    import api_reference

    return {id(entry.obj): entry.qualname for entry in api_reference.entries()}


def _lookup(target: str, module: str) -> Any:
    """The object a docstring's reference names, from the module it is written in."""
    import api_reference

    found, obj = api_reference._lookup(
        target if target.startswith("dueprocess") else f"{module}.{target}"
    )
    return obj if found else None


def _reference(role: str, target: str, module: str, public: Mapping[int, str]) -> str:
    target = target.lstrip("~")
    if role == "mod":
        private = any(part.startswith("_") for part in target.split("."))
        return f"`{target}`" if private else f"{{py:mod}}`{target}`"
    owner, _, attr = target.rpartition(".")
    found = _lookup(target, module)
    if found is not None and id(found) in public:
        return f"{{py:{role}}}`~{public[id(found)]}`"
    if owner and role in ("meth", "attr"):
        holder = _lookup(owner, module)
        if holder is not None and id(holder) in public:
            return f"{{py:{role}}}`~{public[id(holder)]}.{attr}`"
    return f"`{target}`"


def describe(module: Module, public: Mapping[int, str] | None = None) -> str:
    """A module's summary as one MyST table cell: references resolved, pages linked."""
    public = _public_names() if public is None else public
    out = []
    for piece in re.split(r"(:\w+:`[^`]+`|``[^`]+``)", module.summary):
        role = _ROLE.fullmatch(piece)
        if role:
            out.append(_reference(role["role"], role["target"], module.name, public))
        elif piece.startswith("``") and piece.endswith("``") and len(piece) > 4:
            out.append("`" + piece[2:-2].replace("|", "\\|") + "`")
        else:
            text = re.sub(r"([\\*_{}\[\]<>|#])", r"\\\1", piece)
            out.append(_DOCS_PAGE.sub(lambda match: f"[{match[0]}]({match['page']}.md)", text))
    return "".join(out)


def tree() -> str:
    """One section per group: the package's docstring, then a table of its modules."""
    public = _public_names()
    sections = []
    found = modules()
    for directory, heading in GROUPS:
        members = found[directory]
        if not members:
            continue
        where = f"`{directory}/`" if directory else "`src/dueprocess/`"
        lines = [f"### {heading}: {where}", ""]
        package = [module for module in members if module.path == f"{directory}/__init__.py"]
        if package:
            lines += [describe(package[0], public), ""]
            members = [module for module in members if module not in package]
        lines += ["| module | what it holds |", "|---|---|"]
        for module in members:
            shown = module.path.removesuffix("__init__.py") or module.path
            lines.append(f"| `{shown}` | {describe(module, public)} |")
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


# --- the stages and the imports between them --------------------------------------------


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


#: The public modules that only re-export: one node of the drawing.
_REEXPORTING = {"dueprocess", "parts", "cases", "reports", "testing"}


def _part(name: str) -> str:
    """The node a module is drawn in: its stage, ``public``, ``exceptions`` or ``typing``."""
    parts = name.split(".")
    first = parts[1] if len(parts) > 1 else "dueprocess"
    if first == "__main__":
        return "_cli"
    return "public" if first in _REEXPORTING else first


def stage_imports() -> set[tuple[str, str]]:
    """(importer, imported) between the parts of the package, at run time."""
    edges: set[tuple[str, str]] = set()
    found = modules()
    names = {module.name for group in found.values() for module in group}
    for group in found.values():
        for module in group:
            path = PACKAGE / module.path
            package = module.name.split(".")
            if not module.path.endswith("__init__.py"):
                package = package[:-1]
            for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
                targets: list[str]
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                else:
                    base = package[: len(package) - (node.level - 1)] if node.level else []
                    target = ".".join(base + ([node.module] if node.module else []))
                    # ``from . import cases`` imports a module; ``from .. import Category``
                    # a name of the package.
                    targets = [
                        f"{target}.{alias.name}" if f"{target}.{alias.name}" in names else target
                        for alias in node.names
                    ]
                for target in targets:
                    if target == "dueprocess" or target.startswith("dueprocess."):
                        source, sink = _part(module.name), _part(target)
                        if source != sink:
                            edges.add((source, sink))
    return edges


def reduced(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """*edges* without those another path already implies (a transitive reduction)."""

    def reaches(start: str, goal: str, skip: tuple[str, str]) -> bool:
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            for source, sink in edges:
                if source == node and (source, sink) != skip and sink not in seen:
                    if sink == goal:
                        return True
                    seen.add(sink)
                    todo.append(sink)
        return False

    return {edge for edge in edges if not reaches(edge[0], edge[1], edge)}


_LABELS = {
    "public": "public modules\ndueprocess, parts, cases,\nreports, testing",
    "exceptions": "dueprocess.exceptions",
    "typing": "dueprocess.typing",
}


def stages() -> str:
    """A Graphviz directive: each part of the package and which parts it imports."""
    from diagrams import _GRAPH, _directive, _q

    titles = {directory: heading for directory, heading in GROUPS if directory}
    edges = reduced(stage_imports())
    nodes = sorted({part for edge in edges for part in edge})
    lines = ["digraph stages {", _GRAPH, "rankdir=BT; nodesep=0.3; ranksep=0.35;"]
    for node in nodes:
        if node in titles:
            label = f"{titles[node]}\n{node}/"
            lines.append(f"{_q(node)} [label={_q(label)}];")
        else:
            label = _LABELS.get(node, node)
            lines.append(f'{_q(node)} [label={_q(label)}, shape=note, fillcolor="#ffffff"];')
    lines += [f"{_q(source)} -> {_q(sink)};" for source, sink in sorted(edges)]
    lines.append("}")
    return _directive(
        "\n".join(lines),
        "Which part of the package imports which, read from the code when this page was "
        "built: an arrow points at what is imported, and is left out where a longer path "
        "already leads there. The stages import only earlier ones; the public modules, the "
        "adapters and the command line sit on top.",
        "The parts of dueprocess and the imports between them",
    )


SECTIONS = {"tree": tree, "stages": stages}


def render(name: str) -> str:
    """The Markdown of one marker."""
    if name not in SECTIONS:
        raise ValueError(f"unknown architecture section {name!r} (known: {', '.join(SECTIONS)})")
    return SECTIONS[name]().strip() + "\n"


def render_document(source: str) -> str:
    """*source* with every marker replaced."""
    return MARKER.sub(lambda match: render(match.group("name")), source)


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = render_document(source[0])


def setup(app: Any) -> dict[str, Any]:
    """Register with Sphinx."""
    app.connect("source-read", _source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
