"""The notebook never holds a table other than the one its cells describe, in a real JupyterLab.

- Run All after the fit cell's seed was edited: the provenance cell below it was queued with its old text;
  it must not re-fit the old seed over the newer fit. The table bound in the kernel has the digest the
  provenance cell shows.
- Re-running a fit cell ten times leaves one provenance cell; a deleted synthnb cell comes back once; the
  user's cells are never edited.
"""

from __future__ import annotations

import re

import pytest
from lab_helpers import dismiss_news, open_notebook, run_all, save_and_read

from synthnb.notebook import cell_digest

pytestmark = pytest.mark.slow

SETUP = "%load_ext synthnb\nimport synthnb\ndf = synthnb.datasets.load_adult().head(1500)"
FIT = "%synth fit df --as a_syn --seed 0 --no-report"
#: a user's cell that reads the bound table's digest in the kernel
DIGEST = "from synthnb.fingerprint import frame_digest\nprint('bound:', frame_digest(a_syn))"


def _keys(nb) -> list[str | None]:
    return [c.metadata.get("synthnb", {}).get("key") for c in nb.cells]


def _recorded_digest(cell) -> str:
    (digest,) = re.findall(r"synthetic_sha256='([0-9a-f]{64})'", cell.source)
    return digest


def _printed_digest(cell) -> str:
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    (digest,) = re.findall(r"bound: ([0-9a-f]{64})", text)
    return digest


def _stderr(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")


def _cell(page, index: int):
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    return cell


def _replace_source(page, index: int, text: str) -> None:
    _cell(page, index).locator(".cm-content").first.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def _run_cell(page, server, index: int, times: int = 1) -> None:
    """Select cell *index* in command mode and press Ctrl+Enter *times* times; wait for the kernel."""
    _cell(page, index).locator(".jp-InputPrompt").first.click()
    for _ in range(times):
        page.keyboard.press("Control+Enter")
    page.wait_for_timeout(1000)
    server.kernels_idle_for(4, timeout=300)
    _wait_for_the_page(page, index)


def _wait_for_the_page(page, index: int) -> None:
    """Wait until the page, not only the kernel, is done: the cell's prompt no longer queued ([*]) and every
    cell request it sent answered. Under load the browser works through the kernel's messages well after
    the kernel went idle; a person's delete made before then would race the runs' own upserts."""
    _cell(page, index)  # scrolled into view
    page.wait_for_function(
        """i => {
            const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
            const prompt = cell.querySelector('.jp-InputPrompt').textContent;
            const out = cell.querySelector('.jp-OutputArea') ? cell.querySelector('.jp-OutputArea').textContent : '';
            return !prompt.includes('*') && !out.includes('waiting for the notebook');
        }""",
        arg=index,
        timeout=120_000,
    )


def _delete_cell(page, index: int) -> None:
    """Select cell *index* and press D, D in command mode, as a person does; wait until it is gone."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.locator(".jp-Notebook .jp-Cell").count()
    gone = f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length < {before}"
    for _ in range(3):  # a display update landing in the notebook can take the focus from a first press
        _cell(page, index).locator(".jp-InputPrompt").first.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")
        page.keyboard.press("d", delay=50)
        page.keyboard.press("d", delay=50)
        try:
            page.wait_for_function(gone, timeout=5000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"cell {index} could not be deleted with D, D")


def _screenshot(page, index: int, path) -> None:
    dismiss_news(page)
    _cell(page, index).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_run_all_after_editing_the_seed_keeps_the_newer_fit(jupyter_server, browser, artifacts):
    server, name = jupyter_server, "seed.ipynb"
    page = open_notebook(browser, server, name, [SETUP, FIT, DIGEST])
    run_all(page, server)
    first = save_and_read(page, server, name)
    assert _keys(first) == [None, None, "provenance:a_syn", None, "datasheet:a_syn"]
    seed0 = _recorded_digest(first.cells[2])
    assert _printed_digest(first.cells[3]) == seed0

    _replace_source(page, 1, FIT.replace("--seed 0", "--seed 1"))
    run_all(page, server)  # queues the provenance cell with its seed-0 text; the fit then rewrites it
    nb = save_and_read(page, server, name)
    assert _keys(nb) == [None, None, "provenance:a_syn", None, "datasheet:a_syn"]
    assert nb.cells[1].source == FIT.replace("--seed 0", "--seed 1")
    prov = nb.cells[2]
    assert "seed=1," in prov.source and prov.metadata.synthnb["digest"] == cell_digest(prov.source)
    shown, bound = _recorded_digest(prov), _printed_digest(nb.cells[3])
    assert bound == shown != seed0  # the kernel holds the seed-1 table the cells describe
    assert "superseded: a_syn holds the table of a newer %synth fit in this kernel" in _stderr(prov)
    assert f"sha256 {seed0[:12]}" in _stderr(prov)  # ... not the seed-0 one its old text recorded
    _screenshot(page, 1, artifacts / "session-run-all-after-seed-edit.png")

    run_all(page, server)  # with its new text, the provenance cell confirms
    again = save_and_read(page, server, name)
    assert _printed_digest(again.cells[3]) == _recorded_digest(again.cells[2]) == shown
    assert "superseded" not in _stderr(again.cells[2])
    page.close()


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_rerun_ten_times_and_deleted_cells_come_back_once(jupyter_server, browser, artifacts):
    server, name = jupyter_server, "rerun.ipynb"
    user = [SETUP, FIT, "x = 41 + 1  # a cell of the user's"]
    page = open_notebook(browser, server, name, user)
    run_all(page, server)
    layout = [None, None, "provenance:a_syn", None, "datasheet:a_syn"]
    assert _keys(save_and_read(page, server, name)) == layout

    _run_cell(page, server, 1, times=10)
    nb = save_and_read(page, server, name)
    assert _keys(nb) == layout
    assert [c.source for c in nb.cells if "synthnb" not in c.metadata] == user  # never edited

    _delete_cell(page, 2)  # the provenance cell
    _delete_cell(page, 3)  # the datasheet cell (now at index 3)
    assert _keys(save_and_read(page, server, name)) == [None, None, None]
    _run_cell(page, server, 1)
    nb = save_and_read(page, server, name)
    assert _keys(nb) == layout
    assert nb.cells[2].metadata.synthnb["anchor"] == nb.cells[1].id
    _run_cell(page, server, 1, times=2)
    nb = save_and_read(page, server, name)
    assert _keys(nb) == layout
    assert [c.source for c in nb.cells if "synthnb" not in c.metadata] == user
    _screenshot(page, 0, artifacts / "session-rerun-and-delete.png")
    page.close()
