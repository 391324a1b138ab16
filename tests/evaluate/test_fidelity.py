"""Fidelity and diagnostic numbers equal sdmetrics' reports computed here on the same frames."""

from __future__ import annotations

import warnings

import pytest
from eval_helpers import sdmetrics_metadata


@pytest.fixture(scope="module")
def reports(run_3k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sdmetrics.reports.single_table import DiagnosticReport, QualityReport

        q, d = QualityReport(), DiagnosticReport()
        q.generate(run_3k.real, run_3k.synthetic, sdmetrics_metadata(run_3k.real), verbose=False)
        d.generate(run_3k.real, run_3k.synthetic, sdmetrics_metadata(run_3k.real), verbose=False)
    return q, d


def test_quality_scores_match_sdmetrics(ev_3k, reports):
    q, _ = reports
    sec = ev_3k["fidelity"]
    props = q.get_properties().set_index("Property")["Score"]
    assert sec.score == pytest.approx(q.get_score(), abs=1e-12)
    assert ev_3k.scores["fidelity_quality_score"] == pytest.approx(q.get_score(), abs=1e-12)
    assert ev_3k.scores["fidelity_column_shapes"] == pytest.approx(props["Column Shapes"], abs=1e-12)
    assert ev_3k.scores["fidelity_column_pair_trends"] == pytest.approx(props["Column Pair Trends"], abs=1e-12)


def test_quality_details_match_sdmetrics(ev_3k, reports):
    q, _ = reports
    sec = ev_3k["fidelity"]
    shapes, pairs = q.get_details("Column Shapes"), q.get_details("Column Pair Trends")
    assert sec.tables["column_shapes"]["Score"].tolist() == pytest.approx(shapes["Score"].tolist(), abs=1e-12)
    assert sec.tables["column_pair_trends"]["Score"].tolist() == pytest.approx(
        pairs["Score"].tolist(), abs=1e-12, nan_ok=True)
    heat = next(f for f in sec.figures if f["kind"] == "heatmap" and f["title"].startswith("sdmetrics"))
    labels = heat["labels"]
    row = pairs.dropna(subset=["Score"]).iloc[0]
    value = heat["values"][labels.index(row["Column 1"])][labels.index(row["Column 2"])]
    assert value == pytest.approx(1 - row["Score"], abs=1e-4)


def test_diagnostic_matches_sdmetrics(ev_3k, reports):
    _, d = reports
    props = d.get_properties().set_index("Property")["Score"]
    assert ev_3k.scores["diagnostic_score"] == pytest.approx(d.get_score(), abs=1e-12)
    assert ev_3k.scores["diagnostic_data_validity"] == pytest.approx(props["Data Validity"], abs=1e-12)
    assert ev_3k["diagnostic"].tables["data_validity"]["Score"].tolist() == pytest.approx(
        d.get_details("Data Validity")["Score"].tolist(), abs=1e-12)


def test_distribution_figures_are_shares_of_each_table(ev_3k, run_3k):
    figs = {f["column"]: f for f in ev_3k["fidelity"].figures if "column" in f}
    sex = figs["sex"]
    real_share = run_3k.real["sex"].value_counts(normalize=True)
    syn_share = run_3k.synthetic["sex"].value_counts(normalize=True)
    for cat, r, s in zip(sex["categories"], sex["series"]["real"], sex["series"]["synthetic"], strict=True):
        assert r == pytest.approx(real_share[cat], abs=1e-6)
        assert s == pytest.approx(syn_share.get(cat, 0.0), abs=1e-6)
    age = figs["age"]
    assert sum(age["series"]["real"]) == pytest.approx(1.0, abs=1e-5)
    assert age["edges"][0] == run_3k.real["age"].min() and age["edges"][-1] == run_3k.real["age"].max()


def test_correlation_difference_heatmap_matches_pandas(ev_3k, run_3k):
    heat = next(f for f in ev_3k["fidelity"].figures if f["title"].startswith("Correlation difference"))
    cols = heat["labels"]
    assert "age" in cols and "sex" not in cols
    want = (run_3k.real[cols].corr() - run_3k.synthetic[cols].corr()).abs()
    for i, a in enumerate(cols):
        for j, b in enumerate(cols):
            if i != j:
                assert heat["values"][i][j] == pytest.approx(want.loc[a, b], abs=1e-4)
