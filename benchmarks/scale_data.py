"""The scale benchmark's table: Adult resampled to any number of rows with seeded noise on the numbers."""

from __future__ import annotations

__all__ = ["adult_resampled"]


def adult_resampled(rows: int = 1_000_000, seed: int = 0):
    """*rows* rows × Adult's 15 columns: rows drawn with replacement, numbers jittered, categories kept.

    Each numerical column gets Gaussian noise of 5 % of its standard deviation (integer columns rounded back,
    and values kept inside the column's observed range), so the table has far more distinct rows than Adult
    while its categories, their combinations and the columns' distributions stay Adult's. Same *seed*, same
    table.
    """
    import numpy as np

    import synthnb

    adult = synthnb.datasets.load_adult()
    rng = np.random.default_rng(seed)
    out = adult.iloc[rng.integers(0, len(adult), size=rows)].reset_index(drop=True)
    for col in out.columns:
        s = out[col]
        if s.dtype.kind in "iuf":
            lo, hi = float(adult[col].min()), float(adult[col].max())
            noisy = np.clip(s.to_numpy(dtype=float) + rng.normal(0.0, 0.05 * float(adult[col].std()), rows), lo, hi)
            out[col] = np.round(noisy).astype(s.dtype) if s.dtype.kind in "iu" else noisy
    return out
