"""Hostile strings, and ways to tell whether text forged structure in what it reached.

Shared by the hardening tests (``test_injection``, ``test_hostile_records``,
``test_hostile_files``, ``test_faults``). A *hostile string* is something a requester or
a user could type: quotes, SQL, ``../``, NUL, line breaks, terminal escapes, very long
text, characters outside the Basic Multilingual Plane, spreadsheet formulas, HTML and
Markdown. Each sink of text is checked by comparing its *structure* with the same output
made from a benign value: hostile text may change what the text says, never its shape.
"""

from __future__ import annotations

import html.parser
import re
from typing import Any

import pytest

#: (id, value): every value a hostile requester, user or store could hand dueprocess.
HOSTILE: list[tuple[str, str]] = [
    ("quotes", 'O\'Brien "the" `tick`'),
    ("sql-drop", "x'); DROP TABLE records; --"),
    ("sql-or", "1' OR '1'='1"),
    ("sql-comment", "100001'/*"),
    ("dotdot", "../../../etc/passwd"),
    ("dotdot-windows", "..\\..\\windows\\system32"),
    ("absolute", "/etc/passwd"),
    ("nul", "a\x00b"),
    ("newline", "line one\nline two"),
    ("crlf-heading", "x\r\n# Forged heading"),
    ("escape", "\x1b[2J\x1b[31mred"),
    ("line-separator", "a\u2028b\u2029c"),
    ("long", "A" * 100_000),
    ("non-bmp", "\U0001f600 \U0001d54f \U00010348"),
    ("bidi", "\u202eevil\u202c"),
    ("formula-eq", '=HYPERLINK("http://evil.example","x")'),
    ("formula-plus", "+1+1"),
    ("formula-minus", "-2+3"),
    ("formula-at", "@SUM(A1:A9)"),
    ("formula-tab", "\t=1+1"),
    ("formula-cr", "\r=1+1"),
    ("formula-dde", "=cmd|' /C calc'!A0"),
    ("script", "<script>alert(1)</script>"),
    ("img", '"><img src=x onerror=alert(1)>'),
    ("entity", "&lt;b&gt;&amp;"),
    ("md-heading", "# Heading"),
    ("md-link", "[click](javascript:alert(1))"),
    ("md-image", "![x](http://evil.example/x.png)"),
    ("md-table", "| a | b |"),
    ("md-list", "- item"),
    ("md-ordered", "1. item"),
    ("md-rule", "---"),
    ("md-setext", "==="),
    ("md-emphasis", "**bold** _em_ ~~s~~"),
    ("md-code", "`code` ```fence```"),
    ("md-autolink", "<http://evil.example>"),
    ("backslash", "\\"),
]

HOSTILE_IDS = [name for name, _ in HOSTILE]
HOSTILE_VALUES = [value for _, value in HOSTILE]


def hostile_params() -> Any:
    """``pytest.mark.parametrize("text", ...)`` over every hostile string."""
    return pytest.mark.parametrize("text", HOSTILE_VALUES, ids=HOSTILE_IDS)


# Characters intake and import refuse in one-line strings (and that never reach SQL as
# text: an unpaired surrogate cannot be UTF-8).
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def is_one_line(text: str) -> bool:
    """Whether intake would let *text* through as a one-line string."""
    return _BAD_IN_LINE.search(text) is None


# --- Markdown structure --------------------------------------------------------------

_HEADING = re.compile(r" {0,3}(#{1,6})(?:\s|$)")
_BULLET = re.compile(r" {0,3}[-+*](?:\s|$)")
_ORDERED = re.compile(r" {0,3}\d{1,9}[.)](?:\s|$)")
_RULE = re.compile(r" {0,3}([-*_])(?:\s*\1){2,}\s*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def markdown_skeleton(text: str) -> list[str]:
    """The block shape of Markdown *text*, one entry a line, with no words in it.

    Each line is ``blank``, ``h<level>``, ``bullet``, ``ordered``, ``rule``, ``setext``,
    ``row<cells>`` (a table row with that many unescaped pipes) or ``text``; a line's
    inner list marker (``- - x``) counts too. Two outputs made from different values
    with the same skeleton differ only in their words.
    """
    shape = []
    for line in text.split("\n"):
        kinds = []
        rest = line
        while True:
            if not rest.strip():
                kinds.append("blank")
                break
            if match := _HEADING.match(rest):
                kinds.append(f"h{len(match[1])}")
                break
            if _RULE.match(rest):
                kinds.append("rule")
                break
            if _SETEXT.match(rest):
                kinds.append("setext")
                break
            if match := _BULLET.match(rest) or _ORDERED.match(rest):
                kinds.append("bullet" if _BULLET.match(rest) else "ordered")
                rest = rest[match.end() :]
                continue
            if rest.lstrip().startswith("|"):
                kinds.append(f"row{len(_UNESCAPED_PIPE.findall(rest))}")
                break
            kinds.append("text")
            break
        shape.append(" ".join(kinds))
    return shape


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(f"<{tag} {' '.join(sorted(name for name, _ in attrs))}>")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!-->")


def html_tags(markup: str) -> list[str]:
    """The element structure of *markup*: every start and end tag with its attribute
    names, in order; text is left out."""
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser.tags


def markdown_html_tags(text: str) -> list[str] | None:
    """The tags of *text* rendered by a CommonMark renderer with GFM tables and raw
    HTML enabled, or ``None`` where markdown-it-py is not installed."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - installed with the docs extra
        return None
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return html_tags(renderer.render(text))


def assert_same_markdown_shape(benign: str, hostile: str) -> None:
    """*hostile* has exactly the block and element structure of *benign*."""
    assert markdown_skeleton(hostile) == markdown_skeleton(benign)
    # No raw angle bracket survives outside a code span (where it is literal text): HTML
    # can neither be injected nor close anything.
    assert "<" not in _CODE_SPAN.sub("", hostile)
    rendered = markdown_html_tags(hostile)
    if rendered is not None:
        assert rendered == markdown_html_tags(benign)


def no_terminal_controls(text: str) -> bool:
    """Whether *text* holds no character a terminal would obey (but line breaks)."""
    return re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", text) is None
