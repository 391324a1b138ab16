"""The committed extension bundle (synthnb/labextension/) was built from the sources as they are now."""

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "widgets" / "labextension"
BUNDLE = ROOT / "synthnb" / "labextension"
REBUILD = "rebuild it with `make labextension` (or `cd widgets/labextension && jlpm build:prod`) and commit it"


def sources_digest() -> str:
    """The digest scripts/labextension-build.js writes: each file sorted by path as path NUL text(LF) NUL."""
    files = ["package.json", "yarn.lock", "tsconfig.json", *(f"src/{p.name}" for p in (EXT / "src").iterdir())]
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0")
        h.update((EXT / name).read_text(encoding="utf-8").replace("\r\n", "\n").encode())
        h.update(b"\0")
    return h.hexdigest()


def test_bundle_was_built_from_the_current_sources():
    recorded = (BUNDLE / "sources.sha256").read_text().strip()
    assert recorded == sources_digest(), f"synthnb/labextension/ is older than widgets/labextension/: {REBUILD}"


def test_bundle_is_complete_and_committed():
    meta = json.loads((BUNDLE / "package.json").read_text())
    entry = BUNDLE / meta["jupyterlab"]["_build"]["load"]
    assert entry.is_file(), f"{entry.name} is missing: {REBUILD}"
    try:
        tracked = subprocess.run(
            ["git", "ls-files", "synthnb/labextension"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    built = sorted(str(p.relative_to(ROOT)) for p in BUNDLE.rglob("*") if p.is_file() and p.name != "build_log.json")
    assert sorted(tracked) == built, f"the bundle on disk differs from the committed one: {REBUILD}"
