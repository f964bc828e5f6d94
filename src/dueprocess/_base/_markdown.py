"""Safe Markdown for text that came from outside (a request, a stored record).

Outside text is put on one line and every character with a meaning in Markdown or HTML
is escaped, so a requester's name cannot start a heading, close a table, inject a link
or a ``<script>``: it always reads as the literal text it is.
"""

from __future__ import annotations

import re

__all__ = ["md_code", "md_text"]

# Line breaks and control characters, and the bidirectional embedding, override and
# isolate controls, which can make text display in another order than it reads
# ("Trojan Source"): each run becomes one space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
# GFM turns a bare "www." into a link; an escaped dot keeps it text.
_WWW = re.compile(r"(?i)\b(www)\.")
# Characters that mean something in the middle of a Markdown line (CommonMark + GFM
# tables, strikethrough and autolinks). Line-start syntax (-, +, =, 1.) matters only
# where outside text starts a line or a list item: md_text(..., line_start=True).
_SPECIAL = re.compile(r"([\\`*_\[\]!|~:#])")
# What begins a block when it starts a line: a bullet (-, +), a setext heading's
# underline or a thematic break (=, -), an ordered list item (1. or 1)).
_BLOCK_START = re.compile(r"\A(\d{0,9})([-+=.)])")


def md_text(text: str, *, limit: int = 500, line_start: bool = False) -> str:
    """Escape outside text for use inside a Markdown line.

    Line breaks and control characters become one space; Markdown punctuation is
    backslash-escaped; ``&``, ``<`` and ``>`` become entities; very long text is cut
    with an ellipsis. With ``line_start=True`` the text may begin a line (or a list
    item): a leading ``-``, ``+``, ``=`` or ``1.`` that would start a list, a rule or
    a heading underline is escaped too.

    >>> md_text("# Heading\\n<script>x</script>")
    '\\\\# Heading &lt;script&gt;x&lt;/script&gt;'
    >>> md_text("see www.example.com\\u202eevil")
    'see www\\\\.example.com evil'
    >>> md_text("- item", line_start=True), md_text("1. item", line_start=True)
    ('\\\\- item', '1\\\\. item')
    """
    one_line = _CONTROL.sub(" ", text).strip()
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    escaped = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _SPECIAL.sub(r"\\\1", escaped)
    escaped = _WWW.sub(r"\1\\.", escaped)
    if line_start:
        escaped = _BLOCK_START.sub(r"\1\\\2", escaped, count=1)
    return escaped


def md_code(text: str) -> str:
    """Outside text as an inline code span that cannot be broken out of.

    >>> md_code("a`b")
    '`` a`b ``'
    """
    one_line = _CONTROL.sub(" ", text).strip()
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {one_line} {fence}" if longest else f"`{one_line}`"
