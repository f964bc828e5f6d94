"""Matching legal citations however they are typed (docs/rules.md, authority_scopes).

Both the citation and the key are normalised, in docs/rules.md's order — lower case; the
code's name in words made ``usc`` or ``cfr``; ``§``, ``.`` and ``,`` removed; a space put
between a digit and a letter that touch; runs of white space made one; ``u s c`` and
``c f r`` joined; ``usca`` and ``uscs`` made ``usc``; the words ``title``, ``section``,
``sections``, ``sec``, ``secs`` and ``ss`` dropped — and the key must then appear in the
citation as a whole-word substring, so ``19 usc 1509`` matches ``19 U.S.C. § 1509(a)(1)``
and ``Title 19, United States Code, Section 1509`` but not ``19 U.S.C. 15090`` or
``119 U.S.C. 1509``.
"""

from __future__ import annotations

import functools
import re

__all__ = ["cites", "normalize_citation"]

# The code's name in words, longest first (docs/rules.md's order).
_NAMES = (
    (re.compile(r"united states code annotated"), " usc "),
    (re.compile(r"united states code service"), " usc "),
    (re.compile(r"united states code"), " usc "),
    (re.compile(r"code of federal regulations"), " cfr "),
)
_REMOVED = str.maketrans("", "", "§.,")
_TOUCHING = re.compile(r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])")
_SPACES = re.compile(r"\s+")
_USC = re.compile(r"\bu s c\b")
_CFR = re.compile(r"\bc f r\b")
_ANNOTATED = re.compile(r"\b(?:usca|uscs)\b")
_NOISE = re.compile(r"\b(?:title|section|sections|sec|secs|ss)\b")


@functools.lru_cache(maxsize=256)
def normalize_citation(text: str) -> str:
    """Normalise a citation for comparison.

    >>> normalize_citation("19 U.S.C. § 1509(a)(1)")
    '19 usc 1509(a)(1)'
    >>> normalize_citation("8 C. F. R.  287.4")
    '8 cfr 2874'
    >>> normalize_citation("Title 19, United States Code, Section 1509")
    '19 usc 1509'
    >>> normalize_citation("19 U.S.C.A. § 1509"), normalize_citation("19 USC Sec. 1509")
    ('19 usc 1509', '19 usc 1509')
    """
    text = text.lower()
    for name, short in _NAMES:
        text = name.sub(short, text)
    text = _TOUCHING.sub(" ", text.translate(_REMOVED))
    text = _SPACES.sub(" ", text)
    text = _CFR.sub("cfr", _USC.sub("usc", text))
    text = _NOISE.sub(" ", _ANNOTATED.sub("usc", text))
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=256)
def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(normalize_citation(key)) + r"(?!\w)")


@functools.lru_cache(maxsize=1024)
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
