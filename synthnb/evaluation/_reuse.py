"""Verbatim reuse: how often a near-unique real value reappears in the synthetic table, against a control; and
one-off real text: a long text value only one training row holds, found again in the synthetic table.

**One-off text.** A text value of at least :data:`ONE_OFF_CHARS` characters (surrounding spaces aside) or at least
:data:`ONE_OFF_WORDS` words that occurs in exactly one training row and in no held-out row is one person's own
words (a narrative, an unusual job title, a free-form answer): a held-out row never carries it, by construction,
so the control rate is 0 and every synthetic row that carries it is one person's text let out. It is a finding
from one row up, in any text column, whatever the detector called the column: a column learned as categories
(most of its values recur) can still hold one-offs that a generator draws back.
"""

from __future__ import annotations

__all__ = [
    "NEAR_UNIQUE_SHARE",
    "ONE_OFF_CHARS",
    "ONE_OFF_WORDS",
    "REUSE_EXCESS",
    "near_unique_columns",
    "one_off_text",
    "verbatim_reuse",
]

#: a column is near-unique when its distinct non-missing values are at least this share of its non-missing values
NEAR_UNIQUE_SHARE = 0.5
#: reuse more than this (a share, 0.01 = 1 percentage point) above the control is a finding
REUSE_EXCESS = 0.01
#: a column with this many distinct values or fewer is a flag, never near-unique
_FLAG_VALUES = 2
#: a text value this long (characters, surrounding spaces aside) or with this many words is "long" (one-off text)
ONE_OFF_CHARS, ONE_OFF_WORDS = 40, 6
#: one-sided 95 % normal quantile: an excess within this many standard errors of the margin is sampling noise
_Z = 1.6448536269514722


def near_unique_columns(real, direct_identifiers=()) -> list[str]:
    """The direct identifiers plus every column whose distinct share of non-missing values is >= NEAR_UNIQUE_SHARE.

    A column with at most two distinct values (a yes/no flag) is never near-unique, however few the rows: its
    values recur by nature, so finding them again says nothing about a person (on a two-row table every flag
    would otherwise be "near-unique" and its 100 % reuse a finding).
    """
    out = [c for c in direct_identifiers if c in real.columns]
    for col in real.columns:
        s = real[col].dropna()
        distinct = s.nunique()
        if col not in out and distinct > _FLAG_VALUES and distinct / len(s) >= NEAR_UNIQUE_SHARE:
            out.append(col)
    return out


def _canonical(series):
    """Values comparable across tables: every number as a float (1 == 1.0), datetimes as nanoseconds, else text."""
    import numbers

    import pandas as pd

    s = series.dropna()
    if s.dtype.kind in "iuf":
        return pd.Series(s.to_numpy(dtype=float), dtype=object)
    if s.dtype.kind == "M":
        return pd.Series(s.astype("int64").to_numpy(), dtype=object).map(lambda v: ("datetime", v))

    def one(v):
        if isinstance(v, bool):
            return ("bool", v)
        if isinstance(v, numbers.Number):
            return float(v)
        if isinstance(v, pd.Timestamp):
            return ("datetime", v.value)
        return str(v)

    return s.astype(object).map(one)


def _share_found(values, pool: set) -> float:
    return float(values.isin(pool).mean()) if len(values) else float("nan")


def sampling_noise(share: float, n: int, control_share: float, n_control: int) -> float:
    """How far above the control a share can lie by chance alone (one-sided 95 %, two independent proportions).

    On small tables a handful of recurring values (a measurement clipped at its real minimum) moves a share by
    more than a point; requiring the excess to clear this as well keeps the finding about real reuse.
    """
    import math

    var = share * (1 - share) / n if n else 0.0
    if n_control and control_share == control_share:  # NaN: no control
        var += control_share * (1 - control_share) / n_control
    return _Z * math.sqrt(var)


def verbatim_reuse(train, control, synthetic, columns, *, excess: float = REUSE_EXCESS):
    """Per column, the share of synthetic values found among the training rows' values, against a control.

    Parameters
    ----------
    train, synthetic : pandas.DataFrame
        The rows the generator saw, and its output.
    control : pandas.DataFrame or None
        Real rows the generator never saw. Their share of values found among the training values is the
        natural overlap (common names recur); without it the control share is missing and reuse is compared
        with 0.
    columns : list of str
        The columns to check (see :func:`near_unique_columns`).
    excess : float
        Reuse more than this above the control share is a finding (0.01 = 1 percentage point).

    Returns
    -------
    pandas.DataFrame
        ``column, train_share, control_share, excess, noise, finding`` (one row per column; missing values are
        left out of every share; values compare exactly, 1 equal to 1.0). ``noise`` is :func:`sampling_noise`;
        a finding needs ``excess > margin + noise``.
    """
    import pandas as pd

    rows = []
    for col in columns:
        pool = set(_canonical(train[col]))
        syn_values = _canonical(synthetic[col])
        train_share = _share_found(syn_values, pool)
        control_values = None if control is None else _canonical(control[col])
        control_share = float("nan") if control is None else _share_found(control_values, pool)
        over = train_share - (0.0 if control is None else control_share)
        noise = sampling_noise(
            train_share, len(syn_values), control_share, 0 if control_values is None else len(control_values)
        )
        rows.append(
            {
                "column": str(col),
                "train_share": train_share,
                "control_share": control_share,
                "excess": over,
                "noise": noise,
                "finding": bool(over > excess + noise),
            }
        )
    return pd.DataFrame(rows, columns=["column", "train_share", "control_share", "excess", "noise", "finding"])


def _long_text(values):
    """The values (text, stripped) of at least ONE_OFF_CHARS characters or ONE_OFF_WORDS words."""
    text = values.astype(str).str.strip()
    return text[(text.str.len() >= ONE_OFF_CHARS) | (text.str.split().str.len() >= ONE_OFF_WORDS)]


def one_off_text(train, control, synthetic):
    """Per text column, the synthetic rows carrying a long text only one training row holds (module docstring).

    Returns
    -------
    pandas.DataFrame
        ``column, one_offs, synthetic_rows, finding``: how many such values the training rows hold, how many
        synthetic rows carry one of them, and whether that is a finding (one row or more). Only text columns
        (object or string dtype) present in all three tables with at least one one-off are listed; the values
        themselves are never put in the table.
    """
    import pandas as pd

    rows = []
    for col in train.columns:
        dtype = train[col].dtype
        text_like = pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
        if col not in synthetic.columns or not text_like:
            continue
        values = train[col].dropna().astype(object)
        values = values[values.map(lambda v: isinstance(v, str))]
        long = _long_text(values)
        counts = long.value_counts()
        pool = set(counts.index[counts == 1])
        if control is not None and col in control.columns and pool:
            held = control[col].dropna().astype(object)
            pool -= set(_long_text(held[held.map(lambda v: isinstance(v, str))]))
        if not pool:
            continue
        syn = synthetic[col].dropna().astype(object)
        syn = syn[syn.map(lambda v: isinstance(v, str))]
        hits = int(syn.str.strip().isin(pool).sum()) if len(syn) else 0
        rows.append({"column": str(col), "one_offs": len(pool), "synthetic_rows": hits, "finding": hits > 0})
    return pd.DataFrame(rows, columns=["column", "one_offs", "synthetic_rows", "finding"])
