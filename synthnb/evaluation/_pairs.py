"""sdmetrics' Column Pair Trends on every pair at once: correlations from matrix products, contingencies from codes.

sdmetrics' ``ColumnPairTrends`` (the pair half of its ``QualityReport``) compares each pair of columns with
pandas and scipy calls of its own, a few milliseconds a pair: a 378-column table has 71,253 pairs, minutes of
work. This module computes the same numbers for all pairs together, and equals sdmetrics per pair (to 1e-9;
tests/evaluate/test_fidelity.py compares pair by pair). The rules, as sdmetrics 0.32 applies them:

- **Which pairs**: every pair of columns, in metadata order, whose SDV sdtypes are numerical, datetime
  (continuous), categorical, ordinal or boolean (discrete); pairs with any other sdtype (ids, e-mails, ...) are
  left out.
- **Continuous pair**: ``CorrelationSimilarity`` = 1 − |Pearson(real) − Pearson(synthetic)| / 2, Pearson on
  the rows where both values are known; datetimes as numbers. Scored only where the real correlation's size
  exceeds 0.5 (the QualityReport's ``real_correlation_threshold``); weaker pairs are listed without a score and
  do not count. A column with a single value (in either table) cannot be correlated: no score, and why.
- **Discrete pair, or a continuous column with a discrete one**: ``ContingencySimilarity`` = 1 − the total
  variation distance between the real and synthetic joint shares, missing values a category of their own; a
  continuous column is first cut into the 10 equal-width bins numpy's ``histogram_bin_edges`` draws over its
  known values, each table over its own range (``np.digitize``: the maximum and the missing values share the
  last bin), exactly as sdmetrics does. Scored only where the real table's Cramér's V exceeds 0.3 (its
  ``real_association_threshold``; Cramér's V needs both columns to take two values or more in the real table).
- **Property score**: the mean score of the pairs that met the threshold; no pair met it: no score (NaN here;
  the fidelity section says so in words and leaves it out of ``ev.scores``).

One difference, on purpose: above 50,000 rows sdmetrics compares a fresh unseeded sample of 50,000 rows per
contingency pair, so its figure changes from run to run; here every row counts, the figure it estimates.

How it is computed: the continuous columns are centred once; counts, sums, sums of squares and cross products
over the rows where both values are known are four matrix products, from which every pair's Pearson
coefficient follows (a pair that is constant on its common rows, where the products cannot tell, is handed to
scipy's ``pearsonr`` itself). Each discrete (or binned) column becomes integer codes; for each column the joint
codes with every later column are counted in one ``bincount`` (``np.unique`` where the joint categories are too
many to lay out), giving every pair's total variation and chi-squared at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = [
    "ASSOCIATION_THRESHOLD",
    "CONTINUOUS",
    "CORRELATION_THRESHOLD",
    "DISCRETE",
    "column_pair_trends",
    "pair_trends_score",
]

#: sdmetrics' QualityReport defaults (sdmetrics.reports.utils): a pair counts only above these
CORRELATION_THRESHOLD = 0.5
ASSOCIATION_THRESHOLD = 0.3
CONTINUOUS = ("numerical", "datetime")
DISCRETE = ("categorical", "ordinal", "boolean")
#: sdmetrics' bins for a continuous column paired with a discrete one (``np.histogram_bin_edges`` default)
_BINS = 10
#: joint categories of one column with all later ones laid out densely up to this many cells (else np.unique)
_DENSE_CELLS = 4_000_000
#: joint codes built at once (rows x partner columns), bounding memory on long tables
_BLOCK = 4_000_000


class _Column:
    """One column prepared for pairing: float values (continuous), codes (discrete or binned), or why not."""

    __slots__ = ("binned", "categories", "codes", "dims", "failed", "kind", "name", "real_values", "syn_values")

    def __init__(self, name: str, kind: str):
        self.name, self.kind = name, kind
        self.failed: str | None = None  # why the column cannot be paired at all (datetime not readable)
        self.binned: str | None = None  # why its bins could not be drawn (only for pairs with a discrete column)
        self.real_values = self.syn_values = None
        self.codes = None  # real rows then synthetic rows, 0..categories-1
        self.categories = 0
        #: rows of the real contingency table sdmetrics lays out (a categorical dtype: every declared category)
        self.dims: int | None = None


def _as_number(series):
    """sdmetrics' datetime handling: datetimes become their integer count, missing ones NaN."""
    import numpy as np
    import pandas as pd

    nan_mask = pd.isna(series)
    out = pd.to_numeric(series)
    if nan_mask.any():
        out = out.astype(float)
        out[nan_mask.to_numpy()] = np.nan
    return out


def _prepare(name: str, sdtype: str, meta: dict, real, synthetic) -> _Column:
    import numpy as np
    import pandas as pd

    col = _Column(name, "continuous" if sdtype in CONTINUOUS else "discrete")
    r, s = real[name], synthetic[name]
    if col.kind == "discrete":
        both = pd.concat([r, s], ignore_index=True)
        codes, uniques = pd.factorize(both, use_na_sentinel=True)
        codes = codes.astype(np.int64)
        codes[codes < 0] = len(uniques)  # every missing value (NaN, None, NaT) one category, as groupby(dropna=False)
        col.codes, col.categories = codes, len(uniques) + 1
        if isinstance(r.dtype, pd.CategoricalDtype):  # groupby(observed=False) lays out every declared category
            seen = set(pd.unique(r.dropna()))
            unseen = [c for c in r.dtype.categories if c not in seen]
            col.dims = len(r.dtype.categories) + int(r.isna().any())
            if unseen:
                col.binned = (
                    f"{name} declares categories the real table never holds ({', '.join(map(str, unseen[:3]))}"
                    f"{', …' if len(unseen) > 3 else ''}), so sdmetrics cannot compute its Cramér's V"
                )
        return col
    try:
        if sdtype == "datetime":
            if r.dtype.kind != "M" or s.dtype.kind != "M":  # text: read with the metadata's format, as sdmetrics
                from sdmetrics._utils_metadata import _convert_datetime_column

                r = _convert_datetime_column(name, r, meta)
                s = _convert_datetime_column(name, s, meta)
            r, s = _as_number(r), _as_number(s)
        col.real_values = r.to_numpy(dtype=float, na_value=np.nan)
        col.syn_values = s.to_numpy(dtype=float, na_value=np.nan)
    except Exception as exc:  # sdmetrics leaves every pair of such a column unscored
        col.failed = f"{name} could not be read as {sdtype} ({type(exc).__name__}: {exc})"
        return col
    try:
        binned = []
        for series in (r, s):
            edges = np.histogram_bin_edges(series.dropna(), bins=_BINS)
            binned.append(np.digitize(series, bins=edges).astype(np.int64))
        col.codes, col.categories = np.concatenate(binned), _BINS + 2
    except Exception as exc:
        col.binned = f"{name} could not be cut into bins ({type(exc).__name__}: {exc})"
    return col


def _correlations(cols: list[_Column], real: bool):
    """Pairwise-complete Pearson coefficients, counts of common rows, and each pair's constancy flag."""
    import numpy as np

    x = np.column_stack([c.real_values if real else c.syn_values for c in cols])
    known = ~np.isnan(x)
    with np.errstate(invalid="ignore"):
        mean = np.where(known.any(axis=0), np.nanmean(np.where(known, x, np.nan), axis=0), 0.0)
    xc = np.where(known, x - mean, 0.0)
    m = known.astype(float)
    n = m.T @ m  # rows where both are known
    s = xc.T @ m  # s[i, j]: sum of column i over the rows where j is known too
    q = (xc * xc).T @ m
    p = xc.T @ xc
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = p - s * s.T / n
        var_i = q - s * s / n  # variance (times n) of column i on the common rows
        var_j = var_i.T
        r = np.clip(cov / np.sqrt(var_i * var_j), -1.0, 1.0)
        # a variance this small relative to the column's spread cannot be told from zero: ask scipy itself
        scale = np.diag(q)
        doubtful = (var_i <= 1e-9 * scale[:, None]) | (var_j <= 1e-9 * scale[None, :])
    return r, n, doubtful


def _scipy_pearson(a, b):
    import warnings

    import numpy as np
    from scipy.stats import pearsonr

    both = ~(np.isnan(a) | np.isnan(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(pearsonr(a[both], b[both])[0])


def _constant(values) -> bool:
    import pandas as pd

    return pd.Series(values).nunique(dropna=True) == 1


def column_pair_trends(real, synthetic, metadata: dict, progress: Callable[[int, int], None] | None = None) -> tuple:
    """sdmetrics' Column Pair Trends details for every pair, and the columns' preparation failures.

    *metadata* is the single-table dict (``{"columns": {name: {"sdtype": ...}}}``) sdmetrics reads; datetime
    columns are read as its QualityReport reads them. *progress* is called with (pairs done, pairs in all).

    Returns the details frame (sdmetrics' columns: Column 1, Column 2, Metric, Score, Real Correlation,
    Synthetic Correlation, Real Association, Meets Threshold?, and Error where a pair could not be scored, in
    sdmetrics' order) and nothing else; the rules are in the module docstring.
    """
    import numpy as np
    import pandas as pd

    columns = metadata.get("columns", {})
    valid = [(str(c), m["sdtype"]) for c, m in columns.items() if m.get("sdtype") in CONTINUOUS + DISCRETE]
    prepared = [_prepare(name, sdtype, columns[name], real, synthetic) for name, sdtype in valid]
    m = len(prepared)
    total = m * (m - 1) // 2
    if progress is not None:
        progress(0, total)
    n_real, n_syn = len(real), len(synthetic)

    score = np.full((m, m), np.nan)
    real_corr = np.full((m, m), np.nan)
    syn_corr = np.full((m, m), np.nan)
    assoc = np.full((m, m), np.nan)
    meets = np.full((m, m), np.nan)  # 1, 0, or NaN (an error: sdmetrics' missing flag)
    errors: dict[tuple[int, int], str] = {}

    # --- continuous pairs: Pearson from matrix products ---------------------------------------------------------
    cont = [i for i, c in enumerate(prepared) if c.kind == "continuous" and c.failed is None]
    if len(cont) >= 2:
        ccols = [prepared[i] for i in cont]
        r_real, n_r, doubt_r = _correlations(ccols, real=True)
        r_syn, n_s, doubt_s = _correlations(ccols, real=False)
        const_real = [_constant(c.real_values) for c in ccols]
        const_syn = [_constant(c.syn_values) for c in ccols]
        for a in range(len(ccols)):
            for b in range(a + 1, len(ccols)):
                i, j = cont[a], cont[b]
                ca, cb = ccols[a], ccols[b]
                which = [c.name for c, k in ((ca, a), (cb, b)) if const_real[k]]
                if which:
                    errors[i, j] = f"{' and '.join(which)} constant in the real table: a correlation needs variation"
                    continue
                which = [c.name for c, k in ((ca, a), (cb, b)) if const_syn[k]]
                if which:
                    errors[i, j] = (
                        f"{' and '.join(which)} constant in the synthetic table: a correlation needs variation"
                    )
                    continue
                if n_r[a, b] < 2:
                    errors[i, j] = f"{ca.name} and {cb.name} are both known on fewer than two real rows"
                    continue
                rr = _scipy_pearson(ca.real_values, cb.real_values) if doubt_r[a, b] else float(r_real[a, b])
                real_corr[i, j] = rr
                if abs(rr) <= CORRELATION_THRESHOLD:  # sdmetrics stops here (NaN compares False: it goes on)
                    meets[i, j] = 0.0
                    continue
                if n_s[a, b] < 2:
                    real_corr[i, j] = np.nan
                    errors[i, j] = f"{ca.name} and {cb.name} are both known on fewer than two synthetic rows"
                    continue
                rs = _scipy_pearson(ca.syn_values, cb.syn_values) if doubt_s[a, b] else float(r_syn[a, b])
                syn_corr[i, j] = rs
                meets[i, j] = float(not math.isnan(rr) and abs(rr) > CORRELATION_THRESHOLD)
                if not (math.isnan(rr) or math.isnan(rs)):
                    score[i, j] = 1.0 - abs(rr - rs) / 2.0
    unread = [i for i, c in enumerate(prepared) if c.kind == "continuous" and c.failed is not None]
    for i in unread:  # a datetime column sdmetrics could not read: none of its correlations is scored
        for j in cont + unread:
            if j != i:
                a, b = min(i, j), max(i, j)  # sdmetrics names the first column's failure first
                errors[a, b] = prepared[a].failed or prepared[b].failed
    n_cont = len(cont) + len(unread)
    done = n_cont * (n_cont - 1) // 2
    if progress is not None and done:
        progress(done, total)

    # --- pairs with a discrete column: joint codes counted --------------------------------------------------------
    n_tot = n_real + n_syn
    is_cont = np.array([c.kind == "continuous" for c in prepared])
    has_codes = np.array([c.codes is not None for c in prepared])
    k = np.array([max(c.categories, 1) for c in prepared], dtype=np.int64)
    codes = np.zeros((n_tot, m), dtype=np.int64)
    real_counts = np.zeros((m, int(k.max()) if m else 1))
    for i, c in enumerate(prepared):
        if c.codes is not None:
            codes[:, i] = c.codes
            real_counts[i, : c.categories] = np.bincount(c.codes[:n_real], minlength=c.categories)
    seen = (real_counts > 0).sum(axis=1)  # values each column takes in the real table
    troubled = [i for i, c in enumerate(prepared) if c.failed or c.binned]
    for i, c in enumerate(prepared):
        if c.dims is None:
            c.dims = int(seen[i])
    step = max(1, _BLOCK // max(n_tot, 1))  # joint codes built at once: rows x partners stays under _BLOCK
    for i, ci in enumerate(prepared):
        js = np.arange(i + 1, m)
        js = js[~(is_cont[js] & is_cont[i])] if ci.kind == "continuous" else js
        done += len(js)
        if ci.failed or ci.binned or troubled:
            keep = []
            for j in js.tolist():
                reason = _pair_trouble(ci, prepared[j])
                if reason is None:
                    keep.append(j)
                else:
                    errors[i, j] = reason
            js = np.array(keep, dtype=np.int64)
        js = js[has_codes[js]] if has_codes[i] else js[:0]
        for start in range(0, len(js), step):
            _contingency(i, js[start : start + step], codes, k, real_counts, seen, n_real, score, assoc, meets)
        if progress is not None and len(js):
            progress(done, total)

    # --- the details frame, in sdmetrics' order ------------------------------------------------------------------
    iu, ju = np.triu_indices(m, k=1)
    names = np.array([c.name for c in prepared], dtype=object)
    continuous = np.array([c.kind == "continuous" for c in prepared])
    metric = np.where(continuous[iu] & continuous[ju], "CorrelationSimilarity", "ContingencySimilarity")
    met = meets[iu, ju]
    flags = pd.arrays.BooleanArray(np.nan_to_num(met) == 1.0, np.isnan(met))
    out = pd.DataFrame(
        {
            "Column 1": names[iu],
            "Column 2": names[ju],
            "Metric": metric,
            "Score": score[iu, ju],
            "Real Correlation": real_corr[iu, ju],
            "Synthetic Correlation": syn_corr[iu, ju],
            "Real Association": assoc[iu, ju],
            "Meets Threshold?": flags,
        }
    )
    if errors:
        why = np.full((m, m), None, dtype=object)
        for (a, b), reason in errors.items():
            why[a, b] = reason
        out["Error"] = why[iu, ju]
    if progress is not None:
        progress(total, total)
    return out


def _pair_trouble(ci: _Column, cj: _Column) -> str | None:
    """Why sdmetrics leaves the contingency pair (ci, cj) unscored, or None."""
    reason = ci.failed or cj.failed
    if reason is None and ci.kind != cj.kind:  # the continuous one is binned for this pair
        reason = ci.binned if ci.kind == "continuous" else cj.binned
    if reason is None and min(ci.dims, cj.dims) >= 2:  # a categorical dtype declaring categories the real table
        # lacks (either column): scipy finds an empty row; a one-valued partner is unscored before that, no error
        reason = next((c.binned for c in (ci, cj) if c.kind == "discrete" and c.binned), None)
    return reason


def _contingency(i, js, codes, k, real_counts, seen, n_real, score, assoc, meets) -> None:
    """Total variation and Cramér's V of column *i* with each column of *js*, from one count of joint codes."""
    import numpy as np

    ka, kb = k[i], k[js]
    sizes = ka * kb
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keys = codes[:, js] + (codes[:, i : i + 1] * kb + offsets)  # rows x partners: the cell of each row's pair
    cells = int(sizes.sum())
    real_keys, syn_keys = keys[:n_real].ravel(), keys[n_real:].ravel()
    if cells <= _DENSE_CELLS:
        cr = np.bincount(real_keys, minlength=cells)
        cs = np.bincount(syn_keys, minlength=cells)
        cell_ids = np.flatnonzero(cr + cs)
        cr, cs = cr[cell_ids].astype(float), cs[cell_ids].astype(float)
    else:
        cell_ids, inverse = np.unique(np.concatenate([real_keys, syn_keys]), return_inverse=True)
        cr = np.bincount(inverse[: real_keys.size], minlength=cell_ids.size).astype(float)
        cs = np.bincount(inverse[real_keys.size :], minlength=cell_ids.size).astype(float)
    pair = np.searchsorted(offsets, cell_ids, side="right") - 1  # which partner each cell belongs to
    local = cell_ids - offsets[pair]
    code_a, code_b = local // kb[pair], local % kb[pair]
    n_syn = keys.shape[0] - n_real
    tv = np.bincount(pair, weights=np.abs(cr / n_real - cs / n_syn), minlength=len(js)) / 2.0
    # chi-squared of the real table over the categories the real table holds: phi² = Σ O² / (rₐ c_b) − 1
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(cr > 0, cr * cr / (real_counts[i, code_a] * real_counts[js[pair], code_b]), 0.0)
    phi2 = np.bincount(pair, weights=w, minlength=len(js)) - 1.0
    both = np.minimum(seen[i], seen[js])
    known = both >= 2  # sdmetrics: a table of one row or one column has no association (and no score)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.sqrt(np.maximum(phi2, 0.0) / (both - 1))
    counted = known & (v > ASSOCIATION_THRESHOLD)
    assoc[i, js] = np.where(known, v, np.nan)
    meets[i, js] = counted.astype(float)
    score[i, js] = np.where(counted, 1.0 - tv, np.nan)


def pair_trends_score(details) -> float:
    """The property score sdmetrics reports: the mean score of the pairs that meet the threshold (NaN: none)."""
    if details is None or not len(details):
        return float("nan")
    counted = details["Meets Threshold?"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    scores = details.loc[counted, "Score"]
    return float(scores.mean()) if len(scores) else float("nan")
