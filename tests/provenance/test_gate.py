"""The export gate: a leaking table is refused, an override is recorded everywhere, a clean one passes."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

import synthnb
from synthnb import SynthnbError
from synthnb.evaluation import Section
from synthnb.evaluation._risks import RISK_COLUMNS
from synthnb.fingerprint import frame_digest
from synthnb.provenance.gate import GateSettings, judge

OVERRIDE = "shared only with the data owner, who holds the real table"

# --- the judgement on hand-built privacy figures (the contract of the privacy section) ----------------


def section(reuse=(), exact=0.0, control=0.0, risks=()):
    reuse_cols = ["column", "train_share", "control_share", "excess", "finding"]
    risk_cols = list(RISK_COLUMNS)
    return Section(
        name="privacy",
        title="Privacy",
        scores={"privacy_exact_copy_share": exact, "privacy_holdout_copy_share": control},
        tables={
            "verbatim_reuse": pd.DataFrame([(c, t, k, t - k, t - k > 0.01) for c, t, k in reuse], columns=reuse_cols),
            "reidentification_risks": pd.DataFrame(list(risks), columns=risk_cols),
        },
    )


def reasons(findings):
    return [f.reason for f in findings]


def test_a_clean_section_passes_and_its_figures_are_kept():
    figures, findings = judge(section(reuse=[("id", 0.004, 0.0)], exact=0.001, control=0.002), GateSettings())
    assert findings == []
    assert figures["exact_copy_share"] == 0.001 and figures["holdout_copy_share"] == 0.002
    assert figures["verbatim_reuse_max_excess"] == pytest.approx(0.004)


def test_verbatim_reuse_is_judged_against_its_control_with_a_configurable_margin():
    sec = section(reuse=[("name", 0.25, 0.20), ("case", 0.015, 0.0)])
    _, findings = judge(sec, GateSettings())
    assert reasons(findings) == ["verbatim_reuse", "verbatim_reuse"]
    assert "column 'name': 25.0% of its synthetic values" in findings[0].message
    assert "20.0% for held-out real rows (the control)" in findings[0].message
    _, findings = judge(sec, GateSettings(reuse_margin=0.02))  # case: 1.5 points over, now within the margin
    assert [f.message.split(":")[0] for f in findings] == ["verbatim reuse in column 'name'"]
    # the privacy section's own 'finding' column does not decide: the gate measures with its own margin
    _, findings = judge(sec, GateSettings(reuse_margin=0.1))
    assert findings == []


def test_exact_copies_above_the_natural_duplicates_of_real_rows():
    assert judge(section(exact=0.003, control=0.003), GateSettings())[1] == []
    _, findings = judge(section(exact=0.004, control=0.003), GateSettings())
    assert reasons(findings) == ["exact_copies"]
    assert "0.40% of the synthetic rows equal a training row on the learned columns, while 0.30% of held-out" in (
        findings[0].message
    )
    _, findings = judge(section(exact=0.001, control=float("nan")), GateSettings())
    assert reasons(findings) == ["exact_copies"] and "no held-out rows" in findings[0].message


def test_a_risk_counts_only_when_its_whole_interval_lies_above_the_level():
    row = ("linkability", 0.09, 0.06, 0.12, 0.5, 0.45, 0.01, 500, "risk")
    straddles = ("singling_out", 0.06, 0.04, 0.08, 0.1, 0.05, 0.01, 500, "risk")
    inconclusive = ("inference", float("nan"), float("nan"), float("nan"), 0.3, 0.3, 0.3, 500, "inconclusive")
    _, findings = judge(section(risks=[row, straddles, inconclusive]), GateSettings())
    assert reasons(findings) == ["reidentification"]
    assert "the linkability risk is 0.090 (95% interval 0.060–0.120), wholly above the level 0.05" in (
        findings[0].message
    )
    assert judge(section(risks=[row]), GateSettings(risk_level=0.07))[1] == []


def test_missing_or_failed_figures_refuse():
    failed = Section(name="privacy", title="Privacy", error="ValueError: boom")
    _, findings = judge(failed, GateSettings())
    assert reasons(findings) == ["figures_unavailable"] and "boom" in findings[0].message
    _, findings = judge(Section(name="privacy", title="Privacy"), GateSettings())
    assert reasons(findings) == ["figures_unavailable"] and "verbatim_reuse" in findings[0].message


@pytest.mark.parametrize("bad", [{"reuse_margin": -0.1}, {"risk_level": 1.5}, {"risk_level": "high"}])
def test_settings_are_checked(bad):
    with pytest.raises(SynthnbError, match="give a share between 0 and 1"):
        GateSettings(**bad)


# --- end to end: small tables that leak, through export -------------------------------------------------


def people(n=300, seed=0):
    """Made-up people: a near-unique full name (not from any word list), age, a score and a group."""
    rng = np.random.default_rng(seed)
    syllables = ["qa", "vel", "dri", "omu", "sk", "tay", "zor", "ith", "bru", "nev", "pol", "yas"]
    names: list[str] = []
    while len(names) < n:
        parts = rng.choice(syllables, size=5)
        name = f"{''.join(parts[:2]).title()} {''.join(parts[2:]).title()}"
        if name not in names:
            names.append(name)
    return pd.DataFrame(
        {
            "name": names,
            "age": rng.integers(18, 90, n),
            "score": rng.normal(50, 10, n).round(1),
            "group": rng.choice(["north", "south", "east"], n),
        }
    )


@pytest.fixture(scope="module")
def people_run():
    return synthnb.fit(people(), model="gaussian_copula", seed=0)


def train_names_pasted(run, share=0.5, seed=1):
    """The generated table with half its names replaced by real names from the training rows."""
    table = run.synthetic.copy()
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(table), size=int(len(table) * share), replace=False)
    table.loc[rows, "name"] = rng.choice(run.train["name"].to_numpy(), size=len(rows))
    return table


def test_a_name_column_copied_from_real_rows_is_refused(people_run, tmp_path):
    leaked = train_names_pasted(people_run)
    # independent figures: share of synthetic names that are training names, and the same for held-out names
    train_names = set(people_run.train["name"])
    reuse = leaked["name"].isin(train_names).mean()
    control = people_run.holdout["name"].isin(train_names).mean()
    assert reuse - control > 0.01
    with pytest.raises(SynthnbError) as err:
        synthnb.export(people_run, tmp_path / "x", name="people_syn", data=leaked)
    message = str(err.value)
    assert "refused to export the table people_syn" in message
    assert f"verbatim reuse in column 'name': {reuse:.1%} of its synthetic values" in message
    assert f"{control:.1%} for held-out real rows (the control)" in message
    assert 'allow_risk="…"' in message and "--allow-risk" not in message  # the API's words, not the magic's
    assert not (tmp_path / "x").exists()  # nothing written


def test_duplicated_training_rows_are_refused(people_run, tmp_path):
    copied = pd.concat([people_run.train.iloc[:30], people_run.synthetic.iloc[30:]], ignore_index=True)
    # compared on the learned columns: the name was replaced with fakes, so it is left out
    assert [(r.column, r.action) for r in people_run.identifiers if r.role == "direct"] == [("name", "replace")]
    learned = ["age", "score", "group"]
    train_rows = set(map(tuple, people_run.train[learned].astype(str).to_numpy()))
    share = np.mean([tuple(r) in train_rows for r in copied[learned].astype(str).to_numpy()])
    control = np.mean([tuple(r) in train_rows for r in people_run.holdout[learned].astype(str).to_numpy()])
    assert share >= 0.1 and control == 0.0
    with pytest.raises(SynthnbError) as err:
        synthnb.export(people_run, tmp_path / "x", name="people_syn", data=copied)
    message = str(err.value)
    assert (
        f"exact copies: {share:.2%} of the synthetic rows equal a training row on the learned columns, while 0.00% "
        "of held-out" in message
    )
    assert "synthetic_mask" in message and "allow_risk" in message


def test_a_risk_above_the_level_is_refused(people_run, tmp_path):
    # the training rows themselves, handed out as if synthetic: every attack succeeds on them
    table = people_run.train.reset_index(drop=True)
    with pytest.raises(SynthnbError) as err:
        synthnb.export(people_run, tmp_path / "x", name="people_syn", data=table)
    message = str(err.value)
    assert "re-identification: the " in message and "wholly above the level 0.05" in message
    risks = synthnb.evaluate(_as_output(people_run, table), sections=["privacy"])["privacy"].tables[
        "reidentification_risks"
    ]
    above = risks[risks["ci_low"] > 0.05]
    assert len(above) >= 1
    for row in above.itertuples():
        assert f"the {row.attack} risk is {row.risk:.3f}" in message
    # a level above every interval lets the risks through (the copies and reuse still refuse)
    with pytest.raises(SynthnbError) as err:
        synthnb.export(people_run, tmp_path / "x", name="people_syn", data=table, gate=GateSettings(risk_level=0.999))
    assert "re-identification" not in str(err.value) and "exact copies" in str(err.value)


def _as_output(run, table):
    from dataclasses import replace

    return replace(run, synthetic=table, synthetic_sha256=frame_digest(table))


def test_an_override_is_recorded_in_record_manifest_datasheet_and_printed_by_verify(people_run, tmp_path):
    leaked = train_names_pasted(people_run)
    out = tmp_path / "out"
    result = synthnb.export(people_run, out, name="people_syn", data=leaked, allow_risk=OVERRIDE)
    assert result.gate.allow_risk == OVERRIDE and not result.gate.passed
    gate = result.record["export_gate"]
    assert gate["allow_risk"] == OVERRIDE and gate["findings"][0]["reason"] == "verbatim_reuse"
    assert "Exported DESPITE the export gate" in result.message
    pred = json.loads((out / "manifest.json").read_text())["statement"]["predicate"]
    assert pred["exportGate"] == gate
    sheet = (out / "datasheet.md").read_text()
    assert "**Exported DESPITE the export gate** (this table): verbatim reuse in column 'name'" in sheet
    assert f"**Reason given**: {OVERRIDE}" in sheet
    verdict = synthnb.verify(out)
    assert verdict.ok
    assert "EXPORTED DESPITE THE EXPORT GATE (the table): verbatim reuse in column 'name'" in verdict.message
    assert f"Reason given: {OVERRIDE!r}" in verdict.message
    with pytest.raises(SynthnbError, match="give the reason in words"):
        synthnb.export(people_run, tmp_path / "y", name="people_syn", data=leaked, allow_risk="  ")


def test_a_clean_table_passes_and_says_so(run, tmp_path):
    result = synthnb.export(run, tmp_path / "out", name="adult_syn")
    assert result.gate.passed and result.gate.allow_risk is None and result.gate.rows_checked == 2000
    sheet = (tmp_path / "out" / "datasheet.md").read_text()
    assert "**Export gate**: this table passed (2,000 synthetic rows checked" in sheet
    assert "DESPITE" not in synthnb.verify(tmp_path / "out").message


# --- the model file ------------------------------------------------------------------------------------------


def test_a_model_file_is_signed_loaded_after_its_digest_and_refused_when_changed(run, tmp_path):
    out = tmp_path / "m"
    synthnb.export(run, tmp_path / "plain", name="adult_syn")
    assert not list((tmp_path / "plain").glob("*.pkl"))  # only with with_model=True
    result = synthnb.export(run, out, name="adult_syn", with_model=True)
    model_file = out / "adult_syn.synthesizer.pkl"
    digest = hashlib.sha256(model_file.read_bytes()).hexdigest()
    statement = json.loads((out / "manifest.json").read_text())["statement"]
    assert {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}["adult_syn.synthesizer.pkl"] == digest
    assert statement["predicate"]["model"]["sha256"] == digest == result.files["adult_syn.synthesizer.pkl"]
    assert statement["predicate"]["modelGate"]["passed"] is True
    assert "Exported 8 files" in result.message and "OK: all 8 files" in synthnb.verify(out).message
    model = synthnb.load_model(out, key=result.key_fingerprint)
    assert type(model) is type(run.synthesizer)
    assert list(model.sample(5)["table"].columns) == list(run.synthetic.columns)
    assert type(synthnb.load_model(model_file)) is type(run.synthesizer)

    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    model_file.write_bytes(bytes(data))
    with pytest.raises(SynthnbError, match=r"adult_syn\.synthesizer\.pkl was changed after export: its sha256"):
        synthnb.load_model(out)
    with pytest.raises(SynthnbError, match="holds no model file; export it with with_model=True"):
        synthnb.load_model(tmp_path / "plain")
    with pytest.raises(SynthnbError, match="not by the trusted key"):
        synthnb.load_model(tmp_path / "plain", key="sha256:" + "ab" * 32)


def test_a_model_whose_table_leaks_is_refused(tmp_path):
    # kept by override, the name column is learned from the real values: the model samples real names, so the
    # model file holds them and is refused even when the exported table itself is clean
    run = synthnb.fit(people(), model="gaussian_copula", seed=0, keep=["name"])
    reuse = run.synthetic["name"].isin(set(run.train["name"])).mean()
    control = run.holdout["name"].isin(set(run.train["name"])).mean()
    assert reuse - control > 0.01  # independent check that this model leaks
    clean = run.synthetic.drop(columns="name").assign(name="withheld")[list(run.synthetic.columns)]
    with pytest.raises(SynthnbError, match="refused to export the fitted model of people_syn"):
        synthnb.export(run, tmp_path / "x", name="people_syn", data=clean, with_model=True)
    # the table alone passes: the gate judged the model, not only the rows written
    assert synthnb.export(run, tmp_path / "y", name="people_syn", data=clean).gate.passed


# --- a table edited after generation -----------------------------------------------------------------------


def test_an_edited_table_is_exported_as_derived_and_verifies(run, tmp_path):
    from prov.model import ProvDocument

    edited = run.synthetic.copy()
    edited.loc[0, "age"] = 99
    out = tmp_path / "d"
    result = synthnb.export(run, out, name="adult_syn", data=edited)
    assert hashlib.sha256((out / "adult_syn.csv").read_bytes()).hexdigest() == frame_digest(edited)
    pred = json.loads((out / "manifest.json").read_text())["statement"]["predicate"]
    assert pred["tableSha256"] == frame_digest(edited) != run.synthetic_sha256
    assert pred["derivedFrom"] == {"sha256": run.synthetic_sha256, "rows": 2000}
    assert pred["exportGate"]["passed"] and result.gate.rows_checked == 2000
    doc = ProvDocument.deserialize(content=(out / "prov.json").read_text(), format="json")
    derivations = {(str(r.args[0]), str(r.args[1])) for r in doc.get_records() if type(r).__name__ == "ProvDerivation"}
    assert (f"synthnb:table/{frame_digest(edited)[:16]}", f"synthnb:table/{run.synthetic_sha256[:16]}") in derivations
    sheet = (out / "datasheet.md").read_text()
    assert f"**Edited after generation**: this table (sha256 `{frame_digest(edited)}`) is derived from" in sheet
    assert f"synthetic_sha256='{run.synthetic_sha256}'" in sheet  # reproduce re-creates the generated table
    verdict = synthnb.verify(out)
    assert verdict.ok and f"derived from the generated table with sha256 {run.synthetic_sha256}" in verdict.message


def test_real_rows_pasted_into_an_edited_table_are_refused(run, tmp_path):
    edited = pd.concat([run.train.iloc[:40], run.synthetic.iloc[40:]], ignore_index=True)
    with pytest.raises(SynthnbError, match=r"exact copies: \d\.\d\d% of the synthetic rows equal a training row"):
        synthnb.export(run, tmp_path / "p", name="adult_syn", data=edited)
    # the same rows declared real by a mask are counted as real, not put through the gate
    mask = np.arange(len(edited)) >= 40
    result = synthnb.export(run, tmp_path / "p", name="adult_syn", data=edited, synthetic_mask=mask)
    assert result.gate.passed and result.gate.rows_checked == 1960
    assert result.record["output"]["real_rows"] == 40


def test_the_manifest_carries_the_identifier_decisions_when_the_record_has_them(run):
    from synthnb.provenance.manifest import build_statement
    from synthnb.provenance.record import provenance_record

    rec = provenance_record(run, "adult_syn")
    assert build_statement(rec, {}, "sha256:x", "now")["predicate"]["identifiers"] == rec["identifiers"]
    old = {k: v for k, v in rec.items() if k != "identifiers"}  # a record written before identifiers existed
    assert "identifiers" not in build_statement(old, {}, "sha256:x", "now")["predicate"]  # tolerated when absent
    kept = [
        {"column": "case_no", "role": "direct", "kind": "record_id", "reason": "all values distinct", "action": "keep"}
    ]
    assert build_statement({**rec, "identifiers": kept}, {}, "sha256:x", "now")["predicate"]["identifiers"] == kept


# --- the allowance, an absent control, and advice that can be followed ----------------------------------------


def test_exact_copies_within_the_noise_of_the_natural_share_pass():
    sec = section(exact=0.88, control=0.85)
    sec.scores["privacy_exact_copy_allowance"] = 0.032
    figures, findings = judge(sec, GateSettings())
    assert findings == [] and figures["exact_copy_allowance"] == 0.032
    sec.scores["privacy_exact_copy_share"] = 0.966
    _, findings = judge(sec, GateSettings())
    assert reasons(findings) == ["exact_copies"] and "3.20% of sampling noise allowed above it" in findings[0].message


def test_an_absent_control_counts_copies_against_zero():
    sec = section(exact=0.001)
    del sec.scores["privacy_holdout_copy_share"]
    assert reasons(judge(sec, GateSettings())[1]) == ["figures_unavailable"]  # absent without a reason: unknown
    sec.absent["privacy_holdout_copy_share"] = "no real rows were held out"
    _, findings = judge(sec, GateSettings())
    assert reasons(findings) == ["exact_copies"] and "no held-out rows" in findings[0].message


def measurements(n=300, columns=8, seed=0):
    """Columns of near-unique measurements (no identifier by content)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"m{k}": rng.normal(100, 15, n).round(4) for k in range(columns)})
    frame["group"] = rng.choice(["a", "b"], n)
    return frame


def test_the_advice_is_one_line_per_cause_with_the_columns_in_the_callers_words(tmp_path):
    run = synthnb.fit(measurements(), model="cart", seed=0)
    assert not [r for r in run.identifiers if r.role == "direct"]  # nothing detected, nothing kept
    leaked = run.synthetic.copy()  # every measurement column reuses real training values in half its rows
    rng = np.random.default_rng(2)
    for col in [c for c in leaked.columns if c.startswith("m")]:
        rows = rng.choice(len(leaked), size=len(leaked) // 2, replace=False)
        leaked.loc[rows, col] = rng.choice(run.train[col].to_numpy(), size=len(rows))
    messages = {}
    for via in ("api", "magic"):
        with pytest.raises(SynthnbError) as err:
            synthnb.export(run, tmp_path / via, name="m_syn", data=leaked, via=via)
        messages[via] = str(err.value)
    api, magic = messages["api"], messages["magic"]
    reused = [c for c in run.synthetic.columns if f"verbatim reuse in column {c!r}" in api]
    hidden = [c for c in run.synthetic.columns if c.startswith("m") and c not in reused]
    assert len(reused) == 5 and hidden  # at most five per cause, the rest named in one line
    assert f"- and {len(hidden)} more verbatim reuse finding(s): " in api
    for text in (api, magic):
        assert text.count("What you can do:") == 1
        assert text.count("if a column is a measurement") == 1  # once for the cause, not once per column
        assert "keep" not in text  # nobody passed keep=: no advice about it
        advice_line = next(line for line in text.splitlines() if "if a column is a measurement" in line)
        for col in [*reused, *hidden]:
            assert repr(col) in advice_line
    assert "fit with identifiers=[...]" in api and 'allow_risk="…"' in api and "GateSettings" in api
    assert "--allow-risk" not in api and "--identifier" not in api and "(synthetic_mask=, one" in api
    assert "add --identifier COL to %synth fit" in magic and '--allow-risk "…"' in magic
    assert "allow_risk=" not in magic and "GateSettings" not in magic and "identifiers=[" not in magic
    # the edited table may hold real rows on purpose: the magic has no option for that, so Python is named
    assert "export from Python with synthnb.export(..., data=m_syn, synthetic_mask=...)" in magic


def test_a_kept_identifier_is_advised_about_keep(people_run, tmp_path):
    from synthnb.provenance.gate import GateFinding, advice

    kept = synthnb.fit(people(), model="gaussian_copula", seed=0, keep=["name"])
    finding = GateFinding("verbatim_reuse", "verbatim reuse in column 'name': …", about="name")
    (line,) = advice(kept, [finding])
    assert line.startswith("'name': the fit learned this identifier") and "without them in keep=" in line
    (line,) = advice(kept, [finding], via="magic")
    assert "take them out of --keep in %synth fit" in line
    (line,) = advice(people_run, [GateFinding("verbatim_reuse", "…", about="age")])
    assert "keep" not in line and "identifiers=[...]" in line
    with pytest.raises(SynthnbError, match="via='browser': use one of api, magic"):
        synthnb.export(people_run, tmp_path / "v", via="browser")
