"""How identifiers are keyed: the one rule every store matches targets with.

A target finds an account when its key equals the key of one of the account's
identifiers. The rule is written for a security team, not for convenience: two spellings
that a mail server or a login form would keep apart must never find each other's account,
so nothing is casefolded and nothing is NFKC-normalised (docs/storage.md, "How targets
find accounts").
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

from .._base._enums import TargetKind

__all__ = ["identity_key"]


def identity_key(kind: TargetKind, value: str) -> str:
    """Normalise an identifier so that a target matches however it was typed, and never
    matches an identifier that is not the same one.

    The rule (documented in docs/storage.md, "How targets find accounts"):

    * every kind: surrounding blanks are stripped (``account_id`` included);
    * ``email``: Unicode NFC; the local part (before the last ``@``) lower-cased in ASCII
      only; the domain lower-cased, except that a non-ASCII character never becomes an
      ASCII one (U+212A KELVIN SIGN stays itself);
    * ``username``: NFC, one leading ``@`` dropped, lower-cased in ASCII only;
    * ``phone``: the digits alone; ``url``: NFC, the scheme and host lower-cased like an
      e-mail domain, no trailing ``/``.

    No ``casefold`` and no NFKC: ``straße`` is not ``strasse``, ``\u212a`` (KELVIN SIGN)
    is not ``k``, ``\ufb01`` (the ligature) is not ``fi``, ``İ`` is not ``i``. Two
    spellings a person could take for the same address but which a mail server would
    deliver to different mailboxes must never find each other's account.

    >>> identity_key(TargetKind.EMAIL, " J.Doe@Example.COM ")
    'j.doe@example.com'
    >>> identity_key(TargetKind.EMAIL, "Straße@example.com") == identity_key(
    ...     TargetKind.EMAIL, "strasse@example.com")
    False
    >>> identity_key(TargetKind.PHONE, "+1 (202) 555-0100")
    '12025550100'
    >>> identity_key(TargetKind.USERNAME, "@Rechnung.Service")
    'rechnung.service'
    >>> identity_key(TargetKind.URL, "HTTPS://Example.com/u/Alice/")
    'https://example.com/u/Alice'
    >>> identity_key(TargetKind.ACCOUNT_ID, " 100001 ")
    '100001'
    """
    if kind is TargetKind.EMAIL:
        text = _nfc(value).strip()
        local, at, domain = text.rpartition("@")
        if not at:
            return _ascii_lower(text)
        return f"{_ascii_lower(local)}@{_lower_domain(domain)}"
    if kind is TargetKind.USERNAME:
        text = _nfc(value).strip()
        return _ascii_lower(text.removeprefix("@"))
    if kind is TargetKind.PHONE:
        return "".join(char for char in value.strip() if char.isdigit())
    if kind is TargetKind.URL:
        text = _nfc(value).strip()
        parts = urllib.parse.urlsplit(text.rstrip("/"))
        return urllib.parse.urlunsplit(
            (
                _ascii_lower(parts.scheme),
                _lower_domain(parts.netloc),
                parts.path,
                parts.query,
                parts.fragment,
            )
        )
    return value.strip()


#: The only characters NFC turns into ASCII ones (U+037E GREEK QUESTION MARK, U+1FEF
#: GREEK VARIA, U+212A KELVIN SIGN; a test scans Unicode for more). An identifier that
#: holds one is not the ASCII identifier it looks like, so they are kept as they are.
_NFC_TO_ASCII = re.compile("([\u037e\u1fef\u212a])")


def _nfc(text: str) -> str:
    """NFC, except for the characters NFC would turn into ASCII ones."""
    if text.isascii():
        return text
    parts = _NFC_TO_ASCII.split(text)
    # split() with a group alternates text and separators: normalise only the text.
    return "".join(
        part if index % 2 else unicodedata.normalize("NFC", part)
        for index, part in enumerate(parts)
    )


_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_UPPER)


def _lower_domain(text: str) -> str:
    """Lower case for a host name, where no non-ASCII character becomes ASCII."""
    if text.isascii():
        return _ascii_lower(text)
    lowered = []
    for char in text:
        low = char.lower()
        keep = not char.isascii() and any(part.isascii() for part in low)
        lowered.append(char if keep else low)
    return _nfc("".join(lowered))
