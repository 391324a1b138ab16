"""The model-collapse lab: refit a generator on its own output, generation after generation, and measure the loss.

Generation 0 is fitted on the real table. Generation k+1 is fitted on a table of N rows: round(f·N) real rows
drawn without replacement plus N − round(f·N) rows drawn without replacement from generation k's output, for each
mix f of real rows ("real_fraction"). Every generation is scored against the original real table, so what is
lost (the tails of numeric columns, rare categories, small groups) shows as it goes, and the mixes show what
fresh real data holds back.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError
from synthnb.progress import ProgressCallback, emit

__all__ = ["DEFAULT_ROWS", "CollapseLab", "collapse_lab"]

#: rows of the lab by default (a seeded subsample of a larger table): about 1 s per Gaussian-copula refit
DEFAULT_ROWS = 5000
#: the ``column`` value of a figure summarised over every column
ALL = "(all)"
#: the ``column`` value of the coverage of rare categories only (each below :data:`RARE_SHARE` of the real rows)
RARE = "(rare)"
#: a category holding less than this share of the real rows is rare: the first to vanish
RARE_SHARE = 0.01
#: the group label of missing values in a sensitive column
MISSING = "(missing)"
_TABLE_COLUMNS = ["mix", "generation", "metric", "column", "group", "value"]


@dataclass(frozen=True, eq=False)
class CollapseLab:
    """What :func:`collapse_lab` measured; displaying it in a notebook shows the plot and a summary table.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per figure: ``mix`` (share of real rows in each refit), ``generation`` (0 = fitted on the real
        table), ``metric``, ``column`` (``"(all)"`` for a summary over columns), ``group`` (sensitive groups
        only, else None) and ``value``. Metrics: ``quality``, ``column_shapes``, ``pair_trends`` (sdmetrics'
        QualityReport against the original real rows), ``column_shape`` (per column), ``category_coverage``
        (share of the real categories present; ``(all)`` pools every categorical column, ``(rare)`` pools the
        categories holding less than 1 % of the real rows), ``range_coverage``
        (sdmetrics' RangeCoverage per numeric column; ``(all)`` is the mean), ``variance_ratio`` (synthetic
        variance / real variance per numeric column; ``(all)`` is the median) and ``group_share`` (share of
        rows in each group of each sensitive column).
    reference : pandas.DataFrame
        The real table's own ``group_share`` (``metric``, ``column``, ``group``, ``value``).
    real : pandas.DataFrame
        The real rows of the lab (a seeded subsample when the table has more than *rows* rows).
    synthetic : Mapping
        ``(mix, generation) -> DataFrame``; generation 0 is the same table for every mix.
    sources : pandas.DataFrame
        What each generation was fitted on: ``mix``, ``generation``, ``real_rows``, ``synthetic_rows``.
    real_positions, synthetic_positions : Mapping
        ``(mix, generation) -> positions`` of the rows of that generation's training table: in ``real``, and in
        the previous generation's table. Generation 0 is fitted on every real row.
    fit_seeds : Mapping
        ``(mix, generation) -> seed`` passed to :func:`synthnb.fit`, decided by (seed, mix, generation).
    """

    table: Any
    reference: Any
    real: Any
    synthetic: Mapping
    sources: Any
    real_positions: Mapping
    synthetic_positions: Mapping
    fit_seeds: Mapping
    model: str
    seed: int
    rows: int
    source_rows: int
    generations: int
    real_fraction: tuple[float, ...]
    sensitive: tuple[str, ...]
    data_columns: tuple[str, ...]
    params: dict = field(default_factory=dict)
    seconds: float = 0.0

    def __repr__(self) -> str:
        mixes = ", ".join(f"{f:g}" for f in self.real_fraction)
        return (
            f"<CollapseLab {self.model}: {self.rows:,} rows, generations 0–{self.generations}, "
            f"real_fraction=({mixes}), seed={self.seed}>"
        )

    def final(self, metric: str, column: str = ALL, group: str | None = None) -> dict[float, float]:
        """``{mix: value}`` of *metric* at the last generation (``group`` for ``group_share``)."""
        return self._at(self.generations, metric, column, group)

    def first(self, metric: str, column: str = ALL, group: str | None = None) -> float:
        """*metric* at generation 0 (the same for every mix)."""
        return next(iter(self._at(0, metric, column, group).values()))

    def _at(self, generation: int, metric: str, column: str, group: str | None) -> dict[float, float]:
        t = self.table
        rows = t[(t["generation"] == generation) & (t["metric"] == metric) & (t["column"] == column)]
        rows = rows[rows["group"].isna()] if group is None else rows[rows["group"] == group]
        if rows.empty:
            raise SynthnbError(
                f"the lab has no {metric!r} for column {column!r}"
                + (f", group {group!r}" if group is not None else "")
                + f"; the metrics are {sorted(t['metric'].unique())}."
            )
        return {float(m): float(v) for m, v in zip(rows["mix"], rows["value"], strict=True)}

    def smallest_groups(self, n: int = 2) -> list[tuple[str, str, float]]:
        """The *n* smallest real groups over the sensitive columns: ``(column, group, real share)``."""
        ref = self.reference.sort_values(["value", "column", "group"])
        return [(str(c), str(g), float(v)) for c, g, v in zip(ref["column"], ref["group"], ref["value"], strict=True)][
            :n
        ]

    def lost_categories(self, mix: float, generation: int | None = None) -> list[tuple[str, str]]:
        """``(column, category)`` of the real categories gone from a generation (default: the last) of *mix*."""
        generation = self.generations if generation is None else generation
        if (mix, generation) not in self.synthetic:
            raise SynthnbError(
                f"the lab has no generation {generation!r} of mix {mix!r}; mixes {self.real_fraction}, "
                f"generations 0 to {self.generations}."
            )
        synthetic = self.synthetic[(mix, generation)]
        t = self.table
        columns = t.loc[(t["metric"] == "category_coverage") & ~t["column"].str.startswith("("), "column"].unique()
        out = []
        for col in columns:
            gone = set(self.real[col].dropna().unique()) - set(synthetic[col].dropna().unique())
            out += sorted((str(col), str(v)) for v in gone)
        return out

    def note(self) -> str:
        """One sentence on how the lab was run: subsample, model, refits, holdout."""
        sub = (
            f"a seeded subsample of {self.rows:,} of the table's {self.source_rows:,} rows"
            if self.rows < self.source_rows
            else f"all {self.rows:,} rows of the table"
        )
        return (
            f"{self.model} fitted on {sub} (generation 0), then refitted {self.generations} times on its own "
            f"output, {self.rows:,} rows each; every fit uses synthnb.fit with holdout=0 (all the rows it is "
            "given), and every generation is scored against the original real rows."
        )

    def summary(self):
        """Generation 0 against the last generation, per mix: the figures a person reads first."""
        import pandas as pd

        picks = [
            ("fidelity (sdmetrics quality)", "quality", ALL, None),
            ("categories present", "category_coverage", ALL, None),
            ("rare categories present (< 1 % of rows)", "category_coverage", RARE, None),
            ("numeric range covered (mean)", "range_coverage", ALL, None),
            ("variance ratio (median)", "variance_ratio", ALL, None),
        ]
        picks += [(f"share of {c} = {g}", "group_share", c, g) for c, g, _ in self.smallest_groups()]
        ref = {(c, g): v for c, g, v in self.smallest_groups()}
        records = []
        t = self.table
        for label, metric, column, group in picks:
            if not ((t["metric"] == metric) & (t["column"] == column)).any():  # e.g. no rare category in a small table
                continue
            record = {
                "figure": label,
                "real": ref.get((column, group)),
                "generation 0": self.first(metric, column, group),
            }
            for mix, value in self.final(metric, column, group).items():
                record[f"gen {self.generations} · {mix:.0%} real"] = value
            records.append(record)
        return pd.DataFrame.from_records(records)

    def figure_spec(self) -> dict:
        """The plot as plain data (see :mod:`synthnb.labs._figure`)."""
        from synthnb.labs._figure import collapse_spec

        return collapse_spec(self)

    def png(self) -> bytes:
        """The plot as PNG bytes."""
        from synthnb.labs._figure import figure_png

        return figure_png(self.figure_spec())

    def save_png(self, path) -> str:
        """Write the plot to *path* (a ``.png`` file); returns the path."""
        from pathlib import Path

        target = Path(path)
        target.write_bytes(self.png())
        return str(target)

    def to_markdown(self) -> str:
        """A Markdown summary: the note, the equivalent call, and the summary table."""
        mixes = ", ".join(f"{f:g}" for f in self.real_fraction)
        table = self.summary()
        head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
        body = "".join(
            "| "
            + " | ".join(_cell(v, percent=not str(r["figure"]).startswith(("fidelity", "variance"))) for v in r)
            + " |\n"
            for _, r in table.iterrows()
        )
        gone = []
        for mix in self.real_fraction:
            lost = self.lost_categories(mix)
            shown = ", ".join(f"{c}={v}" for c, v in lost[:8]) + (", …" if len(lost) > 8 else "")
            gone.append(f"- {mix:.0%} real: {len(lost)}" + (f" ({shown})" if lost else ""))
        return (
            "**synthnb · model-collapse lab**: " + self.note() + "\n\n"
            f"Mixes of fresh real rows per refit: {mixes}; seed {self.seed}.\n\n" + head + body + "\n"
            f"Real categories gone by generation {self.generations}:\n" + "\n".join(gone) + "\n"
        )

    def _repr_html_(self) -> str:
        import base64

        table = self.summary()
        head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>" for c in table.columns)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td style='text-align:left'>"
                f"{html.escape(_cell(v, percent=not str(r['figure']).startswith(('fidelity', 'variance'))))}</td>"
                for v in r
            )
            + "</tr>"
            for _, r in table.iterrows()
        )
        uri = "data:image/png;base64," + base64.b64encode(self.png()).decode("ascii")
        alt = (
            "Model-collapse lab: fidelity, category coverage, range coverage, variance and small groups per generation"
        )
        return (
            "<div class='synthnb-collapse'>"
            f"<p><b>synthnb · model-collapse lab</b>: {html.escape(self.note())}</p>"
            f"<img src='{uri}' alt='{html.escape(alt)}' style='max-width:100%;width:900px'>"
            f"<table><tr>{head}</tr>{body}</table>"
            f"<p>Real categories gone by generation {self.generations}: "
            + html.escape(" · ".join(f"{m:.0%} real: {len(self.lost_categories(m))}" for m in self.real_fraction))
            + "</p></div>"
        )


def _cell(value, *, percent: bool) -> str:
    if isinstance(value, str):
        return value
    if value is None or value != value:
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def collapse_lab(
    df,
    generations: int = 5,
    real_fraction: float | Iterable[float] = (0.0, 0.1, 0.5),
    model: str = "gaussian_copula",
    rows: int | None = None,
    seed: int = 0,
    sensitive: str | Iterable[str] | None = None,
    *,
    progress: ProgressCallback | None = None,
    **model_params: Any,
) -> CollapseLab:
    """Refit a generator on its own output for *generations* rounds and measure what is lost.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table. It is never modified.
    generations : int
        Refits after generation 0 (generation 0 is fitted on the real rows): generations 0 to *generations*.
    real_fraction : float or sequence of float
        The mixes: for each f in [0, 1], every refit takes round(f·N) real rows (drawn without replacement) and
        the rest from the previous generation's output. 0 is pure self-consumption.
    model : str
        The generator, as for :func:`synthnb.fit`. Gaussian copula (the default) takes about a second per refit
        of 5,000 rows; neural models are slow here (pass e.g. ``epochs=5``).
    rows : int, optional
        N, the rows of the lab: a seeded subsample of *df* when smaller than it (default min(len(df), 5,000)),
        and the rows every generation samples.
    seed : int
        Decides the subsample and, through (seed, mix, generation), every fit and every draw: same arguments,
        same table of metrics.
    sensitive : str or list of str, optional
        Columns whose groups' shares are followed (e.g. ``"race"``): the small groups thin out first.
    progress : callable, optional
        Receives a ``fit`` event per generation fitted.
    **model_params
        Passed to :func:`synthnb.fit` (e.g. ``epochs=5`` for CTGAN).

    Returns
    -------
    CollapseLab
        ``.table`` holds every figure; displaying it shows the plot.
    """
    import numpy as np
    import pandas as pd

    from synthnb._frames import check_frame
    from synthnb.api import fit
    from synthnb.generators import canonical_model
    from synthnb.generators.sdv_adapter import table_metadata
    from synthnb.spec import split_columns

    t0 = time.perf_counter()
    check_frame(df, "df")
    model = canonical_model(model)
    generations = _check_generations(generations)
    mixes = _check_mixes(real_fraction)
    n = _check_rows(rows, len(df))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SynthnbError(f"seed must be a non-negative integer, got {seed!r}; for example seed=0.")
    sens = split_columns(sensitive)
    for col in sens:
        if col not in df.columns:
            raise SynthnbError(
                f"sensitive column {col!r} is not in the table; pick one of: {', '.join(map(str, df.columns))}."
            )

    if n < len(df):
        picked = np.sort(_rng(seed, "subsample").choice(len(df), size=n, replace=False))
        real = df.iloc[picked].reset_index(drop=True)
    else:
        real = df.reset_index(drop=True).copy(deep=True)

    total = 1 + generations * len(mixes)
    emit(progress, "fit", 0, total, f"generation 0 on {n:,} real rows")
    base = fit(real, model=model, rows=n, seed=_fit_seed(seed, 0.0, 0), holdout=0, **model_params)
    direct = {r.column for r in base.identifiers if r.role == "direct"}
    for col in sens:
        if col in direct:
            raise SynthnbError(
                f"sensitive column {col!r} is a direct identifier (it names a person), so its groups are single "
                "people; pick a demographic column such as sex or race."
            )
    columns = tuple(c for c in real.columns if c not in direct and c in base.synthetic.columns)
    metadata = table_metadata(base)
    metadata = {"columns": {c: metadata["columns"][c] for c in columns if c in metadata["columns"]}}
    kinds = _kinds(metadata, real[list(columns)])
    scorer = _Scorer(real[list(columns)], metadata, kinds, sens)

    records = []
    synthetic = {}
    sources = []
    positions, syn_positions, fit_seeds = {}, {}, {}
    gen0 = scorer.score(base.synthetic)
    done = 1
    emit(progress, "fit", done, total, "generation 0 fitted")
    for mix in mixes:
        synthetic[(mix, 0)] = base.synthetic
        sources.append({"mix": mix, "generation": 0, "real_rows": n, "synthetic_rows": 0})
        positions[(mix, 0)], syn_positions[(mix, 0)] = np.arange(n), np.arange(0)
        fit_seeds[(mix, 0)] = _fit_seed(seed, mix, 0)
        records += [{"mix": mix, "generation": 0, **r} for r in gen0]
        previous = base.synthetic
        for gen in range(1, generations + 1):
            n_real = round(mix * n)
            draw = _rng(seed, "draw", mix, gen)
            real_pos = np.sort(draw.choice(n, size=n_real, replace=False))
            syn_pos = np.sort(draw.choice(len(previous), size=n - n_real, replace=False))
            train = pd.concat([real.iloc[real_pos], previous.iloc[syn_pos]], ignore_index=True)
            fit_seeds[(mix, gen)] = _fit_seed(seed, mix, gen)
            run = fit(train, model=model, rows=n, seed=fit_seeds[(mix, gen)], holdout=0, **model_params)
            previous = run.synthetic
            synthetic[(mix, gen)] = previous
            positions[(mix, gen)], syn_positions[(mix, gen)] = real_pos, syn_pos
            sources.append({"mix": mix, "generation": gen, "real_rows": n_real, "synthetic_rows": n - n_real})
            records += [{"mix": mix, "generation": gen, **r} for r in scorer.score(previous)]
            done += 1
            emit(progress, "fit", done, total, f"{mix:.0%} real, generation {gen}")

    table = pd.DataFrame.from_records(records, columns=_TABLE_COLUMNS)
    table["generation"] = table["generation"].astype(int)
    return CollapseLab(
        table=table,
        reference=scorer.reference(),
        real=real,
        synthetic=synthetic,
        sources=pd.DataFrame.from_records(sources, columns=["mix", "generation", "real_rows", "synthetic_rows"]),
        real_positions=positions,
        synthetic_positions=syn_positions,
        fit_seeds=fit_seeds,
        model=model,
        seed=seed,
        rows=n,
        source_rows=len(df),
        generations=generations,
        real_fraction=mixes,
        sensitive=sens,
        data_columns=columns,
        params=dict(model_params),
        seconds=time.perf_counter() - t0,
    )


def _check_generations(generations) -> int:
    if isinstance(generations, bool) or not isinstance(generations, int) or not 1 <= generations <= 50:
        raise SynthnbError(
            f"generations must be a whole number from 1 to 50 (refits after generation 0), got {generations!r}; "
            "for example generations=5."
        )
    return generations


def _check_mixes(real_fraction) -> tuple[float, ...]:
    values = [real_fraction] if isinstance(real_fraction, (int, float)) else list(real_fraction)
    mixes = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
            raise SynthnbError(
                f"real_fraction holds {value!r}; each mix is the share of real rows in a refit, a number from 0 to "
                "1, e.g. real_fraction=(0.0, 0.1, 0.5)."
            )
        mixes.append(float(value))
    if not mixes:
        raise SynthnbError("real_fraction is empty; give at least one mix, e.g. real_fraction=(0.0, 0.1, 0.5).")
    if len(set(mixes)) != len(mixes):
        raise SynthnbError(f"real_fraction {tuple(mixes)} repeats a mix; give each mix once.")
    return tuple(mixes)


def _check_rows(rows, available: int) -> int:
    if rows is None:
        return min(available, DEFAULT_ROWS)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 10:
        raise SynthnbError(f"rows must be a whole number of at least 10, got {rows!r}; for example rows=2000.")
    if rows > available:
        raise SynthnbError(
            f"rows={rows:,} is more than the table's {available:,} rows; the lab subsamples real rows, so pass "
            f"rows={available:,} or fewer."
        )
    return rows


def _mix_key(mix: float) -> int:
    return round(mix * 1_000_000)


def _rng(seed: int, purpose: str, mix: float = 0.0, generation: int = 0):
    """A generator decided by (seed, purpose, mix, generation) only."""
    import numpy as np

    code = {"subsample": 1, "draw": 2, "fit": 3}[purpose]
    return np.random.default_rng(np.random.SeedSequence([seed, code, _mix_key(mix), generation]))


def _fit_seed(seed: int, mix: float, generation: int) -> int:
    """The seed of one fit; generation 0 is fitted on real rows alone, so it is one fit shared by every mix."""
    if generation == 0:
        mix = 0.0
    return int(_rng(seed, "fit", mix, generation).integers(0, 2**31 - 1))


def _kinds(metadata: dict, frame) -> dict[str, str]:
    from synthnb.evaluation._context import sdtypes_from_metadata

    return sdtypes_from_metadata(metadata, frame)


class _Scorer:
    """Every figure of one synthetic table against the original real rows."""

    def __init__(self, real, metadata: dict, kinds: dict[str, str], sensitive: tuple[str, ...]):
        self.real = real
        self.metadata = metadata
        self.categorical = [c for c, k in kinds.items() if k in ("categorical", "boolean")]
        self.numerical = [c for c, k in kinds.items() if k == "numerical"]
        self.sensitive = sensitive
        self.groups = {col: _groups(real[col]) for col in sensitive}
        self.rare = {}
        for col in self.categorical:
            counts = real[col].dropna().value_counts()
            self.rare[col] = set(counts.index[counts < RARE_SHARE * len(real)])

    def reference(self):
        import pandas as pd

        records = [
            {"metric": "group_share", "column": col, "group": g, "value": float(v)}
            for col, shares in self.groups.items()
            for g, v in shares.items()
        ]
        return pd.DataFrame.from_records(records, columns=["metric", "column", "group", "value"])

    def score(self, synthetic) -> list[dict]:
        out = self._fidelity(synthetic)
        out += self._categories(synthetic)
        out += self._ranges(synthetic)
        for col in self.sensitive:
            shares = _groups(synthetic[col]).reindex(self.groups[col].index, fill_value=0.0)
            out += [_record("group_share", col, float(v), group=g) for g, v in shares.items()]
        return out

    def _fidelity(self, synthetic) -> list[dict]:
        import warnings

        from synthnb.evaluation.fidelity import sdmetrics_reports

        quality_cls, _ = sdmetrics_reports()
        report = quality_cls()
        cols = list(self.real.columns)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report.generate(self.real, synthetic[cols], self.metadata, verbose=False)
        props = report.get_properties()
        by_prop = {str(k): float(v) for k, v in zip(props["Property"], props["Score"], strict=True)}
        out = [
            _record("quality", ALL, float(report.get_score())),
            _record("column_shapes", ALL, by_prop.get("Column Shapes", float("nan"))),
            _record("pair_trends", ALL, by_prop.get("Column Pair Trends", float("nan"))),
        ]
        shapes = report.get_details("Column Shapes")
        out += [
            _record("column_shape", str(c), float(s)) for c, s in zip(shapes["Column"], shapes["Score"], strict=True)
        ]
        return out

    def _categories(self, synthetic) -> list[dict]:
        out, present, known, rare_present, rare_known = [], 0, 0, 0, 0
        for col in self.categorical:
            real_values = set(self.real[col].dropna().unique())
            kept = real_values & set(synthetic[col].dropna().unique())
            if real_values:
                out.append(_record("category_coverage", col, len(kept) / len(real_values)))
            present, known = present + len(kept), known + len(real_values)
            rare = self.rare[col]
            rare_present, rare_known = rare_present + len(rare & kept), rare_known + len(rare)
        head = []
        if known:
            head.append(_record("category_coverage", ALL, present / known))
        if rare_known:
            head.append(_record("category_coverage", RARE, rare_present / rare_known))
        return head + out

    def _ranges(self, synthetic) -> list[dict]:
        import numpy as np
        import pandas as pd

        ranges, ratios = [], []
        for col in self.numerical:
            r = pd.to_numeric(self.real[col], errors="coerce").dropna().to_numpy(dtype=float)
            s = pd.to_numeric(synthetic[col], errors="coerce").dropna().to_numpy(dtype=float)
            lo, hi = (r.min(), r.max()) if len(r) else (np.nan, np.nan)
            if len(r) and len(s) and hi > lo:
                # sdmetrics' RangeCoverage: the share of the real range the synthetic values reach
                below = max((s.min() - lo) / (hi - lo), 0.0)
                above = max((hi - s.max()) / (hi - lo), 0.0)
                ranges.append(_record("range_coverage", col, max(1.0 - (below + above), 0.0)))
            var_r = r.var(ddof=1) if len(r) > 1 else np.nan
            if var_r > 0 and len(s) > 1:
                ratios.append(_record("variance_ratio", col, float(s.var(ddof=1) / var_r)))
        out = []
        if ranges:
            out.append(_record("range_coverage", ALL, float(np.mean([x["value"] for x in ranges]))))
        if ratios:
            out.append(_record("variance_ratio", ALL, float(np.median([x["value"] for x in ratios]))))
        return out + ranges + ratios


def _groups(values):
    """Share of rows per group (missing values are a group of their own), largest first."""
    labels = values.astype("object").where(values.notna(), MISSING).astype(str)
    return labels.value_counts(normalize=True, sort=True)


def _record(metric: str, column: str, value: float, group: str | None = None) -> dict:
    return {"metric": metric, "column": column, "group": group, "value": float(value)}
