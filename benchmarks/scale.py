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
    cpu: dict[str, float] = {}

    def timed(label, fn):
        t, c = time.perf_counter(), time.process_time()
        value = fn()
        steps[label], cpu[label] = time.perf_counter() - t, time.process_time() - c
        print(f"  {label}: {steps[label]:.1f} s wall, {cpu[label]:.1f} s CPU", flush=True)
        return value

    real = timed("make table", lambda: adult_resampled(rows, seed))
    run = timed(
        "fit + sample (synthnb.fit)", lambda: synthnb.fit(real, seed=seed, sensitive="sex,race", target="income")
    )
    ev = timed("evaluate: set up", lambda: synthnb.evaluate(run, lazy=True))
    notes = {}
    for name in ev.section_names:
        sec = timed(f"evaluate: {name}", lambda name=name: ev.section(name))
        notes[name] = {
            "error": sec.error,
            "score": sec.score,
            "sample notes": [f for f in sec.findings if "sample" in f.lower()],
        }
    evaluation = sum(v for k, v in steps.items() if k.startswith("evaluate"))
    total = steps["fit + sample (synthnb.fit)"] + evaluation  # making the table is not part of the budget
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {
        "rows": rows,
        "columns": real.shape[1],
        "steps_s": {k: round(v, 2) for k, v in steps.items()},
        "steps_cpu_s": {k: round(v, 2) for k, v in cpu.items()},
        "fit_timings_s": {k: round(v, 2) for k, v in run.timings.items()},
        "evaluation_s": round(evaluation, 2),
        "fit_sample_evaluation_s": round(total, 2),
        "peak_rss_gib": round(peak_gib, 2),
        "sections": notes,
    }


def print_scale(result: dict) -> None:
    print(f"\nScale: {result['rows']:,} rows × {result['columns']} columns (Adult resampled with noise, seed 0)")
    for k, v in result["steps_s"].items():
        print(f"  {k:<34} {v:>8.1f} s   (CPU {result['steps_cpu_s'][k]:.1f} s)")
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
