"""The shipped notebooks open in JupyterLab as they are: nothing is rewritten on opening (no unsaved-changes mark).

JupyterLab rewrites a notebook's kernelspec when the kernel it starts describes itself differently, and then marks
the notebook modified. One notebook is opened in the browser to show that this is what a person meets; every
shipped notebook is checked to carry the installed kernel's own description (the only thing that changes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0*.ipynb"))


def test_every_shipped_notebook_carries_the_installed_kernels_description():
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"], capture_output=True, text=True, check=True
    ).stdout
    spec = json.loads(out)["kernelspecs"]["python3"]["spec"]
    for path in NOTEBOOKS:
        meta = nbformat.read(path, as_version=4).metadata["kernelspec"]
        assert (meta["name"], meta["display_name"], meta["language"]) == (
            "python3",
            spec["display_name"],
            spec["language"],
        ), path.name


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_a_shipped_notebook_opens_unmodified(jupyter_server, browser):
    server, source = jupyter_server, NOTEBOOKS[-1]
    shutil.copy(source, server.root / source.name)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(server.url(source.name))
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 90
    # the kernel starts: its name and display name reach the notebook's model
    while not any(str(sn.get("path", "")).endswith(source.name) for sn in server.api("sessions")):
        assert time.monotonic() < deadline, "no kernel was started for the notebook"
        time.sleep(0.5)
    server.kernels_idle_for(2, timeout=90)
    page.wait_for_timeout(1500)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=source.name).first
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), f"{source.name} is marked modified on opening"
    page.close()
