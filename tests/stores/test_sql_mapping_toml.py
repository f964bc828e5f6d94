"""--mapping FILE.toml: the SQL store's mapping of existing tables from the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dueprocess import Category, TargetKind
from dueprocess._cli import main
from dueprocess.adapters import (
    IdentityTableMapping,
    RecordTableMapping,
    TableMappings,
    load_table_mappings,
    open_record_store,
    parse_table_mappings,
)
from dueprocess.exceptions import StoreError

from ..support import make_request

pytest.importorskip("sqlalchemy")

MAPPING = """
[[records]]
table = "login_events"
account = "user_id"
at = "ts"
category = "session_logs"
fields = { event = "kind", ip = "client_ip" }

[[records]]
table = "profiles"
schema = "main"
account = "user_id"
at = "since"
category_column = "category"
fields = "payload"

[[identities]]
table = "users"
account = "id"
value = "email_lower"
kind = "email"

[[identities]]
table = "handles"
account = "id"
value = "handle"
kind_column = "kind"
"""


def test_a_toml_mapping_is_the_same_as_the_python_one() -> None:
    assert parse_table_mappings(MAPPING) == TableMappings(
        records=(
            RecordTableMapping(
                "login_events",
                account="user_id",
                at="ts",
                category=Category.SESSION_LOGS,
                fields={"event": "kind", "ip": "client_ip"},
            ),
            RecordTableMapping(
                "profiles", "user_id", "since", "category", "payload", schema="main"
            ),
        ),
        identities=(
            IdentityTableMapping("users", "id", "email_lower", TargetKind.EMAIL),
            IdentityTableMapping("handles", "id", "handle", "kind"),
        ),
    )


def test_a_list_of_fields_maps_each_to_the_column_of_its_name() -> None:
    mapping = parse_table_mappings(
        '[[records]]\ntable="t"\naccount="a"\nat="at"\ncategory="content"\nfields=["x","y"]'
    )
    assert mapping.records[0].fields == (("x", "x"), ("y", "y"))
    assert mapping.identities == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("records = 1", "records: expected an array of tables, written [[records]]"),
        ("", "records: required: at least one [[records]] table"),
        ("[[record]]\ntable = 'x'", "record: unknown key; did you mean 'records'?"),
        ("[[records]]\ntabel = 'x'", "records[0].tabel: unknown key; did you mean 'table'?"),
        ("[[records]]\ntable = ''", "records[0].table: expected a non-empty name, got ''"),
        ("[[records]]\ntable = 'x'", "records[0].account: required"),
        ("[[records]]\ncategory = 'dna'", "records[0].category: expected one of subscriber,"),
        (
            "[[records]]\ncategory = 'content'\ncategory_column = 'c'",
            "records[0]: give either category or category_column, not both or neither",
        ),
        ("[[records]]\nfields = []", "records[0].fields: expected a JSON column's name"),
        ("[[records]]\nfields = 3", "records[0].fields: expected a JSON column's name"),
        ("[[identities]]\nkind = 'name'", "identities[0].kind: expected one of username, email"),
        ("[[identities]]\nowner = 'x'", "identities[0].owner: unknown key; expected table"),
        ("identities = [1]", "identities: expected an array of tables"),
        ("[[records]\n", "mapping: not TOML: "),
    ],
)
def test_a_bad_mapping_names_the_bad_key(text: str, message: str) -> None:
    with pytest.raises(StoreError) as caught:
        parse_table_mappings(text)
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(StoreError) as caught:
        parse_table_mappings("[[records]]\ntable = 1\n[[identities]]\naccount = 2")
    lines = str(caught.value).splitlines()
    assert lines[0] == "mapping: invalid table mapping:"
    assert "  records[0].table: expected a non-empty name, got 1" in lines
    assert "  identities[0].account: expected a non-empty name, got 2" in lines
    assert "  identities[0].value: required" in lines


def test_load_names_the_file_and_refuses_what_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(MAPPING, encoding="utf-8")
    assert load_table_mappings(path) == parse_table_mappings(MAPPING)
    with pytest.raises(StoreError, match=r"missing\.toml: cannot read"):
        load_table_mappings(tmp_path / "missing.toml")
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(StoreError, match=r"m.toml: not UTF-8"):
        load_table_mappings(path)
    path.write_bytes(b"#" * (2 << 20))
    with pytest.raises(StoreError, match="larger than 1 MiB"):
        load_table_mappings(path)


def test_a_mapping_needs_a_url_not_a_sqlite_path(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="give the store as a URL"):
        open_record_store(tmp_path / "x.sqlite", mapping=parse_table_mappings(MAPPING))
    assert not (tmp_path / "x.sqlite").exists()


# --- the command line ------------------------------------------------------------------


def service_database(tmp_path: Path) -> str:
    """A service's own SQLite database: a users table and a table of login events."""
    path = tmp_path / "service.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE users (id TEXT, email_lower TEXT, name TEXT);
            CREATE TABLE login_events (user_id TEXT, ts TIMESTAMP, kind TEXT, client_ip TEXT);
            INSERT INTO users VALUES ('100001', 'suspect@example.com', 'A. Person');
            INSERT INTO login_events VALUES
                ('100001', '2023-03-02 10:00:00', 'login', '203.0.113.7'),
                ('100001', '2023-03-03 10:00:00', 'logout', '203.0.113.7'),
                ('100001', '2023-06-03 10:00:00', 'login', '203.0.113.9'),
                ('100002', '2023-03-02 10:00:00', 'login', '192.0.2.1');
            """
        )
    connection.close()
    return f"sqlite:///{path}"


LOGINS = """
[[records]]
table = "login_events"
account = "user_id"
at = "ts"
category = "session_logs"
fields = { event = "kind", ip = "client_ip" }

[[identities]]
table = "users"
account = "id"
value = "email_lower"
kind = "email"
"""


def test_produce_reads_the_service_s_own_tables_through_the_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = service_database(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(LOGINS, encoding="utf-8")
    request = tmp_path / "request.json"
    document = make_request(
        targets=[{"kind": "email", "value": "suspect@example.com"}], categories=["session_logs"]
    )
    request.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["produce", str(request), "--store", url, "--mapping", str(mapping)]
    code = main([*argv, "--out", str(out), "--quiet", "--json"])
    assert code == 0, capsys.readouterr().err
    summary = json.loads(capsys.readouterr().out)
    assert summary["accounts"] == ["100001"]
    lines = (out / "records.jsonl").read_text().splitlines()
    assert [json.loads(line)["fields"]["event"] for line in lines] == ["login", "logout"]
    assert main(["verify", str(out)]) == 0


@pytest.mark.parametrize("command", ["produce", "case"])
def test_a_bad_mapping_file_is_exit_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    url = service_database(tmp_path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(LOGINS.replace("account =", "acount =", 1), encoding="utf-8")
    request = tmp_path / "request.json"
    request.write_text(json.dumps(make_request()), encoding="utf-8")
    db = str(tmp_path / "cases.sqlite")
    if command == "produce":
        argv = ["produce", str(request)]
    else:
        assert main(["case", "open", str(request), "--db", db]) == 0
        argv = ["case", "produce", "REQ-1", "--db", db]
    capsys.readouterr()
    code = main([*argv, "--store", url, "--mapping", str(mapping), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "records[0].acount: unknown key; did you mean 'account'?" in err
    assert not (tmp_path / "o").exists()


def test_the_mapping_shown_in_the_docs_parses() -> None:
    import re

    from ..support import ROOT

    page = (ROOT / "docs" / "warehouses.md").read_text("utf-8")
    [block] = re.findall(r"```toml\n(.*?)```", page, re.S)
    mapping = parse_table_mappings(block)
    assert [table.table for table in mapping.records] == ["login_events", "events"]
    assert mapping.records[1].category == "category"
    assert mapping.identities[0].fixed_kind is TargetKind.EMAIL
