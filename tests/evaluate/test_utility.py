"""Utility figures equal scikit-learn's metrics of models re-trained here with sklearn's own encoder."""

from __future__ import annotations

import numpy as np
import pytest
from eval_helpers import reference_models


@pytest.fixture(scope="module")
def reference(run_3k):
    return reference_models(run_3k.train, run_3k.synthetic, run_3k.holdout, "income", run_3k.spec.seed)


def test_metrics_match_sklearn(ev_3k, run_3k, reference):
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    preds, probas = reference
    y = run_3k.holdout["income"].to_numpy()
    for which in ("synthetic", "real"):
        assert ev_3k.scores[f"utility_accuracy_{which}_trained"] == pytest.approx(
            accuracy_score(y, preds[which]), abs=1e-12
        )
        assert ev_3k.scores[f"utility_f1_{which}_trained"] == pytest.approx(
            f1_score(y, preds[which], pos_label=">50K"), abs=1e-12
        )
        assert ev_3k.scores[f"utility_roc_auc_{which}_trained"] == pytest.approx(
            roc_auc_score((y == ">50K").astype(int), probas[which]), abs=1e-12
        )
    ratio = roc_auc_score((y == ">50K").astype(int), probas["synthetic"]) / roc_auc_score(
        (y == ">50K").astype(int), probas["real"]
    )
    assert ev_3k["utility"].score == pytest.approx(min(ratio, 1.0), abs=1e-12)


def test_tested_on_holdout_rows_only(ev_3k, run_3k):
    assert any(f"{run_3k.n_holdout:,} real rows held out" in f for f in ev_3k["utility"].findings)
    assert not any("optimistic" in f for f in ev_3k.findings)


def test_no_holdout_is_called_optimistic(adult_3k):
    import synthnb

    run = synthnb.fit(adult_3k.head(800), seed=1, holdout=0, target="income")
    ev = synthnb.evaluate(run, sections=["utility"])
    assert any("optimistic" in f for f in ev["utility"].findings)
    assert any("optimistic" in f for f in ev.findings)
    # with no holdout the test rows are the fitted rows themselves
    assert np.isfinite(ev.scores["utility_accuracy_real_trained"])


def _reference_design(frames, target):
    import pandas as pd
    from sklearn.preprocessing import OrdinalEncoder

    features = [c for c in frames[0].columns if c != target]
    cats = [c for c in features if not pd.api.types.is_numeric_dtype(frames[0][c])]
    enc = OrdinalEncoder(encoded_missing_value=np.nan).fit(
        pd.concat([f[cats] for f in frames], ignore_index=True).astype(object)
    )
    mats = []
    for f in frames:
        x = f[features].copy()
        x[cats] = enc.transform(f[cats].astype(object))
        mats.append(x.to_numpy(dtype=float))
    return mats, np.array([c in cats for c in features])


def test_regression_target_reports_r2(adult_3k):
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.metrics import mean_absolute_error, r2_score

    import synthnb

    run = synthnb.fit(adult_3k.head(1500), seed=5, target="hours_per_week")
    ev = synthnb.evaluate(run, sections=["utility"])
    (x_syn, x_real, x_test), mask = _reference_design([run.synthetic, run.train, run.holdout], "hours_per_week")
    y_test = run.holdout["hours_per_week"].to_numpy(float)
    for which, x, f in (("synthetic", x_syn, run.synthetic), ("real", x_real, run.train)):
        model = HistGradientBoostingRegressor(categorical_features=mask, random_state=5)
        pred = model.fit(x, f["hours_per_week"].to_numpy(float)).predict(x_test)
        assert ev.scores[f"utility_r2_{which}_trained"] == pytest.approx(r2_score(y_test, pred), abs=1e-12)
        assert ev.scores[f"utility_mae_{which}_trained"] == pytest.approx(mean_absolute_error(y_test, pred), abs=1e-12)


def test_multiclass_target_reports_accuracy_and_macro_f1(adult_3k):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import accuracy_score, f1_score

    import synthnb

    run = synthnb.fit(adult_3k.head(1500), seed=6, target="relationship")
    ev = synthnb.evaluate(run, sections=["utility"])
    (x_syn, x_real, x_test), mask = _reference_design([run.synthetic, run.train, run.holdout], "relationship")
    y_test = run.holdout["relationship"].astype(str).to_numpy()
    for which, x, f in (("synthetic", x_syn, run.synthetic), ("real", x_real, run.train)):
        model = HistGradientBoostingClassifier(categorical_features=mask, random_state=6)
        pred = model.fit(x, f["relationship"].astype(str).to_numpy()).predict(x_test)
        assert ev.scores[f"utility_accuracy_{which}_trained"] == pytest.approx(accuracy_score(y_test, pred), abs=1e-12)
        assert ev.scores[f"utility_f1_macro_{which}_trained"] == pytest.approx(
            f1_score(y_test, pred, average="macro", zero_division=0), abs=1e-12
        )


# --- a synthetic-trained model that collapsed: poor whatever the ROC AUC, and not read as fairer --------------


@pytest.fixture(scope="module")
def collapsed(adult_3k):
    """Real rows split 2,000 / 1,000; the "synthetic" table is the 2,000 with 90 % of the >50K rows removed."""
    import synthnb

    real, holdout = adult_3k.head(2000), adult_3k.iloc[2000:]
    positives = real.index[real["income"] == ">50K"]
    syn = real.drop(index=positives[: int(0.9 * len(positives))]).reset_index(drop=True)
    ev = synthnb.evaluate(
        real, syn, holdout=holdout, target="income", sensitive=["sex", "race"], sections=["utility", "fairness"]
    )
    return real, syn, holdout, ev


def test_collapsed_model_makes_the_card_poor(collapsed):
    from sklearn.metrics import f1_score

    from synthnb.evaluation.render import cards

    real, syn, holdout, ev = collapsed
    preds, _ = reference_models(real, syn, holdout, "income", 0)
    y = holdout["income"].to_numpy()
    rate = {w: float(np.mean(preds[w] == ">50K")) for w in ("synthetic", "real")}
    f1 = {w: float(f1_score(y, preds[w], pos_label=">50K")) for w in ("synthetic", "real")}
    assert rate["synthetic"] < 0.5 * rate["real"] or f1["synthetic"] < 0.5 * f1["real"]
    sec = ev["utility"]
    assert ev.scores["utility_selection_rate_synthetic_trained"] == pytest.approx(rate["synthetic"], abs=1e-12)
    assert ev.scores["utility_selection_rate_real_trained"] == pytest.approx(rate["real"], abs=1e-12)
    assert sec.verdict == "poor"
    assert f"{rate['synthetic']:.1%}" in sec.headline and f"{rate['real']:.1%}" in sec.headline
    assert "misses most of the people with income = >50K" in sec.headline
    card = next(c for c in cards(ev) if c["title"] == "Utility")
    assert card["level"] == "poor" and card["score"] == pytest.approx(sec.score)
    assert f"{f1['synthetic']:.3f}" in card["decided_by"] and f"{f1['real']:.3f}" in card["decided_by"]


def test_collapsed_model_is_not_meaningful_in_fairness(collapsed):
    _, _, _, ev = collapsed
    sec = ev["fairness"]
    table = sec.tables["model_comparison"].set_index("model")
    assert table.loc["synthetic-trained", "group comparisons"] == "not meaningful"
    assert table.loc["synthetic-trained", "selection rate"] == pytest.approx(
        ev.scores["utility_selection_rate_synthetic_trained"], abs=1e-12
    )
    assert any(f.startswith("Model comparisons are not meaningful") for f in sec.findings)
    for col in ("sex", "race"):
        line = next(f for f in sec.findings if f.startswith(f"{col}: equalized-odds"))
        assert "not meaningful" in line


def test_a_model_that_keeps_its_positives_is_compared(adult_3k):
    import synthnb

    real, holdout = adult_3k.head(2000), adult_3k.iloc[2000:]
    ev = synthnb.evaluate(
        real,
        real.sample(frac=1.0, random_state=1).reset_index(drop=True),
        holdout=holdout,
        target="income",
        sensitive="sex",
        sections=["utility", "fairness"],
    )
    assert ev["utility"].verdict is None
    assert ev["fairness"].tables["model_comparison"].loc[0, "group comparisons"] == "meaningful"
    assert not any("not meaningful" in f for f in ev["fairness"].findings)


def _coin_table(n=600, seed=1):
    """Three columns that carry nothing about a coin-flip target, and one column that decides another target."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "score": rng.normal(50, 10, n).round(1),
            "group": rng.choice(["a", "b", "c"], n),
            "coin": rng.choice(["heads", "tails"], n),
        }
    )
    return frame.assign(high=np.where(frame["score"] > 50, "yes", "no"))


def test_a_target_predicted_at_chance_cannot_be_judged():
    import math

    import synthnb
    from synthnb.evaluation.render import cards

    frame = _coin_table()
    run = synthnb.fit(frame.drop(columns="high"), model="cart", seed=0, target="coin")
    ev = synthnb.evaluate(run, sections=["utility"])
    sec = ev["utility"]
    # the real-trained ROC AUC (equal to scikit-learn's, test_metrics_match_sklearn) lies within the Mann-Whitney
    # null's one-sided 95 % of chance on the held-out rows
    y = run.holdout["coin"].to_numpy()
    positive = "heads" if (run.real["coin"] == "heads").sum() < (run.real["coin"] == "tails").sum() else "tails"
    n1 = int((y == positive).sum())
    n0 = len(y) - n1
    noise = 1.6448536269514722 * math.sqrt((n0 + n1 + 1) / (12 * n0 * n1))
    auc = ev.scores["utility_roc_auc_real_trained"]
    assert auc <= 0.5 + noise
    assert sec.score is None and sec.error is None
    assert sec.headline.startswith("Cannot be judged: the real-trained model predicts coin at chance")
    assert f"within {noise:.3f} of chance (0.5)" in sec.headline
    assert "utility_score" not in ev.scores and "at chance" in ev.absent["utility_score"]
    (card,) = cards(ev)
    assert card["level"] == "cannot be judged" and card["score"] is None
    # a target the other columns decide is judged as before
    run = synthnb.fit(frame.drop(columns="coin"), model="cart", seed=0, target="high")
    sec = synthnb.evaluate(run, sections=["utility"])["utility"]
    assert sec.score is not None and sec.score > 0.9
