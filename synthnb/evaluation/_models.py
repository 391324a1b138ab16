"""The two models utility and fairness compare: one trained on synthetic rows, one on real rows.

Both are scikit-learn ``HistGradientBoosting`` models with the same settings and seed, tested on the same
real rows (the holdout, or the fitted rows when there is none). Fitted once per evaluation and shared.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from synthnb.errors import SynthnbError

__all__ = [
    "COLLAPSE_RATIO",
    "Models",
    "collapse_reason",
    "fitted_models",
    "positive_figures",
    "positive_label",
    "task_of",
]

#: the synthetic-trained model has collapsed when its positive-class selection rate or F1 is below this share
#: of the real-trained model's: it misses most positives, whatever its ROC AUC says
COLLAPSE_RATIO = 0.5

_MAX_NATIVE_CATEGORIES = 250  # HistGradientBoosting's limit for native categorical splits is 255 bins
_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Models:
    task: str  # "binary", "multiclass" or "regression"
    positive: Any  # the positive class for binary targets (the rarer one in the real table)
    features: list[str]
    y_test: Any  # real test labels (numpy)
    pred_synthetic: Any  # predictions of the synthetic-trained model on the test rows
    pred_real: Any
    proba_synthetic: Any  # positive-class probability (binary) or class probabilities (multiclass)
    proba_real: Any
    classes: list
    test_frame: Any  # the real test rows (for group membership)


def task_of(ctx) -> str:
    if ctx.sdtypes[ctx.target] == "numerical" and ctx.real[ctx.target].nunique() > 2:
        return "regression"
    return "binary" if ctx.real[ctx.target].nunique(dropna=True) == 2 else "multiclass"


def positive_label(series):
    """The rarer class (on a tie, the last in sorted order): e.g. '>50K' in Adult."""
    counts = series.dropna().value_counts()
    least = counts[counts == counts.min()].index
    return sorted(least, key=str)[-1]


def _design(frames, features, sdtypes):
    """Encode features identically for every frame: categories as codes over the union of values."""
    import numpy as np
    import pandas as pd

    cols, is_cat = {}, []
    for col in features:
        if sdtypes[col] in ("numerical", "datetime"):
            parts = [
                pd.to_numeric(f[col], errors="coerce") if sdtypes[col] == "numerical" else f[col].astype("int64") / 1e9
                for f in frames
            ]
            cols[col] = [p.to_numpy(dtype=float) for p in parts]
            is_cat.append(False)
        else:
            values = pd.concat([f[col] for f in frames], ignore_index=True).astype("object")
            codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
            codes = codes.astype(float)
            codes[codes < 0] = np.nan
            out, start = [], 0
            for f in frames:
                out.append(codes[start : start + len(f)])
                start += len(f)
            cols[col] = out
            is_cat.append(len(uniques) <= _MAX_NATIVE_CATEGORIES)
    mats = [np.column_stack([cols[c][k] for c in features]) for k in range(len(frames))]
    return mats, np.array(is_cat)


def positive_figures(models) -> dict[str, dict[str, float]]:
    """Share of test rows predicted positive, and F1 for the positive class, of each model (classification)."""
    import numpy as np
    from sklearn.metrics import f1_score

    y = np.asarray(models.y_test).astype(str)
    out = {}
    for which, pred in (("synthetic", models.pred_synthetic), ("real", models.pred_real)):
        p = np.asarray(pred).astype(str)
        out[which] = {
            "selection_rate": float(np.mean(p == str(models.positive))),
            "f1": float(f1_score(y, p, labels=[str(models.positive)], average="macro", zero_division=0)),
        }
    return out


def collapse_reason(models) -> str | None:
    """Why the synthetic-trained model's predictions cannot be compared (None: they can).

    It has collapsed when its selection rate or F1 for the positive class is below :data:`COLLAPSE_RATIO`
    of the real-trained model's. Regression targets have no positive class and never collapse here.
    """
    if models.task == "regression":
        return None
    fig = positive_figures(models)
    syn, real = fig["synthetic"], fig["real"]
    low = [m for m in ("selection_rate", "f1") if syn[m] < COLLAPSE_RATIO * real[m]]
    if not low:
        return None
    pos = models.positive
    parts = []
    if "selection_rate" in low:
        parts.append(
            f"predicts {pos!s} for {syn['selection_rate']:.1%} of people against "
            f"{real['selection_rate']:.1%} for the real-trained model"
        )
    if "f1" in low:
        parts.append(f"its F1 for {pos!s} is {syn['f1']:.3f} against {real['f1']:.3f}")
    return "the synthetic-trained model " + " and ".join(parts) + " (below half)"


def _make(task: str, is_cat, seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    return cls(categorical_features=is_cat if is_cat.any() else None, random_state=seed)


def fitted_models(ctx) -> Models:
    """Train both models once per context (thread-safe) and predict on the real test rows."""
    with _LOCK:
        memo = ctx.memo
        if "models" in memo:
            cached = memo["models"]
            if isinstance(cached, Exception):
                raise cached
            return cached
        try:
            memo["models"] = _fit(ctx)
        except Exception as exc:
            memo["models"] = exc
            raise
        return memo["models"]


def _fit(ctx) -> Models:
    import numpy as np

    target = ctx.target
    if target is None:
        raise SynthnbError("no target column; pass target='COLUMN' to evaluate utility and model fairness.")
    task = task_of(ctx)
    features = [c for c in ctx.data_columns if c != target]  # direct identifiers are not features
    train_real = ctx.train[ctx.train[target].notna()]
    syn = ctx.synthetic[ctx.synthetic[target].notna()]
    test = ctx.test[ctx.test[target].notna()]
    (x_syn, x_real, x_test), is_cat = _design([syn, train_real, test], features, ctx.sdtypes)
    if task == "regression":
        y_syn, y_real, y_test = (f[target].astype(float).to_numpy() for f in (syn, train_real, test))
        positive, classes = None, []
    else:
        y_syn, y_real, y_test = (f[target].astype(str).to_numpy() for f in (syn, train_real, test))
        positive = str(
            positive_label(ctx.real[target].astype("object").where(ctx.real[target].notna()).dropna().astype(str))
        )
        classes = sorted(set(y_real) | set(y_test), key=str)
        if len(set(y_syn)) < 2:
            only = next(iter(set(y_syn)), "nothing")
            raise SynthnbError(
                f"the synthetic table holds a single value of {target!r} ({only!r}); no classifier can be "
                "trained on it. The generator lost the target: try another model or more epochs."
            )
    preds, probas = [], []
    for x, y in ((x_syn, y_syn), (x_real, y_real)):
        model = _make(task, is_cat, ctx.seed).fit(x, y)
        preds.append(model.predict(x_test))
        if task == "binary":
            col = list(model.classes_).index(positive) if positive in model.classes_ else None
            probas.append(model.predict_proba(x_test)[:, col] if col is not None else np.zeros(len(x_test)))
        elif task == "multiclass":
            p = model.predict_proba(x_test)
            full = np.zeros((len(x_test), len(classes)))
            for k, c in enumerate(model.classes_):
                if c in classes:
                    full[:, classes.index(c)] = p[:, k]
            probas.append(full)
        else:
            probas.append(None)
    return Models(
        task, positive, features, y_test, preds[0], preds[1], probas[0], probas[1], classes, test.reset_index(drop=True)
    )
