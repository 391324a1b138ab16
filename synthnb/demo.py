"""``make demo``: run the quickstart notebook headless and leave its outputs in one folder.

    python -m synthnb.demo [--notebook notebooks/01-quickstart.ipynb] [--out synthnb-out]

Writes the executed notebook, an HTML rendering of it (the report) and whatever the notebook
itself saves (the synthetic CSV) under ``--out``, then prints where they are.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m synthnb.demo", description=__doc__.splitlines()[0])
    ap.add_argument("--notebook", default="notebooks/01-quickstart.ipynb")
    ap.add_argument("--out", default="synthnb-out")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = ap.parse_args(argv)

    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    source = Path(args.notebook)
    if not source.exists():
        print(f"synthnb demo: no notebook at {source}; run it from the repository root.", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ["SYNTHNB_OUT"] = str(out)

    nb = nbformat.read(source, as_version=4)
    t0 = time.perf_counter()
    print(f"running {source} headless ...", flush=True)
    NotebookClient(
        nb, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": str(source.parent.resolve())}}
    ).execute()
    executed = out / source.name
    nbformat.write(nb, executed)
    report = out / (source.stem + ".html")
    html, _ = HTMLExporter().from_notebook_node(nb)
    report.write_text(html, encoding="utf-8")

    print(f"done in {time.perf_counter() - t0:.1f} s. Outputs in {out}/:")
    for path in sorted(out.iterdir()):
        if path.is_file():
            print(f"  {path.name:<32} {path.stat().st_size / 1024:>9.1f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
