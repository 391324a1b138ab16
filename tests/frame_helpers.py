"""Helpers the tests share (importable everywhere: pyproject puts tests/ on pytest's pythonpath)."""

from __future__ import annotations

import hashlib


def frame_hash(df) -> str:
    """Digest of a frame's values, dtypes, index and column names: changes if anything is mutated."""
    import pandas as pd

    h = hashlib.sha256()
    h.update(repr(list(df.columns)).encode())
    h.update(repr(list(df.dtypes.astype(str))).encode())
    try:
        h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    except TypeError:  # unhashable cells (dicts, lists): fall back to their text
        h.update(df.to_csv().encode())
    return h.hexdigest()
