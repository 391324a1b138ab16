"""Fidelity and diagnostic numbers equal sdmetrics' reports computed here on the same frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
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
    mine_shapes = sec.tables["column_shapes"].set_index("Column")["Score"]
    assert mine_shapes.reindex(shapes["Column"]).tolist() == pytest.approx(shapes["Score"].tolist(), abs=1e-12)
    assert mine_shapes.is_monotonic_increasing  # worst first
    mine = sec.tables["column_pair_trends"].set_index(["Column 1", "Column 2"])
    assert len(mine) == len(pairs)
    got = mine.reindex(pd.MultiIndex.from_frame(pairs[["Column 1", "Column 2"]]))["Score"]
    assert got.tolist() == pytest.approx(pairs["Score"].tolist(), abs=1e-9, nan_ok=True)
    scored = sec.tables["column_pair_trends"]["Score"].dropna()
    assert (
        scored.is_monotonic_increasing and sec.tables["column_pair_trends"]["Score"].iloc[: len(scored)].notna().all()
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


# --- pair trends at width: every pair at once, equal to sdmetrics pair by pair ------------------------------------


def wide_table(n=281, width=378, seed=0):
    """*width* columns of mixed kinds driven by six shared factors (so many pairs are associated): numbers (some
    with missing values, scales from 0.01 to 10^5), counts, categories of 2 to 8 levels (some with missing
    values), booleans, codes of 20-60 levels, dates; and constant columns of each kind."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 6))
    cols, k = {}, 0
    while len(cols) < width - 6:
        kind = k % 10
        lat = z @ (rng.normal(size=6) * (rng.random(6) < 0.5)) + rng.normal(scale=rng.uniform(0.2, 2.0), size=n)
        if kind <= 3:
            v = lat * 10.0 ** rng.integers(-2, 6) + rng.normal() * 100
            if kind == 3:
                v[rng.random(n) < 0.08] = np.nan
            cols[f"num{k}"] = v
        elif kind == 4:
            cols[f"count{k}"] = np.round(np.exp(lat / 3) * 5).astype(int)
        elif kind in (5, 6):
            levels = int(rng.integers(2, 9))
            cut = np.quantile(lat, np.linspace(0, 1, levels + 1)[1:-1])
            v = np.array([f"L{i}" for i in range(levels)], dtype=object)[np.searchsorted(cut, lat)]
            if kind == 6:
                v[rng.random(n) < 0.05] = None
            cols[f"cat{k}"] = v
        elif kind == 7:
            cols[f"flag{k}"] = lat > rng.normal()
        elif kind == 8:
            levels = int(rng.integers(20, 60))
            idx = np.clip(((lat - lat.min()) / (np.ptp(lat) + 1e-9) * levels).astype(int), 0, levels - 1)
            cols[f"code{k}"] = np.array([f"c{i:03d}" for i in range(levels)])[idx]
        else:
            cols[f"date{k}"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.round(lat * 40 + 400), unit="D")
        k += 1
    cols["const_int"] = np.full(n, 7)
    cols["const_text"] = np.full(n, "same", dtype=object)
    cols["const_float"] = np.full(n, 0.1 + 0.2)
    cols["all_but_one"] = np.where(np.arange(n) == 0, 1.0, 2.0)
    cols["noise_a"] = rng.normal(size=n)
    cols["noise_cat"] = rng.choice(list("abc"), n)
    return pd.DataFrame(cols)


def resampled(real, seed=1):
    """A stand-in synthetic table: rows drawn with replacement, numbers jittered, a tenth of each column shuffled;
    constant columns kept, the constant float one ulp off (as a float written back through another path)."""
    rng = np.random.default_rng(seed)
    syn = real.sample(len(real), replace=True, random_state=seed).reset_index(drop=True)
    for c in syn.columns:
        if syn[c].nunique(dropna=True) <= 1:
            continue
        if syn[c].dtype.kind == "f":
            syn[c] = syn[c] + rng.normal(scale=0.1 * (syn[c].std() or 1), size=len(syn))
        vals = syn[c].to_numpy().copy()
        pick = rng.random(len(vals)) < 0.1
        vals[pick] = rng.permutation(vals[pick])
        syn[c] = pd.Series(vals, index=syn.index).astype(syn[c].dtype)  # dtypes kept, as a fit keeps them
    syn["const_float"] = np.nextafter(real["const_float"].to_numpy(), 1.0)
    return syn


def hand_metadata(frame):
    """sdtypes by dtype, written out here: numbers numerical, datetimes datetime, booleans boolean, rest categorical."""

    def sdtype(s):
        if s.dtype.kind == "M":
            return "datetime"
        if s.dtype.kind == "b":
            return "boolean"
        return "numerical" if pd.api.types.is_numeric_dtype(s) else "categorical"

    return {"columns": {c: {"sdtype": sdtype(frame[c])} for c in frame.columns}}


def reference_pair(real, synthetic, a, b, sdtypes):
    """One pair scored the way sdmetrics' QualityReport does, with its metrics called directly: (score, counts?)."""
    from sdmetrics.column_pairs.statistical import ContingencySimilarity, CorrelationSimilarity

    cont = {c: sdtypes[c] in ("numerical", "datetime") for c in (a, b)}

    def numeric(frame, c):
        s = frame[c]
        if sdtypes[c] == "datetime":
            mask = s.isna()
            s = pd.to_numeric(s)
            if mask.any():
                s = s.astype(float).mask(mask)
        return s

    def binned(frame, c):  # QualityReport: 10 equal-width bins over each table's own known values
        s = numeric(frame, c)
        return pd.Series(np.digitize(s, bins=np.histogram_bin_edges(s.dropna())), index=frame.index, name=c)

    try:
        if cont[a] and cont[b]:
            out = CorrelationSimilarity.compute_breakdown(
                pd.concat([numeric(real, a), numeric(real, b)], axis=1),
                pd.concat([numeric(synthetic, a), numeric(synthetic, b)], axis=1),
                real_correlation_threshold=0.5,
            )
            r = out["real"]
            return out["score"], bool(r == r and abs(r) > 0.5)
        pick = {c: (binned if cont[c] else (lambda f, c: f[c])) for c in (a, b)}
        out = ContingencySimilarity.compute_breakdown(
            pd.concat([pick[a](real, a), pick[b](real, b)], axis=1),
            pd.concat([pick[a](synthetic, a), pick[b](synthetic, b)], axis=1),
            real_association_threshold=0.3,
        )
        v = out["real_association"]
        return out["score"], bool(v == v and v > 0.3)
    except Exception:
        return float("nan"), False


def test_pair_trends_of_378_columns_equal_sdmetrics_metrics_on_sampled_pairs():
    import time
    import warnings

    from synthnb.evaluation._pairs import column_pair_trends

    real = wide_table()
    synthetic = resampled(real)
    meta = hand_metadata(real)
    before = real.copy(), synthetic.copy()
    t0 = time.perf_counter()
    pairs = column_pair_trends(real, synthetic, meta)
    seconds = time.perf_counter() - t0
    pd.testing.assert_frame_equal(real, before[0])
    pd.testing.assert_frame_equal(synthetic, before[1])
    assert len(pairs) == 378 * 377 // 2
    assert seconds < 30, f"pair trends of 378 columns took {seconds:.1f} s"  # sdmetrics' loop: minutes
    sdtypes = {c: m["sdtype"] for c, m in meta["columns"].items()}
    rng = np.random.default_rng(5)
    rows = pairs.iloc[rng.choice(len(pairs), 160, replace=False)]
    # the sample holds every kind of pair, scored and unscored
    kinds = set(rows["Metric"])
    assert kinds == {"CorrelationSimilarity", "ContingencySimilarity"}
    meets = rows["Meets Threshold?"].fillna(False).astype(bool)
    assert meets.any() and (~meets).any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row, meet in zip(rows.itertuples(index=False), meets, strict=True):
            score, counted = reference_pair(real, synthetic, row[0], row[1], sdtypes)
            assert counted == meet, (row[0], row[1])
            if counted:
                assert row.Score == pytest.approx(score, abs=1e-9), (row[0], row[1])
            else:
                assert row.Score != row.Score, (row[0], row[1])


@pytest.fixture(scope="module")
def mixed():
    """36 columns of every kind (plus a categorical dtype with an unused category, an all-missing number and
    a date with gaps) and its stand-in synthetic table."""
    real = wide_table(n=240, width=30, seed=3)
    rng = np.random.default_rng(9)
    real["grade"] = pd.Categorical(rng.choice(["a", "b"], len(real)), categories=["a", "b", "never"])
    real["band"] = pd.Categorical(np.where(real["num0"] > real["num0"].median(), "hi", "lo"))
    real["empty"] = np.nan
    real["gappy_date"] = real["date9"].where(rng.random(len(real)) > 0.2)
    real["ints"] = pd.array(np.where(rng.random(len(real)) < 0.1, None, real["count4"]), dtype="Int64")
    real["few"] = np.where(np.arange(len(real)) < 2, real["num1"], np.nan)
    return real, resampled(real, seed=4)


def test_quality_equals_sdmetrics_report_on_a_mixed_table(mixed):
    import warnings

    from sdmetrics.reports.single_table import QualityReport

    from synthnb.evaluation.fidelity import quality

    real, synthetic = mixed
    meta = hand_metadata(real)
    mine = quality(real, synthetic, meta)
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic, meta, verbose=False)
    assert mine["score"] == pytest.approx(report.get_score(), abs=1e-9)
    props = report.get_properties().set_index("Property")["Score"]
    assert mine["by_prop"]["Column Pair Trends"] == pytest.approx(props["Column Pair Trends"], abs=1e-9)
    ref = report.get_details("Column Pair Trends")
    got = mine["pairs"]
    assert got[["Column 1", "Column 2", "Metric"]].equals(ref[["Column 1", "Column 2", "Metric"]])
    for col in ("Score", "Real Correlation", "Synthetic Correlation", "Real Association"):
        assert got[col].tolist() == pytest.approx(ref[col].tolist(), abs=1e-9, nan_ok=True), col
    flags = got["Meets Threshold?"].fillna(False).tolist()
    assert flags == ref["Meets Threshold?"].fillna(False).tolist()
    # the same pairs fail, each with a reason in words
    assert got["Error"].notna().tolist() == ref["Error"].notna().tolist()
    assert got["Error"].notna().sum() > 0


def test_fidelity_of_a_wide_table_is_fast_readable_and_has_no_nan():
    import math
    import time

    from synthnb.evaluation._context import make_context
    from synthnb.evaluation.fidelity import MAX_COLUMN_CHARTS, MAX_HEATMAP_COLUMNS, fidelity

    real = wide_table()
    synthetic = resampled(real)
    ctx = make_context(real, synthetic, metadata=hand_metadata(real), direct_identifiers=[])
    events = []
    ctx.listeners.append(events.append)
    t0 = time.perf_counter()
    sec = fidelity(ctx)
    seconds = time.perf_counter() - t0
    assert seconds < 60, f"the fidelity section of 281 x 378 took {seconds:.1f} s"
    assert all(isinstance(v, float) and math.isfinite(v) for v in sec.scores.values())
    assert set(sec.scores) == {"fidelity_quality_score", "fidelity_column_shapes", "fidelity_column_pair_trends"}
    assert "nan" not in sec.headline and all(": ." not in f for f in sec.findings)
    # progress: both parts, in order, each reaching its total
    assert {e.stage for e in events} == {"fidelity"}
    pairs_events = [e for e in events if "pairs" in e.message]
    assert pairs_events[-1].done == pairs_events[-1].total == 378 * 377 // 2
    assert [e.done for e in pairs_events] == sorted(e.done for e in pairs_events)
    assert any("columns" in e.message for e in events)
    # readable: no heatmap above the limit, the worst pairs as bars, a bounded number of column charts
    heatmaps = [f for f in sec.figures if f["kind"] == "heatmap"]
    assert all(len(f["labels"]) <= MAX_HEATMAP_COLUMNS for f in heatmaps)
    worst = next(f for f in sec.figures if f["title"].endswith("reproduced worst (sdmetrics pair trends)"))
    table = sec.tables["column_pair_trends"]
    assert worst["series"]["pair trend score"] == pytest.approx(table["Score"].head(15).round(4).tolist())
    charts = [f for f in sec.figures if "column" in f]
    shapes = sec.tables["column_shapes"]
    assert [f["column"] for f in charts] == shapes["Column"].head(MAX_COLUMN_CHARTS).tolist()
    assert any("too many for a readable pair heatmap" in f for f in sec.findings)
    # the constant columns are named, and why their pairs have no score
    constant = next(f for f in sec.findings if f.startswith("Constant in the real table"))
    assert all(c in constant for c in ("const_int", "const_text", "const_float"))
    assert any("const_float constant in the real table" in f for f in sec.findings)
    # what the live dashboard syncs to the page (and a saved notebook keeps): the worst pairs, not all 71,253
    from synthnb.dashboard.widget import _SYNCED_ROWS

    synced = sec.to_dict(max_rows=_SYNCED_ROWS)
    assert len(synced["tables"]["column_pair_trends"]) == _SYNCED_ROWS
    assert synced["table_rows"]["column_pair_trends"] == 378 * 377 // 2
    assert synced["tables"]["column_pair_trends"][0]["Score"] == pytest.approx(table["Score"].iloc[0])


def test_no_pair_strong_enough_leaves_pair_trends_out_and_says_why():
    import warnings

    from sdmetrics.reports.single_table import QualityReport

    import synthnb

    rng = np.random.default_rng(2)
    n = 300
    real = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(list("xyz"), n)})
    synthetic = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(list("xyz"), n)})
    ev = synthnb.evaluate(real, synthetic, sections=["fidelity"], direct_identifiers=[])
    sec = ev["fidelity"]
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(
            real,
            synthetic,
            {"columns": {"a": {"sdtype": "numerical"}, "b": {"sdtype": "numerical"}, "c": {"sdtype": "categorical"}}},
            verbose=False,
        )
    assert sec.score == pytest.approx(report.get_score(), abs=1e-9)  # the column shapes alone, as sdmetrics
    assert "fidelity_column_pair_trends" not in ev.scores
    assert "pair trends not scored" in sec.headline and "nan" not in sec.headline
    assert any(f.startswith("No column pair is scored") for f in sec.findings)
    assert not any("reproduced worst" in f for f in sec.findings)


def test_a_constant_float_rounded_in_its_16th_digit_stays_within_bounds():
    import synthnb

    n = 200
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {"x": rng.normal(size=n), "rate": np.full(n, 0.1 + 0.2), "level": np.full(n, 1234.5678901234567)}
    )
    synthetic = pd.DataFrame(
        {"x": rng.normal(size=n), "rate": np.full(n, 0.3), "level": np.full(n, float("1234.567890123457"))}
    )
    assert (synthetic["rate"] != real["rate"]).all() and (synthetic["level"] != real["level"]).all()
    ev = synthnb.evaluate(real, synthetic, sections=["diagnostic"], direct_identifiers=[])
    validity = ev["diagnostic"].tables["data_validity"].set_index("Column")["Score"]
    assert validity["rate"] == 1.0 and validity["level"] == 1.0
    # anything further off is still out of range, as sdmetrics says
    off = synthetic.assign(rate=0.3000001)
    ev = synthnb.evaluate(real, off, sections=["diagnostic"], direct_identifiers=[])
    assert ev["diagnostic"].tables["data_validity"].set_index("Column")["Score"]["rate"] == 0.0
    pd.testing.assert_series_equal(off["rate"], pd.Series(np.full(n, 0.3000001), name="rate"))


def test_progress_reaches_listeners_the_dashboard_and_survives_pickling():
    import pickle

    import synthnb
    from synthnb.evaluation.html import dashboard_html

    real = wide_table(n=120, width=30, seed=1)
    events = []
    ev = synthnb.evaluate(real, resampled(real), sections=["fidelity"], direct_identifiers=[], lazy=True)
    ev.watch(events.append)
    ev.context.progress("fidelity", 12, 435, "column pairs compared")  # as the section says it mid-way
    assert ev.progress_of("fidelity").done == 12
    assert 'computing… <span class="sn-section-progress">12 of 435 column pairs compared</span>' in dashboard_html(
        ev, computed_only=True, running="fidelity"
    )
    events.clear()
    ev["fidelity"]
    assert events and events[-1].done == events[-1].total and ev.progress_of("fidelity") is None
    copy = pickle.loads(pickle.dumps(ev))  # listeners (widgets, closures) stay in this process
    assert copy["fidelity"].score == ev["fidelity"].score
    assert copy.context.listeners == [copy._note_progress] and events.append in ev.context.listeners
