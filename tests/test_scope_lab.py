"""The scope lab: both releases judged on the task with the same rows and roles, the rule, the magic."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb.errors import SynthnbError
from synthnb.labs.scope import TASK, TOLERANCE, WHOLE

COLUMNS = ["age", "workclass", "education", "marital_status", "occupation", "race", "sex", "hours_per_week", "income"]
TASK_COLS = ["age", "education", "hours_per_week"]


@pytest.fixture(scope="module")
def adult():
    return synthnb.datasets.load_adult()[COLUMNS].sample(1000, random_state=5).reset_index(drop=True)


@pytest.fixture(scope="module")
def lab(adult):
    before = frame_hash(adult)
    out = synthnb.scope_lab(adult, task=TASK_COLS, target="income", sensitive="sex", seed=1)
    assert frame_hash(adult) == before  # the user's table is never changed
    return out


def test_both_releases_are_judged_on_the_task_with_the_same_rows_and_roles(lab, adult):
    assert lab.columns == ("age", "education", "sex", "hours_per_week", "income")
    assert list(lab.runs[TASK].synthetic.columns) == list(lab.columns)
    assert list(lab.runs[WHOLE].synthetic.columns) == COLUMNS
    a, b = (lab.evaluations[k].context for k in (TASK, WHOLE))
    pd.testing.assert_frame_equal(a.holdout, b.holdout)
    pd.testing.assert_frame_equal(a.train, b.train)
    assert len(a.holdout) == lab.n_holdout == 200 and len(a.train) == lab.n_train == 800
    assert (a.target, a.sensitive, a.secret) == (b.target, b.sensitive, b.secret) == ("income", ("sex",), "income")
    assert a.quasi_identifiers == b.quasi_identifiers == lab.quasi_identifiers == ("age", "sex")
    # the same held-out rows and the same real training rows: the real-trained model is the same model
    t = lab.table.set_index("figure")
    real_trained = [f for f in t.index if f.startswith("utility_") and f.endswith("_real_trained")]
    assert real_trained and all(t.loc[f, TASK] == t.loc[f, WHOLE] for f in real_trained)


def test_releases_equal_on_the_task_by_construction_are_said_to_be(adult, lab):
    # CART draws the fewest-valued categories first: sex, income, race come before every other column, so the
    # whole-table release draws the task's columns exactly as the task-only one does
    first = synthnb.scope_lab(adult, task=["race"], target="income", sensitive="sex", seed=1)
    columns = list(first.columns)
    pd.testing.assert_frame_equal(first.runs[TASK].synthetic[columns], first.runs[WHOLE].synthetic[columns])
    assert first.supported and "holds by construction" in first.verdict and "visit_sequence" in first.verdict
    # the lab in the fixture draws age and hours_per_week after the other categories: no such sentence
    assert "by construction" not in lab.verdict


def test_the_figures_are_the_dashboards_and_sdmetrics(lab):
    from sdmetrics.reports.single_table import QualityReport

    t = lab.table.set_index("figure")
    for release in (TASK, WHOLE):
        ev = lab.evaluations[release]
        for key, value in ev.scores.items():
            if key in t.index:
                assert t.loc[key, release] == pytest.approx(value, abs=0)
        ctx = ev.context
        report = QualityReport()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report.generate(ctx.real, lab.runs[release].synthetic[list(lab.columns)], ctx.metadata(), verbose=False)
        shapes = report.get_properties().set_index("Property").loc["Column Shapes", "Score"]
        assert t.loc["fidelity_column_shapes", release] == pytest.approx(float(shapes), abs=1e-9)


def test_the_verdict_follows_the_stated_rule(lab):
    ruled = lab.table[lab.table["in_rule"]]
    assert {"fidelity", "utility", "privacy", "fairness"} <= set(ruled.loc[ruled["figure"] == "headline", "section"])
    assert "privacy_exact_copy_share" in set(ruled["figure"]) and "groups_sex_Male_utility" in set(ruled["figure"])
    worse = (-ruled["difference"]).where(ruled["better"] == "higher", ruled["difference"])
    assert list(ruled["within"]) == [bool(w <= TOLERANCE + 1e-12) for w in worse]
    assert lab.supported == bool(ruled["within"].all())
    start = "This table supports one" if lab.supported else "This table does not support one"
    assert lab.verdict.startswith(start)
    assert f"no worse than the task-only release's by more than {TOLERANCE:.2f}" in lab.rule
    outside = lab.table[~lab.table["in_rule"]]
    assert outside["within"].isna().all()


def test_a_stricter_tolerance_only_removes_support(lab):
    from synthnb.labs.scope import _figures, _verdict

    real = lab.evaluations[TASK].context.real
    strict = _figures(lab.evaluations, real, lab.sensitive, 0.0)
    loose = _figures(lab.evaluations, real, lab.sensitive, 1.0)
    assert _verdict(loose, 1.0, 9, 5)[0] is True
    assert strict["within"].sum() <= lab.table["within"].sum() <= loose["within"].sum()


def test_renderings(lab):
    data = json.loads(json.dumps(lab.to_dict()))
    assert data["supported"] == lab.supported and data["target"] == "income" and len(data["figures"]) == len(lab.table)
    page = lab._repr_html_()
    assert "synthnb · scope lab" in page and "<table>" in page
    assert lab.verdict.replace("'", "&#39;") in page or lab.verdict in page
    md = lab.to_markdown()
    assert md.startswith("**synthnb · scope lab**") and "| section | figure | task only | whole table |" in md


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": ["age", "agee"], "target": "income"}, "task column 'agee' is not in the table"),
        ({"task": ["age"], "target": "income", "sensitive": "income"}, "both the target and a sensitive"),
        ({"task": COLUMNS, "target": "income"}, "the task's columns are the whole table"),
        ({"task": ["age"], "target": "income", "holdout": 0}, "holdout must be a share"),
        ({"task": [], "target": "income"}, "task is empty"),
    ],
)
def test_bad_input_is_named_before_any_fit(adult, kwargs, message):
    with pytest.raises(SynthnbError, match=message):
        synthnb.scope_lab(adult, **kwargs)


def test_the_magic_binds_the_lab_and_leaves_one_summary_cell(ip, adult, lab):
    from IPython.utils.capture import capture_output

    from synthnb.notebook import PAYLOAD_MIME

    ip.user_ns["df"] = adult
    line = "%synth scope df --task age,education,hours_per_week --target income --sensitive sex --seed 1 --as s1"
    with capture_output() as cap:
        result = ip.run_cell(line)
    assert result.success, result.error_in_exec
    pd.testing.assert_frame_equal(ip.user_ns["s1"].table, lab.table)  # same arguments, same figures
    payloads = [o.metadata[PAYLOAD_MIME] for o in cap.outputs if PAYLOAD_MIME in (o.metadata or {})]
    assert [p["key"] for p in payloads] == ["scope:s1"]
    assert lab.verdict in payloads[0]["source"]
    assert "--model cart --seed 1 --holdout 0.2 --as s1`" in payloads[0]["source"]
