"""Side-by-side benchmarks: synthnb against the same work written by hand with the libraries directly.

    python benchmarks/bench.py [--rows N] [--epochs E] [--models gaussian_copula,ctgan,tvae,copulagan]
                               [--skip-fit] [--skip-eval] [--profile] [--eval-rows N] [--json OUT.json]

Fit: ``synthnb.fit`` (holdout, run-private seeding, fixed torch threads) against SDV called directly as
``../shared/baselines/handwritten.py`` does it. Evaluation: ``synthnb.evaluate`` on a synthetic table against
``handwritten.py --synthetic`` on the same table (sdmetrics + fairlearn + ydata-profiling called directly).
Prints seconds, peak memory and the ratio synthnb / hand-written for each step. Timings are measured here,
never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE.parent.parent / "shared" / "baselines" / "handwritten.py"

FIT_CHILD = r"""
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
mode, model, epochs, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
import synthnb
df = synthnb.datasets.load_adult()
if rows:
    df = df.head(rows)
kw = {"epochs": epochs} if model != "gaussian_copula" else {}
t = time.perf_counter()
if mode == "synthnb":
    run = synthnb.fit(df, model=model, seed=0, holdout=0, **kw)
    timings = {k: round(v, 3) for k, v in run.timings.items()}
else:
    from sdv.metadata import Metadata
    from sdv import single_table as st
    cls = {"gaussian_copula": st.GaussianCopulaSynthesizer, "ctgan": st.CTGANSynthesizer,
           "tvae": st.TVAESynthesizer, "copulagan": st.CopulaGANSynthesizer}[model]
    md = Metadata.detect_from_dataframes({"t": df})
    synth = cls(md, **kw)
    t1 = time.perf_counter(); synth.fit({"t": df}); t2 = time.perf_counter()
    syn = synth.sample(len(df))["t"]; t3 = time.perf_counter()
    timings = {"prepare": round(t1 - t, 3), "fit": round(t2 - t1, 3), "sample": round(t3 - t2, 3),
               "total": round(t3 - t, 3)}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"timings": timings, "peak_mib": round(peak, 1)}))
"""


def _child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_fit(models: list[str], epochs: int, rows: int) -> list[dict]:
    results = []
    for model in models:
        ours = _child(FIT_CHILD, "synthnb", model, str(epochs), str(rows))
        theirs = _child(FIT_CHILD, "handwritten", model, str(epochs), str(rows))
        results.append(
            {
                "model": model,
                "epochs": epochs if model != "gaussian_copula" else None,
                "synthnb": ours,
                "handwritten": theirs,
            }
        )
        ratio = ours["timings"]["total"] / theirs["timings"]["total"]
        print(
            f"fit+sample {model:<16} synthnb {ours['timings']['total']:>8.1f} s ({ours['peak_mib']:.0f} MiB)   "
            f"hand-written {theirs['timings']['total']:>8.1f} s ({theirs['peak_mib']:.0f} MiB)   "
            f"ratio {ratio:.2f}",
            flush=True,
        )
    return results


EVAL_CHILD = r"""
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
import synthnb
real = pd.read_csv(sys.argv[3])
syn = pd.read_csv(sys.argv[1])
profile = sys.argv[2] == "1"
t = time.perf_counter()
ev = synthnb.evaluate(real, syn, sensitive=["sex", "race"], target="income")
scores = ev.scores
timings = {name: round(sec.seconds, 3) for name, sec in ev.sections.items()}
if profile:
    # minimal=False: the same full ydata-profiling comparison handwritten.py builds (the dashboard's default
    # is the minimal profile, which is faster)
    t1 = time.perf_counter()
    sec, _ = ev.profile(minimal=False)
    timings["profile"] = round(time.perf_counter() - t1, 3)
    assert sec.error is None, sec.error
timings["total"] = round(time.perf_counter() - t, 3)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"timings": timings, "peak_mib": round(peak, 1)}))
"""


def bench_evaluate(profile: bool, dcr_rows: int, rows: int = 0) -> dict:
    """Evaluate one synthetic table both ways. *rows* > 0: real and synthetic tables of that many rows (Adult
    repeated, and a Gaussian-copula sample of that size) to see how the work grows past Adult's 32,561 rows."""
    import pandas as pd

    import synthnb

    tmp = Path(tempfile.mkdtemp(prefix="synthnb-bench-"))
    real = synthnb.datasets.load_adult()
    if rows:
        real = pd.concat([real] * (rows // len(real) + 1), ignore_index=True).head(rows)
    run = synthnb.fit(synthnb.datasets.load_adult(), seed=0, holdout=0, rows=len(real))
    real.to_csv(tmp / "adult.csv", index=False)
    run.synthetic.to_csv(tmp / "syn.csv", index=False)
    ours = _child(EVAL_CHILD, str(tmp / "syn.csv"), "1" if profile else "0", str(tmp / "adult.csv"))
    cmd = [
        sys.executable,
        str(BASELINE),
        str(tmp / "adult.csv"),
        "--target",
        "income",
        "--sensitive",
        "sex",
        "--sensitive",
        "race",
        "--synthetic",
        str(tmp / "syn.csv"),
        "--dcr-rows",
        str(dcr_rows),
    ]
    if not profile:
        cmd.append("--skip-profile")
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    peak = int(proc.stderr.strip().splitlines()[-1]) / 1024
    print(
        f"evaluate (Adult, {len(real):,} rows): synthnb {ours['timings']['total']:.1f} s, "
        f"{ours['peak_mib']:.0f} MiB | hand-written {wall:.1f} s, {peak:.0f} MiB "
        f"(sdmetrics DCR on a {dcr_rows}-row subsample) | ratio {ours['timings']['total'] / wall:.2f}"
    )
    print("  synthnb per section:", ours["timings"])
    print("  hand-written per step:", theirs["timings"])
    return {
        "synthnb": ours,
        "handwritten": {"timings": theirs["timings"], "wall": round(wall, 3), "peak_mib": round(peak, 1)},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=0, help="use the first N Adult rows (0 = all 32,561)")
    ap.add_argument("--epochs", type=int, default=10, help="epochs for ctgan/tvae/copulagan")
    ap.add_argument("--models", default="gaussian_copula,ctgan,tvae,copulagan")
    ap.add_argument("--skip-fit", action="store_true")
    ap.add_argument("--skip-eval", action="store_true")
    ap.add_argument("--profile", action="store_true", help="include ydata-profiling in the evaluation")
    ap.add_argument("--dcr-rows", type=int, default=1000)
    ap.add_argument(
        "--eval-rows", type=int, default=0, help="evaluate tables of N rows (Adult repeated; 0 = Adult as shipped)"
    )
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    report = {}
    if not a.skip_fit:
        report["fit"] = bench_fit(a.models.split(","), a.epochs, a.rows)
    if not a.skip_eval:
        report["evaluate"] = bench_evaluate(a.profile, a.dcr_rows, a.eval_rows)
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
