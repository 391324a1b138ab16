"""Fixtures: a small notebook with two %synth fit cells, executed headless by nbclient (a real kernel)."""

from __future__ import annotations

import nbformat
import pytest
from testing_helpers import TWO_FIT_CELLS

USER_CELLS = TWO_FIT_CELLS


def make_notebook(sources=USER_CELLS):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    return nb


def execute(nb, tmp_path):
    """Run *nb* with nbclient in *tmp_path* (in place) and return it."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


@pytest.fixture
def user_cells():
    return list(USER_CELLS)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The two-fit notebook, executed once per module; tests get a fresh copy of it."""
    tmp = tmp_path_factory.mktemp("executed")
    nb = execute(make_notebook(), tmp)
    return nbformat.writes(nb)
