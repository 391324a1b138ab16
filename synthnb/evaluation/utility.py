"""Utility: train on synthetic, test on real (TSTR), next to train on real, test on real (TRTR).

**A target the real-trained model predicts at chance cannot be judged.** The ratio compares the synthetic-trained
model with the real-trained one; when the real-trained model itself does no better than chance on the test rows,
the other columns carry nothing about the target and a ratio near 1 (0.507 against 0.517) says nothing about the
synthetic table. Chance, one-sided 95 % on the test rows: ROC AUC within ``z * sqrt((n0 + n1 + 1) / (12 n0 n1))``
of 0.5 (the Mann–Whitney null), accuracy within ``z * sqrt(p (1 - p) / n)`` of the majority class's share ``p``,
R² at or below 0. The card then has no score; its headline says why and what to do.
"""

from __future__ import annotations

from synthnb.evaluation._models import COLLAPSE_RATIO
from synthnb.evaluation._registry import Levels, SectionSpec
from synthnb.evaluation._section import Section, versions

__all__ = ["SPEC", "at_chance", "metrics_of", "utility"]

#: one-sided 95 % normal quantile
_Z = 1.6448536269514722


def at_chance(models, real: dict[str, float]) -> str:
    """Why the real-trained model predicts the target no better than chance, in words; "" when it does better.

    *real* is :func:`metrics_of` of the real-trained model (the rule is in the module docstring)."""
    import math

    import numpy as np

    y = np.asarray(models.y_test)
    n = len(y)
    if models.task == "regression":
        r2 = real["r2"]
        return f"R² {r2:.3f} (no better than predicting the mean)" if not r2 > 0 else ""
    if models.task == "binary":
        n1 = int(np.sum(y.astype(str) == str(models.positive)))
        n0 = n - n1
        if not n0 or not n1:
            return f"the {n:,} test rows hold a single class"
        noise = _Z * math.sqrt((n0 + n1 + 1) / (12 * n0 * n1))
        auc = real["roc_auc"]
        if auc <= 0.5 + noise:
            return f"ROC AUC {auc:.3f}, within {noise:.3f} of chance (0.5) on {n:,} test rows"
        return ""
    _, counts = np.unique(y.astype(str), return_counts=True)
    p = float(counts.max()) / n if n else 1.0
    noise = _Z * math.sqrt(p * (1 - p) / n) if n else 0.0
    acc = real["accuracy"]
    if acc <= p + noise:
        return (
            f"accuracy {acc:.3f}, within {noise:.3f} of always guessing the most common class ({p:.3f}) on "
            f"{n:,} test rows"
        )
    return ""


def metrics_of(models, which: str) -> dict[str, float]:
    """The test metrics of the ``"synthetic"``- or ``"real"``-trained model."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, r2_score, roc_auc_score

    pred = models.pred_synthetic if which == "synthetic" else models.pred_real
    proba = models.proba_synthetic if which == "synthetic" else models.proba_real
    y = models.y_test
    if models.task == "regression":
        return {"r2": float(r2_score(y, pred)), "mae": float(mean_absolute_error(y, pred))}
    out = {"accuracy": float(accuracy_score(y, pred))}
    if models.task == "binary":
        out["f1"] = float(f1_score(y, pred, pos_label=models.positive, zero_division=0))
        out["roc_auc"] = float(roc_auc_score(np.asarray(y == models.positive, dtype=int), proba))
    else:
        out["f1_macro"] = float(f1_score(y, pred, average="macro", zero_division=0))
    return out


def utility(ctx) -> Section:
    """Compare the two models of :mod:`synthnb.evaluation._models` on real test rows."""
    import pandas as pd

    from synthnb.evaluation._models import MAX_TRAIN_ROWS, collapse_reason, fitted_models, positive_figures

    models = fitted_models(ctx)
    syn, real = metrics_of(models, "synthetic"), metrics_of(models, "real")
    key = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "r2"}[models.task]
    score = min(max(syn[key], 0.0) / real[key], 1.0) if real[key] > 0 else float("nan")
    scores = {f"utility_{m}_synthetic_trained": v for m, v in syn.items()}
    scores.update({f"utility_{m}_real_trained": v for m, v in real.items()})
    scores[f"utility_{key}_ratio"] = score
    scores["utility_score"] = score
    chance = at_chance(models, real)
    if chance:
        return _cannot_be_judged(ctx, models, syn, real, key, chance)
    collapsed = collapse_reason(models)
    if models.task != "regression":
        fig = positive_figures(models)
        scores["utility_selection_rate_synthetic_trained"] = fig["synthetic"]["selection_rate"]
        scores["utility_selection_rate_real_trained"] = fig["real"]["selection_rate"]
    table = pd.DataFrame(
        {"metric": list(syn), "trained on synthetic": list(syn.values()), "trained on real": [real[m] for m in syn]}
    )
    test_rows = f"{len(models.y_test):,} real rows"
    headline = f"Synthetic-trained {key} {syn[key]:.3f} vs real-trained {real[key]:.3f} (ratio {score:.2f})."
    decided_by = f"{key} ratio {score:.2f}"
    if collapsed:
        label = {"roc_auc": "ROC AUC", "accuracy": "Accuracy"}.get(key, key)
        headline = (
            f"{label} ratio {score:.2f}, but {collapsed}: it misses most of the people "
            f"with {ctx.target} = {models.positive}, so the card is poor."
        )
        decided_by = (
            f"positive-class selection rate {fig['synthetic']['selection_rate']:.1%} vs "
            f"{fig['real']['selection_rate']:.1%}, F1 {fig['synthetic']['f1']:.3f} vs "
            f"{fig['real']['f1']:.3f} (synthetic- vs real-trained)"
        )
    findings = [
        f"A model trained on the synthetic table reaches {key.replace('_', ' ')} {syn[key]:.3f} on {test_rows}, "
        f"against {real[key]:.3f} for the same model trained on real rows."
    ]
    others = [m for m in syn if m != key]
    if others:
        listed = "; ".join(f"{m.replace('_', ' ')} {syn[m]:.3f} vs {real[m]:.3f}" for m in others)
        label = f" (F1 for {models.positive!r})" if models.task == "binary" else ""
        findings.append(f"Other test metrics, synthetic-trained vs real-trained{label}: {listed}.")
    if models.train_used != models.train_rows:
        findings.append(
            f"Each model trained on a seeded sample of at most {MAX_TRAIN_ROWS:,} rows "
            f"({models.train_used[0]:,} of {models.train_rows[0]:,} synthetic, {models.train_used[1]:,} of "
            f"{models.train_rows[1]:,} real; the same rows for the same seed); tested on every test row."
        )
    if collapsed:
        findings.append(f"Utility is poor: {collapsed}.")
    if ctx.optimistic:
        findings.append(
            "No real rows were held out: the test rows were also used to fit the generator, so these figures "
            "are optimistic. Fit with holdout=0.2 for an honest test."
        )
    else:
        findings.append(f"Tested on {test_rows} held out from fitting (never seen by the generator).")
    return SPEC.section(
        score=score,
        headline=headline,
        scores=scores,
        tables={"metrics": table},
        figures=[
            {
                "kind": "bars",
                "title": "Model trained on synthetic vs on real rows, tested on real rows",
                "x_label": "score on the real test rows (1 is best)",
                "percent": False,
                "categories": list(syn),
                "series": {
                    "trained on synthetic": [round(v, 6) for v in syn.values()],
                    "trained on real": [round(real[m], 6) for m in syn],
                },
            }
        ],
        findings=findings,
        library=versions("scikit-learn"),
        verdict="poor" if collapsed else None,
        decided_by=decided_by,
    )


def _cannot_be_judged(ctx, models, syn, real, key, chance: str) -> Section:
    """The section when the real-trained model is at chance: no score, and why in words."""
    import pandas as pd

    label = {"roc_auc": "ROC AUC", "accuracy": "accuracy", "r2": "R²"}[key]
    scores = {f"utility_{m}_synthetic_trained": v for m, v in syn.items()}
    scores.update({f"utility_{m}_real_trained": v for m, v in real.items()})
    why = f"the real-trained model predicts {ctx.target} at chance ({chance})"
    headline = (
        f"Cannot be judged: {why}, so the synthetic-trained model's {label} {syn[key]:.3f} says nothing about the "
        f"synthetic table. Pick a target the other columns predict (target=...)."
    )
    findings = [
        f"Utility cannot be judged on {ctx.target}: {why}; the other columns carry no signal about it in the "
        f"test rows, so a model trained on the synthetic table cannot be compared with one trained on real rows "
        f"(synthetic-trained {label} {syn[key]:.3f}, real-trained {real[key]:.3f})."
    ]
    table = pd.DataFrame(
        {"metric": list(syn), "trained on synthetic": list(syn.values()), "trained on real": [real[m] for m in syn]}
    )
    return SPEC.section(
        score=None,
        headline=headline,
        scores=scores,
        absent={f"utility_{key}_ratio": why, "utility_score": why},
        tables={"metrics": table},
        findings=findings,
        library=versions("scikit-learn"),
        decided_by=f"real-trained {label} {real[key]:.3f} at chance",
    )


SPEC = SectionSpec(
    name="utility",
    title="Utility",
    compute=utility,
    method="Utility = the synthetic-trained model's score ÷ the real-trained model's score on the same real test "
    "rows (ROC AUC for a two-class target, accuracy for more classes, R² for a number; capped at 1).",
    levels=Levels(good=0.95, fair=0.85, good_means="models trained on the synthetic table are nearly as good"),
    notes="When the real-trained model predicts the target at chance (ROC AUC, accuracy or R² within sampling noise "
    "of guessing), the card has no score: utility cannot be judged on that target. "
    "Whatever the ratio, the card is poor when the synthetic-trained model's selection rate or F1 for the "
    f"positive class is below {COLLAPSE_RATIO:.0%} of the real-trained model's: it misses most of the people a "
    "model is built to find.",
    card=True,
    needs=("target",),
)
