"""Real-side work kept per source: reused by a second evaluation, bit for bit, and bounded."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from eval_helpers import reference_models


def _evaluate(run, synthetic, cache, sections=("utility",)):
    import synthnb

    return synthnb.evaluate(
        run.train,
        synthetic,
        holdout=run.holdout,
        target="income",
        sensitive="sex",
        seed=run.spec.seed,
        sections=list(sections),
        cache=cache,
    )


def _other_synthetic(run):
    """A second synthetic table of the same source (as a refit would give): a seeded resample of the first."""
    return run.synthetic.sample(len(run.synthetic), replace=True, random_state=11).reset_index(drop=True)


def test_second_evaluation_hits_the_cache_with_identical_scores(run_3k):
    from synthnb.evaluation._cache import RealSideCache
    from synthnb.evaluation._models import fitted_models

    cache = RealSideCache()
    first = _evaluate(run_3k, run_3k.synthetic, cache, ("utility", "fairness"))
    assert (cache.hits, cache.misses) == (0, 1)  # utility and fairness share one model pair per evaluation
    other = _other_synthetic(run_3k)
    second = _evaluate(run_3k, other, cache, ("utility", "fairness"))
    assert (cache.hits, cache.misses) == (1, 1)
    # without the cache (a cache that keeps nothing) the same table gives the same numbers, bit for bit
    uncached = _evaluate(run_3k, other, RealSideCache(max_entries=0), ("utility", "fairness"))
    assert second.scores == uncached.scores
    a, b = fitted_models(second.context), fitted_models(uncached.context)
    for field in ("pred_synthetic", "pred_real", "proba_synthetic", "proba_real", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    # the real-trained model does not depend on the synthetic table; checked against scikit-learn's own encoder
    preds, probas = reference_models(run_3k.train, other, run_3k.holdout, "income", run_3k.spec.seed)
    assert np.array_equal(a.pred_real, preds["real"]) and np.array_equal(a.pred_synthetic, preds["synthetic"])
    assert np.allclose(a.proba_real, probas["real"], rtol=0, atol=1e-12)
    assert first.scores["utility_roc_auc_real_trained"] == second.scores["utility_roc_auc_real_trained"]
    assert first.scores["utility_roc_auc_synthetic_trained"] != second.scores["utility_roc_auc_synthetic_trained"]
    pickle.loads(pickle.dumps(second))  # an evaluation still travels to another process (synthnb.compare)


def test_a_synthetic_category_unknown_to_the_real_rows_falls_back_to_the_union_encoding(run_3k):
    from sklearn.metrics import roc_auc_score

    from synthnb.evaluation._cache import RealSideCache

    syn = run_3k.synthetic.copy()
    syn.loc[::7, "workclass"] = "Never-seen-workclass"
    cache = RealSideCache()
    _evaluate(run_3k, run_3k.synthetic, cache)  # fill the cache with this source
    ev = _evaluate(run_3k, syn, cache)
    assert cache.hits == 1
    _, probas = reference_models(run_3k.train, syn, run_3k.holdout, "income", run_3k.spec.seed)
    y = (run_3k.holdout["income"].astype(str) == ">50K").to_numpy(int)
    for which in ("synthetic", "real"):
        assert ev.scores[f"utility_roc_auc_{which}_trained"] == pytest.approx(
            roc_auc_score(y, probas[which]), abs=1e-12
        )


def test_the_cache_is_bounded_and_one_source_holds_one_entry(run_3k):
    import synthnb
    from synthnb.evaluation._cache import RealSideCache

    cache = RealSideCache(max_entries=2)
    for k in range(3):  # refitting one source: the real side is computed once, whatever the synthetic table
        syn = run_3k.synthetic.sample(600, random_state=k).reset_index(drop=True)
        _evaluate(run_3k, syn, cache)["utility"]
    assert (len(cache), cache.hits, cache.misses) == (1, 2, 1)
    for k in range(3):  # three other sources: only the two most recent stay
        real = run_3k.train.sample(800, random_state=20 + k).reset_index(drop=True)
        synthnb.evaluate(
            real,
            run_3k.synthetic.head(600),
            holdout=run_3k.holdout,
            target="income",
            seed=1,
            sections=["utility"],
            cache=cache,
        )["utility"]
    assert len(cache) == 2 and cache.misses == 4


def test_each_session_holds_its_own_bounded_cache(ip):
    from synthnb.evaluation._cache import MAX_SOURCES, RealSideCache
    from synthnb.session import Session, session_for

    cache = session_for(ip).real_cache
    assert isinstance(cache, RealSideCache) and cache.max_entries == MAX_SOURCES
    assert session_for(ip).real_cache is cache and Session().real_cache is not cache


def test_training_above_the_threshold_uses_a_seeded_sample(run_3k, monkeypatch):
    from sklearn.metrics import roc_auc_score

    from synthnb.evaluation import _models
    from synthnb.evaluation._cache import RealSideCache

    monkeypatch.setattr(_models, "MAX_TRAIN_ROWS", 500)
    ev = _evaluate(run_3k, run_3k.synthetic, RealSideCache())
    again = _evaluate(run_3k, run_3k.synthetic, RealSideCache())
    assert ev.scores == again.scores
    n_syn, n_real = len(run_3k.synthetic), len(run_3k.train)
    assert any(f"500 of {n_syn:,} synthetic, 500 of {n_real:,} real" in f for f in ev["utility"].findings)
    seed = run_3k.spec.seed
    # independently: the same seeded rows, scikit-learn's encoder, every test row
    samples = {
        which: frame.iloc[np.sort(np.random.default_rng(seed).choice(len(frame), 500, replace=False))]
        for which, frame in (("synthetic", run_3k.synthetic), ("real", run_3k.train))
    }
    _, probas = reference_models(samples["real"], samples["synthetic"], run_3k.holdout, "income", seed)
    y = (run_3k.holdout["income"].astype(str) == ">50K").to_numpy(int)
    for which in ("synthetic", "real"):
        assert ev.scores[f"utility_roc_auc_{which}_trained"] == pytest.approx(
            roc_auc_score(y, probas[which]), abs=1e-12
        )
    monkeypatch.undo()  # every row again: other numbers, and no sampling finding
    full = _evaluate(run_3k, run_3k.synthetic, RealSideCache(max_entries=0))
    assert full.scores != ev.scores
    assert not any("seeded sample" in f for f in full["utility"].findings)


def test_privacy_reuses_the_holdout_distances_with_identical_scores(run_3k, monkeypatch):
    from synthnb.evaluation import privacy
    from synthnb.evaluation._cache import RealSideCache

    monkeypatch.setattr(privacy, "DCR_SAMPLE_ROWS", 400)  # keep the search small: the same code path
    cache = RealSideCache()
    _evaluate(run_3k, run_3k.synthetic, cache, ("privacy",))["privacy"]
    other = _other_synthetic(run_3k)
    second = _evaluate(run_3k, other, cache, ("privacy",))
    assert second["privacy"].error is None
    assert (cache.hits, cache.misses) == (1, 1)
    uncached = _evaluate(run_3k, other, RealSideCache(max_entries=0), ("privacy",))
    np.testing.assert_equal(second.scores, uncached.scores)  # bit for bit (NaN equal to NaN)
    assert "privacy_dcr_median_baseline" in second.scores
