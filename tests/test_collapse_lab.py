"""The model-collapse lab: every figure against sdmetrics or pandas computed here, the mixing mechanics, seeding."""

from __future__ import annotations

import statistics
import warnings

import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb.errors import SynthnbError

ROWS = 240
MIXES = (0.0, 0.3)
COLUMNS = ["age", "education", "race", "sex", "capital_gain", "hours_per_week", "income"]


@pytest.fixture(scope="module")
def adult():
    """400 Adult rows: a rare race group, a long-tailed capital_gain, categories seen a few times."""
    return synthnb.datasets.load_adult()[COLUMNS].head(400)


@pytest.fixture(scope="module")
def lab(adult):
    return synthnb.collapse_lab(adult, generations=2, real_fraction=MIXES, rows=ROWS, seed=3, sensitive="race")


def _value(lab, mix, gen, metric, column="(all)", group=None):
    t = lab.table
    rows = t[(t["mix"] == mix) & (t["generation"] == gen) & (t["metric"] == metric) & (t["column"] == column)]
    rows = rows[rows["group"].isna()] if group is None else rows[rows["group"] == group]
    assert len(rows) == 1, (mix, gen, metric, column, group)
    return float(rows["value"].iloc[0])


def _keys(lab):
    return [(mix, gen) for mix in lab.real_fraction for gen in range(lab.generations + 1)]


def test_fidelity_equals_sdmetrics_quality_report_against_the_original_rows(lab):
    from sdmetrics.reports.single_table import QualityReport
    from sdv.metadata import Metadata

    metadata = Metadata.detect_from_dataframes({"t": lab.real}).to_dict()["tables"]["t"]
    for mix, gen in _keys(lab):
        report = QualityReport()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report.generate(lab.real, lab.synthetic[(mix, gen)][list(lab.real.columns)], metadata, verbose=False)
        assert _value(lab, mix, gen, "quality") == pytest.approx(report.get_score(), abs=1e-12)
        shapes = report.get_details("Column Shapes")
        for col, score in zip(shapes["Column"], shapes["Score"], strict=True):
            assert _value(lab, mix, gen, "column_shape", col) == pytest.approx(score, abs=1e-12)


def test_coverage_and_variance_equal_sdmetrics_and_pandas(lab):
    from sdmetrics.single_column import CategoryCoverage, RangeCoverage

    categorical = ["education", "race", "sex", "income"]
    numerical = ["age", "capital_gain", "hours_per_week"]
    real = lab.real
    for mix, gen in _keys(lab):
        syn = lab.synthetic[(mix, gen)]
        for col in categorical:
            assert _value(lab, mix, gen, "category_coverage", col) == pytest.approx(
                CategoryCoverage.compute(real[col], syn[col]), abs=1e-12
            )
        kept = sum(len(set(real[c]) & set(syn[c])) for c in categorical)
        assert _value(lab, mix, gen, "category_coverage") == pytest.approx(
            kept / sum(real[c].nunique() for c in categorical), abs=1e-12
        )
        rare = [(c, v) for c in categorical for v, k in real[c].value_counts().items() if k < 0.01 * len(real)]
        assert rare  # the fixture has rare categories
        assert _value(lab, mix, gen, "category_coverage", "(rare)") == pytest.approx(
            sum(v in set(syn[c]) for c, v in rare) / len(rare), abs=1e-12
        )
        lost = [(c, v) for c in categorical for v in sorted(set(real[c]) - set(syn[c]))]
        assert sorted(lab.lost_categories(mix, gen)) == sorted(lost)
        ranges = [RangeCoverage.compute(real[c], syn[c]) for c in numerical]
        for col, expected in zip(numerical, ranges, strict=True):
            assert _value(lab, mix, gen, "range_coverage", col) == pytest.approx(expected, abs=1e-12)
        assert _value(lab, mix, gen, "range_coverage") == pytest.approx(sum(ranges) / len(ranges), abs=1e-12)
        ratios = [syn[c].var() / real[c].var() for c in numerical]
        for col, expected in zip(numerical, ratios, strict=True):
            assert _value(lab, mix, gen, "variance_ratio", col) == pytest.approx(expected, rel=1e-9)
        assert _value(lab, mix, gen, "variance_ratio") == pytest.approx(statistics.median(ratios), rel=1e-9)


def test_group_shares_count_the_synthetic_rows(lab):
    groups = sorted(lab.real["race"].unique())
    assert sorted(lab.reference["group"]) == groups
    for group in groups:
        real_share = float((lab.real["race"] == group).mean())
        assert lab.reference.set_index("group").loc[group, "value"] == pytest.approx(real_share, abs=1e-12)
        for mix, gen in _keys(lab):
            share = float((lab.synthetic[(mix, gen)]["race"] == group).mean())
            assert _value(lab, mix, gen, "group_share", "race", group) == pytest.approx(share, abs=1e-12)
    smallest = lab.smallest_groups(1)[0]
    assert smallest[2] == min((lab.real["race"] == g).mean() for g in groups)


def test_each_refit_takes_round_f_n_real_rows_and_the_rest_from_the_previous_generation(lab):
    sources = lab.sources.set_index(["mix", "generation"])
    for mix, gen in _keys(lab):
        real_pos, syn_pos = lab.real_positions[(mix, gen)], lab.synthetic_positions[(mix, gen)]
        assert len(lab.synthetic[(mix, gen)]) == ROWS
        if gen == 0:
            assert len(real_pos) == ROWS and len(syn_pos) == 0
            continue
        n_real = round(mix * ROWS)
        assert len(real_pos) == n_real == sources.loc[(mix, gen), "real_rows"]
        assert len(syn_pos) == ROWS - n_real == sources.loc[(mix, gen), "synthetic_rows"]
        assert len(set(real_pos)) == n_real and len(set(syn_pos)) == ROWS - n_real  # without replacement
        assert all(0 <= p < ROWS for p in [*real_pos, *syn_pos])
    assert not (lab.real_positions[(0.3, 1)] == lab.real_positions[(0.3, 2)]).all()  # fresh real rows each time


def test_a_generation_is_the_fit_of_its_stated_training_table(lab):
    """Refitting generation 2 of the 30 % mix from the real rows and generation 1's rows gives the same bytes."""
    import pandas as pd

    mix, gen = 0.3, 2
    train = pd.concat(
        [
            lab.real.iloc[lab.real_positions[(mix, gen)]],
            lab.synthetic[(mix, gen - 1)].iloc[lab.synthetic_positions[(mix, gen)]],
        ],
        ignore_index=True,
    )
    run = synthnb.fit(train, rows=ROWS, seed=lab.fit_seeds[(mix, gen)], holdout=0)
    pd.testing.assert_frame_equal(run.synthetic, lab.synthetic[(mix, gen)])


def test_generation_zero_is_fitted_on_a_seeded_subsample_of_the_real_rows(adult, lab):
    assert len(lab.real) == ROWS and lab.source_rows == len(adult)
    keys = set(map(tuple, adult.astype(str).to_numpy()))
    assert all(tuple(row) in keys for row in lab.real.astype(str).to_numpy())
    assert lab.synthetic[(0.0, 0)] is lab.synthetic[(0.3, 0)]
    assert f"subsample of {ROWS:,} of the table's {len(adult):,} rows" in lab.note()
    assert "holdout=0" in lab.note()


def test_same_arguments_same_table_and_the_frame_is_not_mutated(adult, lab):
    import pandas as pd

    before = frame_hash(adult)
    again = synthnb.collapse_lab(adult, generations=2, real_fraction=MIXES, rows=ROWS, seed=3, sensitive="race")
    assert frame_hash(adult) == before
    pd.testing.assert_frame_equal(again.table, lab.table)
    for key in _keys(lab):
        pd.testing.assert_frame_equal(again.synthetic[key], lab.synthetic[key])
    other = synthnb.collapse_lab(adult, generations=1, real_fraction=0.0, rows=ROWS, seed=4)
    assert not other.synthetic[(0.0, 1)].equals(lab.synthetic[(0.0, 1)])


def test_the_plot_and_the_summary_show_the_table(lab):
    spec = lab.figure_spec()
    panels = {p["title"]: p for p in spec["panels"]}
    fidelity = panels["Fidelity to the real table"]["series"]
    for mix in MIXES:
        assert fidelity[str(mix)] == [round(_value(lab, mix, g, "quality"), 6) for g in range(3)]
    column, group, share = lab.smallest_groups(1)[0]
    small = panels[f"{column} = {group}"]
    assert small["reference"] == share
    assert small["series"]["0.3"][2] == round(_value(lab, 0.3, 2, "group_share", column, group), 6)
    assert lab.png().startswith(b"\x89PNG")
    summary = lab.summary().set_index("figure")
    assert summary.loc["fidelity (sdmetrics quality)", "generation 0"] == _value(lab, 0.0, 0, "quality")
    assert summary.loc["categories present", "gen 2 · 30% real"] == _value(lab, 0.3, 2, "category_coverage")
    page = lab._repr_html_()
    assert "data:image/png;base64," in page and "holdout=0" in page
    assert f"{100 * _value(lab, 0.3, 2, 'category_coverage'):.1f} %" in lab.to_markdown()


@pytest.mark.parametrize(
    ("kwargs", "fix"),
    [
        ({"generations": 0}, "generations must be a whole number from 1"),
        ({"real_fraction": (0.0, 1.5)}, r"real_fraction holds 1\.5"),
        ({"real_fraction": ()}, "give at least one mix"),
        ({"real_fraction": (0.1, 0.1)}, "repeats a mix"),
        ({"rows": 10_000}, "pass rows=400 or fewer"),
        ({"rows": 3}, "at least 10"),
        ({"seed": -1}, "non-negative integer"),
        ({"sensitive": "ethnicity"}, "sensitive column 'ethnicity' is not in the table"),
        ({"model": "gpt"}, "unknown model 'gpt'"),
    ],
)
def test_bad_arguments_name_the_fix(adult, kwargs, fix):
    with pytest.raises(SynthnbError, match=fix):
        synthnb.collapse_lab(adult, **kwargs)


def test_the_magic_binds_the_lab_and_leaves_one_summary_cell(ip, adult):
    import pandas as pd
    from IPython.utils.capture import capture_output

    from synthnb.notebook import PAYLOAD_MIME

    ip.user_ns["df"] = adult
    line = "%synth collapse df --generations 1 --mix 0,0.5 --sensitive race --rows 60 --seed 2 --as lab1"
    with capture_output() as cap:
        result = ip.run_cell(line)
    assert result.success, result.error_in_exec
    lab = ip.user_ns["lab1"]
    direct = synthnb.collapse_lab(adult, generations=1, real_fraction=(0.0, 0.5), rows=60, seed=2, sensitive="race")
    pd.testing.assert_frame_equal(lab.table, direct.table)
    payloads = [o.metadata[PAYLOAD_MIME] for o in cap.outputs if PAYLOAD_MIME in (o.metadata or {})]
    assert [p["key"] for p in payloads] == ["collapse:lab1"]  # one summary cell, not one per generation
    assert payloads[0]["cell_type"] == "markdown" and payloads[0]["position"] == "below_anchor"
    assert f"`{line}`" in payloads[0]["source"]  # the equivalent line re-creates it
    texts = [o.data.get("text/plain", "") for o in cap.outputs]
    assert any(t.endswith("all 3 fits done") for t in texts)
    assert sum("data:image/png;base64," in o.data.get("text/html", "") for o in cap.outputs) == 1


def test_the_python_function_leaves_the_notebook_alone(ip, adult):
    from IPython.utils.capture import capture_output

    ip.user_ns["df"] = adult
    with capture_output() as cap:
        result = ip.run_cell(
            "import synthnb\nlab = synthnb.collapse_lab(df, generations=1, real_fraction=0.5, rows=60)"
        )
    assert result.success, result.error_in_exec
    assert cap.outputs == [] and cap.stdout == ""
    assert ip.payload_manager.read_payload() == []


def test_the_magic_names_a_bad_mix(ip, adult):
    ip.user_ns["df"] = adult
    with pytest.raises(SynthnbError, match="--mix 'half' is not a list of numbers"):
        ip.run_line_magic("synth", "collapse df --mix half")
