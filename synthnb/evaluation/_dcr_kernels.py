"""The compiled kernel of the blocked closest-record search (imported on first use: it imports numba)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = ["blocked"]


@njit(cache=True, nogil=True)
def scan(i, c, k0, k1, q_num, r_num, r_pos, ranges, best, best_j):  # pragma: no cover - compiled
    # rows k0..k1-1 of one block (categorical distance c), every one compared
    for k in range(k0, k1):
        best, best_j = consider(i, c, k, q_num, r_num, r_pos, ranges, best, best_j)
    return best, best_j


@njit(cache=True, nogil=True)
def consider(i, c, k, q_num, r_num, r_pos, ranges, best, best_j):  # pragma: no cover - compiled
    # the same sum, in the same column order, as the brute-force kernel: the same float result
    d = float(c)
    for col in range(q_num.shape[1]):
        x = q_num[i, col]
        y = r_num[k, col]
        if math.isnan(x) or math.isnan(y):
            if math.isnan(x) != math.isnan(y):
                d += 1.0
        elif ranges[col] == 0.0:
            if x != y:
                d += 1.0
        else:
            t = abs(x - y) / ranges[col]
            d += t if t < 1.0 else 1.0
        if d > best:
            return best, best_j
    j = r_pos[k]
    if d < best or j < best_j:
        return d, j
    return best, best_j


@njit(cache=True, nogil=True)
def search(i, c, b, q_num, r_num, r_key, r_pos, starts, nan_starts, sort_col, ranges, best, best_j):
    k0, kn, k1 = starts[b], nan_starts[b], starts[b + 1]
    if q_num.shape[1] == 0:
        # every row of the block is at distance c: the first (lowest position) wins
        return consider(i, c, k0, q_num, r_num, r_pos, ranges, best, best_j)
    if sort_col < 0 or math.isnan(q_num[i, sort_col]):
        return scan(i, c, k0, k1, q_num, r_num, r_pos, ranges, best, best_j)
    x = q_num[i, sort_col]
    rng = ranges[sort_col]
    p = k0 + np.searchsorted(r_key[k0:kn], x)
    # walk outwards; the sort column's term alone bounds the pair's distance from below
    for k in range(p, kn):
        t = abs(r_key[k] - x) / rng
        if c + (t if t < 1.0 else 1.0) > best:
            break
        best, best_j = consider(i, c, k, q_num, r_num, r_pos, ranges, best, best_j)
    for k in range(p - 1, k0 - 1, -1):
        t = abs(r_key[k] - x) / rng
        if c + (t if t < 1.0 else 1.0) > best:
            break
        best, best_j = consider(i, c, k, q_num, r_num, r_pos, ranges, best, best_j)
    if c + 1.0 <= best:  # rows missing the sort column: that term is 1
        best, best_j = scan(i, c, kn, k1, q_num, r_num, r_pos, ranges, best, best_j)
    return best, best_j


@njit(parallel=True, cache=True, nogil=True)
def blocked(
    q_cat,
    q_num,
    b_cat,
    r_num,
    r_key,
    r_pos,
    starts,
    nan_starts,
    sort_col,
    ranges,
    q_exact,
    loo_blocks,
    q_lo,
    q_hi,
    out_dist,
    out_index,
):  # pragma: no cover - compiled
    n_b, n_c = b_cat.shape[0], b_cat.shape[1]
    for i in prange(q_cat.shape[0]):
        best = np.inf
        best_j = np.int64(-1)
        e = q_exact[i]
        if e >= 0:
            best, best_j = search(
                i, 0, e, q_num, r_num, r_key, r_pos, starts, nan_starts, sort_col, ranges, best, best_j
            )
        if best >= 1.0:
            for col in range(n_c):
                for m in range(q_lo[i, col], q_hi[i, col]):
                    b = loo_blocks[col, m]
                    if b != e:
                        best, best_j = search(
                            i,
                            1,
                            b,
                            q_num,
                            r_num,
                            r_key,
                            r_pos,
                            starts,
                            nan_starts,
                            sort_col,
                            ranges,
                            best,
                            best_j,
                        )
        if best >= 2.0:
            for b in range(n_b):
                c = 0
                for col in range(n_c):
                    if q_cat[i, col] != b_cat[b, col]:
                        c += 1
                        if c > best:
                            break
                if c >= 2 and c <= best:
                    best, best_j = search(
                        i,
                        c,
                        b,
                        q_num,
                        r_num,
                        r_key,
                        r_pos,
                        starts,
                        nan_starts,
                        sort_col,
                        ranges,
                        best,
                        best_j,
                    )
        out_dist[i] = best
        out_index[i] = best_j
