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
        demographic_parity_difference(y_r, y_r, sensitive_features=real[col]), abs=1e-12
    )
    assert s[f"fairness_{col}_dp_difference_synthetic"] == pytest.approx(
        demographic_parity_difference(y_s, y_s, sensitive_features=syn[col]), abs=1e-12
    )
    assert s[f"fairness_{col}_dp_ratio_real"] == pytest.approx(
        demographic_parity_ratio(y_r, y_r, sensitive_features=real[col]), abs=1e-12
    )
    assert s[f"fairness_{col}_dp_ratio_synthetic"] == pytest.approx(
        demographic_parity_ratio(y_s, y_s, sensitive_features=syn[col]), abs=1e-12
    )


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
        mf = MetricFrame(
            metrics={
                "accuracy": accuracy_score,
                "selection_rate": selection_rate,
                "tpr": true_positive_rate,
                "fpr": false_positive_rate,
            },
            y_true=yt,
            y_pred=yp,
            sensitive_features=test["sex"],
        )
        for metric in ("accuracy", "selection_rate", "tpr", "fpr"):
            got = table[f"{metric} ({which}-trained)"]
            np.testing.assert_allclose(
                got.loc[mf.by_group.index].to_numpy(float), mf.by_group[metric].to_numpy(float), atol=1e-12
            )
        assert ev_3k.scores[f"fairness_sex_eo_difference_{key}"] == pytest.approx(
            equalized_odds_difference(yt, yp, sensitive_features=test["sex"]), abs=1e-12
        )


def test_shrunk_gap_is_said_in_plain_words(ev_3k):
    text = " ".join(ev_3k["fairness"].findings)
    d_real = ev_3k.scores["fairness_sex_dp_difference_real"]
    d_syn = ev_3k.scores["fairness_sex_dp_difference_synthetic"]
    assert d_syn < 0.5 * d_real  # the Gaussian copula erases most of the sex gap in income
    assert "sex: the synthetic data SHRINKS the gap" in text
    assert ev_3k.scores["fairness_sex_gap_kept"] == pytest.approx(_hand_gap_kept(ev_3k, "sex")[0], abs=1e-9)


@pytest.mark.parametrize(
    ("real_rates", "syn_rates", "word"),
    [
        ({"a": 0.1, "b": 0.3}, {"a": 0.25, "b": 0.05}, "REVERSES"),
        ({"a": 0.1, "b": 0.3}, {"a": 0.18, "b": 0.22}, "SHRINKS"),
        ({"a": 0.1, "b": 0.2}, {"a": 0.05, "b": 0.4}, "INFLATES"),
        ({"a": 0.1, "b": 0.3}, {"a": 0.11, "b": 0.29}, "keeps the gap"),
    ],
)
def test_gap_finding_words(real_rates, syn_rates, word):
    from synthnb.evaluation.fairness import gap_finding

    # a million rows per group: standard errors near zero, so the words follow the rates alone
    sentence, kept = gap_finding("g", "y = 1", pd.Series(real_rates), pd.Series(syn_rates), {"a": 10**6, "b": 10**6})
    assert word in sentence
    assert 0.0 <= kept <= 1.0


# --- the gap score: the worst column, the groups that decide it, the 30-row / 2-SE rule -------------------------


def _hand_gap_kept(ev, col, target="income", positive=">50K"):
    """The gap-kept score of the fairness SPEC.thresholds, computed here from the frames with fairlearn's MetricFrame.

    Returns (score, deciding pair as a set or None, {small group: (rows, real rate, synthetic rate)}).
    """
    import itertools
    import math

    from fairlearn.metrics import MetricFrame, count, selection_rate

    real, syn = ev.context.real, ev.context.synthetic
    y_r = (real[target] == positive).astype(int).to_numpy()
    y_s = (syn[target] == positive).astype(int).to_numpy()
    by_r = MetricFrame(
        metrics={"rate": selection_rate, "rows": count}, y_true=y_r, y_pred=y_r, sensitive_features=real[col]
    ).by_group
    q = MetricFrame(metrics=selection_rate, y_true=y_s, y_pred=y_s, sensitive_features=syn[col]).by_group
    counted = [g for g in by_r.index if by_r.loc[g, "rows"] >= 30]
    small = {
        g: (int(by_r.loc[g, "rows"]), by_r.loc[g, "rate"], q.get(g, float("nan")))
        for g in by_r.index
        if g not in counted
    }
    p = {g: by_r.loc[g, "rate"] for g in counted}
    se = {g: math.sqrt(p[g] * (1 - p[g]) / by_r.loc[g, "rows"]) for g in counted}
    widest = max(p.values()) - min(p.values())
    worst, pair = 0.0, None
    for a, b in itertools.combinations(counted, 2):
        d = max(0.0, abs((q[a] - q[b]) - (p[a] - p[b])) - 2 * se[a] - 2 * se[b])
        if d > worst:
            worst, pair = d, {a, b}
    return max(0.0, 1 - worst / max(widest, 0.05)), pair, small


def test_headline_names_the_deciding_column_and_groups(ev_3k):
    sec = ev_3k["fairness"]
    by_col = {col: _hand_gap_kept(ev_3k, col) for col in ("sex", "race")}
    for col, (kept, _, _) in by_col.items():
        assert ev_3k.scores[f"fairness_{col}_gap_kept"] == pytest.approx(kept, abs=1e-12)
    col = min(by_col, key=lambda c: by_col[c][0])
    kept, pair, _ = by_col[col]
    assert sec.score == pytest.approx(kept, abs=1e-12)
    assert pair is not None  # some pair is distorted beyond noise on this fixture
    assert sec.headline.startswith(f"{col}: the synthetic data ")
    for group in pair:
        assert group in sec.headline and group in sec.decided_by
    assert f"gap kept {kept:.2f}" in sec.headline


def test_small_groups_are_named_with_their_rates(ev_3k):
    _, _, small = _hand_gap_kept(ev_3k, "race")
    assert small, "the 3,000-row fixture has race groups under 30 rows"
    text = next(f for f in ev_3k["fairness"].findings if f.startswith("race: not counted"))
    assert "fewer than 30 real rows" in text
    for group, (rows, real, syn) in small.items():
        assert f"{group} ({rows} real rows, real {real:.3f}, synthetic {syn:.3f})" in text


def test_two_standard_errors_rule_by_hand(adult_3k):
    """Edited copies of the real rows: a shift within 2 SE is no distortion, a larger one is, a tiny group never."""
    import synthnb

    real = adult_3k.head(1500)  # about 150 Black rows; models on few rows keep the test quick
    black = real.index[(real["race"] == "Black") & (real["income"] == "<=50K")]
    small = real["race"].value_counts()
    tiny = small[small < 30].index[0]
    n, p = (real["race"] == "Black").sum(), (real.loc[real["race"] == "Black", "income"] == ">50K").mean()
    se = np.sqrt(p * (1 - p) / n)
    within = int(np.floor(1.5 * se * n))  # flips that move Black's rate by 1.5 SE
    beyond = int(np.ceil(6 * se * n))
    outcomes, pairs = {}, {}
    for flips in (within, beyond):
        syn = real.copy()
        syn.loc[black[:flips], "income"] = ">50K"
        syn.loc[syn["race"] == tiny, "income"] = ">50K"  # a group under 30 rows, distorted as far as it goes
        ev = synthnb.evaluate(real, syn, target="income", sensitive="race", sections=["fairness"])
        outcomes[flips] = ev
        kept, pairs[flips], small_groups = _hand_gap_kept(ev, "race")
        assert ev["fairness"].score == pytest.approx(kept, abs=1e-12)
        assert tiny in small_groups
    assert outcomes[within]["fairness"].score == 1.0 and pairs[within] is None
    assert "within sampling noise" in outcomes[within]["fairness"].headline
    hard = outcomes[beyond]["fairness"]
    assert hard.score < 1.0
    assert "Black" in pairs[beyond] and tiny not in pairs[beyond]
    assert set(hard.decided_by.removeprefix("race: ").split(" vs ")) == pairs[beyond]
    assert all(group in hard.headline for group in pairs[beyond])


def test_group_stats_equal_metricframe_with_empty_classes():
    # random groups, some with no positives or no negatives at all: every figure as fairlearn computes it
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_ratio,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    from synthnb.evaluation.fairness import _ratio, group_stats

    for seed in range(5):
        rng = np.random.default_rng(seed)
        n = 400
        groups = rng.choice(["a", "b", "c", "d"], n)
        y_true = rng.integers(0, 2, n)
        y_pred = rng.integers(0, 2, n)
        y_true[groups == "c"] = 0  # no positives: true positive rate 0
        y_pred[groups == "d"] = 1
        y_true[groups == "d"] = 1  # no negatives: false positive rate 0
        metrics = {
            "accuracy": accuracy_score,
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
        }
        mf = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=groups).by_group
        got = group_stats(groups, y_true, y_pred)
        assert list(got.index) == list(mf.index)
        np.testing.assert_allclose(got[list(metrics)].to_numpy(float), mf.to_numpy(float), rtol=0, atol=1e-12)
        eo = max(got["tpr"].max() - got["tpr"].min(), got["fpr"].max() - got["fpr"].min())
        assert eo == pytest.approx(equalized_odds_difference(y_true, y_pred, sensitive_features=groups), abs=1e-12)
        assert _ratio(got["selection_rate"]) == pytest.approx(
            demographic_parity_ratio(y_true, y_pred, sensitive_features=groups), abs=1e-12
        )
