"""Checks on the user's table, with errors that name the column and the fix.

What a generator can take (and how each kind is handed to it and given back) is ruled in
:mod:`synthnb.generators.codec`: numbers (NumPy, nullable and pyarrow, floats of any magnitude), text, booleans,
categories, datetimes (naive or with a zone), durations, periods, dates written as text and ``datetime.date`` or
``datetime.datetime`` objects. Refused here, each with its column and a fix: infinite values, complex numbers,
intervals, sparse columns, nested or binary pyarrow types, objects that are dicts, lists, sets, tuples, bytes,
decimals or times of day, datetimes that mix time zones, and object columns that mix kinds of value.
"""

from __future__ import annotations

from synthnb.errors import SynthnbError

__all__ = ["check_frame", "fit_ready"]

#: what pandas' infer_dtype calls an object column a generator can take as it is
_PLAIN_OBJECT = {"string", "integer", "floating", "mixed-integer-float", "boolean", "date", "empty"}
#: pyarrow type families a generator takes (see synthnb.generators.codec)
_ARROW_KINDS = ("string", "large_string", "integer", "floating", "boolean", "timestamp", "date", "duration", "decimal")
#: infer_dtype's names for an object column of plain numbers, which the generator takes as a numeric column
_OBJECT_NUMBERS = {"integer", "floating", "mixed-integer-float"}
#: infer_dtype's name for an object column of one unsupported kind -> how to convert it
_OBJECT_FIXES = {
    "datetime": "pd.to_datetime(df[{col!r}], utc=True) (the values mix time zones or are not one datetime type)",
    "decimal": "df[{col!r}].astype(float)",
    "bytes": "df[{col!r}].str.decode('utf-8')",
    "time": "pd.to_timedelta(df[{col!r}].astype(str)).dt.total_seconds()",
    "timedelta": "pd.to_timedelta(df[{col!r}]).dt.total_seconds()",
    "period": "df[{col!r}].astype(str)",
    "interval": "df[{col!r}].astype(str)",
    "complex": "separate real and imaginary columns",
}


def check_frame(df, name: str = "the table", *, empty_columns: bool = False) -> None:
    """Raise a SynthnbError if *df* cannot be used as a source table. Never changes *df*.

    ``empty_columns=True`` accepts all-missing columns: a synthetic table may hold one (the generator
    sampled nothing but missing values there), and that is a finding of the evaluation, not bad input.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise SynthnbError(f"{name} must be a pandas DataFrame, got {type(df).__name__}. {_wrap_hint(df)}")
    if df.shape[1] == 0:
        raise SynthnbError(f"{name} has no columns; load a table with at least one column.")
    if df.shape[0] == 0:
        raise SynthnbError(f"{name} has no rows; a generator needs real rows to learn from: load a table with rows.")
    _check_names(df.columns, name)
    empty = [] if empty_columns else [str(c) for c in df.columns if df[c].isna().all()]
    if empty:
        raise SynthnbError(
            f"column {empty[0]!r} of {name} has no values (all missing); drop it first, e.g. "
            f"df.drop(columns={empty!r})."
        )
    for col in df.columns:
        _check_values(df[col], col)


def fit_ready(frame):
    """A copy of a checked *frame* in the shape the generator takes: categories it holds, nothing more.

    SDV's categorical transformer fails on a category that no row holds (a declared but unused level, or one
    whose rows all went to the holdout), so unused levels are dropped from the copy; the synthetic table can
    only hold levels that occur anyway.
    """
    import pandas as pd

    out = frame.copy(deep=False)
    for col in out.columns:
        if out[col].dtype.name == "category":
            out[col] = out[col].cat.remove_unused_categories()
        elif out[col].dtype == object and pd.api.types.infer_dtype(out[col], skipna=True) in _OBJECT_NUMBERS:
            out[col] = _as_numbers(out[col], col)
    return out


def _as_numbers(series, col):
    """An object column of plain numbers as a nullable numeric column: SDV types it numerical, then cannot
    round an object column (detection and sampling both fail)."""
    import pandas as pd

    numbers = pd.to_numeric(series, dtype_backend="numpy_nullable")
    whole = pd.api.types.infer_dtype(series, skipna=True) == "integer"
    if numbers.dtype.kind not in "iuf" or (whole and numbers.dtype.kind == "f"):
        raise SynthnbError(
            f"column {col!r} holds integers beyond 64 bits, which no generator models; convert them on a copy "
            f"first, e.g. df[{col!r}] = df[{col!r}].astype(str) for codes, or .astype(float) for amounts."
        )
    return numbers


def _wrap_hint(obj) -> str:
    import pandas as pd

    if isinstance(obj, pd.Series):
        return "Make it a one-column table with series.to_frame()."
    if obj is None:
        return "Pass the table itself, e.g. pd.read_csv('data.csv')."
    return "Wrap it with pd.DataFrame(...) first, or load it with pd.read_csv('data.csv')."


def _check_names(columns, name: str) -> None:
    import pandas as pd

    if isinstance(columns, pd.MultiIndex):
        raise SynthnbError(
            f"{name} has multi-level column names such as {columns[0]!r}; flatten them on a copy first, e.g. "
            "df.columns = ['_'.join(map(str, c)) for c in df.columns]."
        )
    odd = next((c for c in columns if not isinstance(c, str)), None)
    if odd is not None:
        raise SynthnbError(
            f"column {odd!r} of {name} is named by a value of type {type(odd).__name__}, not text; column names "
            "must be text. Rename them on a copy first, e.g. df.columns = [str(c) for c in df.columns]."
        )
    dupes = columns[columns.duplicated()].unique().tolist()
    if dupes:
        raise SynthnbError(
            f"{name} has duplicate column names {dupes}; rename them, e.g. df.columns = [...] on a copy."
        )


def _check_values(series, col) -> None:
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        _check_object_kind(pd.Series(dtype.categories, dtype=object), col, "categories")
        return
    if isinstance(dtype, pd.SparseDtype):
        raise SynthnbError(
            f"column {col!r} is sparse ({dtype}), which no generator models; convert it on a copy first, "
            f"e.g. df[{col!r}] = df[{col!r}].sparse.to_dense()."
        )
    if isinstance(dtype, pd.IntervalDtype):
        raise SynthnbError(
            f"column {col!r} holds intervals ({dtype}), which no generator models; convert it on a copy first, "
            f"e.g. df[{col!r}] = df[{col!r}].astype(str) for labels, or split it into "
            f"df[{col!r}].array.left and .right."
        )
    if isinstance(dtype, pd.ArrowDtype):
        _check_arrow(series, col)
        return
    if dtype.kind == "c":
        raise SynthnbError(
            f"column {col!r} holds complex numbers, which no generator models; split it into real and imaginary parts."
        )
    if dtype.kind == "f" and _has_infinity(series):
        raise SynthnbError(
            f"column {col!r} holds infinite values, which no generator can learn; replace them on a copy first, "
            f"e.g. df[{col!r}] = df[{col!r}].replace([np.inf, -np.inf], np.nan)."
        )
    if pd.api.types.is_object_dtype(dtype):
        _check_object_kind(series, col, "values")


def _check_arrow(series, col) -> None:
    import pyarrow as pa

    t = series.dtype.pyarrow_dtype
    if pa.types.is_dictionary(t):
        t = t.value_type
    if not any(getattr(pa.types, f"is_{kind}")(t) for kind in _ARROW_KINDS) and not pa.types.is_null(t):
        raise SynthnbError(
            f"column {col!r} has the pyarrow type {t}, which no generator models; convert it on a copy first, "
            f"e.g. df[{col!r}] = df[{col!r}].astype(str), or drop it."
        )
    if (pa.types.is_floating(t) or pa.types.is_decimal(t)) and _has_infinity(series):
        raise SynthnbError(
            f"column {col!r} holds infinite values, which no generator can learn; replace them on a copy first, "
            f"e.g. df[{col!r}] = df[{col!r}].replace([np.inf, -np.inf], np.nan)."
        )


def _has_infinity(series) -> bool:
    import numpy as np

    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return bool(np.isinf(values).any())


def _one_datetime_type(values) -> bool:
    """Datetime objects that pandas reads as one datetime64 column (all naive, or all in one zone)."""
    import pandas as pd

    try:
        return pd.to_datetime(pd.Series(values.to_list(), dtype=object)).dtype.kind == "M"
    except (TypeError, ValueError):
        return False


def _check_object_kind(series, col, what: str) -> None:
    """An object column (or a category's levels) must hold one plain kind of value: text, numbers, dates."""
    import pandas as pd

    values = series.dropna()
    bad = next((v for v in values.head(200) if isinstance(v, dict | list | set | tuple)), None)
    if bad is not None:
        raise SynthnbError(
            f"column {col!r} holds {type(bad).__name__} values such as {bad!r:.60}; a generator "
            "needs numbers, text categories or dates. Convert or drop it."
        )
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in _PLAIN_OBJECT or (kind == "datetime" and _one_datetime_type(values)):
        return
    if kind in _OBJECT_FIXES:
        fix = _OBJECT_FIXES[kind].format(col=col)
        raise SynthnbError(
            f"column {col!r} holds {kind} {what}, which no generator models as they are; convert them on a copy "
            f"first, e.g. {fix}."
        )
    types = sorted({type(v).__name__ for v in values})
    raise SynthnbError(
        f"column {col!r} mixes {', '.join(types)} {what}; a generator needs one kind per column. Convert it on "
        f"a copy first, e.g. df[{col!r}] = df[{col!r}].astype(str), or split it into separate columns."
    )
