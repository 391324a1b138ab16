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
        pairs["Score"].tolist(), abs=1e-12, nan_ok=True
    )
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
        d.get_details("Data Validity")["Score"].tolist(), abs=1e-12
    )


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


# --- the quality score equals SDV's own report, on integer scales and with identifier columns ----------------


@pytest.fixture(scope="module")
def likert_run():
    """600 answers on 1–4 scales (SDV types them ordinal), two numbers, an outcome, and three identifiers."""
    import numpy as np
    import pandas as pd

    import synthnb

    rng = np.random.default_rng(11)
    n = 600
    q1 = rng.integers(1, 5, n)
    table = pd.DataFrame(
        {
            "row_id": np.arange(n),
            "email": [f"respondent{k}.{rng.integers(100, 999)}@survey.example.org" for k in range(n)],
            "case_no": [f"QX-{rng.integers(10**5, 10**6)}" for _ in range(n)],
            "q1": q1,
            "q2": np.clip(q1 + rng.integers(-1, 2, n), 1, 4),
            "q3": rng.integers(1, 5, n),
            "amount": rng.gamma(2.0, 900.0, n).round(2),
            "months": rng.integers(6, 73, n),
            "outcome": np.where(q1 + rng.normal(0, 1, n) > 3, "good", "bad"),
        }
    )
    return synthnb.fit(table, seed=0, model="gaussian_copula")


IDENTIFIERS = ["row_id", "email", "case_no"]


def _sdv_quality(real, synthetic, metadata):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sdv.evaluation import evaluate_quality

        return evaluate_quality(real, synthetic, metadata, verbose=False).get_score()


def _without(metadata, columns):
    from sdv.metadata import Metadata

    data = metadata.to_dict()
    table = next(iter(data["tables"].values()))
    table["columns"] = {c: v for c, v in table["columns"].items() if c not in columns}
    return Metadata.load_from_dict(data)


def test_run_quality_equals_sdv_report_with_its_metadata(likert_run):
    import synthnb

    run = likert_run
    # the fit found the identifiers and kept them from the generator: its metadata has only the data columns
    assert {r.column for r in run.identifiers if r.role == "direct"} == set(IDENTIFIERS)
    learned = run.synthesizer.get_metadata()
    learned_columns = list(learned.to_dict()["tables"]["table"]["columns"])
    assert not set(IDENTIFIERS) & set(learned_columns)
    assert {c: learned.to_dict()["tables"]["table"]["columns"][c]["sdtype"] for c in ("q1", "q2", "q3")} == {
        "q1": "ordinal",
        "q2": "ordinal",
        "q3": "ordinal",
    }
    want = _sdv_quality(run.real[learned_columns], run.synthetic[learned_columns], learned)
    ev = synthnb.evaluate(run, sections=["fidelity", "diagnostic"])
    assert ev["fidelity"].score == pytest.approx(want, abs=1e-9)
    shapes = ev["fidelity"].tables["column_shapes"].set_index("Column")
    assert shapes.loc["q1", "Metric"] == "TVComplement"  # a scale compared as categories, as SDV does
    # identifiers leave the report (they hold fakes, not data)
    assert not set(IDENTIFIERS) & set(ev["fidelity"].tables["column_shapes"]["Column"])
    assert not set(IDENTIFIERS) & set(ev["diagnostic"].tables["data_validity"]["Column"])
    # typed by dtype (the old way) the score differs: the comparison above can fail
    data = run.real[learned_columns]
    q = _reports()[0]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q.generate(data, run.synthetic[learned_columns], sdmetrics_metadata(data), verbose=False)
    assert abs(q.get_score() - want) > 1e-4


def test_frame_quality_equals_sdv_report_with_its_detection(likert_run):
    from sdv.metadata import Metadata

    import synthnb

    real, syn = likert_run.real, likert_run.synthetic
    detected = Metadata.detect_from_dataframes({"table": real}, infer_keys=None)
    # bare frames get the same identifier detection as a fit: the report covers the data columns
    ev = synthnb.evaluate(real, syn, sections=["fidelity"])
    data = [c for c in real.columns if c not in IDENTIFIERS]
    assert ev["fidelity"].score == pytest.approx(
        _sdv_quality(real[data], syn[data], _without(detected, IDENTIFIERS)), abs=1e-9
    )
    # told there are none, it scores every column exactly as SDV's report with SDV's detection does
    ev_all = synthnb.evaluate(real, syn, sections=["fidelity"], direct_identifiers=[])
    assert ev_all["fidelity"].score == pytest.approx(_sdv_quality(real, syn, detected), abs=1e-9)


def _reports():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sdmetrics.reports.single_table import DiagnosticReport, QualityReport
    return QualityReport, DiagnosticReport
