"""The shipped notebooks open in JupyterLab as they are: nothing is rewritten on opening (no unsaved-changes mark)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("jupyter_server", ["lab"], indirect=True)
def test_shipped_notebooks_open_unmodified(jupyter_server, browser):
    server = jupyter_server
    for source in NOTEBOOKS:
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
