"""A real JupyterLab / Notebook 7 server on localhost and Debian's headless Chromium driven by Playwright.

Never downloads a browser: /usr/bin/chromium (``make browser-deps``) or the tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Jupyter server (``jupyter lab`` or ``jupyter notebook``) rooted in a temporary directory."""

    def __init__(self, app: str, root: Path, home: Path):
        self.app, self.root = app, root
        self.port, self.token = _free_port(), secrets.token_hex(16)
        bindir = Path(sys.executable).parent
        env = dict(os.environ)
        # keep the user's settings, workspaces and runtime files out of it
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"),
            IPYTHONDIR=str(home / "ipython"),
        )
        # no "official Jupyter news?" toast over the screenshots
        news = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text(json.dumps({"fetchNews": "false"}))
        self.log = (home / f"{app}.log").open("w")
        self.proc = subprocess.Popen(
            [
                str(bindir / "jupyter"),
                app,
                "--no-browser",
                f"--port={self.port}",
                "--ip=127.0.0.1",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root}",
                "--ServerApp.open_browser=False",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            env={**env, "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def api(self, path: str):
        req = urllib.request.Request(f"{self.base}/api/{path}", headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited; see {self.log.name}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"jupyter {self.app} did not start in {timeout} s; see {self.log.name}")

    def url(self, notebook: str) -> str:
        prefix = "lab/tree" if self.app == "lab" else "notebooks"
        return f"{self.base}/{prefix}/{notebook}?token={self.token}"

    def kernels_idle_for(self, seconds: float, timeout: float) -> None:
        """Wait until every kernel has been idle for *seconds* in a row (Run All queues many requests)."""
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            kernels = self.api("kernels")
            if kernels and all(k["execution_state"] == "idle" for k in kernels):
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= seconds:
                    return
            else:
                quiet_since = None
            time.sleep(0.5)
        raise AssertionError(f"kernels still busy after {timeout} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium: run `make browser-deps` "
            "(apt-get install chromium); a downloaded browser is never used"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def jupyter_server(request, tmp_path):
    """``jupyter lab`` or ``jupyter notebook`` (indirect parameter), shut down after the test."""
    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    server = Server(request.param, root, home)
    yield server
    server.stop()


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ at the repository root (gitignored; CI uploads it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
