"""The version is written once for Python (synthnb/_version.py) and once for npm (package.json), and they agree.

The extension's execute-request stamp reads package.json's version at build time (src/index.ts), the
tests read ``synthnb.__version__``; so the built extension, the installed distribution and both
sources must carry the same string.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import synthnb

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_JSON = ROOT / "widgets" / "labextension" / "package.json"
# the two places the version is written: Python's and npm's
SOURCES = {"synthnb/_version.py", "widgets/labextension/package.json"}


def test_python_package_and_package_json_agree():
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)*", synthnb.__version__)
    assert json.loads(PACKAGE_JSON.read_text("utf-8"))["version"] == synthnb.__version__


def test_installed_distribution_agrees():
    assert importlib.metadata.version("synthnb") == synthnb.__version__


def test_built_extension_agrees():
    built = Path(synthnb.__file__).parent / "labextension" / "package.json"
    if not built.is_file():
        pytest.skip(f"the extension is not built ({built} is absent): `make setup` builds it")
    meta = json.loads(built.read_text("utf-8"))
    assert meta["name"] == "synthnb"
    assert meta["version"] == synthnb.__version__


def test_the_version_is_written_nowhere_else():
    """No source file repeats the literal (executed notebooks record it in their outputs, which is fine)."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the tracked files")
    tracked = subprocess.run(
        [git, "ls-files", "*.py", "*.ts", "*.js", "*.mjs", "*.json", "*.toml", "*.cfg", "Makefile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    literal = re.compile(rf"""["']{re.escape(synthnb.__version__)}["']""")
    assert tracked
    # the committed extension bundle is generated from package.json (test_built_extension_agrees checks it)
    tracked = [path for path in tracked if not path.startswith("synthnb/labextension/")]
    repeated = [path for path in tracked if literal.search((ROOT / path).read_text("utf-8", errors="replace"))]
    assert sorted(repeated) == sorted(SOURCES)
