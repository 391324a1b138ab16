"""Record anonymeter's linkability and inference results on three small tables, as an oracle for synthnb.

Run in a virtual environment of its own (anonymeter pins numpy < 1.27, which SDV 2.0 cannot live with):

    python3 -m venv /tmp/anon-venv && /tmp/anon-venv/bin/pip install "numpy<1.27" anonymeter
    /tmp/anon-venv/bin/python tests/oracles/anonymeter/record_anonymeter.py

It writes, beside itself, ``<table>_{ori,syn,control}.csv`` and ``<table>.json`` for the tables ``mixed``,
``categorical`` and ``numerical``. Every row is attacked (``n_attacks`` = rows), so nothing is sampled but
anonymeter's random-guess baseline. Target rows whose nearest synthetic neighbour is tied are dropped before
recording: which of two equally close rows anonymeter's ``argsort`` returns is an accident of its sort, and
the oracle is for the definition, not for that accident. synthnb is not imported here.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from anonymeter.evaluators import InferenceEvaluator, LinkabilityEvaluator
from anonymeter.neighbors.mixed_types_kneighbors import MixedTypeKNeighbors

HERE = Path(__file__).resolve().parent
N_ROWS = 300


def _letters(rng, n, k):
    """*n* random category labels out of *k* ("c00", "c01", ...)."""
    return np.array([f"c{i:02d}" for i in range(k)])[rng.integers(0, k, n)]


def _table(kind: str, rng) -> pd.DataFrame:
    n = 2 * N_ROWS + 200
    if kind == "mixed":
        return pd.DataFrame(
            {
                "age": rng.integers(18, 90, n),
                "city": _letters(rng, n, 25),
                "income": np.round(rng.lognormal(10, 0.6, n), 2),
                "job": _letters(rng, n, 15),
                "hours": rng.integers(5, 80, n),
                "status": _letters(rng, n, 4),
            }
        )
    if kind == "categorical":
        cols = {c: _letters(rng, n, 50) for c in "abcdefghij"}
        return pd.DataFrame({**cols, "s": _letters(rng, n, 4)})
    return pd.DataFrame(
        {
            "x1": np.round(rng.normal(0, 1, n), 4),
            "x2": np.round(rng.normal(5, 2, n), 4),
            "x3": rng.integers(0, 1000, n).astype(float),
            "x4": np.round(rng.uniform(0, 10, n), 4),
            "y": np.round(rng.uniform(10, 100, n), 3),
        }
    )


def _perturbed(rows: pd.DataFrame, fresh: pd.DataFrame, n_changes: int, rng) -> pd.DataFrame:
    """*rows* with *n_changes* values per row replaced by values of fresh rows."""
    rows = rows.reset_index(drop=True).copy()
    for i in range(len(rows)):
        for col in rng.choice(rows.columns, size=n_changes, replace=False):
            rows.loc[i, col] = fresh[col].iloc[rng.integers(len(fresh))]
    return rows


def _synthetic(ori: pd.DataFrame, control: pd.DataFrame, fresh: pd.DataFrame, kind: str, rng) -> pd.DataFrame:
    """Near-copies of original rows plus fresh rows: something for the attacks to find.

    The all-categorical table would tie almost every nearest-neighbour search on random rows, so there every
    original row gets a copy with one value changed and every control row one with two changed.
    """
    if kind == "categorical":
        return pd.concat([_perturbed(ori, fresh, 1, rng), _perturbed(control, fresh, 2, rng)], ignore_index=True)
    half = len(ori) // 2
    copies = _perturbed(ori.sample(half, random_state=int(rng.integers(1 << 31))), fresh, 1, rng)
    return pd.concat([copies, fresh.iloc[: len(ori) - half]], ignore_index=True)


def _tied(targets: pd.DataFrame, syn: pd.DataFrame, cols: list[str]) -> np.ndarray:
    dist, _ = (
        MixedTypeKNeighbors(n_neighbors=2, n_jobs=1).fit(syn[cols]).kneighbors(targets[cols], return_distance=True)
    )
    return np.isclose(dist[:, 0], dist[:, 1], rtol=0, atol=1e-9)


def _searches(columns, known):
    half = (len(columns) + 1) // 2
    return [list(columns[:half]), list(columns[half:]), list(known)]


def _tie_free(ori, control, syn, searches):
    """Drop target rows with a tied nearest neighbour until none is left (ranges move as rows go)."""
    while True:
        bad_o = np.zeros(len(ori), bool)
        bad_c = np.zeros(len(control), bool)
        for cols in searches:
            bad_o |= _tied(ori, syn, cols)
            bad_c |= _tied(control, syn, cols)
        if not bad_o.any() and not bad_c.any() and len(ori) == len(control):
            return ori, control
        ori = ori[~bad_o].reset_index(drop=True)
        control = control[~bad_c].reset_index(drop=True)
        n = min(len(ori), len(control))
        ori, control = ori.head(n), control.head(n)


def _record(results, n_baseline_attacks) -> dict:
    risk = results.risk()
    return {
        "n_attacks": results.n_attacks_ori,
        "n_success": int(results.n_success),
        "n_control_attacks": results.n_attacks_control,
        "n_control": int(results.n_control),
        "n_baseline": int(results.n_baseline),
        "n_baseline_attacks": n_baseline_attacks,
        "attack_rate": results.attack_rate.value,
        "attack_error": results.attack_rate.error,
        "control_rate": results.control_rate.value,
        "control_error": results.control_rate.error,
        "baseline_rate": results.baseline_rate.value,
        "risk": risk.value,
        "ci_low": risk.ci[0],
        "ci_high": risk.ci[1],
    }


def main() -> None:
    specs = {
        "mixed": {"known": ["age", "city", "job"], "secret": "status", "regression": False},
        "categorical": {"known": ["a", "c", "e", "g", "i"], "secret": "s", "regression": False},
        "numerical": {"known": ["x1", "x2", "x3"], "secret": "y", "regression": True},
    }
    for seed, (name, spec) in enumerate(specs.items()):
        rng = np.random.default_rng(seed)
        table = _table(name, rng)
        ori, control, fresh = table.iloc[:N_ROWS], table.iloc[N_ROWS : 2 * N_ROWS], table.iloc[2 * N_ROWS :]
        syn = _synthetic(ori, control, fresh.reset_index(drop=True), name, rng)
        columns = list(table.columns)
        ori, control = _tie_free(
            ori.reset_index(drop=True), control.reset_index(drop=True), syn, _searches(columns, spec["known"])
        )
        parts = {"ori": ori, "syn": syn, "control": control}
        for part, frame in parts.items():
            frame.to_csv(HERE / f"{name}_{part}.csv", index=False)
        # anonymeter sees exactly what the test will read back
        ori, syn, control = (pd.read_csv(HERE / f"{name}_{part}.csv") for part in ("ori", "syn", "control"))
        half = (len(columns) + 1) // 2
        split = (columns[:half], columns[half:])
        link = LinkabilityEvaluator(
            ori=ori, syn=syn, control=control, aux_cols=split, n_attacks=len(ori), n_neighbors=1
        ).evaluate(n_jobs=1)
        inf = InferenceEvaluator(
            ori=ori,
            syn=syn,
            control=control,
            aux_cols=spec["known"],
            secret=spec["secret"],
            regression=spec["regression"],
            n_attacks=len(ori),
        ).evaluate(n_jobs=1)
        out = {
            "anonymeter": version("anonymeter"),
            "numpy": version("numpy"),
            "pandas": version("pandas"),
            "rows": {"ori": len(ori), "syn": len(syn), "control": len(control)},
            "linkability": {
                "aux_cols": [list(s) for s in split],
                "n_neighbors": 1,
                **_record(link.results(), len(ori)),
            },
            "inference": {
                "aux_cols": spec["known"],
                "secret": spec["secret"],
                "regression": spec["regression"],
                **_record(inf.results(), min(len(syn), len(ori))),
            },
        }
        (HERE / f"{name}.json").write_text(json.dumps(out, indent=2) + "\n")
        print(
            name,
            out["rows"],
            "linkability risk",
            out["linkability"]["risk"],
            "inference risk",
            out["inference"]["risk"],
        )


if __name__ == "__main__":
    main()
