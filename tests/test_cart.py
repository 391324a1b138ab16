"""The CART synthesizer (``model="cart"``): types, ranges, leaves, seeds, conditional draws, and a whole Run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb.errors import SynthnbError
from synthnb.fingerprint import frame_digest
from synthnb.generators.cart import CARTSynthesizer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mixed():
    """600 rows of every kind of column CART handles, with missing values, heaps and dependencies."""
    rng = np.random.default_rng(11)
    n = 600
    group = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    amount = np.where(rng.random(n) < 0.7, 0, rng.integers(1, 5000, n))  # a heap at 0
    score = rng.normal(50, 10, n) + (group == "a") * 20
    score[rng.random(n) < 0.1] = np.nan
    day = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    frame = pd.DataFrame(
        {
            "group": group,
            "flag": score > 60,
            "maybe": pd.array([None if i % 7 == 0 else bool(i % 2) for i in range(n)], dtype="boolean"),
            "level": pd.Categorical(rng.choice(["low", "mid", "high", None], n), categories=["low", "mid", "high"]),
            "amount": amount.astype("int64"),
            "count": pd.array([None if i % 11 == 0 else int(v) for i, v in enumerate(rng.integers(0, 9, n))], "Int64"),
            "score": score,
            "day": day.where(rng.random(n) > 0.05),
            "stamp": pd.Timestamp("2024-03-01", tz="Europe/Paris") + pd.to_timedelta(rng.integers(0, 10**6, n), "s"),
            "moment": (pd.Timestamp("2001-01-01") + pd.to_timedelta(rng.integers(0, 10**8, n), "s")).astype(
                "datetime64[s]"
            ),
        }
    )
    return frame


@pytest.fixture(scope="module")
def mixed_run(mixed):
    return synthnb.fit(mixed, model="cart", seed=4, rows=800)


@pytest.fixture(scope="module")
def adult_2k(adult):
    return adult.sample(2000, random_state=5).reset_index(drop=True)


@pytest.fixture(scope="module")
def adult_run(adult_2k):
    return synthnb.fit(adult_2k, model="cart", seed=2, sensitive="sex,race", target="income")


def test_types_ranges_and_categories_are_the_real_ones(mixed, mixed_run):
    syn, train = mixed_run.synthetic, mixed_run.train
    assert len(syn) == 800 and list(syn.columns) == list(mixed.columns)
    assert syn.dtypes.astype(str).to_dict() == mixed.dtypes.astype(str).to_dict()
    for col in ("amount", "count"):
        values = syn[col].dropna().astype(float)
        assert (values == values.round()).all()
        assert values.min() >= train[col].min() and values.max() <= train[col].max()
    assert syn["score"].min() >= train["score"].min() and syn["score"].max() <= train["score"].max()
    for col in ("day", "stamp", "moment"):
        assert syn[col].min() >= train[col].min() and syn[col].max() <= train[col].max()
    assert (syn["day"].dropna() == syn["day"].dropna().dt.normalize()).all()  # whole days stay whole days
    assert (syn["stamp"].dt.microsecond == 0).all()
    for col in ("group", "level", "maybe", "flag"):
        assert set(syn[col].dropna()) <= set(train[col].dropna())
    # missing values are drawn where the real column has them, and only there
    for col in ("score", "count", "day", "level", "maybe"):
        real_share, syn_share = train[col].isna().mean(), syn[col].isna().mean()
        assert syn_share > 0 and abs(syn_share - real_share) < 0.05, col
    for col in ("group", "flag", "amount", "stamp", "moment"):
        assert not syn[col].isna().any()
    # the heap at 0 is kept as a point mass, and the dependency of score on group survives
    assert abs((syn["amount"] == 0).mean() - (train["amount"] == 0).mean()) < 0.06
    real_gap = train.groupby("group")["score"].mean()
    syn_gap = syn.groupby("group")["score"].mean()
    assert abs((syn_gap["a"] - syn_gap["b"]) - (real_gap["a"] - real_gap["b"])) < 5


def test_the_users_frame_is_not_changed(mixed):
    before = frame_hash(mixed)
    synthnb.fit(mixed, model="cart", seed=1, rows=50)
    assert frame_hash(mixed) == before


@pytest.mark.parametrize("min_leaf", [3, 25])
def test_every_leaf_holds_at_least_min_leaf_training_rows(adult_2k, min_leaf):
    model = CARTSynthesizer(min_leaf=min_leaf).fit(adult_2k, seed=0)
    x = model._train
    trees = 0
    for j, col in enumerate(model._columns):
        y = x[:, j]
        for part in model._nodes[col.name]:
            if part is None or part.tree is None:
                continue
            rows = x if part is model._nodes[col.name][0] else x[~np.isnan(y)]
            counts = np.bincount(part.tree.apply(rows[:, :j]))
            leaves = np.flatnonzero(part.tree.tree_.children_left == -1)
            assert counts[leaves].min() >= min_leaf, col.name  # counted here, not taken from sklearn
            trees += 1
    assert trees >= 10
    assert min(min(v) for v in model.leaf_sizes().values()) >= min_leaf


def test_same_seed_same_bytes_in_another_process(adult_2k, mixed, mixed_run):
    script = (
        "import sys, pandas as pd, synthnb\n"
        "adult = synthnb.datasets.load_adult().sample(2000, random_state=5).reset_index(drop=True)\n"
        "mixed = pd.read_pickle(sys.argv[1])\n"
        "print(synthnb.fit(adult, model='cart', seed=9).synthetic_sha256)\n"
        "print(synthnb.fit(mixed, model='cart', seed=4, rows=800).synthetic_sha256)\n"
    )
    path = ROOT / "tests" / ".cart_mixed.pkl"
    mixed.to_pickle(path)
    try:
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        ).stdout.split()
    finally:
        path.unlink()
    here = synthnb.fit(adult_2k, model="cart", seed=9)
    assert out == [here.synthetic_sha256, mixed_run.synthetic_sha256]
    assert frame_digest(here.synthetic) == here.synthetic_sha256
    assert synthnb.fit(adult_2k, model="cart", seed=10).synthetic_sha256 != here.synthetic_sha256


def test_quality_on_2000_adult_rows_checked_with_sdmetrics(adult_2k, adult_run):
    from sdmetrics.reports.single_table import QualityReport
    from sdv.metadata import Metadata

    meta = Metadata.detect_from_dataframes({"t": adult_2k}).to_dict()["tables"]["t"]
    report = QualityReport()
    report.generate(adult_2k, adult_run.synthetic, meta, verbose=False)
    assert report.get_score() >= 0.95
    gc = synthnb.fit(adult_2k, seed=2)
    gc_report = QualityReport()
    gc_report.generate(adult_2k, gc.synthetic, meta, verbose=False)
    assert report.get_score() > gc_report.get_score() + 0.05


def test_the_metadata_dependent_evaluation_sections_run_on_a_cart_run(adult_run):
    """Fidelity, diagnostic and privacy type the columns with the run's metadata; a CART run has none from SDV.

    (Utility and fairness read only the tables, whatever made them; they are slow on 2,000 rows, so not here.)
    """
    from sdmetrics.reports.single_table import QualityReport
    from sdv.metadata import Metadata

    ev = synthnb.evaluate(adult_run, sections=["fidelity", "diagnostic", "privacy"])
    assert ev["diagnostic"].scores["diagnostic_score"] == pytest.approx(1.0)
    # a CART run has no SDV metadata: the evaluation types the columns with SDV's detection on the training rows
    meta = Metadata.detect_from_dataframes({"t": adult_run.train}, infer_keys=None).to_dict()["tables"]["t"]
    report = QualityReport()
    report.generate(adult_run.real, adult_run.synthetic, meta, verbose=False)
    assert ev["fidelity"].scores["fidelity_quality_score"] == pytest.approx(report.get_score(), abs=1e-9)
    scores = ev["privacy"].scores
    assert 0 <= scores["privacy_exact_copy_share"] <= scores["privacy_holdout_copy_share"] + 0.005


def test_conditional_draws_of_a_group_under_one_percent(adult):
    model = CARTSynthesizer().fit(adult, seed=0)
    group = adult[adult["race"] == "Other"]
    assert len(group) / len(adult) < 0.01
    rows = model.sample_conditions(3000, "race", "Other", seed=1)
    assert len(rows) == 3000 and (rows["race"] == "Other").all()
    assert rows.dtypes.equals(adult.dtypes)
    # every column follows the group's own distribution (its own trees), not the whole table's
    for col, value in (("sex", "Female"), ("income", ">50K")):
        assert abs((rows[col] == value).mean() - (group[col] == value).mean()) < 0.01, col
    assert abs(rows["age"].mean() - group["age"].mean()) < 1.5
    again = model.sample_conditions(3000, "race", "Other", seed=1)
    assert frame_digest(again) == frame_digest(rows)
    assert frame_digest(model.sample_conditions(3000, "race", "Other", seed=2)) != frame_digest(rows)
    with pytest.raises(SynthnbError, match="'Martian' is not a value of column 'race'"):
        model.sample_conditions(5, "race", "Martian")
    small = CARTSynthesizer(min_leaf=400).fit(adult, seed=0)
    with pytest.raises(SynthnbError, match="only 271 training row"):
        small.sample_conditions(5, "race", "Other")
    with pytest.raises(SynthnbError, match="column 'age' is numeric"):
        model.sample_conditions(5, "age", 30)
    with pytest.raises(SynthnbError, match="'colour' is not in the model"):
        model.sample_conditions(5, "colour", "red")


def test_parameters_are_checked_and_recorded(adult_2k):
    with pytest.raises(SynthnbError, match="min_leaf must be a whole number"):
        synthnb.fit(adult_2k, model="cart", min_leaf=0)
    with pytest.raises(SynthnbError, match="cart does not take"):
        synthnb.fit(adult_2k, model="cart", depth=3)
    with pytest.raises(SynthnbError, match="epochs applies to"):
        synthnb.fit(adult_2k, model="cart", epochs=3)
    with pytest.raises(SynthnbError, match="visit_sequence names"):
        synthnb.fit(adult_2k, model="cart", visit_sequence=["nope"])
    run = synthnb.fit(adult_2k, model="CART", rows=100, min_leaf=20, visit_sequence=["income"])
    assert run.spec.model == "cart" and run.spec.params == {"min_leaf": 20, "visit_sequence": ["income"]}
    assert run.synthesizer.get_parameters()["visit_sequence"][:3] == ["income", "sex", "race"]
    assert run.summary()["model"] == "CART (sequential trees)"


def test_provenance_cell_re_creates_the_same_bytes(adult_2k, adult_run):
    from synthnb.provenance.cell import provenance_cell_source

    cell = provenance_cell_source(adult_run, "a_syn", "adult")
    comment = " ".join(line[2:] for line in cell.splitlines() if line.startswith("# "))  # wrapped at the cell's width
    assert "CART (sequential trees) (synthnb's own, scikit-learn" in comment
    ns = {"adult": adult_2k}
    exec(cell, ns)
    assert frame_digest(ns["a_syn"]) == adult_run.synthetic_sha256
    assert ns["a_syn"] is not adult_run.synthetic


def test_export_with_the_model_and_load_it_back(adult_run, tmp_path):
    result = synthnb.export(adult_run, tmp_path / "out", name="a_syn", with_model=True)
    assert result.gate.passed
    statement = json.loads((tmp_path / "out" / "manifest.json").read_text())["statement"]
    assert statement["predicate"]["model"]["class"] == "synthnb.generators.cart.CARTSynthesizer"
    assert statement["predicate"]["model"]["format"].startswith("pickle")
    assert statement["predicate"]["generator"]["library"].startswith("synthnb's own, scikit-learn")
    sheet = (tmp_path / "out" / "datasheet.md").read_text()
    assert "sampled from synthnb's CART (sequential trees) synthesizer (`cart`; synthnb defaults)" in sheet
    assert "its CART synthesizer coded categories" in sheet and "SDV detected column types" not in sheet
    model = synthnb.load_model(tmp_path / "out", key=result.key_fingerprint)
    assert type(model) is CARTSynthesizer and model._train is None  # the real rows are not in the file
    assert frame_digest(model.sample(300, seed=3)) == frame_digest(adult_run.synthesizer.sample(300, seed=3))
    with pytest.raises(SynthnbError, match="loaded from a file"):
        model.sample_conditions(5, "sex", "Female")


def test_the_fit_magic_takes_cart(ip, adult_2k):
    ip.user_ns["df"] = adult_2k
    ip.run_line_magic("synth", "fit df --model cart --rows 200 --no-report")
    assert len(ip.user_ns["df_syn"]) == 200
    from synthnb.magics._fit import fit_command

    assert "cart" in fit_command.__doc__ or "copulagan or cart" in str(fit_command.parser.format_help())


def test_a_column_with_thousands_of_values_is_modelled_without_a_table_per_value():
    rng = np.random.default_rng(3)
    code = rng.integers(10000, 13000, 6000)
    frame = pd.DataFrame({"postcode": code.astype(str), "area": (code // 1000).astype(str), "x": code / 1000.0})
    model = CARTSynthesizer().fit(frame, seed=0)
    node = model._nodes["postcode"][0]
    assert type(node.tree).__name__ == "DecisionTreeRegressor"  # no per-value frequencies in every node
    syn = model.sample(6000, seed=0)
    assert set(syn["postcode"]) <= set(frame["postcode"])
    # the area (drawn first: fewest values) decides the postcode's leading digits, as in the real rows
    assert (syn["postcode"].astype(int) // 1000 == syn["area"].astype(int)).mean() > 0.99
