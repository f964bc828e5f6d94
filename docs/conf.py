"""Sphinx configuration for the dueprocess documentation.

Build with ``bash docs/build.sh`` (HTML and the doctests of every page, warnings as
errors). The rule reference is generated from the rule tables by ``_ext/rule_reference.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document the working tree, not whatever dueprocess happens to be installed.
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(DOCS / "_ext"))

import dueprocess  # noqa: E402

project = "dueprocess"
author = "dueprocess contributors"
copyright = "dueprocess contributors"
release = dueprocess.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "rule_reference",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
# Filled from the rule tables and DEFAULT_POLICY by the rule_reference extension.
myst_substitutions: dict[str, str] = {}

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
# Show defaults as written (DEFAULT_POLICY), not as the repr of their value.
autodoc_preserve_defaults = True
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
# "Attributes:" sections as fields of the class, not as second descriptions of attrs fields.
napoleon_use_ivar = True

# Every doctest on every page runs from the repository root, so paths in the examples
# read as a user at a checkout would type them.
doctest_global_setup = f"""
import os
os.chdir({str(ROOT)!r})
"""
doctest_test_doctest_blocks = ""

html_theme = "furo"
html_title = f"dueprocess {release}"
html_static_path = ["_static"]


def _protocol_signature(
    app: object,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    # A Protocol is implemented, never instantiated: its inherited (*args, **kwargs)
    # constructor says nothing.
    if what == "class" and getattr(obj, "_is_protocol", False):
        return "", return_annotation
    return None


def setup(app: object) -> None:
    app.connect("autodoc-process-signature", _protocol_signature)  # type: ignore[attr-defined]
