"""The privacy section's rules: copies on the learned columns, one allowance per figure, no NaN in the scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import synthnb
from synthnb.evaluation._context import make_context
from synthnb.evaluation._reuse import REUSE_EXCESS
from synthnb.evaluation._risks import RISK_COLUMNS, RISK_LEVEL
from synthnb.evaluation.privacy import (
    _FAIR,
    _GOOD,
    _figure_scores,
    allowance_score,
    copy_allowance,
    privacy,
    risk_score,
)

Z95 = 1.6448536269514722


def coarse_table(with_id: bool, n: int = 2000) -> pd.DataFrame:
    """Issue 19's table: four correlated six-letter columns (few combinations), optionally a running id first."""
    rng = np.random.default_rng(0)
    base = rng.integers(0, 6, n)
    data = {}
    for c in ["c0", "c1", "c2", "c3"]:
        base = np.where(rng.random(n) < 0.7, base, rng.integers(0, 6, n))
        data[c] = np.array(list("ABCDEF"))[base]
    df = pd.DataFrame(data)
    if with_id:
        df.insert(0, "id", range(1, n + 1))
    return df


def copy_share(rows: pd.DataFrame, train: pd.DataFrame, columns) -> float:
    """Share of *rows* equal to some training row on *columns*, by plain tuples (independent of synthnb)."""
    seen = set(map(tuple, train[columns].astype(str).to_numpy()))
    return float(np.mean([tuple(r) in seen for r in rows[columns].astype(str).to_numpy()]))


@pytest.fixture(scope="module")
def coarse_runs():
    return {w: synthnb.fit(coarse_table(w), model="cart", seed=0) for w in (True, False)}


def test_a_faked_id_no_longer_hides_the_copies(coarse_runs, tmp_path):
    run = coarse_runs[True]
    assert [(r.column, r.action) for r in run.identifiers if r.role == "direct"] == [("id", "replace")]
    real_cols = ["c0", "c1", "c2", "c3"]
    syn = copy_share(run.synthetic, run.train, real_cols)
    hold = copy_share(run.holdout, run.train, real_cols)
    assert copy_share(run.synthetic, run.train, ["id", *real_cols]) == 0.0  # what was compared before: the hole
    assert syn > 0.9 and hold > 0.5  # coarse: the held-out rows copy training rows too, but fewer
    sec = synthnb.evaluate(run, sections=["privacy"])["privacy"]
    assert sec.scores["privacy_exact_copy_share"] == pytest.approx(syn, abs=1e-12)
    assert sec.scores["privacy_holdout_copy_share"] == pytest.approx(hold, abs=1e-12)
    n_s, n_h = len(run.synthetic), len(run.holdout)
    allowance = Z95 * math.sqrt(hold * (1 - hold) * (1 / n_s + 1 / n_h))
    assert sec.scores["privacy_exact_copy_allowance"] == pytest.approx(allowance, abs=1e-12)
    assert syn - hold > allowance  # beyond the noise of the natural share: a finding
    assert any("on the 4 learned columns (id left out" in f and f.startswith("EXACT COPIES") for f in sec.findings)
    assert sec.verdict == "poor" and "exact copies" in sec.decided_by
    assert sec.headline.startswith("POOR") and "exact copies" in sec.headline
    # the same figures as the table without the id column, which was refused all along
    plain = synthnb.evaluate(coarse_runs[False], sections=["privacy"])["privacy"]
    for key in ("privacy_exact_copy_share", "privacy_holdout_copy_share", "privacy_exact_copy_allowance"):
        assert sec.scores[key] == pytest.approx(plain.scores[key], abs=1e-12)
    with pytest.raises(synthnb.SynthnbError) as err:
        synthnb.export(run, tmp_path / "b")
    assert f"exact copies: {syn:.2%} of the synthetic rows equal a training row on the learned columns" in str(
        err.value
    )
    assert f"while {hold:.2%} of held-out real rows" in str(err.value)
    assert not (tmp_path / "b").exists()


def test_learned_columns_leave_out_only_the_faked_identifiers():
    real = coarse_table(True, 200)
    ctx = make_context(real, real, direct_identifiers=["id"])  # two tables: nobody can tell, so left out
    assert ctx.learned_columns == ["c0", "c1", "c2", "c3"]
    ctx = make_context(real, real, direct_identifiers=["id"], faked=[])  # a kept identifier is learned
    assert ctx.learned_columns == ["id", "c0", "c1", "c2", "c3"]


def test_a_kept_identifier_is_compared(tmp_path):
    # a copy of a real row with a kept (learned) id is a copy; without keep= the id is faked and left out
    real = coarse_table(True, 400)
    ctx = make_context(real, real.head(50), direct_identifiers=["id"], faked=[])
    assert privacy(ctx).scores["privacy_exact_copy_share"] == 1.0
    shifted = real.head(50).assign(id=real["id"].head(50) + 10_000)  # every id new, the rest real
    ctx = make_context(real, shifted, direct_identifiers=["id"], faked=[])
    assert privacy(ctx).scores["privacy_exact_copy_share"] == 0.0
    ctx = make_context(real, shifted, direct_identifiers=["id"])
    assert privacy(ctx).scores["privacy_exact_copy_share"] == 1.0


# --- one allowance: a finding is exactly a figure below the fair cut-off --------------------------------------


@pytest.mark.parametrize("allowance", [0.0, 0.01, 0.05])
def test_allowance_score_is_below_fair_exactly_beyond_the_allowance(allowance):
    span = 0.01
    for beyond in np.linspace(-0.05, 0.2, 501):
        score = allowance_score(float(beyond), allowance, span)
        assert 0.0 <= score <= 1.0
        assert (score < _FAIR) == (beyond > allowance)
    assert allowance_score(0.0, allowance, span) == 1.0
    assert allowance_score(allowance + span + 1e-9, allowance, span) == 0.0


def test_risk_score_follows_the_interval_as_the_gate_does():
    for low in np.linspace(0, 0.3, 61):
        for high in np.linspace(low, 0.4, 41):
            score = risk_score(float(low), float(high))
            if high <= RISK_LEVEL:
                assert _GOOD <= score <= 1.0
            elif low > RISK_LEVEL:
                assert 0.0 <= score < _FAIR
            else:
                assert score == _FAIR  # uncertain: not 0.00, not good either


def _reuse_row(column, train, control, noise):
    excess = train - control
    return {
        "column": column,
        "train_share": train,
        "control_share": control,
        "excess": excess,
        "noise": noise,
        "finding": bool(excess > REUSE_EXCESS + noise),
    }


def _risk_row(attack, risk, low, high):
    return dict(zip(RISK_COLUMNS, (attack, risk, low, high, 0.5, 0.4, 0.01, 200, "x"), strict=True))


def test_a_figure_within_its_noise_is_not_a_zero():
    # issue 16: "Score 0.00 ... verbatim reuse of visit_date" while its excess 0.053 lay inside its noise 0.115
    reuse = pd.DataFrame([_reuse_row("visit_date", 0.153, 0.100, 0.115), _reuse_row("name", 0.40, 0.0, 0.02)])
    risks = pd.DataFrame(
        [_risk_row("inference", 0.376, 0.103, 0.649), _risk_row("singling_out_univariate", 0.06, 0.01, 0.11)]
    )
    scores, flagged = _figure_scores(0.0, reuse, risks, 1.0, None)
    assert scores["verbatim reuse of visit_date"] == 1.0 and "verbatim reuse of visit_date" not in flagged
    assert scores["verbatim reuse of name"] == 0.0 and "verbatim reuse of name" in flagged
    assert scores["inference risk"] < _FAIR and "inference risk" in flagged
    assert scores["singling out univariate risk"] == _FAIR and "singling out univariate risk" not in flagged
    assert set(flagged) == {k for k, v in scores.items() if v < _FAIR}


def test_the_sections_figures_agree_with_its_findings(coarse_runs):
    sec = synthnb.evaluate(coarse_runs[True], sections=["privacy"])["privacy"]
    figs = sec.tables["figure_scores"]
    # every figure with an allowance (all but the two protections, which have no finding) is flagged exactly
    # when it scores below fair
    allowanced = figs[~figs["figure"].isin(["DCR protection", "attribute disclosure protection"])]
    assert list(allowanced["flagged"]) == list(allowanced["score"] < _FAIR)
    flagged = set(figs.loc[figs["flagged"], "figure"])
    risks = sec.tables["reidentification_risks"]
    at_risk = {f"{a.replace('_', ' ')} risk" for a in risks.loc[risks["ci_low"] > RISK_LEVEL, "attack"]}
    assert at_risk <= flagged and "exact copies" in flagged
    assert all(name in sec.decided_by for name in flagged)
    assert sec.score == pytest.approx(figs["score"].min(), abs=1e-12)


# --- no NaN in the scores: absent, with the reason -----------------------------------------------------------


def test_scores_never_hold_a_nan_and_say_why_a_figure_is_absent():
    rng = np.random.default_rng(3)
    n = 1000
    real = pd.DataFrame({"code": rng.integers(0, 1000, n).astype(str), "x": rng.normal(size=n).round(3)})
    # synthetic codes never among the real ones: the reuse excess is negative, clipped to 0
    synthetic = real.assign(code=rng.integers(5000, 6000, n).astype(str), x=rng.normal(size=n).round(3))
    ev = synthnb.evaluate(real.iloc[:600], synthetic, holdout=real.iloc[600:], sections=["privacy"])
    sec = ev["privacy"]
    table = sec.tables["verbatim_reuse"].set_index("column")
    assert table.loc["code", "excess"] < 0
    assert sec.scores["privacy_verbatim_reuse_max_excess"] == 0.0
    assert all(math.isfinite(v) for v in ev.scores.values())
    # without held-out rows the control is absent, and says why
    ev = synthnb.evaluate(real, synthetic, sections=["privacy"])
    assert "privacy_holdout_copy_share" not in ev.scores
    assert "no real rows were held out" in ev.absent["privacy_holdout_copy_share"]
    assert any(
        f.startswith("Not computed, so left out of the scores: privacy_holdout_copy_share")
        for f in ev["privacy"].findings
    )
    assert all(math.isfinite(v) for v in ev.scores.values())


def test_a_section_spec_moves_a_nan_to_absent_generically():
    from synthnb.evaluation.privacy import SPEC

    sec = SPEC.section(score=0.5, scores={"a": 1.0, "b": float("nan"), "c": None}, absent={"b": "no rows"})
    assert sec.scores == {"a": 1.0}
    assert sec.absent == {"b": "no rows", "c": "not a number on these rows"}
    assert sec.to_dict()["absent"] == sec.absent


def test_copy_allowance_is_zero_when_nothing_recurs_naturally():
    assert copy_allowance(0.0, 2000, 400) == 0.0
    assert copy_allowance(float("nan"), 2000, 0) == 0.0
    assert copy_allowance(0.5, 2000, 400) == pytest.approx(Z95 * math.sqrt(0.25 * (1 / 2000 + 1 / 400)))


def test_one_off_text_counts_only_long_values_one_training_row_alone_holds():
    from synthnb.evaluation._reuse import one_off_text

    narrative = "the patient fell from the ladder at the county hospital on a Sunday"  # one person's words
    common = "Houseless/nomadic - living in a car voluntarily"  # long, but two training rows hold it
    held = "left the clinic early against medical advice and came back"  # one training row and a held-out row
    train = pd.DataFrame({"notes": ["\\N"] * 6 + [narrative, common, common, held], "n": range(10)})
    control = pd.DataFrame({"notes": ["\\N", held], "n": [1, 2]})
    synthetic = pd.DataFrame({"notes": [narrative, f"  {narrative} ", common, held, "\\N"], "n": range(5)})
    table = one_off_text(train, control, synthetic)
    assert table.to_dict("records") == [{"column": "notes", "one_offs": 1, "synthetic_rows": 2, "finding": True}]
    assert narrative not in table.to_string()  # the values themselves never go into a table
    # without the narrative in the synthetic rows: listed, no finding
    quiet = one_off_text(train, control, synthetic.iloc[2:])
    assert quiet["synthetic_rows"].tolist() == [0] and not quiet["finding"].any()
    # numbers, short labels and categorical codes are not text of one person
    assert one_off_text(train[["n"]], control[["n"]], synthetic[["n"]]).empty


def test_a_one_off_real_text_blocks_the_export_and_the_advice_names_the_column(tmp_path):
    # a categorical column (most values recur, so neither free text nor near-unique) with one-off long answers:
    # CART draws its values from the training rows, one-offs included
    rng = np.random.default_rng(4)
    n = 600
    answers = rng.choice(["Employed", "Self-employed", "Student", "Retired"], n).astype(object)
    answers[::60] = [f"Employed part time at the {w} plant and caring for my mother at home" for w in range(10)]
    df = pd.DataFrame({"status": answers, "age": rng.integers(18, 80, n), "region": rng.choice(list("NSEW"), n)})
    run = synthnb.fit(df, model="cart", seed=0)
    sec = synthnb.evaluate(run)["privacy"]
    row = sec.tables["one_off_text"].set_index("column").loc["status"]
    assert row["finding"] and row["synthetic_rows"] >= 1
    assert sec.scores["privacy_one_off_text_rows"] == row["synthetic_rows"]
    assert sec.verdict == "poor" and "one-off text of status" in sec.decided_by
    assert any(f.startswith("ONE-OFF REAL TEXT in 'status'") for f in sec.findings)
    with pytest.raises(synthnb.SynthnbError) as err:
        synthnb.export(run, tmp_path / "out")
    message = str(err.value)
    assert "one-off text in column 'status'" in message and "identifiers=['status']" in message
    # declared an identifier, the column's values are never learned and the export passes this check
    again = synthnb.fit(df, model="cart", seed=0, identifiers=["status"])
    assert not synthnb.evaluate(again)["privacy"].tables["one_off_text"]["finding"].any()
