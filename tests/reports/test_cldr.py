"""The CLDR English territory names the reports use."""

from __future__ import annotations

import csv
import re

import pytest

from dueprocess._reports._cldr import (
    CLDR_VERSION,
    FORMER_NAMES,
    SHORT_FORMS,
    TERRITORY_NAMES,
    territory_name,
)

from ..support import DATA

# Google's published file, vendored from ../shared/data (tests/test_vendored_cases.py
# checks the copy still equals it when ../shared is beside the project).
PUBLISHED = DATA / "google-user-data-requests-2009-2018.csv"


def test_the_table_has_every_iso_code_and_kosovo() -> None:
    assert len(TERRITORY_NAMES) == 250
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in TERRITORY_NAMES)
    assert TERRITORY_NAMES["XK"] == "Kosovo"
    assert not {"EU", "UN", "ZZ", "QO", "AC"} & set(TERRITORY_NAMES)
    assert list(TERRITORY_NAMES) == sorted(TERRITORY_NAMES)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("US", "United States"),
        ("KR", "South Korea"),
        ("CZ", "Czechia"),
        ("HK", "Hong Kong"),
        ("MO", "Macao"),
        ("PS", "Palestine"),
        ("GB", "United Kingdom"),
        ("TR", "Türkiye"),
        ("CI", "Côte d’Ivoire"),  # noqa: RUF001 - CLDR's apostrophe is U+2019
        ("BA", "Bosnia & Herzegovina"),
    ],
)
def test_names_are_cldr_english_short_names(code: str, name: str) -> None:
    assert territory_name(code) == name
    assert territory_name(code.lower()) == name


def test_an_unknown_code_has_no_name() -> None:
    assert territory_name("ZZ") is None


@pytest.mark.skipif(not PUBLISHED.is_file(), reason="../shared/data is not beside the project")
def test_the_published_google_names_agree_with_the_table_or_a_former_cldr_name() -> None:
    with PUBLISHED.open(encoding="utf-8", newline="") as handle:
        pairs = {(row["Country"], row["CLDR Territory Code"]) for row in csv.DictReader(handle)}
    differing = set()
    for name, code in pairs:
        if not code:
            assert name == "United Nations"  # Google's one row without a territory code
            continue
        if TERRITORY_NAMES[code] != name:
            assert name in FORMER_NAMES.get(code, ()), (code, name)
            differing.add(code)
    # CLDR renamed these since Google's file was made: Turkey -> Türkiye (CLDR 42),
    # Macau -> Macao, Macedonia (FYROM) -> North Macedonia.
    assert differing == {"TR", "MO", "MK"}


def test_the_table_matches_babel_with_cldr_short_forms() -> None:
    babel = pytest.importorskip("babel")
    from babel.core import get_cldr_version

    if get_cldr_version() != CLDR_VERSION:
        pytest.skip(f"babel ships CLDR {get_cldr_version()}, the table CLDR {CLDR_VERSION}")
    names = babel.Locale("en").territories
    for code, name in TERRITORY_NAMES.items():
        assert name == SHORT_FORMS.get(code, names[code]), code
    assert set(SHORT_FORMS) == {"HK", "MO", "PS"}
    assert names["HK"].startswith(SHORT_FORMS["HK"])
    assert names["MO"].startswith(SHORT_FORMS["MO"])
