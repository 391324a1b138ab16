"""The README's tour, as a person runs it: Run All, then Run All again, in a real JupyterLab.

The second Run All re-creates everything: the export line finds the same table in its folder, writes
nothing and says so (it used to stop the notebook there, so every cell below it was skipped).
"""

from __future__ import annotations

import pytest
from lab_helpers import dismiss_news, open_notebook, run_all, save_and_read

pytestmark = pytest.mark.slow

NAME = "tour.ipynb"
CELLS = [
    # without fnlwgt: on a few thousand rows its near-unique values are reused above the gate's margin
    "%load_ext synthnb\nimport synthnb\nadult = synthnb.datasets.load_adult().head(3000).drop(columns='fnlwgt')",
    "%synth fit adult --sensitive sex,race --target income --no-report",
    "%synth export adult_syn --to out/adult_syn",
    "%synth verify out/adult_syn",
    "print('below the export', 6 * 7)",
]


def _text(cell) -> str:
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_run_all_twice_runs_every_cell_and_the_export_says_already_exported(jupyter_server, browser, artifacts):
    server = jupyter_server
    page = open_notebook(browser, server, NAME, CELLS)
    run_all(page, server)
    dismiss_news(page)
    first = save_and_read(page, server, NAME)
    errors = [(c.source, o) for c in first.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    user = [c for c in first.cells if "synthnb" not in c.metadata]
    assert [c.execution_count is not None for c in user] == [True] * len(CELLS), [_text(c) for c in user]
    assert "Exported 7 files to out/adult_syn" in _text(user[2]), _text(user[2])
    assert "OK: all" in _text(user[3])
    digest = (server.root / "out" / "adult_syn" / "manifest.json").read_bytes()

    run_all(page, server)
    again = save_and_read(page, server, NAME)
    user = [c for c in again.cells if "synthnb" not in c.metadata]
    errors = [(c.source, o) for c in again.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert "Already exported: out/adult_syn holds this same table" in _text(user[2]), _text(user[2])
    assert "OK: all" in _text(user[3])
    assert "below the export 42" in _text(user[4])
    assert (server.root / "out" / "adult_syn" / "manifest.json").read_bytes() == digest  # nothing rewritten
    counts = [c.execution_count for c in user]
    assert None not in counts and counts == sorted(counts)  # every cell ran the second time, in order
    page.locator(".jp-Notebook .jp-Cell").nth(3).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "tour-run-all-twice.png"))
    page.close()
