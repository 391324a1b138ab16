"""Resident memory over repeated refits of one name, as a notebook user makes them.

    python benchmarks/refit_memory.py [--refits 5] [--rows N] [--json OUT.json]

Runs ``%synth fit adult --as adult_syn`` REFITS times in one IPython InteractiveShell with the default
report mode (static when no Jupyter server started the process), and prints the RSS after each refit
(after a full garbage collection). A session that releases what a refit replaces stays flat: the pass
mark of issue 8 is at most 50 MB between the first and the last refit. Measured here, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refits", type=int, default=5)
    parser.add_argument("--rows", type=int, default=0, help="first N rows of Adult (default: all)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)

    os.environ.pop("JPY_SESSION_NAME", None)  # the default 'auto' report mode is then static, as headless
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    import synthnb

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "synthnb")
    adult = synthnb.datasets.load_adult()
    shell.user_ns["adult"] = adult.head(args.rows) if args.rows else adult
    figures = []
    for i in range(1, args.refits + 1):
        t = time.perf_counter()
        with capture_output():
            result = shell.run_cell("%synth fit adult --as adult_syn")
        if not result.success:
            raise SystemExit(f"refit {i} failed: {result.error_in_exec!r}")
        seconds = time.perf_counter() - t
        gc.collect()
        figures.append({"refit": i, "rss_mb": round(rss_mb(), 1), "seconds": round(seconds, 1)})
        print(f"refit {i}: RSS {figures[-1]['rss_mb']:.1f} MB ({seconds:.1f} s)", flush=True)
    growth = figures[-1]["rss_mb"] - figures[0]["rss_mb"]
    print(f"growth from the first to refit {args.refits}: {growth:+.1f} MB")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"refits": figures, "growth_mb": round(growth, 1)}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
