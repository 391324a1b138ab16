"""The corpus run: every table of :mod:`tables` fitted, evaluated and exported in a fresh process, then checked.

    python tests/corpus/run_corpus.py [--models cart,gaussian_copula] [--max-rows 5000] [--timeout 300]
                                      [--only NAME,...] [--reverse] [--out test-artifacts/corpus]
    python tests/corpus/run_corpus.py --merge A/corpus.json,B/corpus.json --out DIR

(``make corpus`` runs it with its defaults.) Each (table, model) runs in a child process of its own
(``--one``) under a wall-clock limit; the child writes one JSON result. The rules it checks:

1. **A result or a SynthnbError.** ``synthnb.fit``, ``synthnb.evaluate`` and ``synthnb.export`` either return or
   raise :class:`synthnb.SynthnbError`; any other exception is a failure (``crash``), and so is running past the
   limit (``timeout``). A SynthnbError from ``fit`` is the outcome ``fit_error``; a refusal by the export gate
   (a SynthnbError from ``export``) is the outcome ``refused``, with the gate's findings as its reasons; both are
   valid outcomes. An approved export is ``exported``.
2. **Input unchanged.** The frame passed to ``fit`` hashes the same before and after fit, evaluate and export
   (values, dtypes, index, column names: ``testing_helpers.frame_hash``).
3. **Same columns and dtypes.** ``run.synthetic`` has the input's columns in order, less the identifier columns
   ``run.identifiers`` says were dropped, each with the input's dtype.
4. **No copies beyond the held-out rate** (approved exports). On the learned columns (the input's columns less
   the identifiers replaced or dropped, which the generator never saw), the share of synthetic rows equal to a
   training row is not above the share of held-out real rows equal to a training row by more than that share's
   sampling noise: ``1.645 * sqrt(c (1 - c) (1/n_synthetic + 1/n_held_out))`` (one-sided 95 %; 0 when no held-out
   row equals a training row, so then any copy counts). A 200-row held-out share of 53 % is itself known only to
   about ±3.5 points; the rule is the stated allowance of the gate, computed here on its own. Values are compared as
   the same numbers (integers exactly, floats as float64) or the same text; missing equals missing.
5. **No real value of a detected identifier.** A column ``run.identifiers`` says was replaced holds none of the
   real values of that column (checked on every fit), and a dropped one is absent.
6. **No real free text** (approved exports): no synthetic text value of 40 or more characters (padding aside) or 6
   or more words is a value that occurs exactly once in the real column (a one-off narrative, a tweet, a name and
   address): this is read from the content, whatever the detector said.

Also recorded, not failures: seconds per stage, the identifiers found, NaN figures in ``ev.scores`` and
sections that reported an error. The tables are sampled (seeded, row order kept) to ``--max-rows`` before the
fit, and the sampled frame is what ``fit`` receives. ``corpus.json`` holds every result and ``corpus.md`` the
table: outcomes per table, times, refusals and why, copies found, failures by class.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for p in (HERE, HERE.parent):  # tables.py and tests/testing_helpers.py
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

MODELS = ("cart", "gaussian_copula")
DEFAULT_OUT = ROOT / "test-artifacts" / "corpus"
#: a text value this long (characters) or with this many words, seen once in the real column, is a narrative
TEXT_CHARS, TEXT_WORDS = 40, 6

FAILURES = {
    "crash": "an exception other than SynthnbError",
    "timeout": "ran past the time limit",
    "input_mutated": "the caller's frame changed",
    "columns_dtypes": "run.synthetic's columns or dtypes differ from the input's",
    "copies_exported": "an approved export copies training rows (learned columns) beyond the held-out rate",
    "identifier_values": "a replaced identifier column holds real values (or a dropped one is present)",
    "real_text_exported": "an approved export holds one-off real text values",
}


# ----------------------------------------------------------------------------------------------- the child


def sample_rows(df, max_rows: int, seed: int = 0):
    """At most *max_rows* rows of *df*, drawn with *seed*, in their original order, with a fresh RangeIndex."""
    import numpy as np

    if len(df) <= max_rows:
        return df.reset_index(drop=True)
    keep = np.sort(np.random.default_rng(seed).choice(len(df), size=max_rows, replace=False))
    return df.iloc[keep].reset_index(drop=True)


def _canon(frame):
    """A frame of comparable cells: integers exactly, other numbers as float64, dates as integers, the rest as text."""
    import numpy as np
    import pandas as pd

    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.astype("object").map(lambda v: "\x00NA" if v is None or v is pd.NA else str(bool(v)))
        elif pd.api.types.is_integer_dtype(s.dtype):  # exact: an 18-digit id is not rounded to a float's 16 digits
            out[c] = s.astype("Int64")
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out[c] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[c] = s.astype("int64").where(s.notna(), np.iinfo("int64").min).astype("int64")
        else:
            out[c] = s.astype("object").map(_text_cell)
    return pd.DataFrame(out, index=range(len(frame)))


def _text_cell(v) -> str:
    import pandas as pd

    try:
        if v is None or (not isinstance(v, list | tuple | dict) and pd.isna(v)):
            return "\x00NA"
    except (TypeError, ValueError):
        pass
    return str(v)


def _row_keys(frame):
    import pandas as pd

    if frame.shape[1] == 0:
        return set(), []
    keys = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return set(keys.tolist()), keys


def copy_shares(run, learned: list[str]) -> dict:
    """Share of synthetic rows and of held-out rows equal to some training row, on the *learned* columns."""
    import numpy as np

    both = _canon(
        __import__("pandas").concat(
            [run.train[learned], run.holdout[learned], run.synthetic[learned]], ignore_index=True
        )
    )
    n_tr, n_ho = len(run.train_rows), len(run.holdout_rows)
    train_keys, _ = _row_keys(both.iloc[:n_tr])
    _, ho_keys = _row_keys(both.iloc[n_tr : n_tr + n_ho])
    _, syn_keys = _row_keys(both.iloc[n_tr + n_ho :])
    syn = np.array([k in train_keys for k in syn_keys], dtype=bool)
    ho = np.array([k in train_keys for k in ho_keys], dtype=bool)
    c = float(ho.mean()) if len(ho) else float("nan")
    noise = 1.6448536269514722 * math.sqrt(c * (1 - c) * (1 / len(syn) + 1 / len(ho))) if len(syn) and len(ho) else 0.0
    return {
        "synthetic_share": float(syn.mean()) if len(syn) else 0.0,
        "holdout_share": c,
        "noise": noise,
        "synthetic_copies": int(syn.sum()),
        "columns": len(learned),
    }


def identifier_leaks(run, df) -> dict:
    """Replaced identifier columns -> how many synthetic values are real values of that column (with examples)."""
    leaks = {}
    for role in run.identifiers:
        if role.role != "direct":
            continue
        col = role.column
        if role.action == "drop":
            if col in run.synthetic.columns:
                leaks[str(col)] = {"kind": role.kind, "present_though_dropped": True}
            continue
        if role.action != "replace" or col not in run.synthetic.columns:
            continue
        real = set(_canon(df[[col]])[col].dropna().tolist()) - {"\x00NA"}
        syn = _canon(run.synthetic[[col]])[col].dropna()
        hits = [v for v in syn.tolist() if v in real and v == v]
        if hits:
            leaks[str(col)] = {"kind": role.kind, "values": len(hits), "examples": sorted(set(map(str, hits)))[:3]}
    return leaks


def text_leaks(run) -> dict:
    """Text columns of run.synthetic -> synthetic values that are one-off long real values of that column."""
    import pandas as pd

    found = {}
    for col in run.synthetic.columns:
        s = run.synthetic[col]
        if col not in run.real.columns or not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        real = run.real[col].dropna()
        real = real[real.map(lambda v: isinstance(v, str))]
        counts = real.value_counts()
        once = {
            v for v, n in counts.items() if n == 1 and (len(v.strip()) >= TEXT_CHARS or len(v.split()) >= TEXT_WORDS)
        }
        if not once:
            continue
        hits = [v for v in s.dropna().tolist() if isinstance(v, str) and v in once]
        if hits:
            found[str(col)] = {"values": len(hits), "distinct": len(set(hits)), "example": hits[0][:80]}
    return found


def check_one(name: str, model: str, max_rows: int, seed: int = 0) -> dict:
    """Fit, evaluate and export one table with one model; the result of every rule (see the module docstring)."""
    import warnings

    from tables import load
    from testing_helpers import frame_hash

    import synthnb
    from synthnb.errors import SynthnbError

    warnings.simplefilter("ignore")
    res: dict = {"table": name, "model": model, "outcome": None, "failures": [], "seconds": {}, "notes": []}
    t0 = time.perf_counter()
    shipped = load(name)
    df = sample_rows(shipped, max_rows, seed)
    res.update(rows_shipped=len(shipped), cols=int(df.shape[1]), rows=len(df))
    res["seconds"]["load"] = round(time.perf_counter() - t0, 2)
    before = frame_hash(df)
    stage = "fit"
    try:
        t = time.perf_counter()
        run = synthnb.fit(df, model=model, seed=seed)
        res["seconds"]["fit"] = round(time.perf_counter() - t, 2)
        _check_run(res, run, df)
        stage = "evaluate"
        ev = None
        try:
            t = time.perf_counter()
            ev = synthnb.evaluate(run)
            res["seconds"]["evaluate"] = round(time.perf_counter() - t, 2)
            _read_evaluation(res, ev)
        except SynthnbError as e:
            res["evaluate_error"] = str(e)[:500]
        stage = "export"
        t = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            try:
                synthnb.export(run, Path(tmp) / "out", ev, name="corpus")
                res["outcome"] = "exported"
            except SynthnbError as e:
                res["outcome"] = "refused" if "export gate refused" in str(e) else "export_error"
                res["refusal"] = str(e)[:2000]
                res["refusal_reasons"] = _gate_reasons(str(e))
        res["seconds"]["export"] = round(time.perf_counter() - t, 2)
        if res["outcome"] == "exported":
            if _copies_over(res["copies"]):
                res["failures"].append("copies_exported")
            if res["text_leaks"]:
                res["failures"].append("real_text_exported")
    except SynthnbError as e:
        res["outcome"] = f"{stage}_error"
        res["message"] = str(e)[:1000]
    except Exception as e:  # the finding: anything but a SynthnbError
        res["outcome"] = "crash"
        res["failures"].append("crash")
        res["crash"] = {
            "stage": stage,
            "type": type(e).__name__,
            "message": str(e)[:500],
            "where": traceback.format_exc()[-1500:],
        }
    if frame_hash(df) != before:
        res["failures"].append("input_mutated")
    res["seconds"]["total"] = round(time.perf_counter() - t0, 2)
    return res


def _copies_over(copies) -> bool:
    """More synthetic copies than held-out ones beyond the sampling noise of the held-out share (rule 4)."""
    return bool(copies) and copies["synthetic_share"] > _base(copies["holdout_share"]) + copies.get("noise", 0.0)


def _base(holdout_share: float) -> float:
    return 0.0 if math.isnan(holdout_share) else holdout_share


def _check_run(res: dict, run, df) -> None:
    roles = [r.to_dict() for r in run.identifiers]
    res["identifiers"] = [{k: r[k] for k in ("column", "role", "kind", "action")} for r in roles]
    dropped = {r.column for r in run.identifiers if r.role == "direct" and r.action == "drop"}
    removed = {r.column for r in run.identifiers if r.role == "direct" and r.action in ("replace", "drop")}
    expected = [c for c in df.columns if c not in dropped]
    got = list(run.synthetic.columns)
    diffs = []
    if got != expected:
        diffs.append(f"columns {got[:8]} != {expected[:8]}")
    else:
        for c in expected:
            if str(run.synthetic[c].dtype) != str(df[c].dtype):
                diffs.append(f"{c}: {run.synthetic[c].dtype} != {df[c].dtype}")
    if diffs:
        res["failures"].append("columns_dtypes")
        res["columns_dtypes"] = diffs[:10]
    learned = [c for c in df.columns if c not in removed and c in run.synthetic.columns]
    res["copies"] = copy_shares(run, learned) if learned else {"synthetic_share": 0.0, "holdout_share": 0.0}
    res["identifier_leaks"] = identifier_leaks(run, df)
    if res["identifier_leaks"]:
        res["failures"].append("identifier_values")
    res["text_leaks"] = text_leaks(run)


def _read_evaluation(res: dict, ev) -> None:
    scores = dict(getattr(ev, "scores", {}) or {})
    res["nan_scores"] = sorted(k for k, v in scores.items() if isinstance(v, float) and math.isnan(v))
    errors = {}
    for section in getattr(ev, "section_names", ()):
        err = getattr(ev[section], "error", None)
        if err is not None:
            errors[section] = str(err)[:300]
    res["section_errors"] = errors


def _gate_reasons(message: str) -> list[str]:
    """The gate's findings, each shortened to its cause (the text before the first colon of a bullet)."""
    reasons = []
    for line in message.splitlines():
        if line.startswith("What you can do"):  # the advice below is no finding
            break
        if line.startswith("- ") and not line.startswith("- and "):  # "- and 3 more ... finding(s)": named above
            reasons.append(line[2:].split(":")[0].strip())
    return reasons


# ---------------------------------------------------------------------------------------------- the parent


def run_isolated(name: str, model: str, *, max_rows: int, timeout: float, seed: int = 0, env=None) -> dict:
    """:func:`check_one` in a fresh Python process (its own session), killed with its children after *timeout*."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", name, "--model", model]
        cmd += ["--max-rows", str(max_rows), "--seed", str(seed), "--result", str(out)]
        child_env = dict(os.environ if env is None else env)
        child_env.setdefault("SYNTHNB_KEY_DIR", str(Path(tmp) / "key"))  # never the user's signing key
        child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), child_env.get("PYTHONPATH", "")]))
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the child and whatever it started, by its own group id
            proc.communicate()
            return {
                "table": name,
                "model": model,
                "outcome": "timeout",
                "failures": ["timeout"],
                "seconds": {"total": round(time.perf_counter() - t0, 1)},
                "limit_s": timeout,
            }
        if out.exists():
            return json.loads(out.read_text())
        text = log.decode("utf-8", "replace")[-1500:]
        return {
            "table": name,
            "model": model,
            "outcome": "crash",
            "failures": ["crash"],
            "crash": {"stage": "process", "type": f"exit {proc.returncode}", "message": text},
            "seconds": {"total": round(time.perf_counter() - t0, 1)},
        }


def write_report(results: list[dict], out: Path, settings: dict) -> tuple[Path, Path]:
    """corpus.json (every result) and corpus.md (the tables a person reads) under *out*."""
    out.mkdir(parents=True, exist_ok=True)
    js = out / "corpus.json"
    js.write_text(json.dumps({"settings": settings, "results": results}, indent=1, default=str) + "\n")
    md = out / "corpus.md"
    md.write_text(render_markdown(results, settings))
    return js, md


def render_markdown(results: list[dict], settings: dict) -> str:
    from collections import Counter

    lines = ["# synthnb corpus run", ""]
    lines.append(
        f"{len({r['table'] for r in results})} tables, {len(results)} runs; models {settings.get('models')}; rows "
        f"capped at {settings.get('max_rows')}; limit {settings.get('timeout')} s per run; synthnb "
        f"{settings.get('synthnb')}; {settings.get('started')}."
    )
    lines += ["", "## Outcomes", "", "| model | " + " | ".join(_OUTCOMES) + " | failures |", "|---" * 8 + "|"]
    for model in sorted({r["model"] for r in results}):
        rs = [r for r in results if r["model"] == model]
        c = Counter(r["outcome"] for r in rs)
        lines.append(
            f"| {model} | "
            + " | ".join(str(c.get(o, 0)) for o in _OUTCOMES)
            + f" | {sum(bool(r['failures']) for r in rs)} |"
        )
    over = [r for r in results if _copies_over(r.get("copies"))]
    lines += [
        "",
        f"Copies: in {len(over)} runs more synthetic rows equal a training row on the learned columns than held-out "
        f"rows do; {sum(r['outcome'] == 'exported' for r in over)} of them were exported anyway, "
        f"{sum(r['outcome'] == 'refused' for r in over)} refused "
        f"({sum(r['outcome'] == 'refused' and 'exact copies' in r.get('refusal_reasons', []) for r in over)} of "
        "those for exact copies).",
    ]
    lines += ["", "## Failures by class", "", "| class | runs | what | example |", "|---|---|---|---|"]
    by_class: dict[str, list[dict]] = {}
    for r in results:
        for f in r["failures"]:
            by_class.setdefault(f, []).append(r)
    for cls, rs in sorted(by_class.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"| {cls} | {len(rs)} | {FAILURES.get(cls, '')} | {_example(cls, rs[0])} |")
    crashes = Counter(
        f"{r['crash']['stage']}: {r['crash']['type']}: {r['crash']['message'][:90]}" for r in results if r.get("crash")
    )
    if crashes:
        lines += ["", "### Crashes (stage: exception: message)", ""]
        lines += [f"- {n} x {_md(k)}" for k, n in crashes.most_common()]
    causes: dict[str, dict[str, list[str]]] = {}  # cause -> run -> columns
    for r in results:
        for reason in r.get("refusal_reasons", []):
            cause, _, column = reason.partition(" in column ")
            cols = causes.setdefault(cause, {}).setdefault(f"{r['table']} ({r['model']})", [])
            if column:
                cols.append(column)
    if causes:
        lines += ["", "## Exports refused, by the gate's reason (runs; examples)", ""]
        for cause, runs in sorted(causes.items(), key=lambda kv: -len(kv[1])):
            examples = [f"{run} {' '.join(cols[:3])}".strip() for run, cols in list(runs.items())[:4]]
            lines.append(f"- {_md(cause)}: {len(runs)} runs; {_md('; '.join(examples))}")
    kinds: dict[str, list[str]] = {}
    for r in results:
        for i in r.get("identifiers") or []:
            if i["role"] == "direct":
                kinds.setdefault(f"{i['kind']} ({i['action']})", []).append(f"{r['table']}:{i['column']}")
    if kinds:
        lines += ["", "## Direct identifiers detected, by kind (runs; columns, first 8)", ""]
        for k, cols in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"- {k}: {len(cols)}; {_md(', '.join(sorted(set(cols))[:8]))}")
    nan = Counter(k for r in results for k in r.get("nan_scores", []))
    if nan:
        lines += ["", "## NaN figures in ev.scores", ""]
        lines += [f"- {n} x {k}" for k, n in nan.most_common(15)]
    sect = Counter(f"{s}: {m[:100]}" for r in results for s, m in r.get("section_errors", {}).items())
    if sect:
        lines += ["", "## Section errors", ""]
        lines += [f"- {n} x {_md(k)}" for k, n in sect.most_common(15)]
    lines += [
        "",
        "## Every run",
        "",
        "| table | rows | cols | model | outcome | fit s | eval s | total s | copies syn / held-out "
        "| identifiers (replaced, dropped) | failures | why |",
        "|---" * 12 + "|",
    ]
    for r in results:
        cp = r.get("copies") or {}
        ids = r.get("identifiers") or []
        rep = ",".join(i["column"] for i in ids if i["action"] == "replace")
        drop = ",".join(i["column"] for i in ids if i["action"] == "drop")
        why = "; ".join(r.get("refusal_reasons", [])) or r.get("message", "") or (r.get("crash") or {}).get("type", "")
        sec = r.get("seconds", {})
        lines.append(
            f"| {r['table']} | {r.get('rows', '')} | {r.get('cols', '')} | {r['model']} | {r['outcome']} | "
            f"{sec.get('fit', '')} | {sec.get('evaluate', '')} | {sec.get('total', '')} | "
            f"{_pct(cp.get('synthetic_share'))} / {_pct(cp.get('holdout_share'))} | {_md(rep)[:60]} ; {_md(drop)[:40]}"
            f" | {', '.join(r['failures'])} | {_md(why)[:120]} |"
        )
    return "\n".join(lines) + "\n"


_OUTCOMES = ("exported", "refused", "fit_error", "export_error", "crash", "timeout")


def _example(cls: str, r: dict) -> str:
    detail = {
        "crash": lambda: f"{r['crash']['stage']}: {r['crash']['type']}: {r['crash']['message'][:80]}",
        "timeout": lambda: f"> {r.get('limit_s')} s",
        "columns_dtypes": lambda: "; ".join(r.get("columns_dtypes", []))[:100],
        "copies_exported": lambda: (
            f"{_pct(r['copies']['synthetic_share'])} of synthetic rows copy a training row vs "
            f"{_pct(r['copies']['holdout_share'])} held out"
        ),
        "identifier_values": lambda: json.dumps(r.get("identifier_leaks"), ensure_ascii=False)[:100],
        "real_text_exported": lambda: json.dumps(r.get("text_leaks"), ensure_ascii=False)[:100],
    }.get(cls, lambda: "")
    return _md(f"{r['table']} ({r['model']}): {detail()}")


def _pct(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%}"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--max-rows", type=int, default=5000)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default="", help="comma-separated table names (default: all)")
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--reverse", action="store_true", help="the tables in reverse order")
    ap.add_argument("--merge", default="", help="comma-separated corpus.json files to join into one report in --out")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.one:  # the child
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        res = check_one(args.one, args.model, args.max_rows, args.seed)
        Path(args.result).write_text(json.dumps(res, default=str))
        return 0

    if args.merge:  # e.g. one run per model, made side by side
        parts = [json.loads(Path(p).read_text()) for p in args.merge.split(",")]
        settings = dict(parts[0]["settings"], models=[m for p in parts for m in p["settings"]["models"]])
        js, md = write_report([r for p in parts for r in p["results"]], Path(args.out), settings)
        print(f"wrote {md} and {js}")
        return 0

    from datetime import datetime, timezone

    from tables import TABLES

    import synthnb

    names = [t.name for t in TABLES] if not args.only else args.only.split(",")
    if args.reverse:  # two runs, one per model, one forward and one back, cover the corpus sooner
        names.reverse()
    models = args.models.split(",")
    settings = {
        "models": models,
        "max_rows": args.max_rows,
        "timeout": args.timeout,
        "seed": args.seed,
        "synthnb": synthnb.__version__,
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tables": len(names),
    }
    results: list[dict] = []
    out = Path(args.out)
    for model in models:  # every table with one model, then the next: a cut-short run still covers the corpus
        for name in names:
            r = run_isolated(name, model, max_rows=args.max_rows, timeout=args.timeout, seed=args.seed)
            results.append(r)
            fails = ",".join(r["failures"]) or "-"
            took = r["seconds"].get("total", 0)
            print(f"{name:48s} {model:16s} {r['outcome']:12s} {took:7.1f}s  {fails}", flush=True)
            write_report(results, out, settings)  # after every run: the tables so far
    js, md = write_report(results, out, settings)
    print(f"wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
