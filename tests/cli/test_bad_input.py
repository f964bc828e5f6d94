"""Bad input, clear errors (issue 10.8): repeated JSON keys, policy ranges, escaping.

Each test fails on the main branch before this change: repeated keys were accepted (the
last won), an out-of-range policy number ended in a traceback, and control and
bidirectional characters from a request reached the terminal raw.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dueprocess import DEFAULT_POLICY, Policy, load_policy, load_request, review
from dueprocess._base._json import RepeatedKeys, loads
from dueprocess._cli import main
from dueprocess._cli._common import json_safe, terminal_lines, terminal_safe
from dueprocess._review._policy import POLICY_RANGES
from dueprocess.exceptions import InvalidPolicy

from ..production_support import subscriber
from ..support import make_request

# --- repeated keys ------------------------------------------------------------------------


def test_a_repeated_key_is_refused_with_the_path_of_each() -> None:
    text = '{"a": 1, "b": [{"c": 1, "c": 2}], "a": 3, "d": {"x y": 1, "x y": 2}}'
    with pytest.raises(RepeatedKeys) as caught:
        loads(text)
    assert caught.value.messages() == [
        "$.a: the key appears twice in one object",
        "$.b[0].c: the key appears twice in one object",
        '$.d["x y"]: the key appears twice in one object',
    ]
    assert loads(b'{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(document=json_values)
def test_a_document_without_repeated_keys_reads_as_json_loads_reads_it(document: Any) -> None:
    text = json.dumps(document)
    assert loads(text) == json.loads(text)


@given(document=st.dictionaries(st.text(max_size=3), json_values, min_size=1, max_size=3))
def test_a_repeated_key_anywhere_is_found_at_its_path(document: dict[str, Any]) -> None:
    key = next(iter(document))
    inner = json.dumps(document)
    # The same object nested under "x" of a list, with its first key written twice.
    text = '{"a": [1, {"x": ' + inner[:-1] + ", " + json.dumps(key) + ": 0}}]}"
    with pytest.raises(RepeatedKeys) as caught:
        loads(text)
    assert [where for where, _ in caught.value.paths] == ["$.a[1].x"]
    assert caught.value.paths[0][1] == key


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    with pytest.raises(ValueError, match="not a JSON number"):
        loads(f'{{"a": {constant}}}')


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


REPEATED_REQUEST = json.dumps(make_request())[:-1] + ', "id": "OTHER"}'


@pytest.mark.parametrize(
    "command",
    [
        ["review"],
        ["letter"],
        ["produce", "--store", "s.sqlite", "--out", "out"],
        ["case", "open", "--db", "c.sqlite"],
        ["case", "renew", "X-1", "--db", "c.sqlite"],
        ["case", "cure", "X-1", "--db", "c.sqlite"],
    ],
)
def test_every_command_refuses_a_request_that_repeats_a_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    request = _write(tmp_path / "request.json", REPEATED_REQUEST)
    args = [*command[:1], request, *command[1:]]
    if command[0] == "case":
        args = (
            [*command[:3], request, *command[3:]]
            if command[1] != "open"
            else [
                *command[:2],
                request,
                *command[2:],
            ]
        )
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "$.id: the key appears twice in one object" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "c.sqlite").exists()


def test_a_policy_that_repeats_a_key_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _write(
        tmp_path / "policy.json", '{"name": "lax", "free_mail_domains": [], "name": "x"}'
    )
    request = _write(tmp_path / "request.json", json.dumps(make_request()))
    assert main(["review", request, "--policy", policy]) == 2
    assert "$.name: the key appears twice in one object" in capsys.readouterr().err


def test_a_record_line_that_repeats_a_key_is_named_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = subscriber("1").to_dict()
    line = json.dumps(document)[:-2] + ', "name": "Someone else"}}'
    records = _write(tmp_path / "records.jsonl", json.dumps(document) + "\n" + line + "\n")
    store = tmp_path / "s.sqlite"
    assert main(["store", "import", str(store), records]) == 2
    err = capsys.readouterr().err
    assert "line 2, $.fields.name: the key appears twice in one object" in err
    assert not store.exists()


# --- policy ranges ------------------------------------------------------------------------

OUT_OF_RANGE = [
    (name, value)
    for name, (low, high) in POLICY_RANGES.items()
    for value in (low - 1, high + 1, 3_000_000, 10**30, True, 1.5, "10")
]


@pytest.mark.parametrize(("name", "value"), OUT_OF_RANGE)
def test_a_policy_number_outside_its_range_is_a_policy_error_naming_it(
    name: str, value: Any
) -> None:
    with pytest.raises(InvalidPolicy, match=rf"\$\.{name}: expected a whole number from"):
        load_policy({name: value})
    with pytest.raises(InvalidPolicy, match=rf"^{name}: expected a whole number from"):
        attrs.evolve(DEFAULT_POLICY, **{name: value})
    with pytest.raises(InvalidPolicy, match=name):
        Policy(**{name: value})


def test_every_numeric_policy_field_has_a_range() -> None:
    numeric = {field.name for field in attrs.fields(Policy) if isinstance(field.default, int)}
    assert numeric == set(POLICY_RANGES)


def test_notice_hold_days_of_three_million_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _write(tmp_path / "policy.json", '{"name": "long", "notice_hold_days": 3000000}')
    request = _write(tmp_path / "request.json", json.dumps(make_request()))
    assert main(["review", request, "--policy", policy]) == 2
    err = capsys.readouterr().err
    assert "$.notice_hold_days: expected a whole number from 0 to 3,650, got 3000000" in err
    assert "Traceback" not in err


REQUESTS = [
    make_request(),
    make_request(process__kind="search_warrant", process__issuer__role="judge"),
    make_request(period={"start": "1900-01-01", "end": "2999-12-31"}),
    make_request(received_at="2999-12-31T23:59:59Z"),
    make_request(received_at="1900-01-01T00:00:00Z", period=None),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.fixed_dictionaries(
        {
            name: st.sampled_from([low, high, (low + high) // 2])
            for name, (low, high) in POLICY_RANGES.items()
        }
    ),
    document=st.sampled_from(REQUESTS),
)
def test_any_policy_inside_the_ranges_reviews_any_request(
    values: dict[str, int], document: dict[str, Any]
) -> None:
    policy = load_policy({"name": "edge", **values})
    try:
        request = load_request(document)
    except Exception:  # an edge request the intake refuses is not this test's subject
        return
    result = review(request, policy)
    assert result.request.id == request.id


# --- escaping -----------------------------------------------------------------------------

UNSAFE = ["\x1b[2J", "\x07", "\x85", "\u202e", "\u2066", "\u2069", "\u200f", "\u061c", "\u2028"]


@pytest.mark.parametrize("char", UNSAFE)
def test_outside_text_is_escaped_for_the_terminal(char: str) -> None:
    shown = terminal_safe(f"REQ{char}1")
    assert char not in shown
    assert shown.startswith("REQ\\")
    assert char not in terminal_lines(f"a\n{char}")
    assert terminal_lines(f"a\n{char}").startswith("a\n")
    assert json.loads(json_safe(json.dumps(f"x{char}", ensure_ascii=False))) == f"x{char}"
    assert char not in json_safe(json.dumps(f"x{char}", ensure_ascii=False))


@pytest.mark.parametrize("command", [["review"], ["review", "--json"]])
def test_a_right_to_left_override_in_a_request_id_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    request = _write(
        tmp_path / "request.json",
        json.dumps(make_request(id="REQ-\u202e1-exe"), ensure_ascii=False),
    )
    assert main([*command, request]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert "REQ-\\u202e1-exe" in out


def test_the_letter_command_escapes_what_the_letter_leaves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = make_request(requester__name="AUSA \u200fA.\u061c Example")
    request = _write(tmp_path / "request.json", json.dumps(document, ensure_ascii=False))
    assert main(["letter", request]) == 0
    out = capsys.readouterr().out
    assert "\u200f" not in out
    assert "\u061c" not in out
    assert "AUSA \\u200fA.\\u061c Example" in out


def test_an_error_message_quoting_outside_text_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "a\u202eb.json")
    assert main(["review", missing]) == 2
    err = capsys.readouterr().err
    assert "\u202e" not in err
    assert "a\\u202eb.json" in err
