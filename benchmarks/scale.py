"""The scale run: a 1,000,000-row × 15-column table (Adult resampled with noise), fitted, sampled and evaluated.

    python benchmarks/scale.py [--rows N] [--json OUT.json]

Prints seconds per step (make the table, fit, sample, every evaluation section but the full profile) and the
process's peak RSS. Targets (issue 11): everything in <= 3 minutes, peak RSS <= 6 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def scale_run(rows: int, seed: int = 0) -> dict:
    from scale_data import adult_resampled

    import synthnb

    steps: dict[str, float] = {}
    t = time.perf_counter()
    real = adult_resampled(rows, seed)
    steps["make table"] = time.perf_counter() - t
    t = time.perf_counter()
    run = synthnb.fit(real, seed=seed, sensitive="sex,race", target="income")
    steps["fit + sample (synthnb.fit)"] = time.perf_counter() - t
    steps.update({f"  of which {k}": v for k, v in run.timings.items()})
    t = time.perf_counter()
    ev = synthnb.evaluate(run, lazy=True)
    steps["evaluate: set up"] = time.perf_counter() - t
    notes = {}
    for name in ev.section_names:
        t = time.perf_counter()
        sec = ev.section(name)
        steps[f"evaluate: {name}"] = time.perf_counter() - t
        notes[name] = {
            "error": sec.error,
            "score": sec.score,
            "sample notes": [f for f in sec.findings if "sample" in f.lower()],
        }
    evaluation = sum(v for k, v in steps.items() if k.startswith("evaluate"))
    total = steps["make table"] * 0 + steps["fit + sample (synthnb.fit)"] + evaluation
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {
        "rows": rows,
        "columns": real.shape[1],
        "steps_s": {k: round(v, 2) for k, v in steps.items()},
        "evaluation_s": round(evaluation, 2),
        "fit_sample_evaluation_s": round(total, 2),
        "peak_rss_gib": round(peak_gib, 2),
        "sections": notes,
    }


def print_scale(result: dict) -> None:
    print(f"\nScale: {result['rows']:,} rows × {result['columns']} columns (Adult resampled with noise, seed 0)")
    for k, v in result["steps_s"].items():
        print(f"  {k:<34} {v:>8.1f} s")
    print(f"  {'evaluation, every section':<34} {result['evaluation_s']:>8.1f} s   (target: about 60 s)")
    print(f"  {'fit + sample + evaluation':<34} {result['fit_sample_evaluation_s']:>8.1f} s   (target: <= 180 s)")
    print(f"  {'peak RSS':<34} {result['peak_rss_gib']:>8.2f} GiB (target: <= 6 GB)")
    for name, n in result["sections"].items():
        if n["error"]:
            print(f"  {name}: ERROR {n['error']}")
        for note in n["sample notes"]:
            print(f"  {name}: {note}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    result = scale_run(a.rows)
    print_scale(result)
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
