"""The Workbench from Python: defaults from the frame, fit/evaluate/export, binding, errors in the panel,
the export gate's refusal and override, and the %synth lines its summary cells hold."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb.errors import SynthnbError


@pytest.fixture
def small(adult):
    return adult.sample(300, random_state=5).reset_index(drop=True)


@pytest.fixture
def wb(ip, small):
    ip.user_ns["adult"] = small
    return synthnb.Workbench(small)


def test_import_synthnb_loads_no_widget_library():
    probe = "import sys, synthnb; print(json.dumps([m for m in ('anywidget', 'ipywidgets') if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", "import json; " + probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_defaults_on_adult_come_from_the_frame(ip, adult):
    ip.user_ns["adult"] = adult
    wb = synthnb.Workbench(adult)
    assert (wb.df_name, wb.name) == ("adult", "adult_syn")
    values, options = wb.view.values, wb.view.options
    # independently: the columns evaluate() proposes without sensitive= (name says sex/gender/race/ethnicity or
    # age group, 2-10 groups), and never the target; marital status is not a group fairness is asked about
    words = ("sex", "gender", "race", "ethnicity")
    expected = [c for c in adult.columns if c in words and 2 <= adult[c].nunique() <= 10]
    assert values["sensitive"] == expected == ["race", "sex"]
    # the last two-valued column, each value on 5 % of rows or more, that is not demographic (sex has two values)
    demographic = ("age", "sex", "race", "marital", "country")
    two_valued = [
        c
        for c in adult.columns
        if adult[c].nunique() == 2
        and adult[c].value_counts(normalize=True).min() >= 0.05
        and not any(w in c for w in demographic)
    ]
    assert values["target"] == two_valued[-1] == "income"
    ev = synthnb.evaluate(adult.head(300), adult.tail(300), sections=["fidelity"])
    assert "race" in str(ev.to_dict().get("proposed", "")) and "income" in str(ev.to_dict().get("proposed", ""))
    assert (values["model"], values["seed"], values["rows"], values["epochs"]) == ("gaussian_copula", 0, None, None)
    assert options["columns"] == list(adult.columns) and options["n_rows"] == len(adult)
    assert [m for m, _ in options["models"]] == list(synthnb.generators.MODELS)
    assert set(options["neural"]) == set(synthnb.generators.NEURAL_MODELS)
    # the identifiers found are shown before any fit: Adult has no direct identifier
    assert "no direct identifier detected" in wb.view.identifiers_html and "native_country" in wb.view.identifiers_html
    data = wb._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert data["text/plain"] == "synthnb Workbench · adult → adult_syn · not fitted yet"
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == wb.widget.model_id


def test_fit_binds_the_name_writes_the_equivalent_line_and_matches_the_magic(ip, wb, small):
    before = frame_hash(small)
    run = wb.fit(seed=3, sensitive=["sex"], rows=120)
    assert frame_hash(small) == before
    assert wb.run is run and wb.view.values["seed"] == 3 and wb.view.values["sensitive"] == ["sex"]
    assert ip.user_ns["adult_syn"].equals(run.synthetic) and ip.user_ns["adult_syn"] is not run.synthetic
    assert synthnb.session.session_for(ip).run("adult_syn") is run
    line = wb.view.lines["fit"]
    assert line == (
        "%synth fit adult --model gaussian_copula --seed 3 --holdout 0.2 --rows 120 --sensitive sex "
        "--target income --as adult_syn"
    )
    # the same seed gives the same bytes as synthnb.fit ...
    direct = synthnb.fit(small, seed=3, rows=120, sensitive="sex", target="income")
    assert direct.synthetic.to_csv(index=False) == run.synthetic.to_csv(index=False)
    # ... and as the summary cell's %synth line, which Run All runs after a restart
    ip.run_line_magic("synth", line.removeprefix("%synth ") + " --as again --no-report")
    assert ip.user_ns["again"].to_csv(index=False) == run.synthetic.to_csv(index=False)
    assert "progress" in wb.view.progress_html and "sample" in wb.view.progress_html
    assert wb.view.status == "idle" and wb.view.message == {}


def test_fit_cells_are_anchored_to_the_panel_cell_not_the_calling_cell(ip, small, monkeypatch):
    """Cells a fit writes go below the cell that showed the panel, with the fit's summary line first."""
    from synthnb.workbench import actions

    ip.user_ns["adult"] = small
    ip.parent_header = {"metadata": {"cellId": "panel-cell"}}
    wb = synthnb.Workbench(small, name="syn")
    ip.parent_header = {"metadata": {"cellId": "other-cell"}}
    sent = []
    monkeypatch.setattr(actions, "put_cell", lambda request, frontend, **kw: sent.append((request, frontend, kw)))
    wb.fit(seed=1)
    assert [(r.key, r.anchor, r.position) for r, _, _ in sent] == [
        ("workbench-fit:syn", "panel-cell", "below_anchor"),
        ("provenance:syn", "panel-cell", "below_anchor"),
        ("datasheet:syn", "panel-cell", "end"),
    ]
    assert sent[0][0].source.splitlines()[-1] == wb.view.lines["fit"]
    assert sent[0][0].source.startswith("# Fit of syn (written by the synthnb Workbench above")
    assert synthnb.session.session_for(ip).cells("syn").anchor == "panel-cell"


def test_errors_show_as_one_line_and_the_panel_stays_usable(wb):
    with pytest.raises(SynthnbError, match="'sexx'"):
        wb.fit(target="sexx")
    message = wb.view.message
    assert message["kind"] == "error" and "\n" not in message["text"] and "'sexx'" in message["text"]
    assert "Traceback" not in message["text"] and wb.view.status == "idle" and wb.run is None
    # a click shows the same and raises nothing (a click has no cell to show a traceback in)
    wb.view.values = {**wb.view.values, "seed": "x"}
    wb._on_message(wb.view, {"type": "fit"}, [])
    assert wb.view.message == {"kind": "error", "text": "seed must be a whole number, not 'x'."}
    wb._on_message(wb.view, {"type": "evaluate"}, [])
    assert "click Fit" in wb.view.message["text"]
    run = wb.fit(seed=2, target="income")
    assert run.spec.target == "income" and wb.view.message == {}
    # the target is never also a sensitive column (the panel greys it out; a ticked one is left out)
    run = wb.fit(seed=2, target="sex")
    assert run.spec.target == "sex" and "sex" not in run.spec.sensitive and wb.view.message == {}


def test_other_exceptions_show_briefly_are_logged_and_keep_interrupts(wb, caplog, monkeypatch):
    def broken():
        raise ValueError("boom")

    monkeypatch.setattr(wb, "_fit_and_evaluate", broken)
    wb._on_message(wb.view, {"type": "fit"}, [])
    assert wb.view.message == {"kind": "error", "text": "ValueError: boom (details in the kernel log)"}
    assert "Traceback" in caplog.text and "boom" in caplog.text

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(wb, "_fit_and_evaluate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        wb._on_message(wb.view, {"type": "fit"}, [])
    assert wb.view.status == "idle"


def test_evaluate_shows_the_report_dashboard_and_export_gate_refuses_then_takes_a_reason(ip, wb, small, tmp_path):
    from synthnb.dashboard.widget import Dashboard
    from synthnb.magics._report import report_evaluation

    wb.fit(seed=0)
    ev = wb.evaluate()
    session = synthnb.session.session_for(ip)
    # the same evaluation %synth report adult_syn shows (cached in the session), in the same widget
    assert ev is wb.evaluation is report_evaluation(session, "adult_syn") is session.latest_evaluation("adult_syn")
    (dashboard,) = wb.widget.children[1].children
    assert isinstance(dashboard, Dashboard) and dashboard.evaluation is ev
    assert all(s["status"] in ("done", "error") for s in dashboard.state["sections"])
    assert [s["name"] for s in dashboard.state["sections"]] == list(ev.section_names)

    result = wb.export(tmp_path / "ok")
    assert (tmp_path / "ok" / "manifest.json").is_file() and wb.view.refusal == ""
    assert wb.view.lines["export"] == f"%synth export adult_syn --to {tmp_path / 'ok'} --force"
    assert wb.view.message["kind"] == "info" and str(result.message).split()[0] == "Exported"
    # the panel's note: a line per fact, no digests (the manifest lists them), the verify command whole
    note = wb.view.message["text"].splitlines()
    assert (
        note[0]
        == f"Exported {len(result.files)} files to {result.directory}, signed with key {result.key_fingerprint}."
    )
    assert f"Verify: synthnb verify {result.directory} --key {result.key_fingerprint}" in note
    assert "…" not in wb.view.message["text"] and len(note) == 3  # no file digests; verify; open questions

    # a table of real training rows bound to the name: the gate refuses, in the panel and from the method
    ip.user_ns["adult_syn"] = wb.run.real.head(200).copy()
    with pytest.raises(SynthnbError, match="The export gate refused"):
        wb.export(tmp_path / "leak")
    assert wb.view.refusal.startswith("The export gate refused to export the table adult_syn")
    assert "- exact copies" in wb.view.refusal  # the findings, one per line, in the refusal box
    # in the panel's words: its own override, the magics' options; none of Python's arguments
    assert "type your reason under Reason to override and click Export anyway" in wb.view.refusal
    assert not any(arg in wb.view.refusal for arg in ("allow_risk=", "gate=GateSettings", "data= was given"))
    assert wb.view.message == {
        "kind": "error",
        "text": "The export gate refused to export the table adult_syn: see the findings below.",
    }
    assert not (tmp_path / "leak" / "manifest.json").exists()
    # the reason typed into the panel's box overrides it and is recorded
    wb.view.values = {**wb.view.values, "reason": "a teaching copy"}
    wb._on_message(wb.view, {"type": "export"}, [])
    written = {p.name: p.read_text() for p in (tmp_path / "leak").iterdir() if p.suffix in (".json", ".md")}
    assert "manifest.json" in written and any("a teaching copy" in text for text in written.values())
    assert wb.view.refusal == "" and wb.view.lines["export"].endswith('--force --allow-risk "a teaching copy"')
    assert wb.view.values["path"] == str(tmp_path / "leak")
    assert wb.view.values["reason"] == ""  # used once: the next export is checked afresh


def test_export_line_keeps_the_reason_one_argument():
    from IPython.core.magic_arguments import parse_argstring

    from synthnb.magics._export import _unquote, export_command
    from synthnb.workbench.actions import export_line

    line = export_line("adult_syn", "out/x", 'a "teaching" copy')
    assert line == "%synth export adult_syn --to out/x --force --allow-risk \"a 'teaching' copy\""
    args = parse_argstring(export_command, line.removeprefix("%synth export "))
    assert (args.directory, _unquote(args.allow_risk)) == ("out/x", "a 'teaching' copy")
    # the magic's argument split keeps quotes: a folder with a space could not be written in the line
    with pytest.raises(SynthnbError, match="without spaces"):
        export_line("adult_syn", "out dir", None)


def test_magic_shows_a_workbench(ip, small):
    from unittest import mock

    from synthnb.workbench import Workbench

    ip.user_ns["adult"] = small
    with mock.patch("IPython.display.display") as shown:
        ip.run_line_magic("synth", "workbench adult --as mine")
    (wb,), _ = shown.call_args
    assert isinstance(wb, Workbench) and (wb.df_name, wb.name) == ("adult", "mine")
    with pytest.raises(SynthnbError, match="no variable named 'adul'"):
        ip.run_line_magic("synth", "workbench adul")


@pytest.mark.slow
def test_epochs_reach_a_neural_model_only(wb, small):
    wb.fit(epochs=7, seed=1)  # the Gaussian copula has no epochs: the choice is kept but not used
    assert "--epochs" not in wb.view.lines["fit"] and "epochs" not in wb.run.spec.params
    run = wb.fit(model="tvae", epochs=1, rows=50)
    assert run.spec.model == "tvae" and run.spec.params == {"epochs": 1}
    assert "--model tvae --seed 1 --holdout 0.2 --rows 50 --epochs 1 " in wb.view.lines["fit"]
    assert "epoch 1/1" in wb.view.progress_html
    direct = synthnb.fit(small, model="tvae", epochs=1, rows=50, seed=1, sensitive=["race", "sex"])
    assert direct.synthetic.to_csv(index=False) == run.synthetic.to_csv(index=False)
