"""Verbatim reuse, re-identification risks (against recorded anonymeter outputs) and the privacy card."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthnb.evaluation._context import make_context
from synthnb.evaluation._risks import risk_from_counts, singling_out
from synthnb.evaluation.privacy import (
    near_unique_columns,
    privacy,
    reidentification_risks,
    verbatim_reuse,
    wilson_interval,
)
from synthnb.evaluation.render import card

ORACLE = Path(__file__).resolve().parents[1] / "oracles" / "anonymeter"
Z = 1.959963984540054


def _wilson_centre(k, n):
    return (k + Z * Z / 2) / (n + Z * Z)


# ------------------------------------------------------------------------------------------------ Wilson


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (57, 6512), (4289, 6512)])
def test_wilson_equals_statsmodels(k, n):
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    got = wilson_interval(k, n)
    assert got.low == pytest.approx(low, abs=1e-12) and got.high == pytest.approx(high, abs=1e-12)


# ------------------------------------------------------------------------------------------------ anonymeter


def _oracle_context(name):
    spec = json.loads((ORACLE / f"{name}.json").read_text())
    ori, syn, control = (pd.read_csv(ORACLE / f"{name}_{p}.csv") for p in ("ori", "syn", "control"))
    ctx = make_context(
        pd.concat([ori, control], ignore_index=True),
        syn,
        train=ori,
        holdout=control,
        quasi_identifiers=spec["inference"]["aux_cols"],
        secret=spec["inference"]["secret"],
    )
    return spec, ctx


@pytest.mark.parametrize("name", ["mixed", "categorical", "numerical"])
def test_linkability_and_inference_equal_anonymeter(name):
    spec, ctx = _oracle_context(name)
    table = reidentification_risks(ctx).set_index("attack")
    setup = table.attrs["setup"]
    assert [list(s) for s in setup.split] == spec["linkability"]["aux_cols"]
    assert list(setup.known) == spec["inference"]["aux_cols"] and setup.secret == spec["inference"]["secret"]
    for attack in ("linkability", "inference"):
        want, got = spec[attack], table.loc[attack]
        assert got["n_attacks"] == want["n_attacks"]
        for col in ("attack_rate", "control_rate", "risk", "ci_low", "ci_high"):
            assert got[col] == pytest.approx(want[col], abs=1e-12), (attack, col)
        # anonymeter's baseline is one random draw; synthnb's is its expected value: the draw lies within
        # 4 standard deviations of it
        p, n = got["baseline_rate"], want["n_baseline_attacks"]
        assert abs(want["n_baseline"] - n * p) <= 4 * np.sqrt(n * p * (1 - p)) + 1, attack


def test_risk_formula_by_hand():
    a, c = _wilson_centre(30, 200), _wilson_centre(10, 200)
    got = risk_from_counts(200, 30, 200, 10)
    assert got["attack_rate"] == pytest.approx(a, abs=1e-15) and got["control_rate"] == pytest.approx(c, abs=1e-15)
    assert got["risk"] == pytest.approx((a - c) / (1 - c), abs=1e-15)


# ------------------------------------------------------------------------------------------------ singling out


def _codes(prefix, n):
    return [f"{prefix}{i:03d}" for i in range(n)]


def test_univariate_singling_out_finds_the_five_copied_rows():
    train = pd.DataFrame({"code": _codes("t", 100)})
    holdout = pd.DataFrame({"code": _codes("h", 100)})
    synthetic = pd.DataFrame({"code": _codes("t", 5) + _codes("s", 95)})
    got = singling_out(train, holdout, synthetic, {"code": "categorical"}, mode="univariate", n_queries=1000, seed=0)
    # every synthetic code occurs once, so all 100 are predicates; 5 single out a training row, none a held-out one
    assert (got["n"], got["successes"], got["control_successes"]) == (100, 5, 0)
    risk = risk_from_counts(100, 5, 100, 0)
    a, c = _wilson_centre(5, 100), _wilson_centre(0, 100)
    assert risk["risk"] == pytest.approx((a - c) / (1 - c), abs=1e-15)


def test_multivariate_singling_out_finds_the_five_copied_rows():
    i = np.arange(100)
    train = pd.DataFrame({"a": [f"a{v}" for v in i % 10], "b": [f"b{v}" for v in i // 10], "c": ["x"] * 100})
    holdout = pd.DataFrame({"a": [f"h{v}" for v in i % 10], "b": [f"b{v}" for v in i // 10], "c": ["x"] * 100})
    fresh = pd.DataFrame({"a": [f"z{v}" for v in i[:95]], "b": ["b0"] * 95, "c": ["x"] * 95})
    synthetic = pd.concat([train.iloc[[3, 17, 42, 68, 99]], fresh], ignore_index=True)
    got = singling_out(
        train, holdout, synthetic, dict.fromkeys("abc", "categorical"), mode="multivariate", n_queries=100, seed=0
    )
    # each predicate is a whole synthetic row (3 columns): the 5 copies single out their training row
    assert (got["n"], got["successes"], got["control_successes"]) == (100, 5, 0)


def test_singling_out_with_numbers_uses_min_and_max():
    train = pd.DataFrame({"x": [1.0, 2.0, 2.0, 3.0, 10.0]})
    synthetic = pd.DataFrame({"x": [1.0, 5.0, 5.0, 9.0]})
    got = singling_out(train, None, synthetic, {"x": "numerical"}, mode="univariate", n_queries=100, seed=0)
    # synthetic rows are de-duplicated first (1, 5, 9): predicates x <= 1, x >= 9, x == 1, x == 5, x == 9;
    # in the de-duplicated training rows (1, 2, 3, 10) x <= 1, x >= 9 (10) and x == 1 match exactly one row
    assert (got["n"], got["successes"]) == (5, 3)


# ------------------------------------------------------------------------------------------------ verbatim reuse


def test_verbatim_reuse_by_hand():
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"name": _codes("p", 200), "id": np.arange(200), "x": rng.integers(0, 3, 200)})
    control = pd.DataFrame(
        {"name": _codes("p", 10) + _codes("q", 40), "id": np.arange(1000, 1050), "x": rng.integers(0, 3, 50)}
    )
    leaking = pd.DataFrame(
        {
            "name": _codes("p", 60) + _codes("f", 40),  # 60 % real training names
            "id": np.arange(100).astype(float),  # 1.0 equals 1: all 100 are training ids
            "x": rng.integers(0, 3, 100),
        }
    )
    clean = leaking.assign(name=_codes("f", 100), id=np.arange(5000, 5100))
    real = pd.concat([train, control], ignore_index=True)
    cols = near_unique_columns(real)
    assert cols == ["name", "id"]
    got = verbatim_reuse(train, control, leaking, cols).set_index("column")
    assert got.loc["name", "train_share"] == 0.6 and got.loc["name", "control_share"] == 10 / 50
    assert got.loc["name", "excess"] == pytest.approx(0.4) and got.loc["name", "finding"]
    assert got.loc["id", "train_share"] == 1.0 and got.loc["id", "control_share"] == 0.0 and got.loc["id", "finding"]
    ok = verbatim_reuse(train, control, clean, cols)
    assert not ok["finding"].any() and (ok["train_share"] == 0).all()
    # no control: compared with 0
    none = verbatim_reuse(train, None, leaking, ["name"])
    assert np.isnan(none.loc[0, "control_share"]) and none.loc[0, "excess"] == 0.6


@pytest.fixture(scope="module")
def leaking_name(run_3k):
    """run_3k's tables with a person's name: unique per real row; the synthetic rows copy training names."""
    rng = np.random.default_rng(1)
    train = run_3k.train.assign(name=[f"Person {i}" for i in range(len(run_3k.train))])
    holdout = run_3k.holdout.assign(name=[f"Person {i + 10**6}" for i in range(len(run_3k.holdout))])
    copied = train["name"].to_numpy()[rng.integers(0, len(train), len(run_3k.synthetic))]
    fake = [f"Fake {i}" for i in range(len(run_3k.synthetic))]
    real = pd.concat([train, holdout], ignore_index=True)
    return real, train, holdout, run_3k.synthetic.assign(name=copied), run_3k.synthetic.assign(name=fake)


def test_card_is_not_good_while_a_name_leaks(leaking_name):
    real, train, holdout, leaky, clean = leaking_name
    kw = {
        "train": train,
        "holdout": holdout,
        "sensitive": "sex,race",
        "target": "income",
        "seed": 3,
        "direct_identifiers": ["name"],
    }
    bad = privacy(make_context(real, leaky, **kw))
    good = privacy(make_context(real, clean, **kw))
    row = bad.tables["verbatim_reuse"].set_index("column").loc["name"]
    assert row["train_share"] == 1.0 and row["control_share"] == 0.0 and row["finding"]
    assert bad.verdict == "poor" and "name" in bad.decided_by and card("Privacy", bad)["level"] == "poor"
    assert bad.scores["privacy_verbatim_reuse_max_excess"] == 1.0
    assert any("VERBATIM REUSE of 'name'" in f for f in bad.findings)
    assert not good.tables["verbatim_reuse"]["finding"].any() and good.verdict is None
    print(
        "\nleaking name:",
        card("Privacy", bad)["level"],
        bad.headline,
        "\nfake names:",
        card("Privacy", good)["level"],
        good.headline,
    )


def test_contract_tables(ev_3k, run_3k):
    sec = ev_3k["privacy"]
    risks = sec.tables["reidentification_risks"]
    assert list(risks.columns) == [
        "attack",
        "risk",
        "ci_low",
        "ci_high",
        "attack_rate",
        "control_rate",
        "baseline_rate",
        "n_attacks",
        "verdict",
    ]
    assert list(risks["attack"]) == ["singling_out_univariate", "singling_out_multivariate", "linkability", "inference"]
    for row in risks.itertuples():
        assert sec.scores[f"privacy_{row.attack}_risk"] == row.risk
        assert sec.scores[f"privacy_{row.attack}_risk_ci_high"] == row.ci_high
        assert row.ci_low <= row.risk <= row.ci_high
    reuse_columns = ["column", "train_share", "control_share", "excess", "noise", "finding"]
    assert list(sec.tables["verbatim_reuse"].columns) == reuse_columns
    # exact copies against training rows, and the control: held-out rows equal to a training row
    key = list(run_3k.train.columns)
    train_rows = set(map(tuple, run_3k.train[key].astype(str).to_numpy()))
    syn = np.mean([tuple(r) in train_rows for r in run_3k.synthetic[key].astype(str).to_numpy()])
    hold = np.mean([tuple(r) in train_rows for r in run_3k.holdout[key].astype(str).to_numpy()])
    assert sec.scores["privacy_exact_copy_share"] == pytest.approx(syn, abs=1e-12)
    assert sec.scores["privacy_holdout_copy_share"] == pytest.approx(hold, abs=1e-12)


def test_without_holdout_the_control_is_missing(run_3k):
    ctx = make_context(run_3k.train, run_3k.synthetic.head(1000), sensitive="sex,race", target="income")
    table = reidentification_risks(ctx, n_attacks=300)
    assert table["control_rate"].isna().all()
    sec = privacy(ctx)
    assert "privacy_holdout_copy_share" not in sec.scores  # absent, not NaN, and it says why
    assert sec.absent["privacy_holdout_copy_share"].startswith("no real rows were held out")
    assert any("no control" in f for f in sec.findings)


def test_known_columns_fall_back_to_a_stated_rule():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "col_1": rng.integers(0, 50, 300),
            "col_2": rng.integers(0, 2, 300),
            "col_3": rng.integers(0, 3, 300),
            "col_4": rng.integers(0, 4, 300),
            "col_5": rng.integers(0, 5, 300),
        }
    ).astype(str)
    ctx = make_context(frame.iloc[:200], frame.iloc[200:].reset_index(drop=True), train=frame.iloc[:200], holdout=None)
    setup = reidentification_risks(ctx, n_attacks=100).attrs["setup"]
    assert setup.secret == "col_5" and setup.known == ("col_2", "col_3", "col_4")
    assert "fewest distinct values" in setup.known_rule


def test_risks_on_adult_timing(adult):
    """The three risks on all of Adult (seed-0 Gaussian copula, 20 % held out); printed, not asserted."""
    import synthnb

    run = synthnb.fit(adult, seed=0, target="income", sensitive=["sex", "race"])
    ctx = make_context(
        run.real, run.synthetic, train=run.train, holdout=run.holdout, sensitive="sex,race", target="income", seed=0
    )
    t, c = time.perf_counter(), time.process_time()
    table = reidentification_risks(ctx)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print(
        f"\nAdult: {len(run.train)} train / {len(run.holdout)} holdout / {len(run.synthetic)} synthetic; "
        f"three risks in {wall:.1f} s wall, {cpu:.1f} s CPU"
    )
    print(table.to_string())
    assert len(table) == 4


def test_reuse_within_sampling_noise_of_the_margin_is_not_a_finding():
    """4 of 300 synthetic values recur (1.3 points over a 0 % control): chance on a small table, not reuse."""
    import math

    from synthnb.evaluation._reuse import sampling_noise

    train = pd.DataFrame({"w": np.arange(1000, 1300, dtype=float)})
    control = pd.DataFrame({"w": np.arange(5000, 5130, dtype=float)})
    synthetic = pd.DataFrame({"w": np.r_[np.arange(1000, 1004), np.arange(9000, 9296)].astype(float)})
    row = verbatim_reuse(train, control, synthetic, ["w"]).iloc[0]
    p = 4 / 300
    assert row["excess"] == pytest.approx(p)
    assert row["noise"] == pytest.approx(1.6448536269514722 * math.sqrt(p * (1 - p) / 300))
    assert row["excess"] > 0.01 and not row["finding"]
    # the same share on 30,000 rows is no longer noise
    assert sampling_noise(p, 30_000, 0.0, 13_000) < p - 0.01
