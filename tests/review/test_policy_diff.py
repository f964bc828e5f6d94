"""policy diff: every request whose answer changes under a new policy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess import (
    DEFAULT_POLICY,
    Category,
    Decision,
    Outcome,
    compare_reviews,
    diff_policies,
    load_request,
    review,
)
from dueprocess._cli import main

from ..support import EXAMPLES, make_request

REQUESTS = sorted((EXAMPLES / "requests").glob("*.json"))
STRICT = attrs.evolve(DEFAULT_POLICY, name="strict", max_period_days=30)


def examples() -> list[Any]:
    return [load_request(json.loads(path.read_text("utf-8"))) for path in REQUESTS]


def test_the_same_policy_changes_nothing() -> None:
    diff = diff_policies(DEFAULT_POLICY, DEFAULT_POLICY, examples())
    assert diff.changes == ()
    assert diff.settings == ()
    assert diff.reviewed == len(REQUESTS)


def test_a_shorter_longest_period_narrows_periods_and_names_the_setting() -> None:
    diff = diff_policies(DEFAULT_POLICY, STRICT, examples())
    assert diff.settings == ("name", "max_period_days")
    narrowed = [change for change in diff.changes if change.period is not None]
    assert narrowed
    for change in narrowed:
        assert change.period is not None
        old, new = change.period
        assert old is not None
        assert new is not None
        assert (new.end - new.start).days < (old.end - old.start).days
        assert change.to_dict()["period"]["new"] == new.to_dict()
    assert repr(diff) == f"<PolicyDiff default -> strict: {len(diff.changes)} of 6 requests change>"


def test_only_requests_whose_answer_changes_are_listed() -> None:
    requests = examples()
    diff = diff_policies(DEFAULT_POLICY, STRICT, requests)
    listed = {change.request_id for change in diff.changes}
    for request in requests:
        old, new = review(request, DEFAULT_POLICY), review(request, STRICT)
        same = (
            old.outcome is new.outcome
            and old.categories == new.categories
            and old.period == new.period
            and old.notice == new.notice
        )
        assert (request.id in listed) is not same


def test_a_category_decision_that_changes_is_reported_with_both_sides() -> None:
    request = load_request(make_request(categories=["subscriber", "content"]))
    blocked = attrs.evolve(DEFAULT_POLICY, name="no-gov", government_domains=())
    change = compare_reviews(review(request, DEFAULT_POLICY), review(request, blocked))
    assert change is not None
    assert change.outcome_changed
    document = change.to_dict()
    assert document["outcome"]["old"] != document["outcome"]["new"]
    assert change.describe()[0].startswith("outcome: ")


def test_reviews_of_different_requests_cannot_be_compared() -> None:
    one = review(load_request(make_request()))
    other = review(load_request(make_request(id="REQ-2")))
    with pytest.raises(ValueError, match="different requests"):
        compare_reviews(one, other)


@settings(max_examples=25, deadline=None)
@given(days=st.integers(1, 400), targets=st.integers(1, 30), words=st.integers(0, 40))
def test_a_change_is_reported_exactly_when_the_answer_differs(
    days: int, targets: int, words: int
) -> None:
    new = attrs.evolve(
        DEFAULT_POLICY, name="new", max_period_days=days, max_targets=targets, min_fact_words=words
    )
    for request in examples():
        old_review, new_review = review(request, DEFAULT_POLICY), review(request, new)
        change = compare_reviews(old_review, new_review)
        differs = (
            old_review.outcome,
            old_review.categories,
            old_review.period,
            old_review.notice,
        ) != (new_review.outcome, new_review.categories, new_review.period, new_review.notice)
        assert (change is not None) is differs
        if change is not None:
            assert change.describe()
            for category, (before, after) in change.categories.items():
                assert before != after
                assert isinstance(category, Category)


# --- the command line --------------------------------------------------------------------


def write(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_the_command_reads_files_and_folders_and_prints_each_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = write(tmp_path, "strict.json", {"name": "strict", "max_period_days": 30})
    folder = tmp_path / "requests"
    shutil.copytree(EXAMPLES / "requests", folder)
    single = write(tmp_path, "one.json", make_request())
    assert main(["policy", "diff", "default", strict, str(folder), single]) == 0
    out = capsys.readouterr().out
    expected = diff_policies(DEFAULT_POLICY, STRICT, [*examples(), load_request(make_request())])
    first = out.splitlines()[0]
    assert first == (
        f"{len(expected.changes)} requests of 7 change from policy default to strict"
        " (settings changed: name, max_period_days)"
    )
    for change in expected.changes:
        assert f"\n{change.request_id} (" in out
        for line in change.describe():
            assert f"\n  {line}\n" in out


def test_the_command_prints_json_for_programs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = write(tmp_path, "strict.json", {"name": "strict", "max_period_days": 30})
    assert main(["policy", "diff", "default", strict, str(EXAMPLES / "requests"), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    expected = diff_policies(DEFAULT_POLICY, STRICT, examples())
    assert document["settings"] == ["name", "max_period_days"]
    assert document["reviewed"] == 6
    assert [c["request_id"] for c in document["changes"]] == [
        c.request_id for c in expected.changes
    ]
    assert all(c["file"].endswith(".json") for c in document["changes"])
    assert document["changes"][0] == {
        "file": document["changes"][0]["file"],
        **expected.changes[0].to_dict(),
    }


def test_the_same_policy_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "diff", "default", "default", str(REQUESTS[0])]) == 0
    assert capsys.readouterr().out == (
        "0 requests of 1 change from policy default to default (settings changed: none)\n"
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"bad-policy.json": {"max_period_days": -1}}, "bad-policy.json: invalid policy"),
        ({"bad.json": {"format": "dueprocess.request/1"}}, "bad.json: "),
    ],
)
def test_bad_files_are_exit_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, Any], message: str
) -> None:
    paths = {name: write(tmp_path, name, document) for name, document in files.items()}
    policy = paths.get("bad-policy.json", "default")
    request = paths.get("bad.json", str(REQUESTS[0]))
    assert main(["policy", "diff", "default", policy, request]) == 2
    assert message in capsys.readouterr().err


def test_an_empty_folder_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "diff", "default", "default", str(tmp_path)]) == 2
    assert "a folder with no .json request in it" in capsys.readouterr().err


def test_the_outcome_and_decision_values_are_the_enums() -> None:
    request = load_request(make_request())
    change = compare_reviews(
        review(request), attrs.evolve(review(request), outcome=Outcome.REJECT, categories=())
    )
    assert change is not None
    assert change.to_dict()["outcome"] == {"old": "comply", "new": "reject"}
    assert change.categories[Category.SUBSCRIBER][1] is None
    assert change.categories[Category.SUBSCRIBER][0].decision is Decision.DISCLOSE  # type: ignore[union-attr]


def test_each_difference_is_described_in_words() -> None:
    import datetime as dt

    from dueprocess import Notice
    from dueprocess.parts import CategoryDecision, NoticeTiming

    request = load_request(make_request())
    old = review(request)
    new = attrs.evolve(
        old,
        categories=(
            CategoryDecision(Category.SUBSCRIBER, Decision.LIMITED, ("name", "email")),
            CategoryDecision(Category.SESSION_LOGS, Decision.WITHHOLD, None, "search_warrant"),
        ),
        period=None,
        notice=Notice(
            True, NoticeTiming.BEFORE_DISCLOSURE, dt.date(2023, 6, 1), dt.date(2023, 6, 11)
        ),
    )
    change = compare_reviews(old, new)
    assert change is not None
    assert old.period is not None
    described = change.describe()
    assert described[-4:] == [
        "subscriber: disclose -> limited (name, email)",
        "session_logs: disclose -> withhold, needs search_warrant",
        "period: 2023-03-01 to 2023-04-30 -> none",
        "notice: notify (before_disclosure), not before 2023-05-10, disclose after 2023-05-20"
        " -> notify (before_disclosure), not before 2023-06-01, disclose after 2023-06-11",
    ]
    assert change.to_dict()["period"] == {"old": old.period.to_dict(), "new": None}
