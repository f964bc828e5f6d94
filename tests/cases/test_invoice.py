"""Cost reimbursement (18 U.S.C. 2706): fee schedules and the invoice of a produced case."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import dueprocess
from dueprocess import load_policy
from dueprocess._cli import main
from dueprocess.cases import FeeSchedule, load_fees
from dueprocess.exceptions import InvalidPolicy, InvalidTransition
from dueprocess.testing import MemorySink, MemoryStore

from ..cases_support import FakeProducer, harness, ready, request, utc
from ..support import make_request

FEES = FeeSchedule("USD", Decimal("25.00"), Decimal("10.00"), Decimal("0.015"))


def _produced(fees: FeeSchedule | None = FEES, **changes: Any) -> Any:
    rig = harness(
        now=utc(2023, 6, 1),
        producer=FakeProducer([("100001", "subscriber"), ("100001", "session_logs"),
                               ("100002", "session_logs")]),
    )  # fmt: skip
    rig = attrs.evolve(
        rig,
        cases=rig.cases.reviewing_with(
            attrs.evolve(dueprocess.DEFAULT_POLICY, name="billed", fees=fees)
        ),
    )
    case = ready(rig, request(**changes))
    rig.cases.produce(case.id, MemoryStore(), MemorySink(), actor="clerk")
    return rig


def test_an_invoice_bills_the_request_each_account_and_each_record() -> None:
    rig = _produced()
    case, bill = rig.cases.invoice("REQ-1", actor="billing")
    assert [(line.item, line.quantity, line.amount) for line in bill.lines] == [
        ("request", 1, Decimal("25.00")),
        ("account", 2, Decimal("20.00")),
        ("record", 3, Decimal("0.04")),  # 0.045 rounds half-even to the cent
    ]
    assert bill.total == Decimal("45.04")
    assert (bill.number, bill.currency, bill.agency) == ("REQ-1-1", "USD", "U.S. Attorney's Office")
    event = case.events[-1]
    assert event.action is dueprocess.cases.CaseAction.INVOICE
    assert event.actor == "billing"
    assert event.detail == {
        "number": "REQ-1-1",
        "total": "45.04",
        "currency": "USD",
        "csv_sha256": bill.csv_sha256(),
    }
    assert rig.cases.verify_audit() is None
    _, second = rig.cases.invoice("REQ-1", actor="billing")
    assert second.number == "REQ-1-2"


def test_the_invoice_reads_as_markdown_and_csv_without_running_formulas() -> None:
    rig = _produced(id="=HYPERLINK(1)", requester__agency="# Agency *bold*")
    _, bill = rig.cases.invoice("=HYPERLINK(1)", actor="billing")
    markdown = bill.to_markdown()
    assert markdown.startswith("# Invoice =HYPERLINK(1)-1\n")
    assert "To: \\# Agency \\*bold\\*" in markdown
    assert "Basis: 18 U.S.C. 2706 (cost reimbursement)." in markdown
    assert "| **total** | | | **45.04** |" in markdown
    rows = list(csv.reader(io.StringIO(bill.to_csv())))
    assert rows[0] == ["invoice", "case_id", "item", "quantity", "unit_price", "amount", "currency"]
    assert rows[-1][2:] == ["total", "", "", "45.04", "USD"]
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_nothing_is_invoiced_without_a_production_or_a_fee_schedule() -> None:
    rig = _produced(fees=None)
    with pytest.raises(InvalidTransition, match="has no fee schedule"):
        rig.cases.invoice("REQ-1", actor="billing")
    rig = harness()
    cases = rig.cases.reviewing_with(
        attrs.evolve(dueprocess.DEFAULT_POLICY, name="billed", fees=FEES)
    )
    cases.open(request(), actor="intake")
    with pytest.raises(InvalidTransition, match="produced nothing to invoice"):
        cases.invoice("REQ-1", actor="billing")


@pytest.mark.parametrize(
    ("fees", "message"),
    [
        ({"per_request": "1"}, "currency: required"),
        ({"currency": "dollars"}, "ISO 4217"),
        ({"currency": "USD", "per_record": "NaN"}, "expected an amount"),
        ({"currency": "USD", "per_record": True}, "expected an amount"),
        ({"currency": "USD", "tip": "1"}, "unknown key"),
        ({"currency": "USD", "per_record": "-1"}, "from 0 to 1000000"),
        ({"currency": "USD", "per_record": "0.00001"}, "more than four decimal places"),
        ("USD", "expected an object"),
    ],
)
def test_a_bad_fee_schedule_is_a_policy_error(fees: Any, message: str) -> None:
    with pytest.raises(InvalidPolicy, match=message):
        load_policy({"name": "billed", "fees": fees})


def test_a_fee_schedule_round_trips_through_the_policy_document() -> None:
    policy = load_policy(
        {"name": "billed", "fees": {"currency": "EUR", "per_request": "40", "per_record": 0.01}}
    )
    assert policy.fees == FeeSchedule("EUR", Decimal("40"), Decimal(0), Decimal("0.01"))
    document = dueprocess.policy_to_dict(policy)
    assert load_policy(json.loads(json.dumps(document))) == policy
    assert load_fees(document["fees"]) == policy.fees
    assert load_policy({"name": "unbilled", "fees": None}).fees is None


def test_case_invoice_writes_markdown_and_csv_and_never_replaces_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], login: Callable[[str], None]
) -> None:
    login("billing")
    db = str(tmp_path / "cases.sqlite")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"name": "billed", "fees": {"currency": "USD",
                                  "per_request": "25"}}), encoding="utf-8")  # fmt: skip
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"account": "100001", "category": "subscriber", "at": "2023-04-01T10:00:00Z",'
        ' "fields": {}}\n',
        encoding="utf-8",
    )
    store = str(tmp_path / "store.sqlite")
    assert main(["store", "import", store, str(records)]) == 0
    path = tmp_path / "request.json"
    path.write_text(json.dumps(make_request(investigation__area="child_exploitation")))
    now = ["--now", "2023-06-01T00:00:00Z"]
    assert main(["case", "open", str(path), "--db", db, "--policy", str(policy), *now]) == 0
    out = ["--out", str(tmp_path / "inv")]
    assert main(["case", "invoice", "REQ-1", "--db", db, *out, *now]) == 1  # nothing produced
    assert not (tmp_path / "inv.md").exists()  # created first, removed again
    produce = ["case", "produce", "REQ-1", "--db", db, "--store", store]
    assert main([*produce, "--out", str(tmp_path / "p"), *now]) == 0
    capsys.readouterr()
    assert main(["case", "invoice", "REQ-1", "--db", db, *out, *now]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("REQ-1: invoice REQ-1-1, 25.00 USD, written to ")
    assert (tmp_path / "inv.md").read_text(encoding="utf-8").startswith("# Invoice REQ-1-1\n")
    assert "total" in (tmp_path / "inv.csv").read_text(encoding="utf-8")
    code = main(["case", "invoice", "REQ-1", "--db", db, *out, *now])
    assert code == 2
    assert "cannot write" in capsys.readouterr().err
    link = tmp_path / "other.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    code = main(["case", "invoice", "REQ-1", "--db", db, "--out", str(tmp_path / "other"), *now])
    assert code == 2
    assert not (tmp_path / "elsewhere.md").exists()
    assert main(["case", "show", "REQ-1", "--db", db, "--json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert [e["action"] for e in events].count("invoice") == 1


def test_an_invoice_outside_the_united_states_names_no_us_statute() -> None:
    from dueprocess.cases import Invoice

    bill = Invoice("N-1", "C", "C", "Agency", "DE", utc(2024, 1, 1), "EUR", ())
    assert bill.basis == "the cost reimbursement the applicable law provides"
    assert bill.total == Decimal("0.00")


def test_a_fee_schedule_built_in_code_is_checked_too() -> None:
    with pytest.raises(InvalidPolicy, match="per_record must be an amount"):
        FeeSchedule("USD", per_record=0.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidPolicy, match="expected an amount"):
        load_fees({"currency": "USD", "per_request": "twenty"})
