"""The tests' own layout: one package per stage, fixtures in conftest.py, no pythonpath.

The rules of the road: a test module lives in the group of the stage it tests (this file
is the one exception); every group is a package with a ``conftest.py`` for its fixtures;
helpers are modules of the ``tests`` package imported relatively, never top-level modules
found through ``pythonpath``; and pytest keeps its default import mode, which puts the
repository on ``sys.path`` so child processes can import ``tests.workers`` by name.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest

from .support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TESTS = ROOT / "tests"
#: The stages of the pipeline, plus ``base`` (the public surface and the shared values).
GROUPS = ("base", "intake", "review", "production", "cases", "reports", "stores", "cli", "docs")
#: Folders of ``tests/`` that hold no tests.
NOT_GROUPS = ("data", "__pycache__")


def stray_test_modules(tests: Path) -> list[str]:
    """Test modules directly in *tests*, outside every group."""
    return sorted(path.name for path in tests.glob("test_*.py") if path.name != "test_layout.py")


def group_problems(tests: Path) -> list[str]:
    """Each folder of *tests* that is not a known group, or a group lacking a file it needs."""
    problems = []
    for folder in sorted(path for path in tests.iterdir() if path.is_dir()):
        if folder.name in NOT_GROUPS:
            continue
        if folder.name not in GROUPS:
            problems.append(f"{folder.name}/ is not a stage group ({', '.join(GROUPS)})")
            continue
        problems.extend(
            f"{folder.name}/ has no {name}"
            for name in ("__init__.py", "conftest.py")
            if not (folder / name).is_file()
        )
    return problems


def pythonpath_imports(tests: Path) -> list[str]:
    """Absolute imports of a module of *tests* (which only ``pythonpath`` would find)."""
    # Every module anywhere in the tree (a helper of a group, another test module) and
    # every group: an absolute import of one only works through ``pythonpath``.
    local = {path.stem for path in tests.rglob("*.py")} | {
        path.name for path in tests.iterdir() if path.is_dir()
    }
    local -= {"__init__", "conftest"}
    found = []
    for path in sorted(tests.rglob("*.py")):
        if "data" in path.relative_to(tests).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.extend(
                f"{path.relative_to(tests)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] in local or (name.startswith("_") and name[1] != "_")
            )
    return found


def pytest_config_problems(pyproject: Path) -> list[str]:
    """What in *pyproject*'s pytest settings would bring back ``pythonpath`` imports."""
    with pyproject.open("rb") as handle:
        options: dict[str, Any] = tomllib.load(handle)["tool"]["pytest"]["ini_options"]
    problems = [f"pythonpath = {options['pythonpath']}"] if "pythonpath" in options else []
    problems += [option for option in options.get("addopts", []) if "import-mode" in option]
    missing = {"tests", "src/dueprocess"} - set(options.get("testpaths", []))
    problems += [f"testpaths lacks {path}" for path in sorted(missing)]
    return problems


def test_no_test_module_lies_directly_in_tests() -> None:
    assert stray_test_modules(TESTS) == []


def test_every_group_is_a_stage_with_its_own_package_and_conftest() -> None:
    assert group_problems(TESTS) == []
    assert (TESTS / "__init__.py").is_file()
    assert (TESTS / "conftest.py").is_file()


def test_helpers_are_imported_relatively_never_from_pythonpath() -> None:
    assert pythonpath_imports(TESTS) == []


def test_pyproject_sets_no_pythonpath_and_keeps_the_default_import_mode() -> None:
    assert pytest_config_problems(ROOT / "pyproject.toml") == []


# The checks above must be able to fail: each finds what it is for in a made-up tree.


def test_the_checks_find_a_stray_module_a_missing_conftest_and_a_pythonpath_import(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_stray.py").write_text("", encoding="utf-8")
    (tmp_path / "test_layout.py").write_text("", encoding="utf-8")
    (tmp_path / "support.py").write_text("", encoding="utf-8")
    for group in ("review", "misc"):
        (tmp_path / group).mkdir()
        (tmp_path / group / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "review" / "test_x.py").write_text(
        "from support import make_request\nfrom _support import CASES\n"
        "from ..support import ROOT\nimport dueprocess\n"
        "def f():\n    from test_x import helper\n",
        encoding="utf-8",
    )
    assert stray_test_modules(tmp_path) == ["test_stray.py"]
    assert group_problems(tmp_path) == [
        f"misc/ is not a stage group ({', '.join(GROUPS)})",
        "review/ has no conftest.py",
    ]
    assert pythonpath_imports(tmp_path) == [
        "review/test_x.py:1: support",
        "review/test_x.py:2: _support",
        "review/test_x.py:6: test_x",
    ]


@pytest.mark.parametrize(
    ("setting", "problems"),
    [
        ('pythonpath = ["tests"]\n', ["pythonpath = ['tests']"]),
        ('addopts = ["-ra", "--import-mode=importlib"]\n', ["--import-mode=importlib"]),
        ("", []),
    ],
    ids=["pythonpath", "import-mode", "neither"],
)
def test_the_pyproject_check_names_pythonpath_and_another_import_mode(
    tmp_path: Path, setting: str, problems: list[str]
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        f'[tool.pytest.ini_options]\ntestpaths = ["tests"]\n{setting}', encoding="utf-8"
    )
    assert pytest_config_problems(pyproject) == [*problems, "testpaths lacks src/dueprocess"]
