"""Privacy: DCR exact against brute force and sdmetrics; attribute inference equal to sdmetrics' CAP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from eval_helpers import sdmetrics_metadata

from synthnb.evaluation._context import sdtypes_of
from synthnb.evaluation._dcr import dcr
from synthnb.evaluation.privacy import attribute_inference, exact_copy_share


def _brute_force_matrix(query, reference):
    """Gower-style distance of every pair, written from its definition with scipy's cdist."""
    from scipy.spatial.distance import cdist

    num = [c for c in reference.columns if pd.api.types.is_numeric_dtype(reference[c])]
    cat = [c for c in reference.columns if c not in num]
    ranges = np.nan_to_num((reference[num].max() - reference[num].min()).to_numpy(dtype=float))
    total = np.zeros((len(query), len(reference)))
    for k, c in enumerate(num):
        qv, rv = query[[c]].to_numpy(float), reference[[c]].to_numpy(float)
        d = cdist(qv, rv, "cityblock")
        d = np.minimum(d / ranges[k], 1.0) if ranges[k] else (d > 0).astype(float)
        qn, rn = np.isnan(qv), np.isnan(rv.T)
        d[qn & rn] = 0.0  # both missing: same
        d[qn ^ rn] = 1.0  # one missing: as far as can be
        total += d
    for c in cat:
        q = query[c].astype(object).fillna("<NA>").to_numpy()
        r = reference[c].astype(object).fillna("<NA>").to_numpy()
        total += q[:, None] != r[None, :]
    return total / (len(num) + len(cat))


def _brute_force_dcr(query, reference):
    return _brute_force_matrix(query, reference).min(axis=1)


@pytest.fixture(scope="module")
def small(run_3k):
    return run_3k.synthetic.head(300).reset_index(drop=True), run_3k.train.head(400).reset_index(drop=True)


def test_dcr_equals_brute_force(small):
    query, reference = small
    got, idx = dcr(query, reference, sdtypes_of(reference))
    want = _brute_force_dcr(query, reference)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    # the reported closest row really is at that distance
    matrix = _brute_force_matrix(query, reference)
    np.testing.assert_allclose(matrix[np.arange(len(query)), idx], got, rtol=0, atol=1e-12)


def test_dcr_equals_sdmetrics(small):
    from sdmetrics.single_table.privacy.dcr_utils import calculate_dcr

    query, reference = small
    got, _ = dcr(query, reference, sdtypes_of(reference))
    want = calculate_dcr(query, reference, sdmetrics_metadata(reference)).to_numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_dcr_handles_missing_and_constant_columns():
    ref = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": ["x", None, "y"], "c": [5, 5, 5]})
    q = pd.DataFrame({"a": [np.nan, 1.0], "b": [None, "x"], "c": [5, 6]})
    got, _ = dcr(q, ref, sdtypes_of(ref))
    np.testing.assert_allclose(got, _brute_force_dcr(q, ref), atol=1e-12)
    assert got[0] == 0.0  # missing matches missing


def test_dcr_is_deterministic(run_3k):
    a, ia = dcr(run_3k.synthetic, run_3k.train, sdtypes_of(run_3k.real))
    b, ib = dcr(run_3k.synthetic, run_3k.train, sdtypes_of(run_3k.real))
    assert np.array_equal(a, b) and np.array_equal(ia, ib)


def test_privacy_section_figures(ev_3k, run_3k):
    sec = ev_3k["privacy"]
    syn_d, _ = dcr(run_3k.synthetic, run_3k.train, sdtypes_of(run_3k.real))
    hold_d, _ = dcr(run_3k.holdout, run_3k.train, sdtypes_of(run_3k.real))
    assert sec.scores["privacy_dcr_median_synthetic"] == pytest.approx(np.median(syn_d), abs=1e-12)
    assert sec.scores["privacy_dcr_median_baseline"] == pytest.approx(np.median(hold_d), abs=1e-12)
    assert sec.scores["privacy_dcr_protection"] == pytest.approx(
        min(np.median(syn_d) / np.median(hold_d), 1.0), abs=1e-12
    )
    # the card takes the worst figure and names it
    figs = sec.tables["figure_scores"]
    assert sec.score == pytest.approx(figs["score"].min(), abs=1e-12)
    assert sec.decided_by == figs.loc[figs["score"].idxmin(), "figure"]
    assert sec.scores["privacy_dcr_protection"] == pytest.approx(
        figs.set_index("figure").loc["DCR protection", "score"], abs=1e-12
    )
    assert sec.scores["privacy_dcr_share_below_baseline_p5"] == pytest.approx(
        np.mean(syn_d < np.quantile(hold_d, 0.05)), abs=1e-12
    )
    hist = sec.figures[0]
    assert sum(hist["series"]["synthetic"]) == pytest.approx(1.0, abs=1e-4)


def test_exact_copies_are_counted(run_3k):
    syn = run_3k.synthetic.head(200).copy()
    planted = run_3k.real.iloc[[5, 17, 40, 41]].reset_index(drop=True)
    planted["age"] = planted["age"].astype(float)  # a dtype change must not hide a copy
    syn = pd.concat([syn.iloc[:196], planted], ignore_index=True)
    types = sdtypes_of(run_3k.real)
    base = exact_copy_share(run_3k.synthetic.head(196), run_3k.real, types)
    assert exact_copy_share(syn, run_3k.real, types) == pytest.approx(base * 196 / 200 + 4 / 200, abs=1e-12)


@pytest.mark.parametrize("known", [["sex", "race"], ["age", "sex", "marital_status"]])
def test_attribute_inference_equals_sdmetrics(run_3k, known):
    import warnings

    from sdmetrics.single_table import DisclosureProtection

    real = run_3k.train.head(1200).reset_index(drop=True)
    syn = run_3k.synthetic.head(1500).reset_index(drop=True)
    continuous = [c for c in known if pd.api.types.is_numeric_dtype(real[c])] or None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = DisclosureProtection.compute_breakdown(real, syn, known, ["income"], continuous_column_names=continuous)
    got = attribute_inference(real, syn, known, "income", sdtypes_of(real))
    assert got["cap_protection"] == pytest.approx(want["cap_protection"], abs=1e-12)
    assert got["baseline_protection"] == pytest.approx(want["baseline_protection"], abs=1e-12)
    assert got["disclosure_protection"] == pytest.approx(want["score"], abs=1e-12)


def test_attribute_inference_marginal_baseline(run_3k):
    real, syn = run_3k.train, run_3k.synthetic
    got = attribute_inference(real, syn, ["sex"], "income", sdtypes_of(real))
    p_syn = syn["income"].value_counts(normalize=True)
    want = real["income"].map(p_syn).mean()  # every sex value occurs in the synthetic table
    assert got["matched_share"] == 1.0
    assert got["marginal_success"] == pytest.approx(want, abs=1e-12)
    by = syn.groupby("sex")["income"].value_counts(normalize=True)
    attack = np.mean([by[(s, y)] for s, y in zip(real["sex"], real["income"], strict=True)])
    assert got["attack_success"] == pytest.approx(attack, abs=1e-12)
