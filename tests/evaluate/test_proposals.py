"""Roles proposed when none is given: a target and sensitive columns, said in the findings, never the target twice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb.evaluation._context import PROPOSED_TARGET_MIN_SHARE, propose_sensitive, propose_target


@pytest.fixture(scope="module")
def small_run(adult_3k):
    return synthnb.fit(adult_3k.head(800), model="cart", seed=0, holdout=0.25)


def test_without_target_or_sensitive_adult_gets_income_race_and_sex(small_run):
    before = frame_hash(small_run.real)
    ev = synthnb.evaluate(small_run)
    ctx = ev.context
    assert ctx.target == "income" and ctx.sensitive == ("race", "sex")
    assert ev.section_names == ["fidelity", "diagnostic", "utility", "privacy", "fairness", "groups"]
    assert ev["utility"].ok and ev["fairness"].ok and "utility_score" in ev.scores
    said = [f for f in ev.findings if "proposed" in f]
    assert said[0].startswith("Target proposed: income (binary: ") and "pass target=" in said[0].lower()
    assert said[1].startswith("Sensitive columns proposed: race, sex (race: its name says race")
    assert ev.to_dict()["proposed"]["target"]["value"] == "income"
    assert "Target proposed: income" in ev.to_markdown()
    assert "Target proposed: income" in ev.to_html()  # the static dashboard shows evaluation-wide findings
    assert frame_hash(small_run.real) == before


def test_a_proposal_changes_no_privacy_figure(small_run):
    proposed = synthnb.evaluate(small_run, sections="privacy")
    plain = synthnb.evaluate(small_run, sections="privacy", propose=False)
    assert proposed.context.target == "income" and plain.context.target is None
    # the proposed target is not the attack's secret and proposed sensitive columns are not added knowledge
    assert proposed.context.secret is None and proposed.context.quasi_identifiers == plain.context.quasi_identifiers
    assert proposed["privacy"].scores == plain["privacy"].scores
    assert not [f for f in proposed.findings if "proposed" in f]  # privacy uses neither proposal: nothing to say


def test_the_same_figures_as_passing_the_proposed_columns(small_run):
    proposed = synthnb.evaluate(small_run, sections="utility,fairness")
    given = synthnb.evaluate(small_run, sections="utility,fairness", target="income", sensitive=["race", "sex"])
    assert proposed.scores == given.scores
    assert not [f for f in given.findings if "proposed" in f]


def test_propose_false_leaves_the_sections_out_and_says_nothing(small_run):
    ev = synthnb.evaluate(small_run, propose=False, lazy=True)
    assert ev.section_names == ["fidelity", "diagnostic", "privacy"]
    assert ev.context.proposed == {}


def test_a_table_with_nothing_to_propose_says_how_to_add_both():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"height": rng.normal(170, 9, 300).round(1), "city": rng.choice(list("ABCDE"), 300)})
    syn = real.sample(frac=1.0, random_state=1).reset_index(drop=True)
    ev = synthnb.evaluate(real, syn, lazy=True, direct_identifiers=[])
    assert ev.section_names == ["fidelity", "diagnostic", "privacy"]
    notes = [f for f in ev.findings if "none proposed" in f]
    assert notes[0].startswith("No target given and none proposed (no column has exactly two values")
    assert "utility and the fairness of a trained model are not computed. Pass target='COLUMN'" in notes[0]
    assert notes[1].startswith("No sensitive column given and none proposed (no column's name says sex")
    assert "--sensitive COL1,COL2" in notes[1]
    # the user who names the sections asked for what they got: no note on what is absent
    named = synthnb.evaluate(real, syn, sections="fidelity", direct_identifiers=[])
    assert not [f for f in named.findings if "proposed" in f]


def test_the_target_is_never_proposed_as_sensitive_and_a_demographic_is_never_the_target():
    rng = np.random.default_rng(1)
    n = 400
    real = pd.DataFrame(
        {
            "gender": rng.choice(["F", "M"], n),
            "ethnicity": rng.choice(["a", "b", "c"], n),
            "score": rng.normal(size=n).round(3),
            "smoker": rng.choice(["yes", "no"], n),
        }
    )
    syn = real.sample(frac=1.0, random_state=2).reset_index(drop=True)
    ev = synthnb.evaluate(real, syn, lazy=True, direct_identifiers=[])
    assert ev.context.target == "smoker" and ev.context.sensitive == ("gender", "ethnicity")
    # a given target that looks demographic stays out of the proposed sensitive columns
    ev = synthnb.evaluate(real, syn, target="gender", lazy=True, direct_identifiers=[])
    assert ev.context.target == "gender" and ev.context.sensitive == ("ethnicity",)
    # the only binary column is demographic: it is proposed as sensitive, never as the target
    only = real.drop(columns=["smoker"])
    ev = synthnb.evaluate(only, only.iloc[::-1].reset_index(drop=True), lazy=True, direct_identifiers=[])
    assert ev.context.target is None and ev.context.sensitive == ("gender", "ethnicity")
    assert any(f.startswith("No target given and none proposed") for f in ev.findings)


@pytest.mark.parametrize(
    ("name", "values", "proposed"),
    [
        ("Sex", ["F", "M"], True),
        ("patient_gender", ["f", "m", "x"], True),
        ("RACE", list("abcd"), True),
        ("ethnicGroup", list("abc"), True),
        ("AgeGroup", ["18-30", "31-50", "51+"], True),
        ("age_band", ["young", "old"], True),
        ("age", [20, 30, 40], False),  # a number, not a group
        ("trace", list("ab"), False),  # words, not fragments: no "race" inside "trace"
        ("sussex_site", list("ab"), False),
        ("marital_status", list("abc"), False),  # the Workbench's demographic but not a protected group here
        ("race", [f"r{i}" for i in range(11)], False),  # more than 10 groups
        ("sex", ["F"], False),  # a single group
    ],
)
def test_sensitive_proposal_reads_words_of_the_name(name, values, proposed):
    frame = pd.DataFrame({name: (values * 30)[:300]})
    found, why = propose_sensitive(frame)
    assert (found == (name,)) is proposed, why


def test_target_proposal_is_the_last_balanced_enough_binary_column():
    n = 1000
    rare = np.zeros(n, dtype=int)
    rare[: int(PROPOSED_TARGET_MIN_SHARE * n) - 1] = 1  # the smaller value just under 5 % of rows
    frame = pd.DataFrame({"a": [0, 1] * (n // 2), "b": list("xyz") * 333 + ["x"], "rare": rare})
    assert propose_target(frame)[0] == "a"
    assert propose_target(frame, exclude=["a"]) == (None, propose_target(frame.drop(columns="a"))[1])
    rare[0] = 1
    rare[-1] = 1
    assert propose_target(frame.assign(rare=rare))[0] == "rare"
