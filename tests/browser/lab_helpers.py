"""Steps the browser tests share: open a notebook, Run All, save and read it back through the server."""

from __future__ import annotations

import time

import nbformat


def open_notebook(browser, server, name: str, sources: list[str], viewport=(1280, 1400)):
    """Write a notebook of code cells *sources* into the server's root, open it and wait for its kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nbformat.write(nb, server.root / name)

    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(server.url(name))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 90
    while not server.api("sessions"):
        assert time.monotonic() < deadline, "no kernel was started for the notebook"
        time.sleep(0.5)
    server.kernels_idle_for(2, timeout=90)
    return page


def run_all(page, server, restart: bool = False) -> None:
    """Run > Run All Cells, or Kernel > Restart Kernel and Run All Cells (the extension must follow the restart)."""
    before = [k["last_activity"] for k in server.api("kernels")]
    if restart:
        page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Restart Kernel and Run All Cells").first.click()
        page.locator(".jp-Dialog .jp-mod-accept").first.click()
    else:
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    deadline = time.monotonic() + 60
    while [k["last_activity"] for k in server.api("kernels")] == before:  # started?
        assert time.monotonic() < deadline, "Run All did not reach the kernel"
        time.sleep(0.3)
    server.kernels_idle_for(4, timeout=400)
    wait_until_no_cell_is_queued(page)
    server.kernels_idle_for(2, timeout=400)


def wait_until_no_cell_is_queued(page, timeout_ms: int = 400_000) -> None:
    """Until no cell's prompt reads [*]: the page has sent and seen every execution Run All queued.

    The kernel can sit idle between two cells of a Run All while a busy browser is still rendering the first
    one's outputs, so "the kernel was idle for a few seconds" alone does not mean Run All is done.
    """
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-Notebook .jp-Cell .jp-InputPrompt')]"
        ".some(p => p.textContent.includes('*'))",
        timeout=timeout_ms,
    )


def save_and_read(page, server, name: str):
    """Save the open notebook (Ctrl+S) and return it as the server stored it."""
    before = server.api(f"contents/{name}?content=0")["last_modified"]
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while server.api(f"contents/{name}?content=0")["last_modified"] == before:
        assert time.monotonic() < deadline, "the notebook was not saved"
        time.sleep(0.3)
    time.sleep(1)  # the server may still be writing the file it just stamped
    return nbformat.from_dict(server.api(f"contents/{name}?content=1&type=notebook")["content"])


def dismiss_news(page) -> None:
    """Close JupyterLab's "official Jupyter news?" toast so it does not cover screenshots."""
    news = page.locator(".jp-toast-container").get_by_role("button", name="No", exact=True)
    if news.count():
        news.first.click()
