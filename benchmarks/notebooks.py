"""Run time and peak memory of the shipped notebooks on one CPU (``taskset -c 0``) and on all of them.

    python benchmarks/notebooks.py [--python PY] [--cpus 1,all] [--json OUT.json] [NOTEBOOK ...]

Each notebook runs with nbclient in a fresh kernel of ``--python`` (default: this interpreter; pass the
Binder environment's python to measure Binder) through ``benchmarks/run_notebook.py``; the one-CPU run
pins the driver and so the kernel and its children to CPU 0, as a Binder quota of one CPU would limit
them. Peak memory is the summed RSS of the kernel and its children, sampled every 0.1 s. Reported,
never asserted (tests/test_binder.py asserts the 2 GB limit).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent / "notebooks"


def measure(python: str, notebook: Path, one_cpu: bool) -> dict:
    """One run of *notebook* in a kernel of *python*, pinned to CPU 0 when *one_cpu*."""
    cmd = [python, str(HERE / "run_notebook.py"), str(notebook)]
    if one_cpu:
        cmd = ["taskset", "-c", "0", *cmd]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} if python != sys.executable else dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="synthnb-out-") as out:
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**env, "SYNTHNB_OUT": out}, cwd=HERE.parent)
    if proc.returncode != 0:
        return {"notebook": notebook.name, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--python", default=sys.executable, help="interpreter whose environment runs the kernel")
    parser.add_argument("--cpus", default="1,all", help="comma list of 1 and/or all")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if "1" in args.cpus.split(",") and shutil.which("taskset") is None:
        parser.error("the one-CPU run needs taskset (util-linux)")
    notebooks = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    rows = []
    print(f"{'notebook':34} {'CPUs':>4} {'seconds':>8} {'peak MB':>8}")
    for nb in notebooks:
        for cpus in args.cpus.split(","):
            row = measure(args.python, nb.resolve(), one_cpu=cpus == "1")
            rows.append(row)
            if "error" in row:
                print(f"{nb.name:34} {cpus:>4} failed: {row['error']}")
            else:
                print(f"{nb.name:34} {row['cpus']:>4} {row['seconds']:>8} {row['peak_rss_mb']:>8}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
