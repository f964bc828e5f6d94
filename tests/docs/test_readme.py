"""The README's examples are true: its Python block runs, its console output is real."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from ..support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_python_example_runs_and_prints_what_it_says() -> None:
    [block] = re.findall(r"```python\n(.*?)```", README, re.S)
    completed = subprocess.run(
        [sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "comply ()"
    assert "# Response to request HSI-2017-0042" in completed.stdout


def test_the_readme_review_session_shows_real_output() -> None:
    session = re.search(
        r"```console\n\$ \.venv/bin/(dueprocess review .*?)\n(.*?)```", README, re.S
    )
    assert session is not None
    command, shown = session.groups()
    completed = subprocess.run(
        [sys.executable, "-m", "dueprocess", *command.split()[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == shown


def test_the_readme_names_the_two_setup_commands() -> None:
    assert "pip install -e . && .venv/bin/dueprocess demo" in README
    assert "pip install -e '.[test]' && .venv/bin/pytest --cov" in README


def test_the_readme_links_to_files_that_exist_and_to_the_documentation_site() -> None:
    """Relative links work on a code host; the site's address is in pyproject.toml."""
    targets = re.findall(r"\]\(([^)\s]+)\)", README)
    relative = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert relative
    missing = [t for t in relative if not (ROOT / t.split("#")[0]).exists()]
    assert missing == []
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    site = re.search(r'^Documentation = "([^"]+)"', pyproject, re.M)
    assert site is not None
    assert site.group(1) in README
