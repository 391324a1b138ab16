"""By group: fidelity, utility and privacy of each sensitive column's groups, side by side with the whole table.

Per group of each sensitive column:

- fidelity: sdmetrics' column shapes (KSComplement for numbers and datetimes, TVComplement for the rest) of
  every data column but the sensitive one, the group's real rows against the group's synthetic rows;
- utility: the accuracy (R² for a numeric target) of the synthetic-trained model on the group's real test
  rows, divided by the real-trained model's on the same rows (the utility section's models, not refitted);
- privacy: the distance of each synthetic row to its closest training row and of each held-out row to its
  closest training row (the privacy section's DCR), their medians' ratio per group (DCR protection), and
  the share of the group's synthetic rows that copy a training row exactly.

A group is flagged when its score is more than :data:`MARGIN` below the whole table's and the whole table's
score lies outside the group's 95% bootstrap interval (:data:`RESAMPLES` seeded resamples of the group's
rows, computed from per-row contributions, so nothing is refitted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synthnb.evaluation._registry import SectionSpec
from synthnb.evaluation._section import Section, versions

__all__ = [
    "MARGIN",
    "MIN_ROWS",
    "RESAMPLES",
    "SIZE_SUBSETS",
    "SPEC",
    "bootstrap_counts",
    "groups",
    "shapes_interval",
]

MARGIN = 0.05  # a group's score this far below the whole table's, and outside its interval, is a finding
MIN_ROWS = 20  # fewer rows on either side: the group is shown but not judged
RESAMPLES = 200  # bootstrap resamples per group and aspect
_CHUNK = 50  # resamples computed at once (bounds memory on large groups)
#: random subsets of the whole table whose mean is its score at a group's size (a mean: fewer draws suffice)
SIZE_SUBSETS = 50
#: above this many rows in a table, fidelity by group reads a seeded sample of this many (the privacy section's
#: distance sample size); exact copies are counted on every row
MAX_ROWS = 100_000
#: sdmetrics' TVComplement counts a category seen only in the synthetic rows this often among the real rows
_UNSEEN = 1e-6


def _labels(series):
    from synthnb.evaluation.fairness import _groups

    return _groups(series)


def _rng(seed: int, *keys: str):
    """A generator seeded from the run's seed and the names of what is resampled (stable across processes)."""
    import zlib

    import numpy as np

    return np.random.default_rng([int(seed), zlib.crc32("\x00".join(keys).encode("utf-8"))])


def bootstrap_counts(n: int, rng, resamples: int = RESAMPLES):
    """How often each of *n* rows is drawn in each resample: a (resamples, n) integer matrix."""
    import numpy as np

    draws = rng.integers(0, n, size=(resamples, n))
    offsets = (np.arange(resamples) * n)[:, None]
    return np.bincount((draws + offsets).ravel(), minlength=resamples * n).reshape(resamples, n)


def _numbers(series):
    import pandas as pd

    from synthnb.evaluation.privacy import _exact_numbers

    if series.dtype.kind == "M":
        return pd.to_numeric(series).astype(float).where(series.notna()).to_numpy()
    if series.dtype.kind in "biuf":  # plain numbers: no detour through Python objects
        return series.to_numpy(dtype=float, na_value=float("nan"))
    return _exact_numbers(series).astype(float)


@dataclass(frozen=True)
class _Coded:
    """One column of a real and a synthetic table as shared codes (-1: missing), the order of the values kept
    for numbers: the column-shapes metric of any resample is a function of the per-code counts alone."""

    ks: bool  # KSComplement (numbers, datetimes) or TVComplement (the rest)
    real: Any  # numpy int array
    synthetic: Any
    k: int

    def rows(self, in_real, in_syn) -> _Coded:
        """The codes of a subset of rows (a group), renumbered to the values they use, in the same order: the
        metric is unchanged by values no row takes, and a small group's work shrinks with it."""
        import numpy as np

        r, s = self.real[in_real], self.synthetic[in_syn]
        used = np.unique(np.concatenate([r[r >= 0], s[s >= 0]]))
        renumber = np.full(self.k + 1, -1, dtype=np.int64)  # the last slot maps a missing value (-1) to -1
        renumber[used] = np.arange(len(used))
        return _Coded(self.ks, renumber[r], renumber[s], max(len(used), 1))


def coded_columns(real, synthetic, sdtypes: dict[str, str]) -> dict[str, _Coded]:
    """Every column of *sdtypes* with a value on both sides, coded once (numbers by rank, the rest by category)."""
    import numpy as np
    import pandas as pd

    out = {}
    for col, t in sdtypes.items():
        if real[col].notna().sum() == 0 or synthetic[col].notna().sum() == 0:
            continue
        if t in ("numerical", "datetime"):
            r, s = _numbers(real[col]), _numbers(synthetic[col])
            points = np.unique(np.concatenate([r[~np.isnan(r)], s[~np.isnan(s)]]))
            code_r = np.where(np.isnan(r), -1, np.searchsorted(points, r))
            code_s = np.where(np.isnan(s), -1, np.searchsorted(points, s))
            out[col] = _Coded(True, code_r, code_s, max(len(points), 1))
        else:
            both = pd.concat([real[col], synthetic[col]], ignore_index=True).astype("object")
            codes, uniques = pd.factorize(both, use_na_sentinel=True)
            out[col] = _Coded(False, codes[: len(real)], codes[len(real) :], max(len(uniques), 1))
    return out


def _counts(coded: list[_Coded], side: str, rows):
    """Per column, how often each code is drawn in each resample: a (resamples, k) float array per column.

    *rows* (resamples × drawn) are positions; one compiled pass over the drawn rows counts every column at once
    (missing values are not counted, as sdmetrics leaves them out)."""
    import numpy as np

    from synthnb.evaluation._groups_kernels import code_counts

    codes = np.ascontiguousarray(np.column_stack([getattr(c, side) for c in coded]), dtype=np.int64)
    sizes = np.array([c.k for c in coded], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    flat = code_counts(codes, np.ascontiguousarray(rows, dtype=np.int64), offsets, int(sizes.sum()))
    return [flat[:, o : o + k] for o, k in zip(offsets, sizes, strict=True)]


def _shapes_of_codes(coded: list[_Coded], rows_real, rows_syn):
    """The column-shapes score of each resample, from its per-code counts (exact: the same integer counts as
    counting the drawn rows one by one). *rows_real*, *rows_syn*: the positions drawn, one row per resample."""
    import numpy as np

    # a column without a value on one side (in these rows) is left out, as sdmetrics leaves it out
    coded = [c for c in coded if (c.real >= 0).any() and (c.synthetic >= 0).any()]
    if not coded:
        return np.full(len(rows_real), np.nan)
    per_col = []
    counts = zip(_counts(coded, "real", rows_real), _counts(coded, "synthetic", rows_syn), strict=True)
    for col, (f_r, f_s) in zip(coded, counts, strict=True):
        n_s = np.maximum(f_s.sum(axis=1, keepdims=True), 1)
        if col.ks:  # 1 − the largest gap between the two cumulative distributions
            n_r = np.maximum(f_r.sum(axis=1, keepdims=True), 1)
            per_col.append(1.0 - np.abs(np.cumsum(f_r, axis=1) / n_r - np.cumsum(f_s, axis=1) / n_s).max(axis=1))
        else:  # 1 − total variation distance
            f_r = f_r + _UNSEEN * ((f_r == 0) & (f_s > 0))  # sdmetrics' regularisation of values only synthesised
            n_r = np.maximum(f_r.sum(axis=1, keepdims=True), _UNSEEN)
            per_col.append(1.0 - 0.5 * np.abs(f_r / n_r - f_s / n_s).sum(axis=1))
    return np.mean(per_col, axis=0)


def shapes(coded: list[_Coded]) -> float:
    """sdmetrics' Column Shapes of the coded rows: the mean KSComplement / TVComplement over the columns."""
    import numpy as np

    if not coded:
        return float("nan")
    every_r, every_s = np.arange(len(coded[0].real))[None, :], np.arange(len(coded[0].synthetic))[None, :]
    return float(_shapes_of_codes(coded, every_r, every_s)[0])


def _draws(n: int, rng, resamples: int):
    """Positions of *n* rows drawn with replacement from *n*, per resample (what :func:`bootstrap_counts` counts)."""
    return rng.integers(0, n, size=(resamples, n))


def _subsets(n: int, k: int, rng, resamples: int):
    """Positions of *k* rows drawn without replacement from *n*, per resample: (resamples, k)."""
    import numpy as np

    return np.stack([rng.permutation(n)[:k] for _ in range(resamples)])


def shapes_interval(coded: list[_Coded], rng, resamples: int = RESAMPLES):
    """The column-shapes score of each bootstrap resample of the coded real and synthetic rows (a numpy array)."""
    import numpy as np

    n_real, n_syn = len(coded[0].real), len(coded[0].synthetic)
    out = []
    for start in range(0, resamples, _CHUNK):
        b = min(_CHUNK, resamples - start)
        rows_real, rows_syn = _draws(n_real, rng, b), _draws(n_syn, rng, b)
        out.append(_shapes_of_codes(coded, rows_real, rows_syn))
    return np.concatenate(out)


def shapes_at_size(coded: list[_Coded], n_real: int, n_syn: int, rng, resamples: int = SIZE_SUBSETS) -> float:
    """The coded table's column shapes at a group's size: the mean score of random subsets of *n_real* real and
    *n_syn* synthetic rows (drawn without replacement). KS and TV distances between fewer rows are larger by
    sampling noise alone, so a group is compared with the whole table at its own size."""
    import numpy as np

    out = []
    for start in range(0, resamples, _CHUNK):
        b = min(_CHUNK, resamples - start)
        rows_real = _subsets(len(coded[0].real), n_real, rng, b)
        rows_syn = _subsets(len(coded[0].synthetic), n_syn, rng, b)
        out.append(_shapes_of_codes(coded, rows_real, rows_syn))
    return float(np.nanmean(np.concatenate(out)))


def _fidelity_rows(ctx):
    """The real and synthetic rows the fidelity part reads: every row, or, above :data:`MAX_ROWS` rows, a seeded
    sample of that many (the resamples grow with the rows times :data:`_CHUNK`)."""
    from synthnb.evaluation.privacy import _dcr_sample

    return _dcr_sample(ctx.real, [ctx.seed, 12, 0], MAX_ROWS), _dcr_sample(ctx.synthetic, [ctx.seed, 12, 1], MAX_ROWS)


def _utility_rows(models):
    """Per real test row: whether each model is right (classification) or its squared error (regression)."""
    import numpy as np

    y = np.asarray(models.y_test)
    if models.task == "regression":
        y = y.astype(float)
        return y, (np.asarray(models.pred_synthetic, float) - y) ** 2, (np.asarray(models.pred_real, float) - y) ** 2
    y = y.astype(str)
    return (
        y,
        (np.asarray(models.pred_synthetic).astype(str) == y) * 1.0,
        (np.asarray(models.pred_real).astype(str) == y) * 1.0,
    )


def _utility_scores(task, y, a_syn, a_real, counts):
    """(synthetic-trained metric, real-trained metric, ratio) per row of *counts* (weights on the rows)."""
    import numpy as np

    w = counts.astype(float)
    n = w.sum(axis=1)
    if task == "regression":
        mean = (w @ y) / n
        sst = w @ (y**2) - n * mean**2
        syn, real = 1.0 - (w @ a_syn) / sst, 1.0 - (w @ a_real) / sst
    else:
        syn, real = (w @ a_syn) / n, (w @ a_real) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(real > 0, np.minimum(np.maximum(syn, 0.0) / real, 1.0), np.nan)
    return syn, real, ratio


def _resampled_utility(task, y, a_syn, a_real, rng):
    """The utility ratio of :data:`RESAMPLES` bootstrap resamples of the test rows, :data:`_CHUNK` at a time."""
    import numpy as np

    out = []
    for start in range(0, RESAMPLES, _CHUNK):
        counts = bootstrap_counts(len(y), rng, min(_CHUNK, RESAMPLES - start))
        out.append(_utility_scores(task, y, a_syn, a_real, counts)[2])
    return np.concatenate(out)


def _protection(syn_d, base_d):
    """min(median synthetic DCR ÷ median baseline DCR, 1); 1 when the baseline's median is 0."""
    import numpy as np

    med_s, med_b = np.median(syn_d, axis=-1), np.median(base_d, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(med_b == 0, 1.0, np.minimum(med_s / med_b, 1.0))


def _resampled_protection(syn_d, base_d, rng):
    import numpy as np

    out = []
    for start in range(0, RESAMPLES, _CHUNK):
        b = min(_CHUNK, RESAMPLES - start)
        s = syn_d[rng.integers(0, len(syn_d), size=(b, len(syn_d)))]
        h = base_d[rng.integers(0, len(base_d), size=(b, len(base_d)))]
        out.append(_protection(s, h))
    return np.concatenate(out)


def _judge(score, overall, samples):
    """(low, high, finding?) of a group's score against the whole table's."""
    import numpy as np

    samples = samples[~np.isnan(samples)]
    if not len(samples) or score != score or overall != overall:
        return float("nan"), float("nan"), False
    low, high = (float(v) for v in np.quantile(samples, [0.025, 0.975]))
    return low, high, bool(score < overall - MARGIN and not low <= overall <= high)


def _round(v):
    return None if v is None or v != v else round(float(v), 6)


def groups(ctx) -> Section:
    """Fidelity, utility and privacy of every group of every sensitive column, against the whole table."""
    import numpy as np
    import pandas as pd

    from synthnb.errors import SynthnbError
    from synthnb.evaluation._models import fitted_models
    from synthnb.evaluation.privacy import distances, synthetic_copies

    if not ctx.sensitive:
        raise SynthnbError("no sensitive columns; pass sensitive=['sex', ...] to break the evaluation down by group.")
    models = None
    notes = []
    if ctx.target is not None:
        try:
            models = fitted_models(ctx)
        except SynthnbError as exc:
            notes.append(f"Utility by group not computed: {exc}")
    else:
        notes.append("Utility by group not computed: no target column (pass target='COLUMN').")
    if models is not None:
        y, a_syn, a_real = _utility_rows(models)
        ones = np.ones((1, len(y)))
        u_overall = float(_utility_scores(models.task, y, a_syn, a_real, ones)[2][0])
        metric = "R²" if models.task == "regression" else "accuracy"
    # the privacy section's distances (computed once for both; above its sample size, on its seeded sample)
    syn_q, syn_d, base, base_d, _, _ = distances(ctx)
    copies = synthetic_copies(ctx)  # every synthetic row, whatever the sample
    base_label = "held-out" if ctx.holdout is not None else "shuffled"
    p_overall = float(_protection(syn_d, base_d))
    data = set(ctx.data_columns)

    scores, tables, figures, findings, worst = {}, {}, [], [], []
    fid_real, fid_syn = _fidelity_rows(ctx)
    every_column = coded_columns(fid_real, fid_syn, {c: t for c, t in ctx.sdtypes.items() if c in data})
    for col in ctx.sensitive:
        coded = [c for name, c in every_column.items() if name != col]  # each group takes its rows of these
        f_overall = shapes(coded)
        g_real, g_syn, g_base = _labels(ctx.real[col]), _labels(ctx.synthetic[col]), _labels(base[col])
        f_real, f_syn = _labels(fid_real[col]), _labels(fid_syn[col])  # the rows fidelity reads
        g_syn_q = _labels(syn_q[col])  # the synthetic rows whose distances were measured
        g_test = _labels(models.test_frame[col]) if models is not None else None
        names = list(pd.Series(g_real).value_counts().index)
        names += [g for g in dict.fromkeys(g_syn) if g not in set(names)]
        rows = []
        for g in names:
            in_real, in_syn, in_base = g_real == g, g_syn == g, g_base == g
            row = {col: g, "real rows": int(in_real.sum()), "synthetic rows": int(in_syn.sum())}
            # fidelity
            in_f_real, in_f_syn = f_real == g, f_syn == g
            if in_f_real.sum() >= MIN_ROWS and in_f_syn.sum() >= MIN_ROWS:
                group = [c.rows(in_f_real, in_f_syn) for c in coded]
                f = shapes(group)
                rng = _rng(ctx.seed, "fidelity", col, g)
                samples = shapes_interval(group, rng)
                at_size = shapes_at_size(coded, int(in_f_real.sum()), int(in_f_syn.sum()), rng)
                lo, hi, flag = _judge(f, at_size, samples)
            else:
                f = at_size = lo = hi = np.nan
                flag = False
            row.update({"fidelity": f, "fidelity of all rows at this size": at_size})
            row.update({"fidelity low": lo, "fidelity high": hi, "fidelity finding": flag})
            # utility
            if models is not None:
                in_test = g_test == g
                row["test rows"] = int(in_test.sum())
                if row["test rows"] >= MIN_ROWS:
                    one = np.ones((1, row["test rows"]))
                    syn_m, real_m, ratio = (
                        float(v[0])
                        for v in _utility_scores(models.task, y[in_test], a_syn[in_test], a_real[in_test], one)
                    )
                    samples = _resampled_utility(
                        models.task, y[in_test], a_syn[in_test], a_real[in_test], _rng(ctx.seed, "utility", col, g)
                    )
                    lo, hi, flag = _judge(ratio, u_overall, samples)
                else:
                    syn_m = real_m = ratio = lo = hi = np.nan
                    flag = False
                row.update(
                    {
                        f"{metric} synthetic-trained": syn_m,
                        f"{metric} real-trained": real_m,
                        "utility": ratio,
                        "utility low": lo,
                        "utility high": hi,
                        "utility finding": flag,
                    }
                )
            # privacy
            row[f"{base_label} rows"] = int(in_base.sum())
            n_syn_g = row["synthetic rows"]
            row["exact copy share"] = float(copies[in_syn].mean()) if n_syn_g else np.nan
            in_syn_q = g_syn_q == g
            row["median DCR synthetic"] = float(np.median(syn_d[in_syn_q])) if in_syn_q.any() else np.nan
            row[f"median DCR {base_label}"] = float(np.median(base_d[in_base])) if in_base.any() else np.nan
            if in_syn_q.sum() >= MIN_ROWS and row[f"{base_label} rows"] >= MIN_ROWS:
                p = float(_protection(syn_d[in_syn_q], base_d[in_base]))
                samples = _resampled_protection(syn_d[in_syn_q], base_d[in_base], _rng(ctx.seed, "privacy", col, g))
                lo, hi, flag = _judge(p, p_overall, samples)
            else:
                p = lo = hi = np.nan
                flag = False
            row.update({"DCR protection": p, "privacy low": lo, "privacy high": hi, "privacy finding": flag})
            rows.append(row)
        order = list(pd.DataFrame(rows).columns)
        overall = {col: "(all rows)", "real rows": len(ctx.real), "synthetic rows": len(ctx.synthetic)}
        overall["fidelity"] = f_overall
        if models is not None:
            overall.update({"test rows": len(y), "utility": u_overall})
        overall.update({f"{base_label} rows": len(base), "DCR protection": p_overall})
        overall["exact copy share"] = float(copies.mean())
        table = pd.concat([pd.DataFrame([overall]), pd.DataFrame(rows)], ignore_index=True)[order]
        tables[f"by_{col}"] = table
        _findings(col, table, models is not None, metric if models is not None else "", findings, worst)
        for aspect in ("fidelity", "utility", "DCR protection"):
            if aspect in table:
                for g, v in zip(table[col], table[aspect], strict=True):
                    if g != "(all rows)" and v == v:
                        scores[f"groups_{col}_{g}_{aspect.replace(' ', '_').lower()}"] = float(v)
        figures += _figures(col, table, models is not None, metric if models is not None else "", base_label)
    _feature_flagged(figures, tables)
    if len(fid_real) < len(ctx.real) or len(fid_syn) < len(ctx.synthetic):
        notes.append(
            f"Column shapes by group (each group's score, its interval and the whole table's at its size) read a "
            f"seeded sample of {len(fid_real):,} of the {len(ctx.real):,} real and {len(fid_syn):,} of the "
            f"{len(ctx.synthetic):,} synthetic rows (the same seed gives the same sample)."
        )
    if len(syn_q) < len(ctx.synthetic):
        notes.append(
            f"Distances by group are the privacy section's, for its seeded sample of {len(syn_q):,} synthetic and "
            f"{len(base):,} {base_label} rows; exact copies are counted on every row."
        )
    flagged = len(worst)
    score = float(min(scores.values())) if scores else float("nan")
    scores["groups_findings"] = float(flagged)
    headline = (
        f"{flagged} group score{'s' if flagged != 1 else ''} more than {MARGIN:g} below the whole table's and outside "
        "the group's 95% interval."
        if flagged
        else "No group scores clearly below the whole table (within the margin or the group's 95% interval)."
    )
    return SPEC.section(
        score=score,
        headline=headline,
        scores=scores,
        tables=tables,
        figures=figures,
        findings=worst + findings + notes,
        library=versions("sdmetrics", "scikit-learn"),
        decided_by="the lowest group score",
    )


#: at most this many By-group charts join the dashboard's headline figures (the rest sit in the section's tab)
_KEY_CHARTS = 3


def _feature_flagged(figures: list[dict], tables: dict) -> None:
    """Show at once only the charts of an aspect with a finding for that column (at most :data:`_KEY_CHARTS`).

    Every chart is drawn and kept in the section; a chart without a finding waits behind its tab, so the
    dashboard's first view grows only when a group is served worse.
    """
    prefixes = {"Column shapes": "fidelity", "Median distance": "privacy"}
    shown = 0
    for fig in figures:
        prefix = next((p for start, p in prefixes.items() if fig["title"].startswith(start)), "utility")
        table = tables[f"by_{fig['column']}"]
        column = f"{prefix} finding"
        flagged = column in table and bool(table[column].iloc[1:].eq(True).any())  # NaN: a group too small to judge
        fig["highlight"] = flagged and shown < _KEY_CHARTS
        shown += fig["highlight"]


def _findings(col, table, has_utility, metric, findings, worst) -> None:
    overall = table.iloc[0]
    aspects = [("fidelity", "fidelity", "column shapes")]
    if has_utility:
        aspects.append(("utility", "utility", f"{metric} ratio, synthetic- ÷ real-trained"))
    aspects.append(("DCR protection", "privacy", "DCR protection"))
    small = []
    for _, row in table.iloc[1:].iterrows():
        g = row[col]
        for key, prefix, words in aspects:
            if row[key] != row[key]:
                continue
            if row[f"{prefix} finding"]:
                ref = row["fidelity of all rows at this size"] if key == "fidelity" else overall[key]
                size = " at the group's size" if key == "fidelity" else ""
                worst.append(
                    f"{col} = {g}: {words} {row[key]:.3f} against {ref:.3f} for the whole table{size} "
                    f"(95% interval {row[f'{prefix} low']:.3f}–{row[f'{prefix} high']:.3f}, {RESAMPLES} "
                    f"resamples): the synthetic data serve this group worse."
                )
        if row["fidelity"] != row["fidelity"]:
            small.append(f"{g} ({row['real rows']} real, {row['synthetic rows']} synthetic rows)")
    if small:
        findings.append(
            f"{col}: too few rows to judge (fewer than {MIN_ROWS} real or synthetic rows): {'; '.join(small)}."
        )


def _figures(col, table, has_utility, metric, base_label) -> list[dict]:
    body = table.iloc[1:]
    cats = [str(g) for g in body[col]]
    figs = [
        {
            "kind": "bars",
            "title": f"Column shapes by {col}: each group's synthetic rows vs its real rows",
            "column": col,
            "highlight": True,
            "percent": False,
            "x_label": "column shapes (1 = same distributions)",
            "categories": cats,
            "series": {"synthetic vs real": [_round(v) for v in body["fidelity"]]},
        }
    ]
    if has_utility:
        figs.append(
            {
                "kind": "bars",
                "title": f"{metric.capitalize()} by {col} on real test rows",
                "column": col,
                "highlight": True,
                "percent": False,
                "x_label": f"{metric} on the group's real test rows",
                "categories": cats,
                "series": {
                    "trained on synthetic": [_round(v) for v in body[f"{metric} synthetic-trained"]],
                    "trained on real": [_round(v) for v in body[f"{metric} real-trained"]],
                },
            }
        )
    figs.append(
        {
            "kind": "bars",
            "title": f"Median distance to the closest training row by {col}",
            "column": col,
            "highlight": True,
            "percent": False,
            "x_label": "median DCR (0 = copies)",
            "categories": cats,
            "series": {
                "synthetic rows": [_round(v) for v in body["median DCR synthetic"]],
                f"{base_label} real rows" if base_label == "held-out" else "shuffled baseline": [
                    _round(v) for v in body[f"median DCR {base_label}"]
                ],
            },
        }
    )
    return figs


SPEC = SectionSpec(
    name="groups",
    title="By group",
    compute=groups,
    method="For each group of each sensitive column: column shapes (sdmetrics KSComplement / TVComplement of every "
    "other data column, the group's real rows vs its synthetic rows); the accuracy (R² for a number) of the "
    "synthetic-trained model on the group's real test rows ÷ the real-trained model's (the utility section's "
    "models); and DCR protection (median distance of the group's synthetic rows to the closest training row ÷ that "
    "of its held-out rows) with the share of its synthetic rows that copy a training row exactly. The score is the "
    "lowest group score.",
    notes=f"A group is flagged when its score is more than {MARGIN:g} below the whole table's and the whole table's "
    "score lies outside the group's 95% bootstrap interval ({RESAMPLES} seeded resamples of its rows). Groups with "
    f"fewer than {MIN_ROWS} rows on either side are shown but not judged. Column shapes between fewer rows are lower "
    "by sampling noise alone, so a group's are compared with the whole table's at the group's size (the mean over "
    f"{SIZE_SUBSETS} random subsets of as many real and synthetic rows).",
    needs=("sensitive",),
)
