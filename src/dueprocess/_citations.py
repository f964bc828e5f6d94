"""Matching legal citations however they are typed (docs/rules.md, authority_scopes).

Both the citation and the key are normalised — lower case; ``§``, ``.`` and ``,``
removed; runs of white space made one space; ``usc`` for ``u s c`` and ``cfr`` for
``c f r`` — and the key must then appear in the citation as a whole-word substring, so
``19 usc 1509`` matches ``19 U.S.C. § 1509(a)(1)`` but not ``19 U.S.C. 15090`` or
``119 U.S.C. 1509``.
"""

from __future__ import annotations

import functools
import re

__all__ = ["cites", "normalize_citation"]

_REMOVED = str.maketrans("", "", "§.,")
_SPACES = re.compile(r"\s+")
_USC = re.compile(r"\bu s c\b")
_CFR = re.compile(r"\bc f r\b")


@functools.lru_cache(maxsize=256)
def normalize_citation(text: str) -> str:
    """Normalise a citation for comparison.

    >>> normalize_citation("19 U.S.C. § 1509(a)(1)")
    '19 usc 1509(a)(1)'
    >>> normalize_citation("8 C. F. R.  287.4")
    '8 cfr 2874'
    """
    text = _SPACES.sub(" ", text.lower().translate(_REMOVED)).strip()
    return _CFR.sub("cfr", _USC.sub("usc", text))


@functools.lru_cache(maxsize=256)
def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(normalize_citation(key)) + r"(?!\w)")


def cites(citation: str, key: str) -> bool:
    """Whether *citation* cites the statute *key*, as a whole word after normalising.

    >>> cites("19 U.S.C. § 1509(a)(1)", "19 U.S.C. 1509")
    True
    >>> cites("19 U.S.C. 15090", "19 U.S.C. 1509")
    False
    """
    if not normalize_citation(key):
        return False
    return _pattern(key).search(normalize_citation(citation)) is not None
