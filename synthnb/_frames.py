"""Checks on the user's table, with errors that name the column and the fix."""

from __future__ import annotations

from synthnb.errors import SynthnbError

__all__ = ["check_frame"]


def check_frame(df, name: str = "the table") -> None:
    """Raise a SynthnbError if *df* cannot be used as a source table. Never changes *df*."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        kind = type(df).__name__
        hint = " Wrap it with pd.DataFrame(...) first." if isinstance(df, pd.Series | dict | list) else ""
        raise SynthnbError(f"{name} must be a pandas DataFrame, got {kind}.{hint}")
    if df.shape[1] == 0:
        raise SynthnbError(f"{name} has no columns; load a table with at least one column.")
    if df.shape[0] == 0:
        raise SynthnbError(f"{name} has no rows; a generator needs real rows to learn from.")
    dupes = df.columns[df.columns.duplicated()].unique().tolist()
    if dupes:
        raise SynthnbError(
            f"{name} has duplicate column names {dupes}; rename them, e.g. df.columns = [...] on a copy."
        )
    empty = [str(c) for c in df.columns if df[c].isna().all()]
    if empty:
        raise SynthnbError(
            f"column {empty[0]!r} of {name} has no values (all missing); drop it first, e.g. "
            f"df.drop(columns={empty!r})."
        )
    for col in df.columns:
        dtype = df[col].dtype
        if dtype.kind == "c":
            raise SynthnbError(
                f"column {col!r} holds complex numbers, which no generator models; split it into real "
                "and imaginary parts."
            )
        if dtype.kind == "O":
            sample = df[col].dropna().head(200)
            bad = next((v for v in sample if isinstance(v, dict | list | set | tuple)), None)
            if bad is not None:
                raise SynthnbError(
                    f"column {col!r} holds {type(bad).__name__} values such as {bad!r:.60}; a generator "
                    "needs numbers, text categories or dates. Convert or drop it."
                )
