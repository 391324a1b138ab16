"""Fairness figures equal fairlearn's, computed here on the same frames and on independently trained models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from eval_helpers import reference_models


def _positive(series):
    return (series == ">50K").astype(int).to_numpy()


@pytest.mark.parametrize("col", ["sex", "race"])
def test_base_rates_and_parity_match_fairlearn(ev_3k, run_3k, col):
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        demographic_parity_ratio,
        selection_rate,
    )

    real, syn = run_3k.real, run_3k.synthetic
    y_r, y_s = _positive(real["income"]), _positive(syn["income"])
    mf_r = MetricFrame(metrics=selection_rate, y_true=y_r, y_pred=y_r, sensitive_features=real[col])
    mf_s = MetricFrame(metrics=selection_rate, y_true=y_s, y_pred=y_s, sensitive_features=syn[col])
    table = ev_3k["fairness"].tables[f"base_rates_{col}"].set_index(col)
    for group, rate in mf_r.by_group.items():
        assert table.loc[group, "real"] == pytest.approx(rate, abs=1e-12)
    for group, rate in mf_s.by_group.items():
        assert table.loc[group, "synthetic"] == pytest.approx(rate, abs=1e-12)
    s = ev_3k.scores
    assert s[f"fairness_{col}_dp_difference_real"] == pytest.approx(
        demographic_parity_difference(y_r, y_r, sensitive_features=real[col]), abs=1e-12)
    assert s[f"fairness_{col}_dp_difference_synthetic"] == pytest.approx(
        demographic_parity_difference(y_s, y_s, sensitive_features=syn[col]), abs=1e-12)
    assert s[f"fairness_{col}_dp_ratio_real"] == pytest.approx(
        demographic_parity_ratio(y_r, y_r, sensitive_features=real[col]), abs=1e-12)
    assert s[f"fairness_{col}_dp_ratio_synthetic"] == pytest.approx(
        demographic_parity_ratio(y_s, y_s, sensitive_features=syn[col]), abs=1e-12)


def test_model_group_metrics_match_fairlearn(ev_3k, run_3k):
    from fairlearn.metrics import (
        MetricFrame,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    preds, _ = reference_models(run_3k.train, run_3k.synthetic, run_3k.holdout, "income", run_3k.spec.seed)
    test = run_3k.holdout
    yt = _positive(test["income"])
    table = ev_3k["fairness"].tables["model_by_sex"].set_index("sex")
    for which, key in (("synthetic", "synthetic_trained"), ("real", "real_trained")):
        yp = _positive(pd.Series(preds[which]))
        mf = MetricFrame(metrics={"accuracy": accuracy_score, "selection_rate": selection_rate,
                                  "tpr": true_positive_rate, "fpr": false_positive_rate},
                         y_true=yt, y_pred=yp, sensitive_features=test["sex"])
        for metric in ("accuracy", "selection_rate", "tpr", "fpr"):
            got = table[f"{metric} ({which}-trained)"]
            np.testing.assert_allclose(got.loc[mf.by_group.index].to_numpy(float),
                                       mf.by_group[metric].to_numpy(float), atol=1e-12)
        assert ev_3k.scores[f"fairness_sex_eo_difference_{key}"] == pytest.approx(
            equalized_odds_difference(yt, yp, sensitive_features=test["sex"]), abs=1e-12)


def test_shrunk_gap_is_said_in_plain_words(ev_3k):
    text = " ".join(ev_3k["fairness"].findings)
    d_real = ev_3k.scores["fairness_sex_dp_difference_real"]
    d_syn = ev_3k.scores["fairness_sex_dp_difference_synthetic"]
    assert d_syn < 0.5 * d_real  # the Gaussian copula erases most of the sex gap in income
    assert "sex: the synthetic data SHRINKS the gap" in text
    assert ev_3k.scores["fairness_sex_gap_kept"] == pytest.approx(1 - abs(d_syn - d_real) / d_real, abs=1e-9)


@pytest.mark.parametrize(("real_rates", "syn_rates", "word"), [
    ({"a": 0.1, "b": 0.3}, {"a": 0.25, "b": 0.05}, "REVERSES"),
    ({"a": 0.1, "b": 0.3}, {"a": 0.18, "b": 0.22}, "SHRINKS"),
    ({"a": 0.1, "b": 0.2}, {"a": 0.05, "b": 0.4}, "INFLATES"),
    ({"a": 0.1, "b": 0.3}, {"a": 0.11, "b": 0.29}, "keeps the gap"),
])
def test_gap_finding_words(real_rates, syn_rates, word):
    from synthnb.evaluate.fairness import gap_finding

    sentence, kept = gap_finding("g", "y = 1", pd.Series(real_rates), pd.Series(syn_rates), {"a": 0.5, "b": 0.5})
    assert word in sentence
    assert 0.0 <= kept <= 1.0
