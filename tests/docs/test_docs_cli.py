"""The command-line sessions shown in docs/cli.md are what the command line prints.

Each ``console`` block of the page is run as one shell script in a fresh directory that
holds the page's example files (the ``code-block`` with a ``:caption:`` naming a file)
and a copy of ``examples/``; every ``$ command`` line must print exactly the lines that
follow it. ``dueprocess`` is the one installed beside the interpreter running the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..support import ROOT

PAGE = ROOT / "docs" / "cli.md"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
CAPTION = re.compile(r"^:caption: (?P<name>\S+)\n\n?", re.MULTILINE)


def _blocks(kind: str) -> list[str]:
    text = PAGE.read_text("utf-8")
    return [m.group("body") for m in FENCE.finditer(text) if m.group("info").strip() == kind]


def _files() -> dict[str, str]:
    files = {}
    for body in _blocks("{code-block} text"):
        caption = CAPTION.match(body)
        if caption is not None:
            files[caption.group("name")] = body[caption.end() :]
    return files


def _session(body: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of one console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any command in a console block of {PAGE.name}"
            steps[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in steps]


def _run(session: list[tuple[str, str]], where: Path) -> list[str]:
    """Run the commands as one script; the output of each, in order."""
    script = ["set +e"]
    for number, (command, _) in enumerate(session):
        # Keep $? of the previous command across the marker, for "echo $?".
        script.append(f"__status=$?; printf '\\n@@ {number} @@\\n'; (exit $__status)")
        script.append(command)
    environment = dict(os.environ)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    environment["COLUMNS"] = "100"
    completed = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=where,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.stderr == "", completed.stderr
    parts = re.split(r"\n@@ \d+ @@\n", "\n" + completed.stdout)
    return [part.rstrip("\n") for part in parts[1:]]


SESSIONS = _blocks("console")


def test_the_cli_page_has_sessions_and_example_files() -> None:
    assert len(SESSIONS) >= 2
    assert {"records.jsonl", "identities.jsonl"} <= set(_files())


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("number", range(len(SESSIONS)))
def test_every_command_of_the_cli_page_prints_what_the_page_shows(
    number: int, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "examples" / "requests", tmp_path / "examples" / "requests")
    for name, content in _files().items():
        (tmp_path / name).write_text(content, "utf-8")
    session = _session(SESSIONS[number])
    outputs = _run([(f"{command} 2>&1", expected) for command, expected in session], tmp_path)
    assert len(outputs) == len(session)
    for (command, expected), output in zip(session, outputs, strict=True):
        assert output == expected, f"$ {command}"


def _leaf_commands() -> list[str]:
    """Every command that does something (groups such as ``case`` excluded)."""
    from dueprocess._cli import build_parser

    def walk(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += walk(sub, f"{prefix} {name}") or [f"{prefix} {name}"]
        return found

    return walk(build_parser(), "dueprocess")


def test_the_exit_code_table_names_every_command() -> None:
    text = PAGE.read_text("utf-8")
    table = text[text.index("Which command can end with which code") : text.index("## A session")]
    rows = [line for line in table.splitlines() if line.startswith("| `dueprocess")]
    missing = []
    for command in _leaf_commands():
        group, _, last = command.rpartition(" ")
        named = any(f"`{command}`" in row for row in rows) or any(
            row.startswith(f"| `{group} ") and f"`{last}`" in row for row in rows
        )
        if not named:
            missing.append(command)
    assert missing == []
    assert len(_leaf_commands()) >= 10
