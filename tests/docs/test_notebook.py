"""The notebook walkthrough runs from top to bottom without an error.

It is executed in a kernel of the interpreter running the tests: the kernel spec
``python3`` that ipykernel provides starts ``sys.executable``, so the notebook sees the
same installed dueprocess, pandas and matplotlib as the tests, in a fresh virtual
environment as on a developer's machine.
"""

from __future__ import annotations

import os
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ..support import EXAMPLES

NOTEBOOK = EXAMPLES / "walkthrough.ipynb"
# A cell that takes longer than this is stuck, not slow: the whole notebook runs in seconds.
CELL_TIMEOUT = 120


def _read() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def _outputs_of_type(notebook: nbformat.NotebookNode, mime: str) -> int:
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", ())
        if mime in output.get("data", {})
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, float]:
    notebook = _read()
    # The notebook reads its example files relative to examples/; HOME and the Jupyter
    # and matplotlib directories go to a temporary folder so that nothing outside it is
    # written and no user configuration changes the run.
    home = tmp_path_factory.mktemp("kernel-home")
    environment = {
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLCONFIGDIR": str(home / "matplotlib"),
        "MPLBACKEND": "Agg",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(EXAMPLES)}},
        allow_errors=False,
    )
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"a cell of {NOTEBOOK.name} failed:\n{error}", pytrace=False)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return notebook, time.perf_counter() - started


# Jupyter's own deprecations (paths, event loops) are not the walkthrough's concern.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_cell_of_the_walkthrough_runs_without_an_error(
    executed: tuple[nbformat.NotebookNode, float],
) -> None:
    notebook, _ = executed
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", ())
        if output.get("output_type") == "error"
    ]
    assert errors == []
    assert all(
        cell.get("execution_count") is not None
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_walkthrough_draws_the_report_charts_and_tables(
    executed: tuple[nbformat.NotebookNode, float],
) -> None:
    notebook, _ = executed
    # Report.plot() twice (cases, published figures); reviews, reports and DataFrames
    # show themselves as HTML tables.
    assert _outputs_of_type(notebook, "image/png") >= 2
    assert _outputs_of_type(notebook, "text/html") >= 4


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_walkthrough_runs_in_well_under_half_a_minute(
    executed: tuple[nbformat.NotebookNode, float],
) -> None:
    _, seconds = executed
    assert seconds < 30, f"the walkthrough took {seconds:.1f} s"


def test_the_committed_notebook_has_no_outputs_and_names_the_python3_kernel() -> None:
    notebook = _read()
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_kernel_runs_the_interpreter_of_the_tests() -> None:
    """ipykernel's own python3 spec starts sys.executable, wherever the venv is."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] in {sys.executable, "python", "python3"}
