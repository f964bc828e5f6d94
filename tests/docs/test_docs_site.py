"""The documentation site's generated parts: formats, diagrams and the API by topic.

Each extension in ``docs/_ext`` is imported directly, as Sphinx imports it, and its
output is checked against the code it is generated from.
"""

from __future__ import annotations

import ast
import enum
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import dueprocess as dp
from dueprocess.cases import TRANSITIONS

from ..support import ROOT

DOCS = ROOT / "docs"
EXT = DOCS / "_ext"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXT / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


formats = _load("formats")
diagrams = _load("diagrams")
api_reference = _load("api_reference")
architecture = _load("architecture")


# --- formats ------------------------------------------------------------------------------


def test_the_request_tables_list_every_key_intake_accepts_with_its_required_flag() -> None:
    rendered = formats.render("request-fields")
    for heading, _prefix, cls, accepted in formats._request_objects():
        assert accepted is not None, heading
        section = rendered[rendered.index(f"### {heading}") :].split("\n### ", 2)[0]
        fields = {field.name: field for field in attrs.fields(cls)}
        for key in accepted:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{key}` |"))
            if key in fields:
                required = "no" if fields[key].default is not attrs.NOTHING else "yes"
                assert f"| {required} |" in row, (heading, key)


def test_the_formats_page_describes_every_key_it_shows() -> None:
    source = (DOCS / "formats.md").read_text("utf-8")
    assert formats.undescribed(source) == []


def test_a_key_the_code_adds_without_a_description_is_reported() -> None:
    formats._WARNINGS.clear()
    formats.key_table("review", {"format": "dueprocess.review/1", "brand_new": 1})
    assert formats._WARNINGS == [
        "the review document's key 'brand_new' has no meaning in formats.MEANINGS"
    ]


def test_the_production_shown_is_the_demo_production_and_verifies() -> None:
    output, files = formats.demo()
    assert set(files) == {"records.jsonl", "manifest.json", "letter.md", "certificate.md"}
    assert '"format": "dueprocess.manifest/1"' in files["manifest.json"]
    assert "Verified" in output
    assert files["manifest.json"].rstrip("\n") in formats.render("manifest")


def test_every_formats_marker_on_the_pages_is_known() -> None:
    used = set()
    for page in DOCS.rglob("*.md"):
        used |= {m.group("name") for m in formats.MARKER.finditer(page.read_text("utf-8"))}
    assert used
    assert used <= set(formats.SECTIONS)


# --- diagrams -----------------------------------------------------------------------------


def test_the_lifecycle_diagram_has_an_edge_for_every_transition() -> None:
    graph = diagrams.dot("lifecycle")
    for key, value in TRANSITIONS.items():
        # (state, action) -> states, or (state, action, outcome) -> one state.
        state, action = key[0], key[1]
        targets = value if isinstance(value, (frozenset, set, tuple)) else (value,)
        source = state.value if state is not None else "start"
        for target in targets:
            edge = re.search(rf'"{source}" -> "{target.value}" \[label="([^"]*)"', graph)
            assert edge is not None, (state, action, target)
            assert action.value in edge.group(1), (state, action, target)


@pytest.mark.parametrize(
    ("name", "members"), [("outcome", dp.Outcome), ("notice", dp.parts.NoticeTiming)]
)
def test_the_decision_diagrams_end_in_every_member(name: str, members: type[enum.Enum]) -> None:
    graph = diagrams.dot(name)
    labels = set(re.findall(r'label="([a-z_]+)', graph))
    assert {member.value for member in members} <= labels


def test_the_merkle_diagram_marks_exactly_the_proof_path() -> None:
    from dueprocess._production._merkle import inclusion_proof

    graph = diagrams.dot("merkle")
    proof, root = inclusion_proof(
        diagrams.MERKLE_PROVEN, len(diagrams.MERKLE_RECORDS), diagrams.MERKLE_RECORDS
    )
    orange = re.findall(rf'label="(?:root )?([0-9a-f]{{8}})", fillcolor="{diagrams.ORANGE}"', graph)
    assert sorted(orange) == sorted(step.hex()[:8] for step in proof.path)
    assert f"root {root.hex()[:8]}" in graph


def test_the_pipeline_names_only_public_functions() -> None:
    assert all(not name or diagrams._exported(name) for _, _, name in diagrams.PIPELINE_NODES)
    # A name that left the top level is no longer public there.
    assert not diagrams._exported("Cases")
    assert diagrams._exported("cases.Cases")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", ["pipeline", "lifecycle", "outcome", "notice", "merkle"])
def test_graphviz_draws_every_diagram(name: str) -> None:
    completed = subprocess.run(
        ["dot", "-Tsvg"], input=diagrams.dot(name), capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert "<svg" in completed.stdout


# --- the API reference --------------------------------------------------------------------


def test_every_public_name_is_on_exactly_one_topic_page() -> None:
    documented = {id(entry.obj) for entry in api_reference.entries()}
    for module_name in ("dueprocess", "dueprocess.typing", "dueprocess.testing"):
        module = __import__(module_name, fromlist=["__all__"])
        for name in module.__all__:
            if name == "__version__":
                continue
            assert id(getattr(module, name)) in documented, f"{module_name}.{name}"
    names = [entry.qualname for entry in api_reference.entries()]
    assert len(names) == len(set(names))
    assert all(entry.topic in api_reference.TOPICS for entry in api_reference.entries())


def test_every_topic_has_a_page_that_renders_it() -> None:
    for topic in api_reference.TOPICS:
        page = (DOCS / "api" / f"{topic}.md").read_text("utf-8")
        assert f"% api-reference: {topic}" in page
        assert ".. auto" in api_reference.render(topic)


def test_attrs_signatures_show_defaults_as_written() -> None:
    # The signature is rendered with Sphinx's own formatter: the docs extra.
    pytest.importorskip(
        "sphinx", reason="the docs extra is not installed (pip install -e '.[docs]')"
    )
    signature = api_reference.attrs_signature(dp.parts.Process)
    assert "attr_dict" not in signature
    assert "validated_by: dueprocess._intake._request.Issuer | None = None" in signature
    assert "GOVERNMENT_DOMAINS" in api_reference.attrs_signature(dp.Policy)


def test_enums_show_their_public_bases() -> None:
    assert list(api_reference._public_bases(dp.Decision)) == [str, enum.Enum]


def test_standard_library_names_link_to_the_python_docs() -> None:
    url = api_reference.external_url("datetime.date")
    assert url == "https://docs.python.org/3/library/datetime.html#datetime.date"
    assert api_reference.external_url("dt.datetime") is not None
    assert api_reference.external_url("somewhere.Else") is None


def test_each_public_submodule_is_introduced_on_exactly_one_page() -> None:
    pages = {topic: api_reference.render(topic) for topic in api_reference.TOPICS}
    for module in api_reference.PUBLIC_MODULES[1:]:
        declared = [topic for topic, page in pages.items() if f".. py:module:: {module}\n" in page]
        assert declared == [api_reference.MODULE_PAGE[module]], module
        docstring = importlib.import_module(module).__doc__ or ""
        assert docstring.split("\n", 1)[0] in pages[declared[0]], module


def test_every_public_constant_is_described() -> None:
    constants = [entry.name for entry in api_reference.entries() if entry.kind == "data"]
    assert "DEFAULT_POLICY" in constants
    assert [name for name in constants if name not in api_reference.DATA_DOCS] == []
    assert all(entry.summary != "." for entry in api_reference.entries())


def test_the_parts_page_has_a_section_for_each_stage_and_every_part() -> None:
    page = api_reference.render("parts")
    for name in dp.parts.__all__:
        assert f"`~dueprocess.parts.{name}`" in page, name
    for heading in api_reference.PART_SECTIONS.values():
        assert f"## {heading}\n" in page


def test_the_error_tree_nests_every_error_under_its_base() -> None:
    tree = api_reference.render("error-tree").splitlines()
    depth = {
        line.split("`~dueprocess.exceptions.", 1)[1].split("`", 1)[0]: (
            len(line) - len(line.lstrip())
        )
        // 2
        for line in tree
    }
    errors = [
        name
        for name in dp.exceptions.__all__
        if isinstance(getattr(dp.exceptions, name), type)
        and issubclass(getattr(dp.exceptions, name), BaseException)
    ]
    assert sorted(depth) == sorted(errors)
    assert depth["DueProcessError"] == 0
    assert depth["InvalidDocument"] == 1
    assert depth["InvalidRequest"] == depth["InvalidReportFile"] == 2
    assert depth["CaseNotFound"] == depth["StoreError"] + 1


# --- the architecture page ------------------------------------------------------------------


def _source_modules() -> list[str]:
    return sorted(
        path.relative_to(architecture.PACKAGE).as_posix()
        for path in architecture.PACKAGE.rglob("*.py")
    )


def test_the_source_tree_lists_every_module_once() -> None:
    listed = [module.path for group in architecture.modules().values() for module in group]
    assert sorted(listed) == _source_modules()
    rendered = architecture.render("tree")
    for path in _source_modules():
        shown = path.removesuffix("__init__.py")
        # A package's __init__ is the text under its heading, a subpackage's its own row.
        if shown.count("/") == 1 and shown.endswith("/"):
            assert f": `{shown}`\n" in rendered, path
        else:
            assert rendered.count(f"| `{shown or path}` |") == 1, path


def test_the_source_tree_follows_the_pipeline() -> None:
    rendered = architecture.render("tree")
    stages = ["_base/", "_intake/", "_review/", "_production/", "_cases/", "_reports/"]
    positions = [rendered.index(f": `{stage}`") for stage in stages]
    assert positions == sorted(positions)


def test_every_module_describes_itself_in_one_sentence() -> None:
    too_long = {}
    for group in architecture.modules().values():
        for module in group:
            assert module.summary.endswith((".", ".*")), module.path
            if len(module.summary) > 200:
                too_long[module.path] = len(module.summary)
    assert too_long == {}


def test_a_module_without_a_docstring_or_a_package_without_a_place_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(architecture, "PACKAGE", tmp_path)
    (tmp_path / "__init__.py").write_text('"""The package."""\n', "utf-8")
    (tmp_path / "_undocumented.py").write_text("X = 1\n", "utf-8")
    with pytest.raises(ValueError, match=r"_undocumented\.py has no docstring"):
        architecture.modules()
    (tmp_path / "_undocumented.py").unlink()
    (tmp_path / "_stray").mkdir()
    (tmp_path / "_stray" / "__init__.py").write_text('"""Stray."""\n', "utf-8")
    with pytest.raises(ValueError, match="_stray/ has no place"):
        architecture.modules()


def test_the_stage_drawing_has_each_stage_import_only_earlier_ones() -> None:
    stages = ["_base", "_intake", "_review", "_production", "_cases", "_reports"]
    edges = architecture.stage_imports()
    assert ("_review", "_intake") in edges
    for source, sink in edges:
        if source in stages and sink in stages:
            assert stages.index(sink) < stages.index(source), (source, sink)
    assert architecture.reduced({("a", "b"), ("b", "c"), ("a", "c")}) == {("a", "b"), ("b", "c")}


_SOURCE_PATH = re.compile(r"`((?:src/dueprocess/)?_[a-z_]+/[a-z_/]+\.py)`")
_REPO_PATH = re.compile(
    r"`((?:tests|benchmarks|examples|fuzz|docs)/[\w/.-]+\.(?:py|md|json|ipynb))`"
)
_DOTTED = re.compile(r"`(dueprocess\._[A-Za-z_.]*[A-Za-z_])`")


def test_every_module_path_or_private_name_the_pages_mention_exists() -> None:
    pages = [
        *DOCS.glob("*.md"),
        *(DOCS / "api").glob("*.md"),
        ROOT / "README.md",
        ROOT / "SECURITY.md",
    ]
    missing = []
    for page in pages:
        text = page.read_text("utf-8")
        for match in _SOURCE_PATH.finditer(text):
            path = match.group(1).removeprefix("src/dueprocess/")
            if not (architecture.PACKAGE / path).is_file():
                missing.append(f"{page.name}: {match.group(1)}")
        for match in _REPO_PATH.finditer(text):
            if not (ROOT / match.group(1)).exists():
                missing.append(f"{page.name}: {match.group(1)}")
        for match in _DOTTED.finditer(text):
            found, _ = api_reference._lookup(match.group(1))
            if not found:
                missing.append(f"{page.name}: {match.group(1)}")
    assert missing == []


def test_the_changelog_migration_table_sends_each_name_to_its_home() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    rows = re.findall(r"^  \| (`.+) \| `(dueprocess\.[a-z.]+?)(?:\.(\w+))?` \|$", changelog, re.M)
    assert len(rows) >= 5
    moved = set()
    for names, home, renamed in rows:
        module = importlib.import_module(home)
        for name in re.findall(r"`(\w+)`", names.split(" (", 1)[0]):
            moved.add(name)
            assert name not in dp.__all__, name
            if renamed:
                assert renamed in module.__all__, renamed
                assert not hasattr(module, name), name
            else:
                assert name in module.__all__, (name, home)
    assert {"Cases", "Target", "transparency_report", "StoreError", "PolicyError"} <= moved


# --- the site as a whole ------------------------------------------------------------------


def test_the_notebook_is_on_the_site() -> None:
    assert (DOCS / "examples").resolve() == (ROOT / "examples").resolve()
    assert "examples/walkthrough" in (DOCS / "index.md").read_text("utf-8")


_OUTSIDE = re.compile(r"\b(request|review|production|reports)\.md\b|\.\./shared|the spec\b")


def _docstrings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                found.append(doc)
        help_text = isinstance(node, ast.keyword) and node.arg == "help"
        if help_text and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.append(node.value.value)
    return found


def test_no_page_docstring_or_help_text_points_outside_the_repository() -> None:
    offenders = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        for text in _docstrings(path):
            match = _OUTSIDE.search(text)
            if match:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    pages = [*DOCS.glob("*.md"), *(DOCS / "api").glob("*.md"), ROOT / "README.md"]
    pages.append(ROOT / "examples" / "walkthrough.ipynb")
    for page in pages:
        match = _OUTSIDE.search(page.read_text("utf-8"))
        if match:
            offenders.append(f"{page.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_demo_output_is_folded_to_the_column_and_keeps_every_word() -> None:
    output, _ = formats.demo()
    folded = formats.wrap_output(output)
    assert max(len(line) for line in folded.splitlines()) <= formats.COLUMN
    assert folded.split() == output.split()
