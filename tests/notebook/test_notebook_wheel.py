"""The wheel ships the JupyterLab extension prebuilt: a fresh environment needs pip only, no Node."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from synthnb import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHARE = f"synthnb-{__version__}.data/data/share/jupyter/labextensions/synthnb/"


def test_wheel_carries_the_extension_and_jupyterlab_finds_it_without_node(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("synthnb-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert SHARE + "package.json" in names and SHARE + "install.json" in names
    assert any(n.startswith(SHARE + "static/remoteEntry.") and n.endswith(".js") for n in names)
    assert "synthnb/cli.py" in names and not [n for n in names if "node_modules" in n]

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = venv / "bin"
    env = {**os.environ, "PATH": str(bindir)}  # nothing else on PATH: no node, no jlpm
    env.pop("JUPYTER_PATH", None)
    pip = [str(bindir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, env=env)
    subprocess.run([*pip, "jupyterlab==4.6.6"], check=True, env=env)
    listed = subprocess.run(
        [str(bindir / "jupyter"), "labextension", "list"], env=env, capture_output=True, text=True, check=True
    )
    line = next(line for line in (listed.stdout + listed.stderr).splitlines() if "synthnb" in line)
    assert "enabled" in line and "OK" in line, line
