"""The Workbench panel as a person uses it, in a real JupyterLab and headless Chromium.

Choose options with the controls, click Fit: progress, the dashboard, and below the panel's cell the
summary cell (the equivalent %synth fit line), the provenance cell and the datasheet at the end. Fit again
with another seed: the same cells are updated, none is added. A bad choice shows one line; the panel
keeps working. Export shows the gate's refusal and takes a reason to override it. Restart and Run All
re-creates everything without clicks. Screenshots before and after the fit go to test-artifacts/.
"""

from __future__ import annotations

import time

import pytest
from lab_helpers import dismiss_news, open_notebook, run_all, save_and_read

pytestmark = pytest.mark.slow

NAME = "workbench.ipynb"
CELLS = [
    "import synthnb\nadult = synthnb.datasets.load_adult().sample(300, random_state=0).reset_index(drop=True)",
    "wb = synthnb.Workbench(adult)\nwb",
    "print('after the panel', 6 * 7)",
    "# a person binds real rows to the name (run by the test, not by Run All)\n"
    "if wb.run is not None and wb.run.spec.seed == 2:\n    adult_syn = wb.run.real.head(150).copy()",
]
PANEL = ".jp-Notebook .sn-wb"
KEYS = ["workbench-fit:adult_syn", "provenance:adult_syn", "datasheet:adult_syn"]


def _wait_idle(page, timeout: float = 180) -> None:
    """Until the kernel has finished the click (the panel says which work runs while it runs)."""
    deadline = time.monotonic() + timeout
    page.wait_for_timeout(300)
    while page.locator(PANEL).first.get_attribute("data-status") != "idle":
        assert time.monotonic() < deadline, "the Workbench did not finish"
        time.sleep(0.3)


def _run_all_after_restart(page, server, timeout: float = 300):
    """Restart and Run All; the notebook once every code cell shows a count of the new kernel (1..n).

    Counts from before the restart stay on a cell until it runs again, and the kernel may be idle for a while
    between the restart and the first cell: read the saved notebook until its counts are the new kernel's.
    """
    run_all(page, server, restart=True)
    deadline = time.monotonic() + timeout
    while True:
        nb = save_and_read(page, server, NAME)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        if None not in counts and sorted(counts) == list(range(1, len(counts) + 1)):
            server.kernels_idle_for(4, timeout=300)
            return save_and_read(page, server, NAME)
        assert time.monotonic() < deadline, counts
        time.sleep(2)


def _keyed(nb) -> list[tuple[int, str]]:
    return [(i, c.metadata["synthnb"]["key"]) for i, c in enumerate(nb.cells) if "synthnb" in c.metadata]


def _fit_line(seed: int) -> str:
    return (
        f"%synth fit adult --model gaussian_copula --seed {seed} --holdout 0.2 --rows 200 --sensitive race,sex "
        "--target income --as adult_syn"
    )


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_workbench_fit_shows_dashboard_and_cells_then_updates_them(jupyter_server, browser, artifacts):
    server = jupyter_server
    page = open_notebook(browser, server, NAME, CELLS, viewport=(1280, 1000))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    panel = page.locator(PANEL).first
    panel.wait_for(timeout=120_000)
    page.locator(".jp-OutputArea-output", has_text="after the panel 42").wait_for(timeout=60_000)
    dismiss_news(page)

    # the defaults came from the frame: demographic categories as sensitive, income as target
    checked = panel.locator(".sn-wb-sensitive input:checked").evaluate_all("bs => bs.map(b => b.value)")
    assert checked == ["race", "sex"]  # evaluate()'s own proposal, never the target
    assert panel.locator(".sn-wb-sensitive input[value='income']").is_disabled()
    assert panel.locator(".sn-wb-target").input_value() == "income"
    assert panel.locator(".sn-wb-epochs").is_disabled()  # the Gaussian copula has no epochs
    assert "no direct identifier detected" in panel.locator(".sn-wb-identifiers").inner_text()

    # choose with the controls
    panel.locator(".sn-wb-rows").fill("200")
    panel.locator(".sn-wb-rows").dispatch_event("change")
    panel.locator(".sn-wb-seed").fill("1")
    panel.locator(".sn-wb-seed").dispatch_event("change")
    panel.locator(".sn-wb-model").select_option("ctgan")
    assert panel.locator(".sn-wb-epochs").is_enabled()
    panel.locator(".sn-wb-model").select_option("gaussian_copula")
    panel.scroll_into_view_if_needed()
    page.locator(".jp-Notebook .jp-Cell").nth(1).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "workbench-before.png"))

    t0 = time.monotonic()
    panel.locator(".sn-wb-fit").click()
    # live progress while it works, then the dashboard of %synth report below the controls
    panel.locator(".sn-wb-progress progress").first.wait_for(timeout=60_000)
    _wait_idle(page)
    first_fit = time.monotonic() - t0
    dash = page.locator(".jp-Notebook .sn-dash").first
    cards = dash.locator(".sn-card-title").all_inner_texts()
    assert cards == ["Fidelity", "Utility", "Privacy", "Fairness"]
    assert panel.locator(".sn-wb-message").inner_text() == ""
    assert panel.locator(".sn-wb-line-fit").inner_text() == _fit_line(1)
    assert "adult_syn: 200 rows" in panel.locator(".sn-wb-summary").inner_text()
    page.locator(".jp-Notebook .jp-Cell").nth(1).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "workbench-after.png"))
    page.locator(".jp-Notebook .jp-Cell").nth(1).screenshot(path=str(artifacts / "workbench-after-cell.png"))
    page.locator(".jp-Notebook .jp-Cell").nth(2).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "workbench-after-cells.png"))

    nb = save_and_read(page, server, NAME)
    keyed = _keyed(nb)
    # below the panel's cell: the summary, then the provenance; the datasheet at the end
    assert keyed == [(2, KEYS[0]), (3, KEYS[1]), (len(nb.cells) - 1, KEYS[2])], keyed
    panel_id = nb.cells[1].id
    assert all(nb.cells[i].metadata["synthnb"]["anchor"] == panel_id for i, _ in keyed)
    summary, provenance = nb.cells[2].source, nb.cells[3].source
    assert summary.splitlines()[-1] == _fit_line(1) and nb.cells[2].cell_type == "code"
    assert "synthnb.reproduce" in provenance and "seed=1" in provenance
    assert nb.cells[-1].cell_type == "markdown" and "adult_syn" in nb.cells[-1].source
    assert nb.cells[4].source == CELLS[2]  # the user's next cell is where it was

    # again with another seed: the same cells, updated in place
    panel.locator(".sn-wb-seed").fill("2")
    panel.locator(".sn-wb-seed").dispatch_event("change")
    panel.locator(".sn-wb-fit").click()
    _wait_idle(page)
    nb2 = save_and_read(page, server, NAME)
    assert _keyed(nb2) == keyed and len(nb2.cells) == len(nb.cells)
    assert nb2.cells[2].source.splitlines()[-1] == _fit_line(2)
    assert "seed=2" in nb2.cells[3].source and nb2.cells[3].source != provenance
    assert nb2.cells[2].id == nb.cells[2].id and nb2.cells[3].id == nb.cells[3].id

    # the target cannot also be a sensitive column: choosing sex as the target greys its box out
    panel.locator(".sn-wb-target").select_option("sex")
    assert panel.locator(".sn-wb-sensitive input[value='sex']").is_disabled()
    assert not panel.locator(".sn-wb-sensitive input[value='sex']").is_checked()
    panel.locator(".sn-wb-target").select_option("income")
    # a bad choice (no rows to sample): one line in the panel, no traceback
    panel.locator(".sn-wb-rows").fill("0")
    panel.locator(".sn-wb-rows").dispatch_event("change")
    panel.locator(".sn-wb-fit").click()
    _wait_idle(page)
    message = panel.locator(".sn-wb-message.sn-wb-error")
    assert "rows must be at least 1" in message.inner_text()
    assert "\n" not in message.inner_text() and message.count() == 1
    panel.locator(".sn-wb-rows").fill("200")
    panel.locator(".sn-wb-rows").dispatch_event("change")
    # the fit that failed left the previous one as it was: its summary and its dashboard stay
    assert "seed 2" in panel.locator(".sn-wb-summary").inner_text()
    assert "Traceback" not in page.locator(".jp-Notebook").inner_text()
    page.screenshot(path=str(artifacts / "workbench-error.png"))
    # ... and the panel still works: Evaluate shows the (kept) fit's dashboard again
    panel.locator(".sn-wb-evaluate").click()
    _wait_idle(page)
    assert panel.locator(".sn-wb-message").inner_text() == ""
    assert page.locator(".jp-Notebook .sn-dash .sn-card-title").count() == 4
    nb3 = save_and_read(page, server, NAME)
    assert _keyed(nb3) == keyed and nb3.cells[2].source == nb2.cells[2].source

    # Export: the gate refuses real rows bound to the name, in the panel; a reason typed there overrides it
    leak = page.locator(".jp-Notebook .jp-Cell", has_text="a person binds real rows").first
    leak.locator(".cm-content").first.click()
    page.keyboard.press("Shift+Enter")
    server.kernels_idle_for(1, timeout=60)
    panel.locator(".sn-wb-export").click()
    _wait_idle(page)
    refusal = panel.locator(".sn-wb-refusal")
    assert refusal.is_visible() and "The export gate refused to export the table adult_syn" in refusal.inner_text()
    panel.locator(".sn-wb-reason").fill("teaching copy")
    refusal.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "workbench-refusal.png"))
    panel.locator(".sn-wb-export-anyway").click()
    _wait_idle(page)
    assert not refusal.is_visible()
    assert panel.locator(".sn-wb-message.sn-wb-info").inner_text().startswith("Exported")
    export_line = '%synth export adult_syn --to exports/adult_syn --force --allow-risk "teaching copy"'
    assert panel.locator(".sn-wb-line-export").inner_text() == export_line
    assert (server.root / "exports" / "adult_syn" / "manifest.json").is_file()
    nb5 = save_and_read(page, server, NAME)
    keyed = _keyed(nb5)
    # one export summary cell, below the fit's cells of the panel
    assert [k for _, k in keyed] == [KEYS[0], KEYS[1], "workbench-export:adult_syn", KEYS[2]], keyed
    assert nb5.cells[4].source.splitlines()[-1] == export_line

    # Restart and Run All: the summary cell's %synth fit re-creates adult_syn with no click, and every keyed
    # cell is updated where it is (the summary's fit anchors to itself, but the keys already exist)
    nb4 = _run_all_after_restart(page, server)
    assert _keyed(nb4) == keyed and nb4.cells[2].source == nb2.cells[2].source
    assert nb4.cells[4].source == nb5.cells[4].source
    for cell in nb4.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, cell.source
            assert not [o for o in cell.outputs if o.output_type == "error"], (cell.source, cell.outputs)
    assert any("adult_syn: 200 rows" in o.get("data", {}).get("text/plain", "") for o in nb4.cells[2].outputs)
    assert errors == []
    print(f"first Fit click to dashboard: {first_fit:.1f} s")


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_after_a_kernel_restart_a_click_says_the_panel_lost_its_kernel(jupyter_server, browser, artifacts):
    """Restart the kernel (no Run All), then click Fit: the panel says it lost its kernel and how to bring it
    back, its buttons are disabled; running its cell again brings back a working panel."""
    server = jupyter_server
    page = open_notebook(browser, server, "lost.ipynb", CELLS[:2], viewport=(1280, 900))
    run_all(page, server)
    panel = page.locator(PANEL).first
    panel.wait_for(timeout=120_000)
    dismiss_news(page)
    assert not panel.locator(".sn-wb-lost").is_visible()

    page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel…").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").first.click()
    server.kernels_idle_for(3, timeout=120)
    page.wait_for_timeout(1500)
    panel.locator(".sn-wb-fit").click()
    lost = panel.locator(".sn-wb-lost")
    lost.wait_for(state="visible", timeout=10_000)
    assert "lost its kernel" in lost.inner_text() and "Run this cell again" in lost.inner_text()
    assert panel.get_attribute("data-status") == "disconnected"
    assert panel.locator(".sn-wb-fit").is_disabled()
    page.locator(".jp-Notebook .jp-Cell").nth(1).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "workbench-lost-kernel.png"))

    run_all(page, server)  # the cell again: a fresh panel on the new kernel
    fresh = page.locator(PANEL).first
    fresh.wait_for(timeout=120_000)
    assert not fresh.locator(".sn-wb-lost").is_visible()
    assert fresh.locator(".sn-wb-fit").is_enabled()
    page.close()
