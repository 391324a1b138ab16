"""Fit + sample times of the neural generators on a GPU (for a lent GPU machine; never needed by the project).

    python benchmarks/gpu_fit.py [--epochs 300] [--models ctgan,tvae] [--rows 0]

Runs ``synthnb.fit(..., enable_gpu=True)`` on the bundled Adult table, twice per model, and prints the timings
and whether the two runs gave the same synthetic bytes (same seed -> same bytes holds per device).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--models", default="ctgan,tvae")
    ap.add_argument("--rows", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    import torch

    import synthnb

    df = synthnb.datasets.load_adult()
    if a.rows:
        df = df.head(a.rows)
    print(
        json.dumps(
            {
                "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
                "torch": torch.__version__,
                "rows": len(df),
            }
        ),
        flush=True,
    )
    for model in a.models.split(","):
        digests, times = [], []
        for _ in range(a.repeat):
            t = time.perf_counter()
            run = synthnb.fit(df, model=model, epochs=a.epochs, seed=0, enable_gpu=True)
            times.append({k: round(v, 2) for k, v in run.timings.items()})
            digests.append(run.synthetic_sha256)
            print(
                json.dumps(
                    {
                        "model": model,
                        "epochs": a.epochs,
                        "timings": times[-1],
                        "wall": round(time.perf_counter() - t, 2),
                    }
                ),
                flush=True,
            )
        print(json.dumps({"model": model, "same_bytes": len(set(digests)) == 1}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
