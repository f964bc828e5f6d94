"""Safe Markdown for text that came from outside (a request, a stored record).

Outside text is put on one line and every character with a meaning in Markdown or HTML
is escaped, so a requester's name cannot start a heading, close a table, inject a link
or a ``<script>``: it always reads as the literal text it is.
"""

from __future__ import annotations

import re

__all__ = ["md_code", "md_text"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
# Characters that mean something in the middle of a Markdown line (CommonMark + GFM
# tables, strikethrough and autolinks). Line-start syntax (#, -, +, 1.) cannot arise:
# outside text never starts a line.
_SPECIAL = re.compile(r"([\\`*_\[\]!|~:#])")


def md_text(text: str, *, limit: int = 500) -> str:
    """Escape outside text for use inside a Markdown line.

    Line breaks and control characters become one space; Markdown punctuation is
    backslash-escaped; ``&``, ``<`` and ``>`` become entities; very long text is cut
    with an ellipsis.

    >>> md_text("# Heading\\n<script>x</script>")
    '\\\\# Heading &lt;script&gt;x&lt;/script&gt;'
    """
    one_line = _CONTROL.sub(" ", text).strip()
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    escaped = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", escaped)


def md_code(text: str) -> str:
    """Outside text as an inline code span that cannot be broken out of.

    >>> md_code("a`b")
    '`` a`b ``'
    """
    one_line = _CONTROL.sub(" ", text).strip()
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {one_line} {fence}" if longest else f"`{one_line}`"
