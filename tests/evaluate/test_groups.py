"""The "By group" section: every number against the same metric computed on each group's rows alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from eval_helpers import reference_models
from sdmetrics.single_column import KSComplement, TVComplement
from sklearn.metrics import accuracy_score

import synthnb
from synthnb.evaluation import groups as groups_mod
from synthnb.evaluation.figures import is_key
from synthnb.generators.monitor import column_shapes_score


@pytest.fixture(scope="module")
def by_group(ev_3k):
    sec = ev_3k["groups"]
    assert sec.ok, sec.error
    return sec


def _brute_dcr(query, reference, numeric, categorical):
    """Distance to the closest reference row, written out with NumPy: numbers |x − y| ÷ reference range (capped
    at 1), categories 0 or 1, averaged over the columns."""
    total = np.zeros((len(query), len(reference)))
    for c in numeric:
        r = reference[c].to_numpy(float)
        q = query[c].to_numpy(float)
        span = r.max() - r.min()
        d = np.abs(q[:, None] - r[None, :])
        total += np.minimum(d / span, 1.0) if span else (d != 0)
    for c in categorical:
        total += query[c].astype(str).to_numpy()[:, None] != reference[c].astype(str).to_numpy()[None, :]
    return total.min(axis=1) / (len(numeric) + len(categorical))


def test_every_group_number_equals_the_metric_on_the_groups_rows_alone(by_group, run_3k):
    real, syn, train, test = run_3k.real, run_3k.synthetic, run_3k.train, run_3k.holdout
    numeric = [c for c in real.columns if pd.api.types.is_numeric_dtype(real[c])]
    preds, _ = reference_models(train, syn, test, "income", run_3k.spec.seed)
    y = test["income"].astype(str).to_numpy()
    syn_dcr = _brute_dcr(syn, train, numeric, [c for c in real.columns if c not in numeric])
    hold_dcr = _brute_dcr(test, train, numeric, [c for c in real.columns if c not in numeric])
    for col in ("sex", "race"):
        table = by_group.tables[f"by_{col}"].set_index(col)
        others = [c for c in real.columns if c != col]
        checked = 0
        for g, row in table.drop(index="(all rows)").iterrows():
            r, s = real[real[col] == g], syn[syn[col] == g]
            assert (row["real rows"], row["synthetic rows"]) == (len(r), len(s))
            if len(r) >= 20 and len(s) >= 20:
                shapes = [(KSComplement if c in numeric else TVComplement).compute(r[c], s[c]) for c in others]
                assert row["fidelity"] == pytest.approx(np.mean(shapes), abs=1e-12)
                assert row["fidelity low"] <= row["fidelity high"]
                checked += 1
            else:
                assert np.isnan(row["fidelity"]) and not row["fidelity finding"]
            in_test = (test[col] == g).to_numpy()
            assert row["test rows"] == in_test.sum()
            if in_test.sum() >= 20:
                acc_syn = accuracy_score(y[in_test], preds["synthetic"][in_test])
                acc_real = accuracy_score(y[in_test], preds["real"][in_test])
                assert row["accuracy synthetic-trained"] == pytest.approx(acc_syn)
                assert row["accuracy real-trained"] == pytest.approx(acc_real)
                assert row["utility"] == pytest.approx(min(acc_syn / acc_real, 1.0))
            else:
                assert np.isnan(row["utility"])
            in_syn = (syn[col] == g).to_numpy()
            in_hold = in_test
            assert row["median DCR synthetic"] == pytest.approx(np.median(syn_dcr[in_syn]), abs=1e-12)
            assert row["median DCR held-out"] == pytest.approx(np.median(hold_dcr[in_hold]), abs=1e-12)
            if in_syn.sum() >= 20 and in_hold.sum() >= 20:
                expected = min(np.median(syn_dcr[in_syn]) / np.median(hold_dcr[in_hold]), 1.0)
                assert row["DCR protection"] == pytest.approx(expected, abs=1e-12)
            train_rows = set(map(tuple, train.astype(str).to_numpy()))
            copies = np.mean([tuple(x) in train_rows for x in s.astype(str).to_numpy()])
            assert row["exact copy share"] == pytest.approx(copies)
        assert checked >= 2
        overall = table.loc["(all rows)"]
        assert overall["fidelity"] == pytest.approx(
            np.mean([(KSComplement if c in numeric else TVComplement).compute(real[c], syn[c]) for c in others])
        )
        assert overall["utility"] == pytest.approx(
            min(accuracy_score(y, preds["synthetic"]) / accuracy_score(y, preds["real"]), 1.0)
        )


def _two_groups(seed: int, n_a: int, n_b: int):
    rng = np.random.default_rng(seed)
    n = n_a + n_b
    return pd.DataFrame(
        {
            "g": np.array(["A"] * n_a + ["B"] * n_b),
            "x": rng.normal(size=n),
            "c": rng.choice(["u", "v", "w"], size=n, p=[0.5, 0.3, 0.2]),
        }
    )


def _evaluate(real, synthetic, holdout):
    return synthnb.evaluate(
        real, synthetic, holdout=holdout, sensitive="g", sections=["groups"], direct_identifiers=[], seed=5
    )["groups"]


def test_a_badly_synthesised_group_is_a_finding():
    real, holdout = _two_groups(0, 600, 200), _two_groups(1, 600, 200)
    synthetic = _two_groups(2, 600, 200)
    bad = synthetic["g"] == "B"
    synthetic.loc[bad, "x"] = synthetic.loc[bad, "x"] + 2.0  # group B's numbers are shifted
    synthetic.loc[bad, "c"] = "w"  # and its categories collapsed
    sec = _evaluate(real, synthetic, holdout)
    table = sec.tables["by_g"].set_index("g")
    assert bool(table.loc["B", "fidelity finding"]) and not bool(table.loc["A", "fidelity finding"])
    assert table.loc["B", "fidelity"] < table.loc["B", "fidelity of all rows at this size"] - groups_mod.MARGIN
    assert any(f.startswith("g = B: column shapes") for f in sec.findings)
    assert sec.scores["groups_findings"] >= 1
    # the flagged aspect's chart joins the dashboard's first view; the others wait in the section's tab
    shown = [f["title"] for f in sec.figures if is_key(f)]
    assert shown and shown[0].startswith("Column shapes by g")
    assert all(is_key(f) == _flagged(table, f["title"]) for f in sec.figures)


def test_groups_within_noise_are_not_findings():
    real, holdout, synthetic = _two_groups(0, 600, 200), _two_groups(1, 600, 200), _two_groups(2, 600, 200)
    sec = _evaluate(real, synthetic, holdout)
    table = sec.tables["by_g"]
    assert not table.iloc[1:].filter(like="finding").to_numpy().astype(bool).any()  # row 0: the whole table
    assert sec.scores["groups_findings"] == 0
    assert not any(f.startswith("g = ") for f in sec.findings)
    assert not any(is_key(f) for f in sec.figures)  # nothing flagged: no chart in the dashboard's first view


def _flagged(table, title: str) -> bool:
    prefix = "fidelity" if title.startswith("Column shapes") else "privacy" if title.startswith("Median") else "utility"
    return bool(table[f"{prefix} finding"].eq(True).any())


def test_a_small_group_is_shown_but_not_judged():
    real, holdout, synthetic = _two_groups(0, 300, 12), _two_groups(1, 300, 12), _two_groups(2, 300, 12)
    synthetic.loc[synthetic["g"] == "B", "x"] += 5.0
    sec = _evaluate(real, synthetic, holdout)
    row = sec.tables["by_g"].set_index("g").loc["B"]
    assert row["real rows"] == 12 and np.isnan(row["fidelity"]) and not row["fidelity finding"]
    assert any("too few rows to judge" in f and "B (12 real, 12 synthetic rows)" in f for f in sec.findings)


def test_the_bootstrap_is_reproducible_with_its_seed():
    real, synthetic = _two_groups(0, 150, 50), _two_groups(2, 150, 50)
    types = {"x": "numerical", "c": "categorical"}
    coded = list(groups_mod.coded_columns(real, synthetic, types).values())
    one = groups_mod.shapes_interval(coded, groups_mod._rng(3, "fidelity", "g", "A"))
    two = groups_mod.shapes_interval(coded, groups_mod._rng(3, "fidelity", "g", "A"))
    other = groups_mod.shapes_interval(coded, groups_mod._rng(4, "fidelity", "g", "A"))
    assert len(one) == groups_mod.RESAMPLES and np.array_equal(one, two) and not np.array_equal(one, other)
    # a resample that draws every row once is the score itself: the vectorised metric is sdmetrics'
    every = np.arange(len(real))[None, :], np.arange(len(synthetic))[None, :]
    assert groups_mod._shapes_of_codes(coded, *every)[0] == pytest.approx(
        column_shapes_score(real, synthetic, {c: {"sdtype": t} for c, t in types.items()}), abs=1e-12
    )
    a = _evaluate(real, synthetic, None).tables["by_g"]
    b = _evaluate(real, synthetic, None).tables["by_g"]
    pd.testing.assert_frame_equal(a, b)


def test_the_section_needs_sensitive_columns(adult_3k):
    real, syn = adult_3k.head(200), adult_3k.tail(200).reset_index(drop=True)
    ev = synthnb.evaluate(real, syn, target="income", lazy=True, direct_identifiers=[], propose=False)
    assert "groups" not in ev.section_names


def test_above_max_rows_column_shapes_read_a_seeded_sample_and_say_so(monkeypatch):
    from synthnb.evaluation.privacy import _dcr_sample

    monkeypatch.setattr(groups_mod, "MAX_ROWS", 500)
    real, holdout, synthetic = _two_groups(0, 600, 200), _two_groups(1, 600, 200), _two_groups(2, 600, 200)
    sec = _evaluate(real, synthetic, holdout)
    again = _evaluate(real, synthetic, holdout)
    pd.testing.assert_frame_equal(sec.tables["by_g"], again.tables["by_g"])  # the same seed, the same sample
    assert any("seeded sample of 500 of the 800 real and 500 of the 800 synthetic rows" in f for f in sec.findings)
    sample_real, sample_syn = _dcr_sample(real, [5, 12, 0], 500), _dcr_sample(synthetic, [5, 12, 1], 500)
    table = sec.tables["by_g"].set_index("g")
    for g in ("A", "B"):
        r, s = sample_real[sample_real["g"] == g], sample_syn[sample_syn["g"] == g]
        expected = np.mean([KSComplement.compute(r["x"], s["x"]), TVComplement.compute(r["c"], s["c"])])
        assert table.loc[g, "fidelity"] == pytest.approx(expected, abs=1e-12)
        assert table.loc[g, "real rows"] == (real["g"] == g).sum()  # the counts are of every row
    copies = synthetic.merge(real.drop_duplicates(), how="left", indicator=True)["_merge"].eq("both")
    assert table.loc["(all rows)", "exact copy share"] == pytest.approx(copies.mean())
