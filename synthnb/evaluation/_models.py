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
    "MAX_TRAIN_ROWS",
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

#: above this many training rows each model trains on a seeded sample of exactly this many (never fewer)
MAX_TRAIN_ROWS = 100_000

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
    #: training rows (synthetic, real) before and after the sample above MAX_TRAIN_ROWS
    train_rows: tuple[int, int] = (0, 0)
    train_used: tuple[int, int] = (0, 0)


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
            with _threads_for(len(ctx.train)):
                memo["models"] = _fit(ctx)
        except Exception as exc:
            memo["models"] = exc
            raise
        return memo["models"]


#: below this many training rows both models fit (and predict) on one thread
ONE_THREAD_ROWS = 20_000


def _threads_for(rows: int):
    """One OpenMP thread for small tables, else the process's cap (:mod:`synthnb._threads`).

    HistGradientBoosting's parallel regions are short on small tables; when the other CPU is busy (a
    notebook's second kernel, a profile worker), its spinning threads wait for each other: a 3-class fit on
    281 x 377 took 56.9 s on two threads against 4.7 s on one, on this 2-core machine under load. The
    figures do not depend on the thread count (each feature's histogram is one thread's work).
    """
    import contextlib

    if rows >= ONE_THREAD_ROWS:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


def _train_sample(frame, seed: int):
    """At most :data:`MAX_TRAIN_ROWS` rows of *frame*: a seeded sample (in row order) above it, else all."""
    import numpy as np

    if len(frame) <= MAX_TRAIN_ROWS:
        return frame
    keep = np.sort(np.random.default_rng(seed).choice(len(frame), size=MAX_TRAIN_ROWS, replace=False))
    return frame.iloc[keep]


def _encode_like(frame, features, sdtypes, uniques):
    """*frame*'s design matrix with the real rows' category codes; None if it holds a category they lack."""
    import numpy as np
    import pandas as pd

    cols = []
    for col in features:
        if sdtypes[col] == "numerical":
            cols.append(pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float))
        elif sdtypes[col] == "datetime":
            cols.append(frame[col].astype("int64").to_numpy(dtype=float) / 1e9)
        else:
            values = frame[col].astype("object")
            codes = pd.Index(uniques[col]).get_indexer(values).astype(float)
            missing = values.isna().to_numpy()
            if (codes[~missing] < 0).any():
                return None
            codes[missing] = np.nan
            cols.append(codes)
    return np.column_stack(cols) if cols else np.empty((len(frame), 0))


def _predict(model, x_test, task, positive, classes):
    import numpy as np

    pred = model.predict(x_test)
    if task == "binary":
        col = list(model.classes_).index(positive) if positive in model.classes_ else None
        return pred, (model.predict_proba(x_test)[:, col] if col is not None else np.zeros(len(x_test)))
    if task == "multiclass":
        p = model.predict_proba(x_test)
        full = np.zeros((len(x_test), len(classes)))
        for k, c in enumerate(model.classes_):
            if c in classes:
                full[:, classes.index(c)] = p[:, k]
        return pred, full
    return pred, None


def _labels(frame, target, task):
    return frame[target].astype(float).to_numpy() if task == "regression" else frame[target].astype(str).to_numpy()


def _real_side(ctx, task, features, train_real, test) -> dict:
    """Everything that does not depend on the synthetic table: real encodings and the real-trained model."""
    import pandas as pd

    target = ctx.target
    (x_real, x_test), is_cat = _design([train_real, test], features, ctx.sdtypes)
    uniques = {}
    for col in features:
        if ctx.sdtypes[col] not in ("numerical", "datetime"):
            values = pd.concat([train_real[col], test[col]], ignore_index=True).astype("object")
            uniques[col] = pd.factorize(values, sort=True, use_na_sentinel=True)[1]
    y_real, y_test = _labels(train_real, target, task), _labels(test, target, task)
    positive, classes = None, []
    if task != "regression":
        real_target = ctx.real[target]
        positive = str(positive_label(real_target.astype("object").where(real_target.notna()).dropna().astype(str)))
        classes = sorted(set(y_real) | set(y_test), key=str)
    model = _make(task, is_cat, ctx.seed).fit(x_real, y_real)
    pred, proba = _predict(model, x_test, task, positive, classes)
    for shared in (x_test, y_test, pred, proba):  # kept for later evaluations of this source: never changed in place
        if shared is not None:
            shared.flags.writeable = False
    return {
        "x_test": x_test,
        "y_test": y_test,
        "is_cat": is_cat,
        "uniques": uniques,
        "positive": positive,
        "classes": classes,
        "pred_real": pred,
        "proba_real": proba,
        "test_frame": test.reset_index(drop=True),
    }


def _real_key(ctx, task, features, train_real, test) -> tuple:
    from synthnb.evaluation._cache import frame_key

    cols = [*features, ctx.target]
    types = tuple((c, ctx.sdtypes[c]) for c in cols)
    return (
        "utility-models",
        frame_key(train_real, cols),
        frame_key(test, cols),
        frame_key(ctx.real, [ctx.target]),  # the positive class is the rarer one among every real row
        task,
        types,
        ctx.seed,
        MAX_TRAIN_ROWS,
    )


def _fit(ctx) -> Models:
    target = ctx.target
    if target is None:
        raise SynthnbError("no target column; pass target='COLUMN' to evaluate utility and model fairness.")
    task = task_of(ctx)
    features = [c for c in ctx.data_columns if c != target]  # direct identifiers are not features
    train_real = ctx.train[ctx.train[target].notna()]
    syn = ctx.synthetic[ctx.synthetic[target].notna()]
    test = ctx.test[ctx.test[target].notna()]
    train_rows = (len(syn), len(train_real))
    syn, train_real = _train_sample(syn, ctx.seed), _train_sample(train_real, ctx.seed)
    if task != "regression":
        y_values = set(syn[target].astype(str))
        if len(y_values) < 2:
            only = next(iter(y_values), "nothing")
            raise SynthnbError(
                f"the synthetic table holds a single value of {target!r} ({only!r}); no classifier can be "
                "trained on it. The generator lost the target: try another model or more epochs."
            )
    if ctx.cache is None:
        real = _real_side(ctx, task, features, train_real, test)
    else:
        key = _real_key(ctx, task, features, train_real, test)
        real = ctx.cache.get_or_compute(key, lambda: _real_side(ctx, task, features, train_real, test))
    x_syn = _encode_like(syn, features, ctx.sdtypes, real["uniques"])
    if x_syn is None:
        # the synthetic table holds a category no real row has: codes over the union of all three tables
        # (as before the cache existed), so neither model's numbers depend on whether the cache was used
        real = _real_side_union(ctx, task, features, syn, train_real, test, real)
        x_syn = real["x_syn"]
    model = _make(task, real["is_cat"], ctx.seed).fit(x_syn, _labels(syn, target, task))
    pred_syn, proba_syn = _predict(model, real["x_test"], task, real["positive"], real["classes"])
    return Models(
        task,
        real["positive"],
        features,
        real["y_test"],
        pred_syn,
        real["pred_real"],
        proba_syn,
        real["proba_real"],
        real["classes"],
        real["test_frame"],
        train_rows=train_rows,
        train_used=(len(syn), len(train_real)),
    )


def _real_side_union(ctx, task, features, syn, train_real, test, real) -> dict:
    """The real side re-done with category codes over synthetic, real and test rows together (not cached)."""
    (x_syn, x_real, x_test), is_cat = _design([syn, train_real, test], features, ctx.sdtypes)
    model = _make(task, is_cat, ctx.seed).fit(x_real, _labels(train_real, ctx.target, task))
    pred, proba = _predict(model, x_test, task, real["positive"], real["classes"])
    return {**real, "x_syn": x_syn, "x_test": x_test, "is_cat": is_cat, "pred_real": pred, "proba_real": proba}
