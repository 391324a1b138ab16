"""Fixtures: a small notebook with two %synth fit cells, executed headless by nbclient (a real kernel)."""

from __future__ import annotations

import nbformat
import pytest

#: the user's cells: two fits on 1,500 Adult rows, with a cell of their own in between
USER_CELLS = [
    "%load_ext synthnb\nimport synthnb\ndf = synthnb.datasets.load_adult().head(1500)",
    "%synth fit df --as a_syn --no-report",
    "x = 41 + 1  # a cell of the user's",
    "%synth fit df --as b_syn --seed 1 --no-report",
    "print(len(a_syn), len(b_syn), x)",
]


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
