"""Issue 10's goals for the CART synthesizer on Adult, per seed, next to SDV's Gaussian copula.

For each seed (default 0..4; holdout 0.2) and model, through ``synthnb.fit``:
- quality: sdmetrics ``QualityReport`` of the synthetic table against ALL real rows, with SDV's metadata detected
  on the real table (as ``shared/baselines/handwritten.py`` does);
- base rate: the share of ``income == ">50K"`` in every sex and race group, synthetic vs real; the worst group's
  gap is printed with the allowance max(0.02, two standard errors of the group's real rate);
- exact copies: the share of synthetic rows equal to a training row, and the held-out rows' own share (the export
  gate's control), both with ``synthnb.evaluation.privacy.exact_copy_share`` as the gate's privacy section uses it;
- seconds: ``run.timings`` fit + sample (and the whole ``synthnb.fit`` call), both models in this one process.

usage: PYTHONPATH=. python benchmarks/cart_goals.py [--seeds 0,1,2,3,4] [--models cart,gaussian_copula]
       [--param min_leaf=5 ...] (CART parameters, for tuning)
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings


def goals(run, real, meta) -> dict:
    from sdmetrics.reports.single_table import QualityReport

    from synthnb.evaluation._context import sdtypes_from_metadata
    from synthnb.evaluation.privacy import exact_copy_share
    from synthnb.generators.sdv_adapter import table_metadata

    syn = run.synthetic
    report = QualityReport()
    report.generate(real, syn, meta, verbose=False)
    worst = None
    for col in ("sex", "race"):
        for group, rows in real.groupby(col):
            p, n = float((rows["income"] == ">50K").mean()), len(rows)
            allowed = max(0.02, 2 * math.sqrt(p * (1 - p) / n))
            s = syn[syn[col] == group]
            q = float((s["income"] == ">50K").mean()) if len(s) else float("nan")
            gap = abs(q - p) if len(s) else float("inf")
            if worst is None or gap - allowed > worst["gap"] - worst["allowed"]:
                worst = {"group": f"{col}={group}", "gap": gap, "allowed": allowed}
    sdtypes = sdtypes_from_metadata(table_metadata(run), run.train)
    copies = exact_copy_share(syn, run.train, sdtypes)
    control = exact_copy_share(run.holdout, run.train, sdtypes)
    return {
        "quality": report.get_score(),
        "shapes": float(report.get_properties().set_index("Property").loc["Column Shapes", "Score"]),
        "pairs": float(report.get_properties().set_index("Property").loc["Column Pair Trends", "Score"]),
        "worst_group": worst["group"],
        "worst_gap": worst["gap"],
        "allowed": worst["allowed"],
        "copies": copies,
        "holdout_copies": control,
        "fit_sample_s": run.timings["fit"] + run.timings["sample"],
        "total_s": run.timings["total"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--models", default="cart,gaussian_copula")
    ap.add_argument("--param", action="append", default=[], help="a CART parameter, NAME=JSON")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")

    from sdv.metadata import Metadata

    import synthnb

    real = synthnb.datasets.load_adult()
    meta = Metadata.detect_from_dataframes({"table": real}).to_dict()["tables"]["table"]
    params = {k: json.loads(v) for k, v in (p.split("=", 1) for p in a.param)}
    rows = []
    t0 = time.perf_counter()
    for seed in [int(s) for s in a.seeds.split(",")]:
        for model in a.models.split(","):
            run = synthnb.fit(real, model=model, seed=seed, **(params if model == "cart" else {}))
            rows.append({"seed": seed, "model": model, **goals(run, real, meta)})
            r = rows[-1]
            print(
                f"seed {seed} {model:15s} quality {r['quality']:.4f} (shapes {r['shapes']:.4f}, pairs {r['pairs']:.4f})"
                f"  worst base-rate gap {r['worst_gap']:.4f} of {r['allowed']:.4f} ({r['worst_group']})"
                f"  copies {r['copies']:.4%} vs held-out {r['holdout_copies']:.4%}"
                f"  fit+sample {r['fit_sample_s']:.1f}s (fit() {r['total_s']:.1f}s)",
                flush=True,
            )
    print()
    print(
        "| seed | model | quality | worst base-rate gap / allowed (group) | exact copies / held-out share "
        "| fit+sample s | ok |"
    )
    print("|---|---|---|---|---|---|---|")
    by_seed = {(r["seed"], r["model"]): r for r in rows}
    for r in rows:
        gc = by_seed.get((r["seed"], "gaussian_copula"))
        fast = gc is None or r["model"] != "cart" or r["fit_sample_s"] < gc["fit_sample_s"] / 2
        ok = (
            r["quality"] >= 0.97
            and r["worst_gap"] <= r["allowed"]
            and r["copies"] <= 0.005
            and r["copies"] <= r["holdout_copies"]
            and fast
        )
        print(
            f"| {r['seed']} | {r['model']} | {r['quality']:.4f} | {r['worst_gap']:.4f} / {r['allowed']:.4f} "
            f"({r['worst_group']}) | {r['copies']:.3%} / {r['holdout_copies']:.3%} | {r['fit_sample_s']:.2f} | "
            f"{'yes' if ok else 'no'} |"
        )
    print(f"\nwall time {time.perf_counter() - t0:.0f}s")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
