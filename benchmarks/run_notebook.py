"""Execute one notebook with nbclient in this interpreter's kernel; report its run time and peak memory.

    python benchmarks/run_notebook.py NOTEBOOK.ipynb [--timeout SECONDS]

Prints one JSON line: ``{"notebook", "seconds", "peak_rss_mb", "cpus"}``. The peak is the largest sum of
the resident set sizes of every process this script started (the kernel and the kernel's children),
sampled with psutil every 0.1 s: an upper bound on what a container's memory cgroup charges (pages
shared between the processes count once there, once per process here). The kernel is the ``python3``
kernel of the interpreter running this script, so run it with the environment's own python (the
Binder test does). Outputs go to ``$SYNTHNB_OUT`` (a temporary folder unless set). Used by
``tests/test_binder.py`` and ``benchmarks/notebooks.py``; nothing is asserted here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path


class PeakMemory:
    """Samples the summed RSS of this process's descendants in a thread until stopped."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self._me = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for proc in self._me.children(recursive=True):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # exited between listing and reading
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_notebook(path: Path, timeout: int) -> dict:
    """Execute *path* in a fresh ``python3`` kernel (cwd: the notebook's folder)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    t0 = time.perf_counter()
    with PeakMemory() as mem:
        client.execute()
    seconds = time.perf_counter() - t0
    return {
        "notebook": path.name,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(mem.peak / 2**20),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--timeout", type=int, default=1800, help="per cell, seconds")
    args = parser.parse_args(argv)
    os.environ.setdefault("SYNTHNB_OUT", tempfile.mkdtemp(prefix="synthnb-out-"))
    print(json.dumps(run_notebook(args.notebook.resolve(), args.timeout)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
