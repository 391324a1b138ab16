"""A leaderboard across generators: fit and evaluate each on the same table, in parallel processes.

Plain Python: no IPython here. The fits go through :func:`synthnb.fit` (identifiers, seeding and provenance
are the fit's own) and the figures are :func:`synthnb.evaluate`'s. The work is handed to joblib, so whatever
backend is active runs it: loky processes by default, a Dask or Ray cluster under
``joblib.parallel_config(backend="dask")``. A worker receives the table and the fit's arguments and returns
the Run and its Evaluation; the same seed gives the same bytes in any process, so the backend never changes
the leaderboard. (The module is ``comparison`` so that ``synthnb.compare`` is only ever the function.)
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from synthnb._threads import available_cpus, cpu_share
from synthnb.errors import SynthnbError

__all__ = ["Column", "Entry", "Leaderboard", "compare"]


@dataclass(frozen=True)
class Column:
    """One leaderboard column: its key, its heading and which way is better (``higher``, ``lower``)."""

    key: str
    label: str
    better: str
    #: how values are written: ``score`` (3 decimals), ``share`` (a gap, 3 decimals) or ``seconds``
    kind: str = "score"


@dataclass(frozen=True, eq=False)
class Entry:
    """One generator's row: its bound name, Run, Evaluation and the figures shown."""

    name: str
    run: Any
    evaluation: Any
    values: dict[str, float]
    #: the thread counts the worker set and read back (threadpoolctl, torch, numba) while it ran
    threads: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> str:
        return self.run.spec.model


@dataclass(frozen=True, eq=False)
class Leaderboard:
    """The result of :func:`compare`: one :class:`Entry` per generator and the columns they are compared on."""

    entries: tuple[Entry, ...]
    columns: tuple[Column, ...]
    jobs: int
    seconds: float

    @property
    def runs(self) -> dict[str, Any]:
        """Bound name -> Run, in the order of the models asked for."""
        return {e.name: e.run for e in self.entries}

    @property
    def evaluations(self) -> dict[str, Any]:
        """Bound name -> Evaluation."""
        return {e.name: e.evaluation for e in self.entries}

    def best(self) -> dict[str, tuple[str, ...]]:
        """Column key -> the model(s) with the best value in it (every tied one)."""
        out = {}
        for col in self.columns:
            values = {e.model: e.values.get(col.key, math.nan) for e in self.entries}
            known = {m: v for m, v in values.items() if not math.isnan(v)}
            if not known:
                out[col.key] = ()
                continue
            top = max(known.values()) if col.better == "higher" else min(known.values())
            out[col.key] = tuple(m for m, v in known.items() if v == top)
        return out

    def table(self):
        """The leaderboard as a DataFrame: one row per model, one column per figure (NaN where not computed)."""
        import pandas as pd

        return pd.DataFrame(
            [[e.values.get(c.key, math.nan) for c in self.columns] for e in self.entries],
            index=pd.Index([e.model for e in self.entries], name="model"),
            columns=[c.label for c in self.columns],
        )

    @property
    def tradeoff(self) -> str:
        """One sentence on fidelity against privacy (and utility), computed from the figures shown."""
        return tradeoff_sentence(self)

    def to_text(self) -> str:
        """A fixed-width table, the best value of each column starred, then the trade-off sentence."""
        best = self.best()
        head = ["model", *(c.label for c in self.columns)]
        rows = [
            [e.model, *(_cell(e.values.get(c.key, math.nan), c, e.model in best[c.key]) for c in self.columns)]
            for e in self.entries
        ]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines = [
            "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))
            for r in [head, *rows]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join([*lines, "", f"* best in its column.{self.missing_note} {self.tradeoff}"])

    @property
    def missing_note(self) -> str:
        """What a dash means, when the leaderboard has one (else empty)."""
        if any(math.isnan(e.values.get(c.key, math.nan)) for e in self.entries for c in self.columns):
            return " — not computed: that section failed for the model (%synth report NAME says why)."
        return ""

    def to_html(self) -> str:
        """The static leaderboard (a plain HTML table, best values marked); what the widget falls back to."""
        from synthnb.dashboard.leaderboard import leaderboard_html

        return leaderboard_html(self)

    def state(self) -> dict[str, Any]:
        """What the sortable widget draws: columns, rows (values and their text), the best per column, the sentence."""
        best = self.best()
        return {
            "columns": [{"key": c.key, "label": c.label, "better": c.better} for c in self.columns],
            "rows": [
                {
                    "model": e.model,
                    "name": e.name,
                    "values": {c.key: _json_number(e.values.get(c.key, math.nan)) for c in self.columns},
                    "text": {c.key: _cell(e.values.get(c.key, math.nan), c, False) for c in self.columns},
                }
                for e in self.entries
            ],
            "best": {k: list(v) for k, v in best.items()},
            "sentence": self.tradeoff,
            "note": self.missing_note,
        }

    def widget(self):
        """The sortable leaderboard (an anywidget; its display bundle carries :meth:`to_html` as the fallback)."""
        from synthnb.dashboard.leaderboard import LeaderboardWidget

        return LeaderboardWidget(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # JupyterLab (which sets JPY_SESSION_NAME) does not run scripts in HTML output: sort in a widget there
        if os.environ.get("JPY_SESSION_NAME"):
            bundle = self.widget()._repr_mimebundle_()
            return bundle[0] if isinstance(bundle, tuple) else bundle
        return {"text/html": self.to_html(), "text/plain": self.to_text()}

    def __repr__(self) -> str:
        return f"<synthnb.Leaderboard of {', '.join(e.model for e in self.entries)}>"


def _json_number(value: float):
    return None if math.isnan(value) else float(value)


def _cell(value: float, col: Column, best: bool) -> str:
    if math.isnan(value):
        return "—"
    text = f"{value:.2f} s" if col.kind == "seconds" else f"{value:.3f}"
    return text + (" *" if best else "")


def tradeoff_sentence(board: Leaderboard) -> str:
    """The most faithful model against the most and least private ones, in one or two sentences."""
    entries = [e for e in board.entries if not math.isnan(e.values.get("fidelity", math.nan))]
    if len(board.entries) < 2:
        return "Only one model was compared."
    if not entries:
        return "No fidelity figure was computed, so no trade-off can be stated."
    faithful = max(entries, key=lambda e: e.values["fidelity"])
    fid = faithful.values["fidelity"]
    private = [e for e in entries if not math.isnan(e.values.get("privacy", math.nan))]
    if not private or faithful not in private:
        text = f"The most faithful is {faithful.model} (fidelity {fid:.3f}); its privacy figure was not computed."
    else:
        most = max(private, key=lambda e: e.values["privacy"])
        least = min(private, key=lambda e: e.values["privacy"])
        priv = faithful.values["privacy"]
        if most.values["privacy"] == least.values["privacy"]:
            text = (
                f"The most faithful is {faithful.model} (fidelity {fid:.3f}); every model has the same privacy "
                f"score ({priv:.3f}), so fidelity costs no privacy here."
            )
        elif priv == least.values["privacy"]:
            text = (
                f"The most faithful ({faithful.model}, fidelity {fid:.3f}) is the least private (privacy "
                f"{priv:.3f}); the most private is {most.model} (privacy {most.values['privacy']:.3f}, fidelity "
                f"{most.values['fidelity']:.3f})."
            )
        elif priv == most.values["privacy"]:
            text = (
                f"The most faithful ({faithful.model}, fidelity {fid:.3f}) is also the most private (privacy "
                f"{priv:.3f}): no trade-off between the two on this table."
            )
        else:
            text = (
                f"The most faithful ({faithful.model}, fidelity {fid:.3f}) has privacy {priv:.3f}; the most private "
                f"is {most.model} (privacy {most.values['privacy']:.3f}, fidelity {most.values['fidelity']:.3f}) "
                f"and the least private {least.model} (privacy {least.values['privacy']:.3f})."
            )
    useful = [e for e in board.entries if not math.isnan(e.values.get("utility", math.nan))]
    if useful:
        top = max(useful, key=lambda e: e.values["utility"])
        text += f" Best utility: {top.model} ({top.values['utility']:.3f})."
    return text


def compare(
    df,
    models: str | Iterable[str] | None = None,
    *,
    rows: int | None = None,
    seed: int = 0,
    holdout: float = 0.2,
    epochs: int | None = None,
    sensitive: str | Iterable[str] | None = None,
    target: str | None = None,
    keep: str | Iterable[str] | None = None,
    identifiers: str | Iterable[str] | None = None,
    jobs: int | None = None,
    name: str = "df",
) -> Leaderboard:
    """Fit every generator in *models* on *df*, evaluate each, and rank them in a leaderboard.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table (never modified). Every model gets the same holdout split (it depends on *seed* only).
    models : str or list of str, optional
        Generator names (``"gaussian_copula,ctgan"`` or a list); default every one in
        :data:`synthnb.generators.MODELS`.
    rows, seed, holdout, sensitive, target, keep, identifiers
        As for :func:`synthnb.fit`, the same for every model.
    epochs : int, optional
        Training epochs of the neural models (ignored by the others).
    jobs : int, optional
        Parallel fits (joblib ``n_jobs``); default one per model, at most one per usable core. Each fit's worker
        limits BLAS/OpenMP and numba to ``usable cores // jobs`` threads. The active joblib backend runs them:
        ``with joblib.parallel_config(backend="dask"): synthnb.compare(...)`` sends them to a Dask cluster.
    name : str
        Prefix of each run's name: runs are named ``<name>_<model>``.

    Returns
    -------
    Leaderboard
        Fidelity, utility (with a target), privacy and each of its figures, the worst base-rate gap of each
        sensitive column (with a target), fit and sample seconds; the best per column marked.
    """
    import joblib

    from synthnb._frames import check_frame
    from synthnb.generators import MODELS, NEURAL_MODELS, canonical_model
    from synthnb.spec import check_identifier, make_spec

    check_frame(df, "df")
    check_identifier(name, "the table's name")
    chosen = _models(models, MODELS, canonical_model)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise SynthnbError(f"jobs must be a positive whole number, got {jobs!r}; for example jobs=2.")
    n_jobs = jobs or max(1, min(len(chosen), available_cpus()))
    calls = []
    for model in chosen:
        params = {"epochs": epochs} if epochs is not None and model in NEURAL_MODELS else {}
        kwargs = dict(model=model, rows=rows, seed=seed, holdout=holdout, sensitive=sensitive, target=target, keep=keep)
        if identifiers is not None:
            kwargs["identifiers"] = identifiers
        make_spec(df.columns, len(df), params=params, **kwargs)  # a bad argument fails here, before any worker starts
        calls.append((f"{name}_{model}", {**kwargs, **params}))
    t0 = time.perf_counter()
    results = joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(_fit_and_evaluate)(df, kw, n_jobs, nm) for nm, kw in calls)
    seconds = time.perf_counter() - t0
    entries = tuple(
        Entry(nm, run, ev, leaderboard_values(run, ev), threads)
        for (nm, _), (run, ev, threads) in zip(calls, results, strict=True)
    )
    return Leaderboard(entries=entries, columns=_columns(entries), jobs=n_jobs, seconds=seconds)


def _models(models, known: dict, canonical) -> list[str]:
    from synthnb.spec import split_columns

    names = list(known) if models is None else list(split_columns(models))
    if not names:
        raise SynthnbError(f"no model named; choose from: {', '.join(known)}.")
    return list(dict.fromkeys(canonical(m) for m in names))


def _fit_and_evaluate(df, kwargs: dict, n_jobs: int, name: str):
    """The work of one worker: fit, evaluate every section, with its share of the cores. Returns picklable parts."""
    import joblib

    from synthnb.api import fit
    from synthnb.evaluation import evaluate

    threads = max(1, available_cpus() // n_jobs)
    # joblib inside the worker (scikit-learn's) runs in line: under the dask backend it would otherwise send
    # nested tasks back to the cluster, whose workers may all be busy with fits (a deadlock)
    with cpu_share(threads) as observed, joblib.parallel_config(backend="sequential"):
        run = fit(df, **kwargs)
        evaluation = evaluate(run, name=name)  # every default section, computed here
    return run, evaluation, observed


def leaderboard_values(run, evaluation) -> dict[str, float]:
    """The figures of one row, read from *evaluation* (NaN for a section that failed or was not computed)."""
    values = {"fidelity": _score(evaluation, "fidelity")}
    if "utility" in evaluation.section_names:  # only with a target
        values["utility"] = _score(evaluation, "utility")
    values["privacy"] = _score(evaluation, "privacy")
    privacy = _section(evaluation, "privacy")
    if privacy is not None and "figure_scores" in privacy.tables:
        table = privacy.tables["figure_scores"]
        for figure, score in zip(table["figure"], table["score"], strict=True):
            values[f"privacy: {figure}"] = float(score)
    fairness = _section(evaluation, "fairness")
    for col in evaluation.context.sensitive if "fairness" in evaluation.section_names else ():
        values[f"gap: {col}"] = (
            worst_base_rate_gap(fairness.tables[f"base_rates_{col}"])
            if fairness is not None and f"base_rates_{col}" in fairness.tables
            else math.nan
        )
    values["fit seconds"] = float(run.timings.get("fit", math.nan))
    values["sample seconds"] = float(run.timings.get("sample", math.nan))
    return values


def worst_base_rate_gap(rates) -> float:
    """The largest |synthetic − real| target rate over the groups the fairness section counts (1 if one is missing).

    *rates* is the fairness section's ``base_rates_<column>`` table; groups with too few real rows to count
    there do not count here either.
    """
    counted = rates[rates["counts"]]
    if counted.empty:
        return math.nan
    gaps = (counted["synthetic"] - counted["real"]).abs()
    return 1.0 if gaps.isna().any() else float(gaps.max())


def _section(evaluation, name: str):
    if name not in evaluation.section_names:
        return None
    sec = evaluation.section(name)
    return sec if sec.ok else None


def _score(evaluation, name: str) -> float:
    sec = _section(evaluation, name)
    return math.nan if sec is None or sec.score is None else float(sec.score)


def _columns(entries: tuple[Entry, ...]) -> tuple[Column, ...]:
    """Every figure some entry has, in a fixed order: scores, privacy figures, base-rate gaps, seconds."""
    keys = list(dict.fromkeys(k for e in entries for k in e.values))
    order = {"fidelity": 0, "utility": 1, "privacy": 2}
    rank = {
        k: (order.get(k, 3 if k.startswith("privacy: ") else 4 if k.startswith("gap: ") else 5), i)
        for i, k in enumerate(keys)
    }
    out = []
    for key in sorted(keys, key=rank.get):
        if key.endswith("seconds"):
            out.append(Column(key, key.replace(" seconds", " s"), "lower", "seconds"))
        elif key.startswith("gap: "):
            out.append(Column(key, f"base-rate gap {key[5:]}", "lower", "share"))
        elif key.startswith("privacy: "):
            out.append(Column(key, key[9:], "higher"))
        else:
            out.append(Column(key, key, "higher"))
    return tuple(out)
