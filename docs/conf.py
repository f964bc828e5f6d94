"""Sphinx configuration for the dueprocess documentation.

Build with ``bash docs/build.sh`` (HTML and the doctests of every page, nit-picky, warnings
as errors). Everything generated comes from the code at build time, through the
extensions in ``_ext/``: the rule reference (``rule_reference``), the format tables
(``formats``), the diagrams (``diagrams``), the API reference by topic
(``api_reference``) and the source tree on the architecture page (``architecture``). The
notebook ``examples/walkthrough.ipynb`` is executed by myst-nb.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

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
    # myst-nb reads Markdown pages (through myst-parser) and the notebook.
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinx.ext.graphviz",
    "sphinx_copybutton",
    "sphinx_design",
    "rule_reference",
    "formats",
    "diagrams",
    "api_reference",
    "architecture",
]

root_doc = "index"
exclude_patterns = [
    "_build",
    "_ext",
    "Thumbs.db",
    ".DS_Store",
    "examples/data",
    "**/.ipynb_checkpoints",
]

myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
# Filled from the rule tables and DEFAULT_POLICY by the rule_reference extension.
myst_substitutions: dict[str, str] = {}

# The walkthrough notebook (docs/examples is a link to ../examples, so the notebook runs in
# examples/ and finds its files there) is executed at every build: what the site shows is
# what the code does today. A failing cell fails the build.
nb_execution_mode = "force"
nb_execution_timeout = 180
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# Nit-picky: every cross-reference must resolve (docs/build.sh passes -n -W).
nitpicky = True

autodoc_member_order = "bysource"
# Types in the signature, one parameter a line when it is long: no second list of them.
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
python_maximum_signature_line_length = 72
python_use_unqualified_type_names = True
# Show defaults as written (DEFAULT_POLICY), not as the repr of their value.
autodoc_preserve_defaults = True
autodoc_default_options = {"members": True}
autodoc_class_signature = "mixed"
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

# Diagrams: Graphviz's dot, drawn as SVG (the text stays text).
graphviz_output_format = "svg"
graphviz_dot_args = ["-Gfontname=DejaVu Sans", "-Nfontname=DejaVu Sans", "-Efontname=DejaVu Sans"]

# The copy button copies commands, not prompts or output.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

html_theme = "furo"
html_title = f"dueprocess {release}"
html_static_path = ["_static"]
html_css_files = ["dueprocess.css"]
# The repository's address is kept in one place: [project.urls] of pyproject.toml.
_SOURCE = re.search(
    r'^Source = "([^"]+)"', (ROOT / "pyproject.toml").read_text("utf-8"), re.MULTILINE
)
html_theme_options = {
    "source_repository": (_SOURCE.group(1).rstrip("/") + "/") if _SOURCE else "",
    "source_branch": "main",
    "source_directory": "docs/",
}


# A page with a marker of the extensions above is made from the code, which changes
# without the page changing: such pages are read again at every build.
_GENERATED = re.compile(
    r"^% (api-reference|architecture|diagram|formats|rule-reference): ", re.MULTILINE
)


def _generated_pages(
    app: object, env: Any, added: object, changed: object, removed: object
) -> list[str]:
    return [
        docname
        for docname in env.found_docs
        if _GENERATED.search(Path(env.doc2path(docname)).read_text(encoding="utf-8"))
    ]


def setup(app: Any) -> None:
    app.connect("env-get-outdated", _generated_pages)
