"""Exact distance to closest record (DCR) on a mixed-type encoding.

The distance between two rows is the mean over columns of a per-column distance in [0, 1], the same
definition sdmetrics' DCR metrics use:

- numerical and datetime columns: ``min(|x - y| / range, 1)`` with ``range`` the reference column's
  max − min (when the range is 0: 0 if equal, else 1);
- categorical and boolean columns: 0 if equal, else 1;
- missing values: 0 when both are missing, 1 when only one is.

The search is exact (the true minimum; on ties, the lowest position) without comparing every pair:
reference rows are put in blocks of identical categorical values, each block sorted by one numerical
column. A query looks in the block that equals its categories first (a categorical mismatch costs 1, so a
neighbour found there at summed distance < 1 rules out every other block), then, only while its best
summed distance is >= 1, in the blocks that differ in exactly one category (found by a key that leaves that
column out), and only while it is >= 2 in the rest. Inside a block it walks outwards from its own value of
the sort column and stops each way when that column's term alone, added to the block's categorical
distance, exceeds the best so far; a pair's terms stop adding up once they exceed it too. Each pair's sum is
taken in the same fixed column order as the brute-force search (:func:`nearest_brute`, kept as the
reference the tests compare with), so the distances are bit-for-bit the same and results do not depend on
thread count. Cost: close to linear in the rows when most rows have a near neighbour with the same
categories; at worst (no row shares categories with another) the brute force's rows × rows.
"""

from __future__ import annotations

__all__ = ["Encoded", "dcr", "encode", "nearest", "nearest_brute", "pair_distance"]

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Encoded:
    """Query and reference rows encoded for :func:`dcr` (codes for categories, floats for numbers)."""

    query_cat: Any
    ref_cat: Any
    query_num: Any
    ref_num: Any
    ranges: Any
    n_columns: int


def _numeric(series):
    import numpy as np
    import pandas as pd

    if series.dtype.kind == "M":
        values = series.astype("int64").to_numpy(dtype=float) / 1e9
        values[series.isna().to_numpy()] = np.nan
        return values
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def _entropy(series) -> float:
    import numpy as np

    p = series.value_counts(normalize=True, dropna=False).to_numpy(dtype=float)
    p = p[p > 0]  # a category dtype counts its unused levels as 0, and 0 * log 0 would be nan
    return float(-(p * np.log(p)).sum())


def encode(query, reference, sdtypes: dict[str, str], *, ranges_over: str = "reference") -> Encoded:
    """Encode *query* and *reference* (same columns) for the distance defined in the module docstring.

    Numerical and datetime columns are numbers; every other column is compared as a category. A number's
    range is the reference column's (``ranges_over="reference"``, sdmetrics' DCR) or that of both tables
    together (``"both"``, anonymeter's distance).
    """
    import numpy as np
    import pandas as pd

    cat_cols = [c for c, t in sdtypes.items() if t not in ("numerical", "datetime")]
    # columns where two rows most often differ go first, so the search gives up on far rows sooner
    cat_cols.sort(key=lambda c: -_entropy(reference[c]))
    num_cols = [c for c, t in sdtypes.items() if t in ("numerical", "datetime")]
    n_q, n_r = len(query), len(reference)
    q_cat = np.empty((n_q, len(cat_cols)), dtype=np.int64)
    r_cat = np.empty((n_r, len(cat_cols)), dtype=np.int64)
    for k, col in enumerate(cat_cols):
        # one code space for both tables; every missing value gets the same code (-1), so missing == missing
        both = pd.concat([reference[col], query[col]], ignore_index=True).astype("object")
        codes, _ = pd.factorize(both, use_na_sentinel=True)
        r_cat[:, k], q_cat[:, k] = codes[:n_r], codes[n_r:]
    q_num = np.empty((n_q, len(num_cols)), dtype=np.float64)
    r_num = np.empty((n_r, len(num_cols)), dtype=np.float64)
    ranges = np.zeros(len(num_cols), dtype=np.float64)
    for k, col in enumerate(num_cols):
        r_num[:, k] = _numeric(reference[col])
        q_num[:, k] = _numeric(query[col])
        values = r_num[:, k] if ranges_over == "reference" else np.concatenate([r_num[:, k], q_num[:, k]])
        finite = values[~np.isnan(values)]
        ranges[k] = float(finite.max() - finite.min()) if len(finite) else 0.0
    return Encoded(
        np.ascontiguousarray(q_cat),
        np.ascontiguousarray(r_cat),
        np.ascontiguousarray(q_num),
        np.ascontiguousarray(r_num),
        ranges,
        len(cat_cols) + len(num_cols),
    )


def pair_distance(q_cat, q_num, r_cat, r_num, ranges, n_columns: int) -> float:
    """The distance between one encoded query row and one encoded reference row (plain Python; for checks)."""
    import math

    d = 0.0
    for a, b in zip(q_cat, r_cat, strict=True):
        if a != b:
            d += 1.0
    for x, y, rng in zip(q_num, r_num, ranges, strict=True):
        if math.isnan(x) or math.isnan(y):
            d += 1.0 if math.isnan(x) != math.isnan(y) else 0.0
        elif rng == 0:
            d += 1.0 if x != y else 0.0
        else:
            t = abs(x - y) / rng
            d += t if t < 1.0 else 1.0
    return d / n_columns


_KERNEL = None
_WARM_ROWS = 512


def _kernel():
    global _KERNEL
    if _KERNEL is None:
        import math

        from numba import njit, prange

        @njit(parallel=True, cache=True, nogil=True)
        def nearest(q_cat, r_cat, q_num, r_num, ranges, out_dist, out_index):  # pragma: no cover - compiled
            n_q, n_r = q_cat.shape[0], r_cat.shape[0]
            n_c, n_n = q_cat.shape[1], q_num.shape[1]
            for i in prange(n_q):
                best = out_dist[i]
                best_j = out_index[i]
                for j in range(n_r):
                    # a row after the current best must be strictly closer; one before it may tie, so that
                    # among equally close rows the lowest position wins
                    after = j > best_j
                    d = 0.0
                    far = False
                    for c in range(n_c):
                        if q_cat[i, c] != r_cat[j, c]:
                            d += 1.0
                            if d > best or (after and d == best):
                                far = True
                                break
                    # (checked again here: with no numerical column, a tie after the best must not replace it)
                    if far or d > best or (after and d == best):
                        continue
                    for c in range(n_n):
                        x = q_num[i, c]
                        y = r_num[j, c]
                        if math.isnan(x) or math.isnan(y):
                            if math.isnan(x) != math.isnan(y):
                                d += 1.0
                        elif ranges[c] == 0.0:
                            if x != y:
                                d += 1.0
                        else:
                            t = abs(x - y) / ranges[c]
                            d += t if t < 1.0 else 1.0
                        if d > best or (after and d == best):
                            far = True
                            break
                    if not far:
                        best = d
                        best_j = j
                out_dist[i] = best
                out_index[i] = best_j

        _KERNEL = nearest
    return _KERNEL


def dcr(query, reference, sdtypes: dict[str, str]):
    """Distance of each *query* row to its closest *reference* row, and that row's position.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Distances in [0, 1] (float64, one per query row) and positions in *reference* of the closest row
        (on ties, the lowest position among the closest).
    """
    enc = encode(query, reference, sdtypes)
    dist, index = nearest(enc.query_cat, enc.ref_cat, enc.query_num, enc.ref_num, enc.ranges)
    return dist / enc.n_columns, index


def nearest_brute(query_cat, ref_cat, query_num, ref_num, ranges):
    """:func:`nearest` by comparing every pair (the reference the blocked search is tested against).

    Among equally close reference rows the lowest position wins. *ranges* scale the numerical columns.
    """
    import numpy as np

    n_q = query_cat.shape[0]
    dist = np.full(n_q, np.inf)
    index = np.full(n_q, -1, dtype=np.int64)
    if ref_cat.shape[0] == 0:
        dist[:] = np.nan
        return dist, index
    kernel = _kernel()
    # A first pass against an evenly spaced sample of reference rows gives each query a tight upper bound,
    # so the full pass abandons most pairs after a column or two. The full pass still visits every pair and
    # keeps the lowest position among the closest rows, so the answer does not depend on the sample.
    step = max(1, ref_cat.shape[0] // _WARM_ROWS)
    kernel(query_cat, ref_cat[::step].copy(), query_num, ref_num[::step].copy(), ranges, dist, index)
    index[:] = index * step
    kernel(query_cat, ref_cat, query_num, ref_num, ranges, dist, index)
    return dist, index


def _blocked_kernel():
    # module-level functions in their own module, so numba's on-disk cache finds them again in a new process
    from synthnb.evaluation._dcr_kernels import blocked

    return blocked


def _row_keys(q_cat, r_cat):
    """One int64 key per row of *q_cat* and *r_cat* (stacked), equal exactly when the rows are equal."""
    import numpy as np

    both = np.vstack([r_cat, q_cat]).astype(np.int64, copy=False)
    # mixed radix, column by column (codes run from -1, missing); when the next column would overflow int64 the
    # keys so far are renumbered densely (a one-to-one map of the distinct prefixes), so the key stays exact
    # however many columns and categories there are, in a few array passes instead of a groupby over rows
    key = np.zeros(len(both), dtype=np.int64)
    size = 1
    for j in range(both.shape[1]):
        digit = both[:, j] + 1
        card = int(digit.max()) + 1 if len(digit) else 1
        if size * card >= 2**62:
            uniques, key = np.unique(key, return_inverse=True)
            key, size = key.reshape(-1).astype(np.int64), len(uniques)
        key = key * card + digit
        size *= card
    n_r = len(r_cat)
    return key[n_r:], key[:n_r]


def nearest(query_cat, ref_cat, query_num, ref_num, ranges):
    """Summed distance of each encoded query row to its closest reference row, and that row's position.

    Among equally close reference rows the lowest position wins. *ranges* scale the numerical columns. Exact:
    the same numbers as :func:`nearest_brute`, found by the blocked search the module docstring describes.
    """
    import numpy as np

    n_q, n_c = query_cat.shape
    dist = np.full(n_q, np.inf)
    index = np.full(n_q, -1, dtype=np.int64)
    if ref_cat.shape[0] == 0:
        dist[:] = np.nan
        return dist, index
    ranges = np.asarray(ranges, dtype=np.float64)
    # blocks: reference rows with identical categories; inside a block, rows sorted by the sort column (missing
    # values last), then by position
    q_key, r_key_cat = _row_keys(query_cat, ref_cat)
    block_keys, block_of = np.unique(r_key_cat, return_inverse=True)
    first_row = np.full(len(block_keys), len(ref_cat), dtype=np.int64)
    np.minimum.at(first_row, block_of, np.arange(len(ref_cat)))
    b_cat = np.ascontiguousarray(ref_cat[first_row])
    sort_col = _sort_column(ref_num, ranges)
    sort_val = ref_num[:, sort_col] if sort_col >= 0 else np.zeros(len(ref_cat))
    missing = np.isnan(sort_val)
    order = np.lexsort((np.arange(len(ref_cat)), np.where(missing, 0.0, sort_val), missing, block_of))
    starts = np.searchsorted(block_of[order], np.arange(len(block_keys) + 1)).astype(np.int64)
    nan_starts = starts[1:] - np.bincount(block_of, weights=missing, minlength=len(block_keys)).astype(np.int64)
    r_num = np.ascontiguousarray(ref_num[order])
    r_key = np.ascontiguousarray(sort_val[order])
    r_pos = order.astype(np.int64)
    where = np.searchsorted(block_keys, q_key)
    found = (where < len(block_keys)) & (block_keys[np.minimum(where, len(block_keys) - 1)] == q_key)
    q_exact = np.where(found, where, -1)
    # blocks one category away: equal keys once column k is left out
    loo_blocks = np.empty((n_c, len(block_keys)), dtype=np.int64)
    q_lo = np.empty((n_q, n_c), dtype=np.int64)
    q_hi = np.empty((n_q, n_c), dtype=np.int64)
    for k in range(n_c):
        rest = [c for c in range(n_c) if c != k]
        kq, kb = _row_keys(query_cat[:, rest], b_cat[:, rest])
        o = np.argsort(kb, kind="stable")
        loo_blocks[k] = o
        q_lo[:, k] = np.searchsorted(kb[o], kq, "left")
        q_hi[:, k] = np.searchsorted(kb[o], kq, "right")
    _blocked_kernel()(
        np.ascontiguousarray(query_cat),
        np.ascontiguousarray(query_num),
        b_cat,
        r_num,
        r_key,
        r_pos,
        starts,
        nan_starts,
        np.int64(sort_col),
        ranges,
        q_exact.astype(np.int64),
        loo_blocks,
        q_lo,
        q_hi,
        dist,
        index,
    )
    return dist, index


def _sort_column(ref_num, ranges) -> int:
    """The numerical column that spreads the rows most over its range (-1: none with a range)."""
    import numpy as np

    best, best_spread = -1, -1.0
    for k in range(ref_num.shape[1]):
        col = ref_num[:, k]
        col = col[~np.isnan(col)]
        if ranges[k] > 0 and len(col):
            spread = float(np.std(col)) / ranges[k] * len(col) / ref_num.shape[0]
            if spread > best_spread:
                best, best_spread = k, spread
    return best
