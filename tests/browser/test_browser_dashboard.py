"""The dashboard's front end in headless Chromium: on its own, and live in a real JupyterLab."""

from __future__ import annotations

import json
import time

import pytest
from lab_helpers import dismiss_news, open_notebook, save_and_read

import synthnb

pytestmark = pytest.mark.slow


def test_front_end_draws_cards_tabs_and_plots(adult, browser, tmp_path):
    """dashboard.js/.css in a bare page, with a stand-in model holding a real widget state."""
    from synthnb.dashboard.widget import Dashboard, asset_dir

    real = adult.sample(600, random_state=3).reset_index(drop=True)
    syn = adult.sample(600, random_state=4).reset_index(drop=True)
    ev = synthnb.evaluate(real, syn, sensitive="sex", target="income")
    widget = Dashboard(ev)
    js = (asset_dir() / "dashboard.js").read_text().replace("export default { render };", "window.dash = { render };")
    page_html = f"""<html><head><style>{(asset_dir() / 'dashboard.css').read_text()}</style></head><body>
    <div id='w'></div><script>
    {js}
    const values = {{state: {json.dumps(widget.state)}, profile_status: "idle", profile_html: ""}};
    const sent = [];
    const model = {{get: (k) => values[k], on: () => {{}}, send: (m) => sent.push(m)}};
    window.sent = sent;
    window.dash.render({{model, el: document.getElementById('w')}});
    </script></body></html>"""
    (tmp_path / "dash.html").write_text(page_html)
    errors = []
    page = browser.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((tmp_path / "dash.html").as_uri())
    assert page.locator(".sn-card").count() == 4
    assert page.locator(".sn-card-title").all_inner_texts() == ["Fidelity", "Utility", "Privacy", "Fairness"]
    assert page.locator(".sn-pane svg").count() >= 10  # heatmap + one distribution per column
    page.get_by_role("button", name="Fairness").click()
    assert "SHRINKS" in page.locator(".sn-pane").inner_text() or "gap" in page.locator(".sn-pane").inner_text()
    assert page.locator(".sn-pane svg rect").count() > 0
    page.get_by_role("button", name="Privacy").click()
    assert page.locator(".sn-pane svg polygon").count() == 2  # synthetic and baseline DCR histograms
    page.get_by_role("button", name="Profile").click()
    page.get_by_role("button", name="Build the ydata-profiling comparison").click()
    assert page.evaluate("window.sent") == [{"type": "profile"}]
    page.close()
    assert errors == []


DASH_CELLS = [
    "%load_ext synthnb\nimport synthnb\n"
    "adult = synthnb.datasets.load_adult().sample(4000, random_state=0).reset_index(drop=True)",
    "%synth fit adult --sensitive sex,race --target income",
    "print('kernel free:', 6 * 7)",
]


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_live_dashboard_in_jupyterlab_fills_in_and_updates_the_datasheet(jupyter_server, browser, artifacts):
    """``%synth fit`` in JupyterLab: the widget appears, its sections fill in while the kernel is free, and
    the datasheet cell at the end takes the evaluation's figures once they are in."""
    server = jupyter_server
    name = "dashboard.ipynb"
    page = open_notebook(browser, server, name, DASH_CELLS, viewport=(1400, 1800))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    cards = page.locator(".jp-Notebook .sn-dash .sn-card")
    cards.first.wait_for(timeout=180_000)
    # the cell after the fit runs while the sections are still being computed in the background
    page.locator(".jp-OutputArea-output", has_text="kernel free: 42").wait_for(timeout=180_000)
    deadline = time.monotonic() + 300
    while page.locator(".jp-Notebook .sn-dash .sn-tab-pending, .jp-Notebook .sn-dash .sn-tab-running").count():
        assert time.monotonic() < deadline, "the dashboard's sections did not finish"
        time.sleep(1)
    assert cards.count() == 4
    assert page.locator(".jp-Notebook .sn-dash .sn-tab-error").count() == 0
    scores = page.locator(".jp-Notebook .sn-dash .sn-card-score").all_inner_texts()
    assert all(s != "—" for s in scores), scores

    # the gap the synthetic table erased must be visible on the Fairness tab (a final redraw may reset the tab)
    fairness = page.locator(".jp-Notebook .sn-dash .sn-tab", has_text="Fairness").first
    deadline = time.monotonic() + 30
    while "sn-active" not in (fairness.get_attribute("class") or ""):
        assert time.monotonic() < deadline, "the Fairness tab did not open"
        fairness.click()
        page.wait_for_timeout(500)
    pane = page.locator(".jp-Notebook .sn-dash .sn-pane").first
    assert "SHRINKS" in pane.inner_text()
    assert pane.locator("svg rect").count() > 0
    dismiss_news(page)
    page.locator(".jp-Notebook .sn-dash").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / "dashboard-lab.png"))
    page.locator(".jp-Notebook .sn-dash").first.screenshot(path=str(artifacts / "dashboard-widget.png"))

    # the datasheet cell at the end was written at fit time ("figures pending") and updated when all finished
    deadline = time.monotonic() + 60
    while True:
        nb = save_and_read(page, server, name)
        sheet = [c for c in nb.cells if c.metadata.get("synthnb", {}).get("key") == "datasheet:adult_syn"]
        assert len(sheet) == 1
        if "privacy_dcr_protection" in sheet[0].source:
            break
        assert time.monotonic() < deadline, sheet[0].source[:2000]
        time.sleep(2)
    assert "Figures pending" not in sheet[0].source
    assert nb.cells[-1].metadata["synthnb"]["key"] == "datasheet:adult_syn"
    page.close()
    assert errors == []
