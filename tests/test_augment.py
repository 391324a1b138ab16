"""augment: synthetic rows of a group under 1 % of the table, marked, seeded; metrics on real held-out rows only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.preprocessing import OrdinalEncoder
from testing_helpers import frame_hash

import synthnb
from synthnb.errors import SynthnbError
from synthnb.fingerprint import frame_digest


@pytest.fixture(scope="module")
def rare(adult):
    """3,000 Adult rows of which 28 (0.93 %) have race = Other."""
    other = adult[adult["race"] == "Other"].sample(28, random_state=1)
    rest = adult[adult["race"] != "Other"].sample(2972, random_state=1)
    return pd.concat([rest, other]).sample(frac=1.0, random_state=2).reset_index(drop=True)


@pytest.fixture(scope="module")
def gc_result(rare):
    before = frame_hash(rare)
    result = synthnb.augment(rare, "race=Other", 30, seed=0, holdout=0.1, target="income", sensitive="sex")
    assert frame_hash(rare) == before  # the caller's table is untouched
    return result


def _check_rows(rare, result, n):
    data = result.data
    assert (rare["race"] == "Other").mean() < 0.01
    assert list(data.columns) == [*rare.columns, "is_synthetic"] and data["is_synthetic"].dtype == bool
    assert len(data) == len(rare) + n and int(data["is_synthetic"].sum()) == n
    assert not data["is_synthetic"].iloc[: len(rare)].any() and data["is_synthetic"].iloc[len(rare) :].all()
    pd.testing.assert_frame_equal(data.iloc[: len(rare)].drop(columns="is_synthetic"), rare)
    added = data[data["is_synthetic"]]
    assert (added["race"] == "Other").all()
    assert result.mix == {
        "real rows": len(rare),
        "synthetic rows": n,
        "group": "race=Other",
        "marker column": "is_synthetic",
    }


def test_gaussian_copula_adds_exactly_the_groups_rows(rare, gc_result):
    _check_rows(rare, gc_result, 30)
    again = synthnb.augment(rare, {"race": "Other"}, 30, seed=0, holdout=0.1, target="income", sensitive="sex")
    assert frame_digest(again.data) == frame_digest(gc_result.data)  # same seed, same bytes


def test_no_library_progress_bar_reaches_the_page(rare, capfd):
    # SDV's conditional sampler writes "Sampling conditions: 100%|██████████| 30/30" to stderr by itself
    import sdv.single_table.base as base

    saved = base.tqdm
    synthnb.augment(rare, "race=Other", 30, seed=0, holdout=0.1)
    out, err = capfd.readouterr()
    assert "Sampling" not in out + err and "%|" not in out + err, err
    assert base.tqdm is saved  # SDV's module is as it was afterwards


def test_ctgan_conditions_its_generator_on_the_group(rare):
    result = synthnb.augment(rare, "race=Other", 25, model="ctgan", epochs=1, seed=0, holdout=0.1)
    _check_rows(rare, result, 25)
    assert result.metrics is None  # no target, no downstream model


def test_too_small_groups_and_marker_clashes_are_refused(rare):
    small = rare[(rare["race"] != "Other") | (rare.index.isin(rare.index[rare["race"] == "Other"][:12]))]
    with pytest.raises(SynthnbError, match=r"race = 'Other' has 12 rows in the table; at least 20"):
        synthnb.augment(small, "race=Other", 10)
    with pytest.raises(SynthnbError, match="already has a column 'race'"):
        synthnb.augment(rare, "race=Other", 10, marker="race")
    with pytest.raises(SynthnbError, match="no row has race = 'Martian'"):
        synthnb.augment(rare, "race=Martian", 10)


def test_group_metrics_use_real_held_out_rows_only(rare, gc_result):
    result, marker = gc_result, gc_result.marker
    test = rare.iloc[result.test_rows]
    # the evaluation rows are real rows of the input: none of them is synthetic
    assert result.test_rows.max() < len(rare) and not result.data[marker].iloc[result.test_rows].any()
    train = rare.drop(index=result.test_rows)
    after = pd.concat([train, result.synthetic], ignore_index=True)
    features = [c for c in rare.columns if c != "income"]
    cats = [c for c in features if not pd.api.types.is_numeric_dtype(rare[c])]
    enc = OrdinalEncoder(encoded_missing_value=np.nan).fit(pd.concat([train, after, test])[cats].astype(object))

    def matrix(frame):
        x = frame[features].copy()
        x[cats] = enc.transform(frame[cats].astype(object))
        return x.to_numpy(float)

    mask = np.array([c in cats for c in features])
    preds = {
        when: HistGradientBoostingClassifier(categorical_features=mask, random_state=0)
        .fit(matrix(frame), frame["income"].astype(str))
        .predict(matrix(test))
        for when, frame in (("before", train), ("after", after))
    }
    y = test["income"].astype(str).to_numpy()
    table = result.metrics
    assert set(table["column"]) == {"race", "sex"}
    for row in table.itertuples(index=False):
        rows = np.ones(len(test), bool) if row.group == "(all rows)" else (test[row.column] == row.group).to_numpy()
        assert row._2 == rows.sum()  # test rows
        for when in ("before", "after"):
            yt, yp = y[rows], preds[when][rows]
            got = table[(table["column"] == row.column) & (table["group"] == row.group)].iloc[0]
            assert got[f"accuracy {when}"] == pytest.approx(accuracy_score(yt, yp))
            assert got[f"recall {when}"] == pytest.approx(recall_score(yt, yp, pos_label=">50K", zero_division=0))
            assert got[f"F1 {when}"] == pytest.approx(f1_score(yt, yp, pos_label=">50K", zero_division=0))


def test_an_augmented_export_reports_the_mix_and_gates_only_the_synthetic_rows(gc_result, tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("SYNTHNB_KEY_DIR", str(tmp_path / "key"))
    out = tmp_path / "out"
    synthnb.export(gc_result, out, name="aug", allow_risk="a test of the mix on 30 rows")
    predicate = json.loads((out / "manifest.json").read_text())["statement"]["predicate"]
    assert predicate["rows"] == {"total": 3030, "synthetic": 30, "real": 3000, "syntheticGroup": "race=Other"}
    assert predicate["exportGate"]["rows_checked"] == 30  # the real rows never go through the gate
    sheet = (out / "datasheet.md").read_text()
    assert "30 of its 3,030 rows were generated" in sheet and "rebalance the group race=Other" in sheet
    exported = pd.read_csv(out / "aug.csv")
    assert exported["is_synthetic"].sum() == 30 and (exported.loc[exported["is_synthetic"], "race"] == "Other").all()
    with pytest.raises(SynthnbError, match="drop data= and synthetic_mask="):
        synthnb.export(gc_result, tmp_path / "again", data=gc_result.data)


def test_privacy_of_an_augmented_table_looks_at_the_synthetic_rows_only(gc_result):
    ev = gc_result.evaluate()
    assert ev.section_names == ["privacy"] and len(ev.context.synthetic) == 30
    assert "is_synthetic" not in ev.context.synthetic.columns
    train = gc_result.run.train
    rows = set(map(tuple, train.astype(str).to_numpy()))
    copies = np.mean([tuple(x) in rows for x in gc_result.synthetic.astype(str).to_numpy()])
    assert ev["privacy"].scores["privacy_exact_copy_share"] == pytest.approx(copies)


def test_the_augment_magic_binds_the_marked_table(ip, rare):
    ip.user_ns["rare"] = rare
    assert ip.run_cell("%synth augment rare --group race=Other --rows 20 --seed 0 --as rare_aug").success
    data = ip.user_ns["rare_aug"]
    assert len(data) == len(rare) + 20 and int(data["is_synthetic"].sum()) == 20
    assert (data.loc[data["is_synthetic"], "race"] == "Other").all()
    with pytest.raises(SynthnbError, match="Usage: %synth augment DF --group COL=VALUE --rows N"):
        ip.run_line_magic("synth", "augment rare --rows 5")


def test_cart_draws_the_group_from_its_own_trees(rare):
    result = synthnb.augment(rare, "race=Other", 40, model="cart", seed=0, holdout=0.1, target="income")
    _check_rows(rare, result, 40)
    again = synthnb.augment(rare, "race=Other", 40, model="cart", seed=0, holdout=0.1, target="income")
    assert frame_digest(again.data) == frame_digest(result.data)


def test_the_augment_magics_binding_exports_the_mix_and_reports_the_added_rows(ip, rare, tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("SYNTHNB_KEY_DIR", str(tmp_path / "key"))
    ip.user_ns["rare"] = rare
    assert ip.run_cell("%synth augment rare --group race=Other --rows 20 --seed 0 --as rare_mix").success
    out = tmp_path / "mix"
    ip.run_line_magic("synth", f'export rare_mix --to {out} --allow-risk "a test of 20 rows"')
    predicate = json.loads((out / "manifest.json").read_text())["statement"]["predicate"]
    assert predicate["rows"] == {"total": 3020, "synthetic": 20, "real": 3000, "syntheticGroup": "race=Other"}
    assert predicate["exportGate"]["rows_checked"] == 20
    from synthnb.magics._report import report_evaluation
    from synthnb.session import session_for

    ev = report_evaluation(session_for(ip), "rare_mix", sections="privacy")
    assert len(ev.context.synthetic) == 20  # the report judges the added rows, never the real ones
    ip.user_ns["rare_mix"] = ip.user_ns["rare_mix"].head(100)  # edited after the augment: refused, not guessed
    with pytest.raises(SynthnbError, match="no longer holds the table %synth augment bound"):
        ip.run_line_magic("synth", f"export rare_mix --to {tmp_path / 'edited'}")
