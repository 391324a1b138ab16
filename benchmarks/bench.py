"""synthnb against the same work done the plain way (benchmarks/handwritten.py, the shared baseline, unchanged).

    python benchmarks/bench.py [--only eval,e2e,sections,startup,scale] [--runs 3] [--json PATH]

Parts (default: every part but scale; ``make bench-scale`` runs the scale part):

- ``eval``: evaluation only. Both sides get the same real table (bundled Adult) and the same synthetic table
  (a Gaussian-copula sample made once, written to CSV for the plain side's ``--synthetic``) and build the same
  sections, the full ydata-profiling comparison included (the same ``ProfileReport`` settings: defaults, no
  sampling), ending in the HTML report. synthnb computes privacy on every row; the plain side runs as written,
  with its defaults (its sdmetrics DCR on a 1,000-row subsample, ``--dcr-rows`` left at 1000).
- ``e2e``: end to end: import, fit, sample, evaluation, report. The plain side fits the Gaussian copula on every
  row; synthnb fits its default model (the Gaussian copula, 20 % of rows held out for the evaluation), and, when
  ``cart`` is one of ``synthnb.generators.MODELS``, the CART generator too (labelled as such). A warm run (a
  second fit and evaluation of the same source in one process) is reported apart.
- ``sections``: seconds per synthnb section, alone and with one core taken by a busy-loop process.
- ``startup``: ``%load_ext synthnb`` in a fresh IPython shell; the time from the end of sampling to the first
  dashboard section (the live dashboard's first section computed; the widget message itself is not sent
  without a front end).
- ``scale``: 1,000,000 rows × 15 columns (benchmarks/scale.py).

Every run is a fresh process; the two sides alternate; each is run ``--runs`` times (at least 3 for the
tables quoted). Wall time, CPU time (user + system of the child and its children) and peak memory (the child's
``ru_maxrss``) come from ``os.wait4``; medians and the ratio synthnb / plain are printed and written as JSON to
benchmarks/results/ (with the machine and the date). numba's on-disk cache is warm after the first run of an
install (it is built once per install): the first synthnb run of a fresh install is slower.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "handwritten.py"
RESULTS = HERE / "results"
TARGET, SENSITIVE = "income", ("sex", "race")

#: the start of the children that build a profile: imports and their peak-memory helper
_CHILD_HEAD = r"""
import json, sys, time, warnings

def WORKER_PEAK():
    # the peak RSS (MiB) of this process and of synthnb's profile worker, each measured where it ran
    import resource
    from synthnb.evaluation import profile as profile_mod
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info = profile_mod.cache_info()
    worker = info["peak_mib"] if info["pid"] != __import__("os").getpid() else 0.0
    return {"self_peak_mib": own, "worker_peak_mib": worker}
"""

EVAL_CHILD = (
    _CHILD_HEAD
    + r"""warnings.filterwarnings("ignore")
t0 = time.perf_counter()
import pandas as pd
import synthnb
real, syn, out = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2]), sys.argv[3]
t1 = time.perf_counter()
# the full comparison, as the plain side builds it, started at once in synthnb's profile worker
ev = synthnb.evaluate(real, syn, sensitive=["sex", "race"], target="income", profile="full")
t2 = time.perf_counter()
ev.to_html(out, include_profile=True)  # the figures drawn, then what is left of the profile waited for
t3 = time.perf_counter()
sec, _ = ev.profile(minimal=False)
assert sec.error is None, sec.error
steps = {"import+load": t1 - t0, "sections": t2 - t1, "report, with the rest of the profile": t3 - t2}
steps.update({f"section {k}": v for k, v in ev.timings.items()})  # profile_full: its whole build, in the worker
steps.update(WORKER_PEAK())
print(json.dumps({k: round(v, 3) for k, v in steps.items()}))
"""
)

E2E_CHILD = (
    _CHILD_HEAD
    + r"""warnings.filterwarnings("ignore")
t0 = time.perf_counter()
import pandas as pd
import synthnb
model, out, warm = sys.argv[2], sys.argv[3], sys.argv[4] == "1"
df = pd.read_csv(sys.argv[1])
t1 = time.perf_counter()

def once():
    s = time.perf_counter()
    # the real half of the full profile starts in the profile worker while the generator fits
    run = synthnb.fit(df, model=model, seed=0, sensitive="sex,race", target="income", profile="full")
    f = time.perf_counter()
    ev = synthnb.evaluate(run, profile="full")
    e = time.perf_counter()
    ev.to_html(out, include_profile=True)  # the figures drawn, then what is left of the profile waited for
    r = time.perf_counter()
    sec, _ = ev.profile(minimal=False)
    assert sec.error is None, sec.error
    return {
        "fit+sample": f - s,
        "sections": e - f,
        "report, with the rest of the profile": r - e,
        "total": r - s,
        "section profile_full": ev.timings["profile_full"],  # its whole build, in the worker
    }

steps = {"import+load": t1 - t0}
steps.update(once())
if warm:
    steps.update({f"warm {k}": v for k, v in once().items()})
steps.update(WORKER_PEAK())
print(json.dumps({k: round(v, 3) for k, v in steps.items()}))
"""
)

SECTIONS_CHILD = r"""
import json, pickle, sys, time, warnings
warnings.filterwarnings("ignore")
import synthnb
run = pickle.load(open(sys.argv[1], "rb"))
ev = synthnb.evaluate(run, lazy=True)
out = {}
for name in ev.section_names:
    t = time.perf_counter(); ev.section(name); out[name] = round(time.perf_counter() - t, 3)
print(json.dumps(out))
"""

STARTUP_CHILD = r"""
import json, pickle, sys, time, warnings
warnings.filterwarnings("ignore")
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
t = time.perf_counter()
shell.run_line_magic("load_ext", "synthnb")
load_ext = time.perf_counter() - t
import synthnb
from synthnb.dashboard.live import live_order
df = synthnb.datasets.load_adult()
run = synthnb.fit(df, seed=0, sensitive="sex,race", target="income")
end_of_sampling = time.perf_counter()
ev = synthnb.evaluate(run, lazy=True)
ev.section(live_order(ev.section_names)[0])
first = time.perf_counter() - end_of_sampling
print(json.dumps({"load_ext": round(load_ext, 4), "first_section_after_sampling": round(first, 3)}))
"""


def _measure(argv: list[str], env: dict | None = None) -> dict:
    """Run *argv* as a fresh process: its last JSON line, wall seconds, CPU seconds and peak RSS (MiB)."""
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        text, errors = out.read(), err.read()
    if proc.returncode:
        raise RuntimeError(f"{argv[:3]} failed:\n{errors[-3000:]}")
    last = json.loads([line for line in text.strip().splitlines() if line.startswith("{")][-1])
    # wait4's ru_maxrss is the largest single process of the child's tree; with synthnb's profile worker the two
    # processes' peaks are added (an upper bound on what both held at once)
    peak = usage.ru_maxrss / 1024
    if isinstance(last, dict) and last.get("worker_peak_mib"):
        peak = last["self_peak_mib"] + last["worker_peak_mib"]
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),  # the worker's CPU too (a waited-for child)
        "peak_mib": round(peak, 1),
        "steps": last,
    }


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def _plain(csv: Path, *extra: str) -> list[str]:
    sens = [x for s in SENSITIVE for x in ("--sensitive", s)]
    return [sys.executable, str(BASELINE), str(csv), "--target", TARGET, *sens, *extra]


def _median(runs: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


def _summary(runs: list[dict]) -> dict:
    return {"runs": runs, **{f"median_{k}": _median(runs, k) for k in ("wall_s", "cpu_s", "peak_mib")}}


def _inputs(tmp: Path) -> tuple[Path, Path, Path]:
    """Adult as CSV, a Gaussian-copula sample of it as CSV (the same for both sides) and the pickled run."""
    import pickle

    import synthnb

    adult = synthnb.datasets.load_adult()
    real_csv, syn_csv, run_pkl = tmp / "adult.csv", tmp / "synthetic.csv", tmp / "run.pkl"
    adult.to_csv(real_csv, index=False)
    run = synthnb.fit(adult, seed=0, holdout=0)
    run.synthetic.to_csv(syn_csv, index=False)
    run_pkl.write_bytes(pickle.dumps(synthnb.fit(adult, seed=0, sensitive="sex,race", target="income")))
    return real_csv, syn_csv, run_pkl


def _side_by_side(name: str, ours_argv, theirs_argv, runs: int) -> dict:
    ours, theirs = [], []
    for i in range(runs):  # alternate, so a change in the machine's load hits both sides alike
        ours.append(_measure(ours_argv))
        theirs.append(_measure(theirs_argv))
        print(
            f"  {name} run {i + 1}: synthnb {ours[-1]['wall_s']:.1f} s wall / {ours[-1]['cpu_s']:.1f} s CPU / "
            f"{ours[-1]['peak_mib']:.0f} MiB, plain {theirs[-1]['wall_s']:.1f} s wall / {theirs[-1]['cpu_s']:.1f} s "
            f"CPU / {theirs[-1]['peak_mib']:.0f} MiB",
            flush=True,
        )
    a, b = _summary(ours), _summary(theirs)
    ratio = {k: round(a[f"median_{k}"] / b[f"median_{k}"], 3) for k in ("wall_s", "cpu_s", "peak_mib")}
    # the full profile's share of synthnb's time: the floor no other fix lowers (both sides build the same one)
    # (synthnb builds it in its profile worker beside the sections: its whole build time, not only the wait)
    profile = statistics.median(
        r["steps"].get("section profile_full", r["steps"].get("profile", 0.0)) if isinstance(r["steps"], dict) else 0
        for r in ours
    )
    return {
        "synthnb": a,
        "plain": b,
        "ratio": ratio,
        "profile_share_of_synthnb_wall": round(profile / a["median_wall_s"], 3),
    }


def bench_eval(real_csv: Path, syn_csv: Path, tmp: Path, runs: int) -> dict:
    ours = _python(EVAL_CHILD, str(real_csv), str(syn_csv), str(tmp / "synthnb-report.html"))
    theirs = _plain(real_csv, "--synthetic", str(syn_csv))
    return _side_by_side("evaluation", ours, theirs, runs)


def bench_e2e(real_csv: Path, tmp: Path, runs: int) -> dict:
    import synthnb

    out = {}
    theirs = _plain(real_csv)
    cold = _python(E2E_CHILD, str(real_csv), "gaussian_copula", str(tmp / "e2e.html"), "0")
    out["gaussian_copula"] = _side_by_side("end to end (Gaussian copula)", cold, theirs, runs)
    # warm: a second fit and evaluation of the same source in the same process, measured in runs of their own
    # so that the cold runs' wall time above holds one pass only
    warm = [_measure([*cold[:-1], "1"])["steps"] for _ in range(runs)]
    out["gaussian_copula"]["synthnb_warm_median_s"] = {
        k[5:]: round(statistics.median(w[k] for w in warm), 3) for k in warm[0] if k.startswith("warm ")
    }
    if "cart" in synthnb.generators.MODELS:
        out["cart (synthnb) vs Gaussian copula (plain)"] = _side_by_side(
            "end to end (synthnb CART vs plain Gaussian copula)",
            _python(E2E_CHILD, str(real_csv), "cart", str(tmp / "e2e-cart.html"), "0"),
            theirs,
            runs,
        )
    return out


def bench_sections(run_pkl: Path, runs: int) -> dict:
    argv = _python(SECTIONS_CHILD, str(run_pkl))
    alone = [_measure(argv) for _ in range(runs)]
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # takes one core (not pinned)
    try:
        loaded = [_measure(argv) for _ in range(runs)]
    finally:
        busy.kill()
        busy.wait()
    names = list(alone[0]["steps"])

    def med(rs, n):
        return round(statistics.median(r["steps"][n] for r in rs), 3)

    return {n: {"alone_s": med(alone, n), "one_core_busy_s": med(loaded, n)} for n in names}


def bench_startup(runs: int) -> dict:
    rs = [_measure(_python(STARTUP_CHILD)) for _ in range(runs)]
    return {k: round(statistics.median(r["steps"][k] for r in rs), 4) for k in rs[0]["steps"]}


def _print_pair(title: str, r: dict) -> None:
    a, b, ratio = r["synthnb"], r["plain"], r["ratio"]
    print(f"\n{title}  (medians of {len(a['runs'])} alternating fresh-process runs)")
    print(f"  {'':<10} {'wall s':>9} {'CPU s':>9} {'peak MiB':>9}")
    for label, s in (("synthnb", a), ("plain", b)):
        print(f"  {label:<10} {s['median_wall_s']:>9.1f} {s['median_cpu_s']:>9.1f} {s['median_peak_mib']:>9.0f}")
    print(f"  {'ratio':<10} {ratio['wall_s']:>9.2f} {ratio['cpu_s']:>9.2f} {ratio['peak_mib']:>9.2f}")
    print(f"  full profile: {r['profile_share_of_synthnb_wall']:.0%} of synthnb's wall time (the floor)")
    steps = a["runs"][0]["steps"]
    med = {k: statistics.median(run["steps"].get(k, 0.0) for run in a["runs"]) for k in steps}
    print("  synthnb steps (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in med.items()))
    pmed = {
        k: statistics.median(run["steps"]["timings"].get(k, 0.0) for run in b["runs"])
        for k in b["runs"][0]["steps"]["timings"]
    }
    print("  plain steps (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in pmed.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--only", default="eval,e2e,sections,startup", help="comma-separated: eval,e2e,sections,startup,scale"
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", default=None, help="default: benchmarks/results/bench-<UTC time>.json")
    a = ap.parse_args()
    parts = {p.strip() for p in a.only.split(",") if p.strip()}
    unknown = parts - {"eval", "e2e", "sections", "startup", "scale"}
    if unknown:
        ap.error(f"unknown part(s) {sorted(unknown)}")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    report = {
        "machine": f"{platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
        f"load average {os.getloadavg()[0]:.1f} at start",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
    }
    tmp = Path(tempfile.mkdtemp(prefix="synthnb-bench-"))
    if parts & {"eval", "e2e", "sections"}:
        real_csv, syn_csv, run_pkl = _inputs(tmp)
    if "eval" in parts:
        report["evaluation"] = bench_eval(real_csv, syn_csv, tmp, a.runs)
        _print_pair("(a) Evaluation of Adult, full profile on both sides", report["evaluation"])
    if "e2e" in parts:
        report["end_to_end"] = bench_e2e(real_csv, tmp, a.runs)
        for label, r in report["end_to_end"].items():
            _print_pair(f"(b) End to end: {label}", r)
            w = r.get("synthnb_warm_median_s")
            if w:
                print(
                    "  warm (second fit of the same source in one process, median s): "
                    + ", ".join(f"{k} {v:.2f}" for k, v in w.items())
                )
    if "sections" in parts:
        report["sections"] = bench_sections(run_pkl, a.runs)
        print("\nsynthnb sections on Adult (median s): alone | one core taken by a busy loop")
        for n, v in report["sections"].items():
            print(f"  {n:<12} {v['alone_s']:>7.2f} | {v['one_core_busy_s']:>7.2f}")
    if "startup" in parts:
        report["startup"] = bench_startup(a.runs)
        s = report["startup"]
        print(
            f"\n%load_ext synthnb: {s['load_ext']:.3f} s (target <= 0.1 s); first dashboard section "
            f"{s['first_section_after_sampling']:.2f} s after sampling ends (target <= 1 s)"
        )
    if "scale" in parts:
        sys.path.insert(0, str(HERE))
        from scale import print_scale

        report["scale"] = _measure([sys.executable, str(HERE / "scale.py"), "--json", str(tmp / "scale.json")])
        report["scale"]["result"] = json.loads((tmp / "scale.json").read_text())
        print_scale(report["scale"]["result"])
        print(
            f"  child process: wall {report['scale']['wall_s']:.0f} s, "
            f"peak RSS {report['scale']['peak_mib'] / 1024:.2f} GiB"
        )
    RESULTS.mkdir(exist_ok=True)
    path = Path(a.json) if a.json else RESULTS / f"bench-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=1))
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
