"""Binder works: an environment built from ``binder/`` alone runs every shipped notebook within 2 GB.

The environment is built as repo2docker builds it: in a copy of the committed files (``git ls-files``, so
nothing git ignores leaks in), ``pip install -r binder/requirements.txt`` from the repository root, then
``binder/postBuild`` if there is one; no ``make setup``, nothing from the development ``.venv``. pip's
cache is used and its indexes are the configured ones (PyPI). Run times are recorded in
``test-artifacts/binder.json`` and printed, never asserted; peak memory (the kernel and its children,
summed RSS sampled every 0.1 s by ``benchmarks/run_notebook.py``) is asserted under Binder's 2 GB.

Select or skip it with ``-m binder`` / ``-m "not binder"``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.binder, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
BINDER_MEMORY = 2 * 1024**3
ARTIFACT = ROOT / "test-artifacts" / "binder.json"
FIGURES: dict = {}


def _committed_files() -> list[str]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to copy the repository as a clone has it")
    # tracked plus new files not ignored: what a clone has once the work is committed
    out = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [p for p in out.split("\0") if p and (ROOT / p).is_file()]


def _clean_env(**extra: str) -> dict:
    """This environment without anything pointing into the development set-up."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH")}
    return {**env, **extra}


def _record(key: str, value) -> None:
    FIGURES[key] = value
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(FIGURES, indent=1) + "\n")


@pytest.fixture(scope="session")
def binder_env(tmp_path_factory):
    """(repository copy, venv bin folder, environment) built from binder/ as repo2docker does."""
    base = tmp_path_factory.mktemp("binder")
    repo, venv = base / "repo", base / "venv"
    for rel in _committed_files():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, repo / rel)
    runtime = (repo / "binder" / "runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}", (
        f"binder/runtime.txt asks for {runtime}; run this test with that Python"
    )
    bin_dir = venv / "bin"
    env = _clean_env(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        JUPYTER_DATA_DIR=str(base / "jupyter-data"),  # no user-wide kernels or extensions
        JUPYTER_CONFIG_DIR=str(base / "jupyter-config"),
        PIP_RETRIES="0",  # an unreachable extra index (CPU torch, where only PyPI is reachable) fails at once
    )
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    # repo2docker's environment comes with a current pip; a venv's bundled one may predate the resolver's fixes
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "pip>=24"], check=True, env=env)
    t1 = time.perf_counter()
    subprocess.run([*pip, "-r", "binder/requirements.txt"], cwd=repo, check=True, env=env)
    _record("requirements_install_seconds", round(time.perf_counter() - t1, 1))
    post_build = repo / "binder" / "postBuild"
    if post_build.exists():
        subprocess.run(["bash", str(post_build)], cwd=repo, check=True, env=env)
    _record("venv_build_seconds", round(time.perf_counter() - t0, 1))
    return repo, bin_dir, env


def test_binder_env_has_cpu_torch_and_the_pinned_versions(binder_env):
    repo, bin_dir, env = binder_env
    freeze = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "freeze"], capture_output=True, text=True, check=True, env=env
    ).stdout
    installed = dict(line.split("==", 1) for line in freeze.splitlines() if "==" in line)
    installed = {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in installed.items()}
    assert installed["torch"].endswith("+cpu"), f"torch {installed['torch']} is not the CPU build"
    # the pins above the development-only section (the corpus test's dataset packages are not Binder's)
    shared = (repo / "constraints.txt").read_text().split("# --- development only", 1)[0]
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", shared, flags=re.M)
    assert len(pins) >= 10
    for name, version in pins:
        got = installed.get(re.sub(r"[-_.]+", "-", name).lower(), "")
        assert got.split("+")[0] == version, f"{name}: constraints.txt pins {version}, Binder installed {got!r}"
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import synthnb; print(synthnb.__file__)"],
        cwd=bin_dir,  # not the repository: the installed package, not the source folder
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    assert Path(where).is_relative_to(bin_dir.parent / "lib"), f"synthnb imported from {where}, not installed"
    assert (Path(where).parent / "_threads.py").is_file()


def test_jupyterlab_lists_the_extension_enabled_and_ok(binder_env):
    _, bin_dir, env = binder_env
    out = subprocess.run(
        [str(bin_dir / "jupyter"), "labextension", "list"], capture_output=True, text=True, check=True, env=env
    )
    listing = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)  # without the colours
    print(listing)
    _record("labextension_list", listing.strip().splitlines())
    assert re.search(r"^\s*synthnb v\S+ enabled\s+OK", listing, flags=re.M), listing


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_binder_env_within_2gb(binder_env, notebook, tmp_path):
    repo, bin_dir, env = binder_env
    out = subprocess.run(
        [str(bin_dir / "python"), str(repo / "benchmarks" / "run_notebook.py"), str(repo / "notebooks" / notebook)],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**env, "SYNTHNB_OUT": str(tmp_path)},
    )
    assert out.returncode == 0, f"{notebook} failed in the Binder environment:\n{out.stderr[-6000:]}"
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{notebook}: {figures['seconds']} s, peak {figures['peak_rss_mb']} MB (kernel + children)")
    _record(notebook, figures)
    assert figures["peak_rss_mb"] > 50, figures  # the sampler saw the kernel
    assert figures["peak_rss_mb"] * 2**20 < BINDER_MEMORY, f"{notebook} would be killed on Binder: {figures}"
