"""The compiled counting kernel of the By-group resamples (imported on first use: it imports numba)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["code_counts"]


@njit(cache=True, nogil=True)
def code_counts(codes, rows, offsets, total):  # pragma: no cover - compiled
    # codes: (rows, columns) codes, -1 missing; rows: (resamples, drawn) positions; offsets: each column's first bin
    # out[r, offsets[c] + v]: how often resample r drew a row whose column c has code v (missing values not counted)
    n_resamples, n_drawn = rows.shape
    n_cols = codes.shape[1]
    out = np.zeros((n_resamples, total), dtype=np.float64)
    for r in range(n_resamples):
        for j in range(n_drawn):
            i = rows[r, j]
            for c in range(n_cols):
                v = codes[i, c]
                if v >= 0:
                    out[r, offsets[c] + v] += 1.0
    return out
