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
    assert all(not name or hasattr(dp, name) for _, _, name in diagrams.PIPELINE_NODES)


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
