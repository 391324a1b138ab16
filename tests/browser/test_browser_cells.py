"""The extension in a real JupyterLab 4 and Notebook 7, driven by headless Chromium.

A notebook with two ``%synth fit`` cells is run with "Run All" three times (the second after a
kernel restart): each fit gets exactly one provenance cell right below it and one datasheet cell
at the end, the user's cells stay as they were, a provenance cell a person edited is left alone,
and a datasheet a person answered keeps the answer while synthnb rewrites its own sections.
"""

from __future__ import annotations

import re

import pytest
from lab_helpers import dismiss_news, open_notebook, run_all, save_and_read
from testing_helpers import TWO_FIT_CELLS

from synthnb.notebook import cell_digest

pytestmark = pytest.mark.slow

USER_CELLS = TWO_FIT_CELLS
#: where each cell should be after a run: the user's cells (None) and synthnb's keys
LAYOUT = [None, None, "provenance:a_syn", None, None, "provenance:b_syn", None, "datasheet:a_syn", "datasheet:b_syn"]
NAME = "fits.ipynb"


def _check(nb, run: int):
    keys = [c.metadata.get("synthnb", {}).get("key") for c in nb.cells]
    assert keys == LAYOUT, f"run {run}: {keys}"
    user = [c for c in nb.cells if "synthnb" not in c.metadata]
    assert [c.source for c in user] == USER_CELLS
    for cell in user:
        assert cell.execution_count is not None
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    assert user[-1].outputs[0]["text"] == "1500 1500 42\n"
    prov, sheet = nb.cells[2], nb.cells[7]
    assert prov.cell_type == "code" and prov.source.startswith("# synthnb provenance · a_syn")
    assert prov.metadata.synthnb["anchor"] == nb.cells[1].id
    assert sheet.cell_type == "markdown"
    return nb


def _status_lines(cell) -> list[str]:
    """The one-line notes under the bundles (not the bundles themselves)."""
    return [
        o["data"]["text/plain"]
        for o in cell.outputs
        if re.match(r"synthnb · (provenance|datasheet):\w+: ", o.get("data", {}).get("text/plain", ""))
    ]


def _edit_cell(page, index: int, text: str, markdown: bool = False) -> None:
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    if markdown:
        cell.dblclick()
    editor = cell.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def _screenshot(page, index: int, path) -> None:
    """The notebook scrolled to cell *index* (JupyterLab renders off-screen cells lazily: give it a moment)."""
    dismiss_news(page)
    page.locator(".jp-Notebook .jp-Cell").nth(index).scroll_into_view_if_needed()
    page.locator(".jp-Notebook .jp-Cell").nth(index).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))


@pytest.mark.parametrize("jupyter_server", ["lab", "notebook"], indirect=True)
def test_run_all_keeps_one_cell_per_key_and_respects_edits(jupyter_server, browser, artifacts):
    server = jupyter_server
    page = open_notebook(browser, server, NAME, USER_CELLS)

    run_all(page, server)
    first = _check(save_and_read(page, server, NAME), 1)
    assert _status_lines(first.cells[1]) == [
        "synthnb · provenance:a_syn: cell added",
        "synthnb · datasheet:a_syn: cell added",
    ]

    run_all(page, server, restart=True)
    second = _check(save_and_read(page, server, NAME), 2)
    assert second.cells[0].execution_count == 1  # the kernel did restart ...
    assert _status_lines(second.cells[1])[0] == "synthnb · provenance:a_syn: cell updated"  # and answered
    for i in (2, 5):  # re-fitting wrote fresh provenance into the same cells, still owned by synthnb
        assert second.cells[i].metadata.synthnb["digest"] == cell_digest(second.cells[i].source)

    # a person edits provenance:a_syn and answers in datasheet:a_syn
    _edit_cell(page, 2, "\n# my note")
    _edit_cell(page, 7, "\n\nOur answer: teaching only.", markdown=True)
    run_all(page, server)
    third = _check(save_and_read(page, server, NAME), 3)
    prov = third.cells[2]
    assert prov.source.endswith("# my note") and prov.metadata.synthnb["digest"] != cell_digest(prov.source)
    assert "Our answer: teaching only." in third.cells[7].source
    assert third.cells[7].metadata.synthnb["digest"] == cell_digest(third.cells[7].source)
    status = _status_lines(third.cells[1])
    assert status[0].startswith("synthnb · provenance:a_syn: cell left as you edited it"), status
    assert status[1] in (
        "synthnb · datasheet:a_syn: cell updated; your answers kept",
        "synthnb · datasheet:a_syn: cell unchanged (already current)",
    ), status

    _screenshot(page, 0, artifacts / f"cells-{server.app}.png")
    _screenshot(page, 7, artifacts / f"cells-{server.app}-datasheet.png")
    page.close()
