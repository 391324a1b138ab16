"""Verbatim reuse: how often a near-unique real value reappears in the synthetic table, against a control."""

from __future__ import annotations

__all__ = ["NEAR_UNIQUE_SHARE", "REUSE_EXCESS", "near_unique_columns", "verbatim_reuse"]

#: a column is near-unique when its distinct non-missing values are at least this share of its non-missing values
NEAR_UNIQUE_SHARE = 0.5
#: reuse more than this (a share, 0.01 = 1 percentage point) above the control is a finding
REUSE_EXCESS = 0.01
#: a column with this many distinct values or fewer is a flag, never near-unique
_FLAG_VALUES = 2
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
