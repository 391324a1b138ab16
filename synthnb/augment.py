"""Rebalancing: add synthetic rows of an under-represented group, marked as synthetic in a real column."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["MIN_GROUP_ROWS", "Augmented", "augment", "group_metrics", "parse_group"]

#: fewer training rows of the group than this: too few to learn the group from, refused
MIN_GROUP_ROWS = 20
#: rows the fit samples besides the group's (its synthetic table is not used; a small one saves time)
_FIT_ROWS = 100


@dataclass(frozen=True, eq=False)
class Augmented:
    """The result of :func:`augment`.

    Attributes
    ----------
    data : pandas.DataFrame
        Every row of the input table, then the synthetic rows of the group; ``data[marker]`` is True
        exactly on the synthetic rows.
    synthetic : pandas.DataFrame
        The synthetic rows alone (without the marker column).
    run : Run
        The fit the rows were sampled from (spec, identifiers, provenance).
    column, value :
        The group: rows with ``column == value``.
    marker : str
        Name of the boolean column marking synthetic rows.
    metrics : pandas.DataFrame or None
        Per group, a downstream model's metrics on real held-out rows, trained on the real training rows
        ("before") and on them plus the synthetic rows ("after"); None without a target.
    test_rows : numpy.ndarray
        Positions in the input table of the real held-out rows the metrics are computed on.
    """

    data: Any
    synthetic: Any
    run: Any
    column: str
    value: Any
    marker: str
    metrics: Any
    test_rows: Any

    @property
    def mix(self) -> dict[str, Any]:
        """How many real and synthetic rows the data holds, and the group augmented."""
        n_syn = int(self.data[self.marker].sum())
        return {
            "real rows": len(self.data) - n_syn,
            "synthetic rows": n_syn,
            "group": f"{self.column}={self.value}",
            "marker column": self.marker,
        }

    @property
    def synthetic_run(self):
        """The fit with :attr:`synthetic` (the added rows only) as its synthetic table, for evaluating them."""
        import dataclasses

        from synthnb.fingerprint import frame_digest

        return dataclasses.replace(self.run, synthetic=self.synthetic, synthetic_sha256=frame_digest(self.synthetic))

    def evaluate(self, sections=("privacy",), **kwargs):
        """:func:`synthnb.evaluate` of the added rows alone against the fit's real rows (privacy by default).

        The real rows of :attr:`data` are never judged as synthetic: only the rows the marker column flags are.
        """
        from synthnb.evaluation import evaluate

        return evaluate(self.synthetic_run, sections=list(sections), **kwargs)

    def __repr__(self) -> str:
        m = self.mix
        return (
            f"Augmented({m['real rows']:,} real + {m['synthetic rows']:,} synthetic rows of {m['group']}, "
            f"model={self.run.spec.model}, seed={self.run.spec.seed}, marker={self.marker!r})"
        )


def parse_group(group: str | Mapping[str, Any], df) -> tuple[str, Any]:
    """``"col=value"`` or ``{"col": value}`` -> (column, the value as stored in *df*); SynthnbError otherwise."""
    if isinstance(group, str):
        if "=" not in group:
            raise SynthnbError(f"group {group!r} must read COLUMN=VALUE, e.g. race=Other.")
        column, value = (part.strip() for part in group.split("=", 1))
    elif isinstance(group, Mapping) and len(group) == 1:
        ((column, value),) = group.items()
    else:
        raise SynthnbError(f"group must be 'COLUMN=VALUE' or a dict with one column, got {group!r}.")
    if column not in df.columns:
        raise SynthnbError(
            f"group column {column!r} is not in the table; the columns are: {', '.join(map(str, df.columns))}."
        )
    present = list(df[column].dropna().unique())
    if value in present:
        return column, value
    by_text = [v for v in present if str(v) == str(value)]
    if not by_text:
        listed = ", ".join(sorted(map(str, present))[:20])
        raise SynthnbError(f"no row has {column} = {value!r}; its values include: {listed}.")
    return column, by_text[0]


def augment(
    df,
    group: str | Mapping[str, Any],
    rows: int,
    *,
    model: str = "gaussian_copula",
    seed: int = 0,
    holdout: float = 0.2,
    target: str | None = None,
    sensitive: str | Iterable[str] | None = None,
    marker: str = "is_synthetic",
    **model_params: Any,
) -> Augmented:
    """Add *rows* synthetic rows of one group to *df*, each marked True in a boolean column.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table; never modified.
    group : str or dict
        ``"COLUMN=VALUE"`` or ``{"COLUMN": value}``: the group to add rows of.
    rows : int
        How many synthetic rows of the group to add.
    model : str
        The generator (as :func:`synthnb.fit`). It is fitted on the whole table (so the group borrows what
        it shares with the others) and sampled conditionally on the group: the Gaussian copula conditions
        its copula, CTGAN and CopulaGAN their generator, TVAE (no conditioning) keeps the group's rows among
        a bounded number of draws; see :func:`synthnb.generators.sdv_adapter.sample_group`.
    seed : int
        Seeds the holdout split, the fit and the sample: same inputs, same bytes.
    holdout : float
        Share of real rows held out of fitting; the downstream metrics are computed on them only.
    target : str, optional
        The column a downstream model predicts; with it, :attr:`Augmented.metrics` compares the model per
        group before and after augmenting.
    sensitive : str or list of str, optional
        Columns whose groups the metrics are broken down by (the group's column is always one).
    marker : str
        Name of the boolean column marking the synthetic rows; it must not exist in *df*.
    **model_params
        Passed to the generator (``epochs=...``).

    Returns
    -------
    Augmented
    """
    import pandas as pd

    from synthnb._frames import check_frame
    from synthnb.api import fit
    from synthnb.fake_identifiers import with_fakes
    from synthnb.generators import implementation
    from synthnb.spec import split_columns

    check_frame(df, "df")
    if marker in df.columns:
        raise SynthnbError(f"the table already has a column {marker!r}; pass marker='...' with another name.")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
        raise SynthnbError(f"rows must be a positive whole number, got {rows!r}.")
    column, value = parse_group(group, df)
    if int((df[column] == value).sum()) < MIN_GROUP_ROWS:
        _too_few(column, value, int((df[column] == value).sum()), "rows in the table")
    sens = [c for c in dict.fromkeys([column, *split_columns(sensitive)]) if c != target]
    run = fit(
        df, model=model, rows=_FIT_ROWS, seed=seed, holdout=holdout, sensitive=sens, target=target, **model_params
    )
    n_group = int((run.train[column] == value).sum())
    if n_group < MIN_GROUP_ROWS:
        _too_few(column, value, n_group, "training rows (after holding out real rows for testing)")
    # each generator draws the group by its own conditioning (CART: the group's own trees; SDV: its sampler)
    syn = implementation(run.spec.model).sample_group(run.synthesizer, run.spec.model, column, value, rows, seed)
    # the generator saw (and returns) every column but the direct identifiers taken out before fitting
    learned = [c for c in run.synthetic.columns if c in syn.columns]
    syn = with_fakes(syn[learned], run.real, run.train, run.identifiers, seed)
    for col in df.columns:  # the learned columns keep the real dtypes where the values allow it
        if col in syn.columns and syn[col].dtype != df[col].dtype:
            try:
                syn[col] = syn[col].astype(df[col].dtype)
            except (TypeError, ValueError):
                pass
    real_part = df.copy(deep=True)
    real_part[marker] = False
    syn_part = syn.copy()
    syn_part[marker] = True
    data = pd.concat([real_part, syn_part], ignore_index=True)[[*df.columns, marker]]
    data[marker] = data[marker].astype(bool)
    metrics = None
    if target is not None:
        metrics = group_metrics(run.train, run.holdout, syn, target, sens, seed)
    return Augmented(data, syn, run, column, value, marker, metrics, run.holdout_rows)


def _too_few(column, value, n, what) -> None:
    raise SynthnbError(
        f"group {column} = {value!r} has {n} {what}; at least {MIN_GROUP_ROWS} are needed to learn it from. "
        "Choose a larger group, or hold out fewer rows (holdout=...)."
    )


def group_metrics(train, test, synthetic, target: str, columns: Iterable[str], seed: int):
    """Per group of each column: accuracy, recall and F1 of a downstream model on the real *test* rows.

    The model is scikit-learn's HistGradientBoosting with the settings of the utility section, trained on
    the real *train* rows ("before") and on them plus the *synthetic* rows ("after"). Recall and F1 are for
    the target's rarer class (two classes) or macro-averaged (more).
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    from synthnb.evaluation._context import sdtypes_of
    from synthnb.evaluation._models import _design, _make, positive_label

    train = train[train[target].notna()]
    synthetic = synthetic[synthetic[target].notna()]
    test = test[test[target].notna()].reset_index(drop=True)
    features = [c for c in train.columns if c != target and c in synthetic.columns]
    types = sdtypes_of(train[features])
    after = pd.concat([train, synthetic], ignore_index=True)
    (x_before, x_after, x_test), is_cat = _design([train, after, test], features, types)
    y_before, y_after, y_test = (f[target].astype(str).to_numpy() for f in (train, after, test))
    classes = sorted(set(y_before))
    if len(classes) < 2:
        raise SynthnbError(f"target {target!r} has a single value in the training rows; no model can be trained.")
    task = "binary" if len(classes) == 2 else "multiclass"
    positive = str(positive_label(train[target].astype(str)))
    preds = {
        "before": _make(task, is_cat, seed).fit(x_before, y_before).predict(x_test),
        "after": _make(task, is_cat, seed).fit(x_after, y_after).predict(x_test),
    }

    def scores(y, p):
        if task == "binary":
            kw = {"pos_label": positive, "zero_division": 0}
            return accuracy_score(y, p), recall_score(y, p, **kw), f1_score(y, p, **kw)
        kw = {"average": "macro", "zero_division": 0, "labels": classes}
        return accuracy_score(y, p), recall_score(y, p, **kw), f1_score(y, p, **kw)

    out = []
    for col in columns:
        labels = test[col].astype("object").where(test[col].notna(), "(missing)").astype(str).to_numpy()
        for g in ["(all rows)", *pd.Series(labels).value_counts().index]:
            mask = np.ones(len(test), bool) if g == "(all rows)" else labels == g
            row = {"column": col, "group": g, "test rows": int(mask.sum())}
            for when in ("before", "after"):
                acc, rec, f1 = scores(y_test[mask], preds[when][mask])
                row.update({f"accuracy {when}": acc, f"recall {when}": rec, f"F1 {when}": f1})
            out.append(row)
    table = pd.DataFrame(out)
    table.attrs["positive"] = positive
    return table
