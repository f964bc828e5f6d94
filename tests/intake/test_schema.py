"""JSON Schemas of the formats: generated from the readers' tables, and agreeing with them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dueprocess import DEFAULT_POLICY, json_schema, load_request, policy_to_dict, review
from dueprocess._cli import main
from dueprocess._formats._schema import SCHEMA_NAMES
from dueprocess.exceptions import InvalidRequest

from ..support import BASE_REQUEST, CASES

jsonschema = pytest.importorskip("jsonschema")

CASE_FILES = sorted(CASES.glob("*.json"))


def validator(name: str) -> Any:
    schema = json_schema(name)  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


REQUEST = validator("request")


def schema_paths(document: Any) -> set[str]:
    return {error.json_path for error in REQUEST.iter_errors(document)}


def same_paths(document: Any) -> tuple[set[str], set[str]]:
    """The schema's and the reader's paths, comparable: where some categories are not
    categories at all, whether the array also repeats one is left aside (uniqueItems
    counts repeated non-categories too, the reader names only the entries)."""
    schema, reader = schema_paths(document), reader_paths(document)
    if any(path.startswith("$.categories[") for path in schema):
        schema.discard("$.categories")
        reader.discard("$.categories")
    return schema, reader


def reader_paths(document: Any) -> set[str]:
    """load_request's problem paths, where JSON Schema can report them: a missing key at
    its object (``required``), a repeated category at the array (``uniqueItems``)."""
    try:
        load_request(document)
    except InvalidRequest as error:
        return {_schema_path(problem.path, problem.message) for problem in error.problems}
    return set()


def _schema_path(path: str, message: str) -> str:
    if message.startswith("is required"):
        return path.rsplit(".", 1)[0]
    if message.startswith("duplicate of $.categories"):
        return "$.categories"
    return path


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = json_schema(name)  # type: ignore[arg-type]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_an_unknown_schema_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no schema named 'letter'; expected one of request"):
        json_schema("letter")  # type: ignore[arg-type]


def test_there_are_public_cases_to_check() -> None:
    assert len(CASE_FILES) >= 20


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_the_schema_agrees_with_load_request_on_every_public_case(path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    document = case["request"]
    assert schema_paths(document) == reader_paths(document)
    if case["expect"].get("invalid"):
        # The invalid case fails at exactly the paths load_request reports.
        assert schema_paths(document) == set(case["expect"]["paths"])


def test_the_base_request_is_valid() -> None:
    assert schema_paths(BASE_REQUEST) == set()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"emergency": {"danger": "death", "imminent": True, "description": "x"}}, "$.emergency"),
        ({"categories": []}, "$.categories"),
        ({"process": {**BASE_REQUEST["process"], "kind": "preservation_request"}}, None),
        ({"period": {"start": "2023-01-01", "end": "x"}}, "$.period.end"),
        ({"period": None}, None),
        ({"targets": [{"kind": "phone", "value": "12"}]}, "$.targets[0].value"),
        ({"targets": [{"kind": "phone", "value": "+1 (202) 555-0100"}]}, None),
        ({"targets": [{"kind": "account_id", "value": "  "}]}, "$.targets[0].value"),
        ({"jurisdiction": "US-CA"}, None),
        ({"jurisdiction": "usa"}, "$.jurisdiction"),
        ({"received_at": "2023-05-10T16:00:00+25:00"}, "$.received_at"),
        ({"received_at": "2023-05-10T16:00:00Z\n"}, "$.received_at"),
        ({"id": "a\nb"}, "$.id"),
        (
            {
                "process": {**BASE_REQUEST["process"], "kind": "preservation_request"},
                "preservation": {
                    "extends": "P-1",
                    "prior_extensions": 2**31,
                    "prior_expires_on": "2023-01-01",
                },
            },
            "$.preservation.prior_extensions",
        ),
    ],
)
def test_cross_field_rules_and_value_shapes_match_the_reader(
    change: dict[str, Any], path: str | None
) -> None:
    document = {**copy.deepcopy(BASE_REQUEST), **change}
    found = schema_paths(document)
    assert found == ({path} if path else set())
    assert found == reader_paths(document)


# A property: change one value of the base request to anything JSON can hold; the
# schema and the reader then find problems at the same paths. Left out are what a
# schema cannot say (dates not in the calendar, start after end) and a float where an
# integer belongs (JSON Schema counts 2.0 as an integer).
_LEAVES = [
    ("id",),
    ("received_at",),
    ("channel",),
    ("jurisdiction",),
    ("process",),
    ("process", "kind"),
    ("process", "issued_on"),
    ("process", "issuer"),
    ("process", "issuer", "role"),
    ("process", "signed"),
    ("process", "authority"),
    ("requester", "email"),
    ("requester", "phone"),
    ("investigation", "nature"),
    ("investigation", "facts"),
    ("investigation", "max_sentence_years"),
    ("targets",),
    ("targets", 0, "kind"),
    ("targets", 0, "value"),
    ("categories",),
    ("categories", 1),
    ("period",),
    ("nondisclosure",),
    ("surprise",),
    ("requester", "tabel"),
]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 2**32),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            " ",
            "portal",
            "US",
            "DE-BY",
            "email",
            "a@b.c",
            "a@b",
            "2023-05-05",
            "grand_jury",
            "subpoena",
            "subscriber",
            "content",
            "2023-05-10T16:00:00Z",
            "+1 202 555 0100",
            "court_order",
            "\x1b[2J",
            "\u2028",
        ]
    ),
    st.lists(st.sampled_from(["subscriber", "content", 3]), max_size=3),
    st.dictionaries(
        st.sampled_from(["kind", "value", "start", "name", "x"]), st.just("a"), max_size=2
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaf=st.sampled_from(_LEAVES), value=_VALUES)
def test_the_schema_and_the_reader_agree_on_any_one_changed_value(
    leaf: tuple[str | int, ...], value: Any
) -> None:
    document = copy.deepcopy(BASE_REQUEST)
    node: Any = document
    for step in leaf[:-1]:
        node = node[step]
    node[leaf[-1]] = value
    assume(not (leaf[-1] in ("start", "end") or (leaf == ("period",) and isinstance(value, dict))))
    schema, reader = same_paths(document)
    assert schema == reader


def test_every_key_the_reader_knows_has_a_type() -> None:
    from dueprocess._formats import _schema

    for name, (keys, fields) in _schema._OBJECTS.items():
        assert keys <= fields.keys(), name


# --- the other documents -----------------------------------------------------------------


def test_every_review_of_the_public_cases_fits_the_review_schema() -> None:
    schema = validator("review")
    checked = 0
    for path in CASE_FILES:
        try:
            result = review(load_request(json.loads(path.read_text("utf-8"))["request"]))
        except InvalidRequest:
            continue
        document = result.to_dict()
        assert list(schema.iter_errors(document)) == [], path.stem
        assert set(schema.schema["required"]) <= set(document) <= set(schema.schema["properties"])
        checked += 1
    assert checked >= 20


def test_the_default_policy_and_a_partial_one_fit_the_policy_schema() -> None:
    schema = validator("policy")
    assert list(schema.iter_errors(policy_to_dict(DEFAULT_POLICY))) == []
    assert list(schema.iter_errors({"max_period_days": 90})) == []
    paths = {e.json_path for e in schema.iter_errors({"max_period_days": 0, "nme": "x"})}
    assert paths == {"$.max_period_days", "$.nme"}


def test_a_manifest_fits_the_manifest_schema(tmp_path: Path) -> None:
    from dueprocess import produce
    from dueprocess.testing import MemorySink, MemoryStore

    from ..production_support import PRODUCED_AT, make_review, subscriber

    sink = MemorySink()
    produce(make_review(), MemoryStore.of([subscriber()]), sink, produced_at=PRODUCED_AT)
    schema = validator("manifest")
    document = json.loads(sink.files["manifest.json"])
    assert list(schema.iter_errors(document)) == []
    # A production made early by override says why (one line, not blank).
    assert list(schema.iter_errors({**document, "override": "court order of 5 May"})) == []
    assert [e.json_path for e in schema.iter_errors({**document, "override": " "})] == [
        "$.override"
    ]
    document["merkle_root"] = "ABC"
    document["files"]["../x"] = {"sha256": "0" * 64, "bytes": 1}
    paths = {e.json_path for e in schema.iter_errors(document)}
    assert paths == {"$.merkle_root", "$.files"}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_schema_command_prints_the_schema(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", name]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(name)  # type: ignore[arg-type]


def test_a_key_the_reader_gains_is_allowed_until_it_is_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dueprocess._formats import _schema

    keys, fields = _schema._OBJECTS["period"]
    monkeypatch.setitem(_schema._OBJECTS, "period", (keys | {"granularity"}, fields))
    schema = json_schema("request")
    assert schema["$defs"]["period"]["properties"]["granularity"] == {}
    assert "granularity" not in schema["$defs"]["period"]["required"]


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [
            p for key, value in node.items() if key != "pattern" for p in _patterns(value)
        ]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


def test_every_pattern_is_an_ecma_262_regular_expression_as_browsers_read_it(
    tmp_path: Path,
) -> None:
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("needs node to compile the patterns as a browser does")
    patterns = sorted({p for name in SCHEMA_NAMES for p in _patterns(json_schema(name))})  # type: ignore[arg-type]
    script = tmp_path / "check.js"
    script.write_text(
        "const ps = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));\n"
        "for (const p of ps) { new RegExp(p, 'u'); new RegExp(p); }\n"
        "const ts = new RegExp(ps.find(p => p.includes('T(?:[01]')), 'u');\n"
        "const day = '2017-03-02T15:04:05Z';\n"
        "if (!ts.test(day) || ts.test(day + '\\n')) process.exit(3);\n"
    )
    listed = tmp_path / "patterns.json"
    listed.write_text(json.dumps(patterns))
    completed = subprocess.run(
        [node, str(script), str(listed)], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert len(patterns) > 10


def test_the_policy_schema_takes_its_bounds_from_the_policy_ranges() -> None:
    from dueprocess import load_policy
    from dueprocess._review._policy import POLICY_RANGES
    from dueprocess.exceptions import InvalidPolicy

    schema = validator("policy")
    for key, (low, high) in POLICY_RANGES.items():
        for value, fits in ((low, True), (high, True), (low - 1, False), (high + 1, False)):
            paths = {e.json_path for e in schema.iter_errors({key: value})}
            assert paths == (set() if fits else {f"$.{key}"}), (key, value)
            try:
                load_policy({"name": "bounds", key: value})
            except InvalidPolicy:
                assert not fits, (key, value)
            else:
                assert fits, (key, value)
