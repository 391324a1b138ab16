"""Small real tables shipped inside the package, so nothing is downloaded at run time."""

from __future__ import annotations

from importlib import resources

__all__ = ["adult_card", "load_adult"]


def load_adult():
    """Return the UCI Adult census table (32,561 rows, 15 columns; CC BY 4.0).

    Missing values (``?`` in the original file) are ``NaN``. Text columns are returned as
    plain ``object`` strings so the frame behaves like a freshly read CSV. A new frame is
    built on every call, so callers may change it freely.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    path = resources.files(__name__).joinpath("data/adult.csv.gz")
    with resources.as_file(path) as p:
        frame = pd.read_csv(p, compression="gzip")
    return frame


def adult_card() -> str:
    """The data card of the Adult table: origin, licence, columns and known biases (Markdown)."""
    return resources.files(__name__).joinpath("data/ADULT.md").read_text(encoding="utf-8")
