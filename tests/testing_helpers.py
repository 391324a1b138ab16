"""Helpers and inputs the tests share (importable everywhere: pyproject puts tests/ on pytest's pythonpath)."""

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


#: a user's notebook: two fits on 1,500 Adult rows, with a cell of their own in between
TWO_FIT_CELLS = [
    "%load_ext synthnb\nimport synthnb\ndf = synthnb.datasets.load_adult().head(1500)",
    "%synth fit df --as a_syn --no-report",
    "x = 41 + 1  # a cell of the user's",
    "%synth fit df --as b_syn --seed 1 --no-report",
    "print(len(a_syn), len(b_syn), x)",
]
