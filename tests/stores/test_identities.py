"""Identities never over-match: one keying rule, used by every store (issue 10.4).

E-mail: NFC, the domain lower-cased, the local part lower-cased in ASCII only; username:
NFC, one leading ``@`` dropped, ASCII lower case; every kind stripped, ``account_id``
included. No casefold, no NFKC: ``ß`` is not ``ss``, U+212A KELVIN SIGN is not ``k``,
``ﬁ`` is not ``fi``, ``İ`` is not ``i``. One identifier belongs to one account.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dueprocess import Identity, TargetKind, identity_key
from dueprocess._cli import main
from dueprocess._production._identity import _NFC_TO_ASCII
from dueprocess.adapters import SqliteStore, SqlStore
from dueprocess.exceptions import StoreError
from dueprocess.parts import Target
from dueprocess.testing import MemoryStore

from ..production_support import subscriber
from ..sql import SqlDatabase

EMAIL, USERNAME, ACCOUNT = TargetKind.EMAIL, TargetKind.USERNAME, TargetKind.ACCOUNT_ID

#: Pairs a casefold or NFKC comparison takes for one identifier, and which are not.
LOOK_ALIKES = [
    ("ß", "ss"),
    ("\u212a", "k"),
    ("\u212a", "K"),
    ("\ufb01", "fi"),
    ("İ", "i"),
    ("İ", "I"),
    ("ẞ", "ss"),
    ("\uff41", "a"),  # FULLWIDTH LATIN SMALL LETTER A
    ("\u2460", "1"),  # CIRCLED DIGIT ONE
]

letters = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda text: "@" not in text)
ascii_letters = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
    min_size=1,
    max_size=10,
)
blanks = st.text(alphabet=" \t\n\r\u00a0\u3000", max_size=3)


def _ascii_upper(text: str) -> str:
    return "".join(char.upper() if char.isascii() else char for char in text)


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(("one", "other"), LOOK_ALIKES)
@pytest.mark.parametrize("kind", [EMAIL, USERNAME])
def test_look_alike_characters_are_other_identifiers(
    kind: TargetKind, one: str, other: str
) -> None:
    for shape in ("{}evin@example.com", "a@{}itchen.example", "stra{}e@{}.org"):
        if kind is USERNAME:
            shape = shape.replace("@", "_")
        assert identity_key(kind, shape.format(one, one)) != identity_key(
            kind, shape.format(other, other)
        ), shape


@given(prefix=letters, suffix=letters, pair=st.sampled_from(LOOK_ALIKES))
def test_no_look_alike_ever_matches_in_any_context(
    prefix: str, suffix: str, pair: tuple[str, str]
) -> None:
    one, other = pair
    for kind in (EMAIL, USERNAME):
        for before, after in ((prefix, f"{suffix}@example.org"), (f"a@{prefix}", f"{suffix}.org")):
            assert identity_key(kind, before + one + after) != identity_key(
                kind, before + other + after
            )


@pytest.mark.parametrize(("upper", "lower"), [("Ä", "ä"), ("Ω", "ω"), ("Ж", "ж")])
def test_a_local_part_or_username_is_lower_cased_in_ascii_only_a_domain_fully(
    upper: str, lower: str
) -> None:
    assert identity_key(EMAIL, f"{upper}@x.org") != identity_key(EMAIL, f"{lower}@x.org")
    assert identity_key(USERNAME, upper) != identity_key(USERNAME, lower)
    assert identity_key(EMAIL, f"a@{upper}.org") == identity_key(EMAIL, f"a@{lower}.org")


@given(local=ascii_letters, domain=ascii_letters, around=blanks, after=blanks)
def test_an_ascii_address_matches_in_any_case_and_with_blanks_around(
    local: str, domain: str, around: str, after: str
) -> None:
    address = f"{local}@{domain}.org"
    key = identity_key(EMAIL, address)
    assert key == address.lower()
    assert identity_key(EMAIL, f"{around}{_ascii_upper(address)}{after}") == key


@given(text=letters, around=blanks, after=blanks, at=st.booleans())
def test_a_username_drops_one_at_sign_and_ascii_case_only(
    text: str, around: str, after: str, at: bool
) -> None:
    key = identity_key(USERNAME, f"{around}{'@' if at else ''}{text}{after}")
    expected = unicodedata.normalize("NFC", text).strip()
    if not _NFC_TO_ASCII.search(text):
        # Non-ASCII characters stay exactly as they are, ASCII ones are lower-cased.
        assert key == "".join(char.lower() if char.isascii() else char for char in expected)
    assert identity_key(USERNAME, _ascii_upper(text)) == identity_key(USERNAME, text)


@given(text=letters)
def test_a_non_ascii_character_never_becomes_an_ascii_one(text: str) -> None:
    for kind, value in ((EMAIL, f"{text}@{text}.org"), (USERNAME, text)):
        key = identity_key(kind, value)
        before = sum(char.isascii() for char in unicodedata.normalize("NFC", value).strip())
        after = sum(char.isascii() for char in key)
        if not _NFC_TO_ASCII.search(value):
            assert after == before
        else:
            assert after == sum(char.isascii() for char in value.strip())


@given(text=letters)
def test_canonically_equivalent_spellings_match(text: str) -> None:
    decomposed = unicodedata.normalize("NFD", text)
    if _NFC_TO_ASCII.search(text):
        return
    for kind in (EMAIL, USERNAME):
        assert identity_key(kind, f"{decomposed}@x.org") == identity_key(kind, f"{text}@x.org")


@given(text=letters)
def test_an_email_key_is_its_own_key(text: str) -> None:
    for value in (f"{text}@{text}.org", f"A{text}@B{text}.ORG"):
        key = identity_key(EMAIL, value)
        assert identity_key(EMAIL, key) == key


def test_only_three_characters_are_turned_into_ascii_by_nfc() -> None:
    found = {
        chr(point)
        for point in range(0x80, 0x110000)
        if not 0xD800 <= point <= 0xDFFF and unicodedata.normalize("NFC", chr(point)).isascii()
    }
    assert found == {"\u037e", "\u1fef", "\u212a"}
    assert all(_NFC_TO_ASCII.fullmatch(char) for char in found)


@given(value=st.text(min_size=1, max_size=10).filter(str.strip), around=blanks, after=blanks)
def test_an_account_id_is_only_stripped(value: str, around: str, after: str) -> None:
    assert identity_key(ACCOUNT, f"{around}{value}{after}") == value.strip()


# --- every store keys identities the same way -----------------------------------------

StoreFactory = Callable[[Path], Iterator[object]]


def _memory(_: Path) -> Iterator[MemoryStore]:
    yield MemoryStore()


def _sqlite(tmp_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(tmp_path / "s.sqlite") as store:
        yield store


@pytest.fixture(params=["memory", "sqlite", "sql-sqlite", "sql-postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    kind = str(request.param)
    if kind == "memory":
        yield MemoryStore()
    elif kind == "sqlite":
        with SqliteStore(tmp_path / "s.sqlite") as sqlite:
            yield sqlite
    else:
        from ..sql import open_database

        for database in open_database(kind.removeprefix("sql-"), tmp_path):
            with SqlDatabase.store(database) as sql:
                yield sql


def _add(store: object, *identities: Identity) -> None:
    if isinstance(store, MemoryStore):
        for identity in identities:
            store.add_identity(identity)
    else:
        assert isinstance(store, (SqliteStore, SqlStore))
        store.add_identities(identities)


def _resolve(store: object, kind: TargetKind, value: str) -> tuple[str, ...]:
    assert isinstance(store, (MemoryStore, SqliteStore, SqlStore))
    return tuple(store.resolve(Target(kind, value)))


def test_stores_never_resolve_a_look_alike(store: object) -> None:
    _add(
        store,
        Identity("1", EMAIL, "straße@example.com"),
        Identity("2", EMAIL, "\u212aevin@example.com"),
        Identity("3", USERNAME, "@\ufb01sh"),
        Identity("4", EMAIL, "İlker@example.com"),
    )
    assert _resolve(store, EMAIL, "strasse@example.com") == ()
    assert _resolve(store, EMAIL, "STRAßE@Example.com") == ("1",)
    assert _resolve(store, EMAIL, "kevin@example.com") == ()
    assert _resolve(store, EMAIL, "\u212aevin@EXAMPLE.com") == ("2",)
    assert _resolve(store, USERNAME, "fish") == ()
    assert _resolve(store, USERNAME, "\ufb01sh") == ("3",)
    assert _resolve(store, EMAIL, "ilker@example.com") == ()
    assert _resolve(store, EMAIL, "i\u0307lker@example.com") == ()


def test_stores_strip_an_account_id_target(store: object) -> None:
    _add(store, Identity("100001", EMAIL, "a@example.com"))
    assert _resolve(store, ACCOUNT, " 100001\t") == ("100001",)
    assert _resolve(store, ACCOUNT, "100001 ") == ("100001",)
    assert _resolve(store, ACCOUNT, "1000011") == ()


def test_stores_refuse_an_identity_of_another_account_naming_both(store: object) -> None:
    _add(store, Identity("1", EMAIL, "J.Doe@Example.com"))
    _add(store, Identity("1", EMAIL, "j.doe@example.com"))  # the same account: kept once
    with pytest.raises(StoreError) as caught:
        _add(store, Identity("2", EMAIL, " j.doe@EXAMPLE.com"))
    message = str(caught.value)
    assert "account '2'" in message
    assert "account '1'" in message
    assert _resolve(store, EMAIL, "j.doe@example.com") == ("1",)


def test_stores_refuse_two_accounts_with_one_identity_in_one_import(store: object) -> None:
    with pytest.raises(StoreError, match=r"account '7'.*account '6'"):
        _add(store, Identity("6", USERNAME, "@Same"), Identity("7", USERNAME, "same"))
    if not isinstance(store, MemoryStore):  # the stores import all or nothing
        assert _resolve(store, USERNAME, "same") == ()


def test_store_import_refuses_a_taken_identity_naming_both_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(subscriber("100001").to_dict()) + "\n", encoding="utf-8")
    ids = tmp_path / "ids.jsonl"
    ids.write_text(
        "".join(
            json.dumps(line) + "\n"
            for line in (
                {"account": "100001", "kind": "email", "value": "suspect@example.com"},
                {"account": "100002", "kind": "email", "value": "Suspect@EXAMPLE.com"},
            )
        ),
        encoding="utf-8",
    )
    path = tmp_path / "s.sqlite"
    assert main(["store", "import", str(path), str(records), "--identities", str(ids)]) == 1
    err = capsys.readouterr().err
    assert "account '100002' is already an identity of account '100001'" in err
    assert "Traceback" not in err


def test_an_account_id_target_with_blanks_finds_its_account_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ..support import make_request

    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(subscriber("100001").to_dict()) + "\n", encoding="utf-8")
    store = tmp_path / "s.sqlite"
    assert main(["store", "import", str(store), str(records)]) == 0
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(make_request(targets=[{"kind": "account_id", "value": " 100001 "}])),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["produce", str(request), "--store", str(store), "--out", str(out)]
    assert main([*args, "--produced-at", "2023-05-20T09:00:00Z"]) == 0
    assert "  accounts: 100001\n" in capsys.readouterr().out
    assert json.loads((out / "manifest.json").read_text())["accounts"] == ["100001"]
