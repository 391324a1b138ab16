"""Fairness: does the synthetic table keep each group's target rate, and do models trained on it?"""

from __future__ import annotations

from synthnb.evaluate._section import Section, versions

__all__ = ["binary_outcome", "fairness", "gap_finding"]

_MIN_GROUP_SHARE = 0.01  # groups smaller than this are listed but do not drive the findings

FAIRNESS_THRESHOLDS = (
    "Gap kept = 1 − |synthetic gap − real gap| ÷ real gap, for the widest gap in the target's rate between "
    "groups of each sensitive column (the worst column counts). ≥ 0.8 good: the synthetic table keeps the "
    "gap within 20 %; 0.5–0.8 fair; < 0.5 poor: conclusions about groups drawn from it would be wrong."
)


def binary_outcome(series, positive, task, threshold=None):
    """1 where the row has the positive outcome (the positive class, or above the real median for numbers)."""
    import numpy as np

    if task == "regression":
        return np.asarray(series.astype(float) > threshold, dtype=int)
    return np.asarray(series.astype("object").astype(str) == str(positive), dtype=int)


def _groups(series):
    return series.astype("object").where(series.notna(), "(missing)").astype(str).to_numpy()


def gap_finding(column: str, outcome: str, real_rates, syn_rates, shares) -> tuple[str, float]:
    """A sentence on how the synthetic table changes the widest real gap, and the gap-kept score in [0, 1]."""
    big = [g for g in real_rates.index if shares.get(g, 0) >= _MIN_GROUP_SHARE and g in syn_rates.index]
    if len(big) < 2:
        return f"{column}: fewer than two groups large enough to compare.", 1.0
    r = real_rates[big]
    lo, hi = r.idxmin(), r.idxmax()
    real_gap = float(r[hi] - r[lo])
    syn_gap = float(syn_rates[hi] - syn_rates[lo])
    kept = max(0.0, 1.0 - abs(syn_gap - real_gap) / max(real_gap, 0.01))
    figures = (f"{outcome} rate {lo} {r[lo]:.3f} vs {hi} {r[hi]:.3f} in the real table (gap {real_gap:.3f}); "
               f"{syn_rates[lo]:.3f} vs {syn_rates[hi]:.3f} in the synthetic table (gap {syn_gap:.3f})")
    if real_gap > 0.01 and syn_gap < 0:
        verb = "REVERSES the gap"
    elif syn_gap < 0.5 * real_gap:
        verb = f"SHRINKS the gap by {1 - syn_gap / real_gap:.0%}" if real_gap > 0 else "keeps the gap"
    elif syn_gap > 1.5 * real_gap and syn_gap - real_gap > 0.01:
        verb = f"INFLATES the gap by {syn_gap / max(real_gap, 1e-12) - 1:.0%}"
    else:
        verb = "keeps the gap roughly"
    return f"{column}: the synthetic data {verb} — {figures}.", kept


def fairness(ctx) -> Section:
    """Base rates by group (real vs synthetic) and group metrics of the two models (fairlearn MetricFrame)."""
    import pandas as pd
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    from synthnb.errors import SynthnbError
    from synthnb.evaluate._models import fitted_models, positive_label, task_of

    if not ctx.sensitive:
        raise SynthnbError("no sensitive columns; pass sensitive=['sex', ...] to evaluate fairness.")
    if ctx.target is None:
        raise SynthnbError("no target column; pass target='COLUMN' to evaluate fairness.")
    task = task_of(ctx)
    threshold = float(ctx.real[ctx.target].astype(float).median()) if task == "regression" else None
    positive = None if task == "regression" else positive_label(ctx.real[ctx.target].dropna().astype(str))
    outcome = f"{ctx.target} > {threshold:g}" if task == "regression" else f"{ctx.target} = {positive}"
    real = ctx.real[ctx.real[ctx.target].notna()]
    syn = ctx.synthetic[ctx.synthetic[ctx.target].notna()]
    y_real = binary_outcome(real[ctx.target], positive, task, threshold)
    y_syn = binary_outcome(syn[ctx.target], positive, task, threshold)

    try:
        models = fitted_models(ctx)
        model_error = None
    except Exception as exc:  # the data part stands on its own; say why the model part is missing
        models, model_error = None, str(exc)

    scores, tables, figures, findings, kept_all = {}, {}, [], [], []
    for col in ctx.sensitive:
        g_real, g_syn = _groups(real[col]), _groups(syn[col])
        mf_real = MetricFrame(metrics=selection_rate, y_true=y_real, y_pred=y_real, sensitive_features=g_real)
        mf_syn = MetricFrame(metrics=selection_rate, y_true=y_syn, y_pred=y_syn, sensitive_features=g_syn)
        rates = pd.DataFrame({"real": mf_real.by_group, "synthetic": mf_syn.by_group})
        shares = pd.Series(g_real).value_counts(normalize=True)
        rates["real share of rows"] = shares.reindex(rates.index).fillna(0.0)
        rates.index.name = col
        tables[f"base_rates_{col}"] = rates.reset_index()
        dp = {
            "real": (demographic_parity_difference(y_real, y_real, sensitive_features=g_real),
                     demographic_parity_ratio(y_real, y_real, sensitive_features=g_real)),
            "synthetic": (demographic_parity_difference(y_syn, y_syn, sensitive_features=g_syn),
                          demographic_parity_ratio(y_syn, y_syn, sensitive_features=g_syn)),
        }
        scores[f"fairness_{col}_dp_difference_real"] = float(dp["real"][0])
        scores[f"fairness_{col}_dp_difference_synthetic"] = float(dp["synthetic"][0])
        scores[f"fairness_{col}_dp_ratio_real"] = float(dp["real"][1])
        scores[f"fairness_{col}_dp_ratio_synthetic"] = float(dp["synthetic"][1])
        sentence, kept = gap_finding(col, outcome, mf_real.by_group, mf_syn.by_group, shares.to_dict())
        findings.append(sentence)
        kept_all.append(kept)
        scores[f"fairness_{col}_gap_kept"] = kept
        figures.append({
            "kind": "bars", "title": f"Share with {outcome} by {col}: real vs synthetic", "column": col,
            "categories": [str(g) for g in rates.index],
            "series": {"real": [round(float(v), 6) for v in rates["real"]],
                       "synthetic": [round(float(v), 6) if v == v else 0.0 for v in rates["synthetic"]]},
            "highlight": True,
            "x_label": f"share of rows with {outcome}",
        })
        if models is not None:
            yt = binary_outcome(pd.Series(models.y_test), positive, task, threshold)
            g_test = _groups(models.test_frame[col])
            metrics = {"accuracy": accuracy_score, "selection_rate": selection_rate,
                       "tpr": true_positive_rate, "fpr": false_positive_rate}
            parts = []
            for which, pred in (("synthetic-trained", models.pred_synthetic), ("real-trained", models.pred_real)):
                yp = binary_outcome(pd.Series(pred), positive, task, threshold)
                mf = MetricFrame(metrics=metrics, y_true=yt, y_pred=yp, sensitive_features=g_test)
                by = mf.by_group.copy()
                by.columns = [f"{m} ({which})" for m in by.columns]
                parts.append(by)
                eo = float(equalized_odds_difference(yt, yp, sensitive_features=g_test))
                key = which.replace("-", "_")
                scores[f"fairness_{col}_eo_difference_{key}"] = eo
                scores[f"fairness_{col}_dp_difference_{key}"] = float(
                    demographic_parity_difference(yt, yp, sensitive_features=g_test))
            both = pd.concat(parts, axis=1)
            both.index.name = col
            tables[f"model_by_{col}"] = both.reset_index()
            findings.append(
                f"{col}: equalized-odds difference of the synthetic-trained model "
                f"{scores[f'fairness_{col}_eo_difference_synthetic_trained']:.3f} vs real-trained "
                f"{scores[f'fairness_{col}_eo_difference_real_trained']:.3f}."
            )
    if model_error:
        findings.append(f"Model fairness not computed: {model_error}")
    score = float(min(kept_all)) if kept_all else float("nan")
    scores["fairness_gap_kept"] = score
    return Section(
        name="fairness",
        title="Fairness",
        score=score,
        headline=findings[0] if findings else "",
        scores=scores,
        tables=tables,
        figures=figures,
        findings=findings,
        thresholds=FAIRNESS_THRESHOLDS,
        library=versions("fairlearn", "scikit-learn"),
    )
