"""``%synth report`` and the report after ``%synth fit``, driven through a real IPython shell."""

from __future__ import annotations

import re
import time

import pytest
from IPython.utils.capture import capture_output

import synthnb
from synthnb.errors import SynthnbError

FIT = "%synth fit adult --sensitive sex,race --target income --seed 2"


@pytest.fixture
def shell(ip, adult):
    ip.user_ns["adult"] = adult.sample(1500, random_state=4).reset_index(drop=True)
    ip.run_line_magic("config", "SynthMagics.progress = False")
    return ip


def _run(ip, code):
    with capture_output() as cap:
        result = ip.run_cell(code)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return cap.outputs


def _html(outputs) -> str:
    return "".join(o.data.get("text/html", "") for o in outputs)


def _widget(outputs):
    from ipywidgets.widgets.widget import _instances

    for o in outputs:
        view = o.data.get("application/vnd.jupyter.widget-view+json")
        if view:
            return _instances[view["model_id"]]
    raise AssertionError("no widget displayed")


def _wait(widget, timeout=120):
    t0 = time.monotonic()
    widget._thread.join(timeout)
    assert not widget._thread.is_alive(), f"evaluation still running after {time.monotonic() - t0:.0f} s"


def test_fit_shows_static_report_with_the_api_numbers(shell):
    shell.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    outputs = _run(shell, FIT)
    page = _html(outputs)
    run = shell.magics_manager.registry["SynthMagics"].runs["adult_syn"]
    ev = synthnb.evaluate(run)
    for card in ("Fidelity", "Utility", "Privacy", "Fairness"):
        assert re.search(rf'class="sn-card-title"[^>]*>{card}</div>', page), card
    assert f"{ev['fidelity'].score:.2f}" in page and f"{ev['privacy'].score:.2f}" in page
    assert "sex: the synthetic data" in page  # the fairness finding is in the saved output
    # plots are PNGs (untrusted notebooks drop inline SVG): one per figure spec, each shown once
    figures = [f for name in ev.section_names for f in ev[name].figures]
    assert page.count('<img src="data:image/png;base64,') == len(figures) >= 10
    assert "<svg" not in page
    md = "".join(o.data.get("text/markdown", "") for o in outputs)
    assert f"| Utility | {ev['utility'].score:.3f} |" in md
    # headless, the datasheet is written after the evaluation, so it carries its figures when the cell ends
    sheet = next(o.data["text/markdown"] for o in outputs if "synthnb · datasheet:adult_syn" in o.data.get(
        "text/markdown", ""))
    assert "Figures pending" not in sheet
    assert f"| privacy_dcr_protection | {ev.scores['privacy_dcr_protection']:.4g} |" in sheet
    assert "of the 1,500 generated rows exactly match a real row" in sheet


def test_no_report_flag_skips_the_report(shell):
    shell.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    page = _html(_run(shell, FIT + " --no-report"))
    assert "synthnb-summary" in page and "synthnb-cards" not in page


def test_report_live_fills_the_widget_in_the_background(shell):
    shell.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    _run(shell, FIT + " --no-report")
    outputs = _run(shell, "%synth report adult_syn --mode live --as ev")
    widget = _widget(outputs)
    # the first display already carries a static rendering for notebooks viewed without a kernel
    assert any("text/html" in o.data and "application/vnd.jupyter.widget-view+json" in o.data for o in outputs)
    # the magic returned before the last section was computed: the work goes on in the background
    assert shell.user_ns["ev"].computed("fairness") is None
    assert shell.run_cell("1 + 1").result == 2
    _wait(widget)
    state = widget.state
    assert [s["status"] for s in state["sections"]] == ["done"] * 5
    assert {c["title"] for c in state["cards"]} == {"Fidelity", "Utility", "Privacy", "Fairness"}
    ev = shell.user_ns["ev"]
    by_title = {c["title"]: c["score"] for c in state["cards"]}
    assert by_title["Privacy"] == pytest.approx(ev["privacy"].score, abs=1e-12)
    assert any(f["kind"] == "heatmap" for s in state["sections"] if s["section"] for f in s["section"]["figures"])
    html = widget._repr_mimebundle_()[0]["text/html"]
    assert "Fairness" in html and "computing" not in html


def test_live_widget_shows_a_failed_section_without_hiding_others(adult, run_small_failing):
    from synthnb.dashboard import show_evaluation

    with capture_output():
        widget = show_evaluation(run_small_failing, mode="live")
    _wait(widget)
    status = {s["name"]: s["status"] for s in widget.state["sections"]}
    assert status["utility"] == "error" and status["fidelity"] == "done" and status["privacy"] == "done"
    error_card = next(c for c in widget.state["cards"] if c["title"] == "Utility")
    assert error_card["level"] == "error" and "single value" in error_card["headline"]


@pytest.fixture
def run_small_failing(adult):
    real = adult.sample(400, random_state=1).reset_index(drop=True)
    syn = adult.sample(400, random_state=2).reset_index(drop=True)
    syn["income"] = "<=50K"
    return synthnb.evaluate(real, syn, sensitive="sex", target="income", lazy=True)


def test_profile_button_builds_the_profile(adult):
    from synthnb.dashboard.widget import Dashboard

    cols = ["age", "sex", "income"]
    ev = synthnb.evaluate(adult[cols].head(300), adult[cols].tail(300).reset_index(drop=True),
                          sections=["diagnostic"])
    widget = Dashboard(ev)
    assert widget.profile_status == "idle"
    widget._on_message(widget, {"type": "profile"}, [])
    t0 = time.monotonic()
    while widget.profile_status == "building" and time.monotonic() - t0 < 120:
        time.sleep(0.2)
    assert widget.profile_status == "ready" and "<html" in widget.profile_html.lower()


def test_report_errors_name_the_fix(shell):
    with pytest.raises(SynthnbError, match="not a synthetic table made by %synth fit"):
        _run(shell, "%synth report nothing_here")
    shell.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    _run(shell, FIT + " --no-report")
    with pytest.raises(SynthnbError, match="sensitive column 'gender'"):
        _run(shell, "%synth report adult_syn --sensitive gender")
    with pytest.raises(SynthnbError, match="Usage: %synth report"):
        _run(shell, "%synth report adult_syn --mode sideways")


def test_report_writes_files(shell, tmp_path):
    shell.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    _run(shell, FIT + " --no-report")
    _run(shell, f"%synth report adult_syn --sections diagnostic,privacy --html {tmp_path}/r.html "
                f"--json {tmp_path}/r.json --md {tmp_path}/r.md")
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert '"privacy_dcr_protection"' in (tmp_path / "r.json").read_text()
    assert "### Privacy" in (tmp_path / "r.md").read_text()


def test_quiet_report_writes_files_and_shows_nothing(shell, tmp_path):
    shell.run_line_magic("config", "SynthMagics.report_mode = 'static'")
    fit_outputs = _run(shell, FIT)
    outputs = _run(shell, f"%synth report adult_syn --quiet --html {tmp_path}/r.html --as ev")
    assert outputs == []
    html = (tmp_path / "r.html").read_text()
    ev = shell.user_ns["ev"]
    assert f"{ev['fidelity'].score:.3f}" in html
    # the evaluation the fit showed is reused, not computed again
    assert f"{ev['fidelity'].score:.2f}" in _html(fit_outputs)
    assert ev.computed("privacy") is not None


def test_auto_mode_follows_the_jupyter_server(monkeypatch):
    from synthnb.magics._report import resolve_mode

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert resolve_mode("auto") == "static"
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/u/notebook.ipynb")
    assert resolve_mode("auto") == "live" and resolve_mode("static") == "static"


def test_front_end_files_are_found():
    from synthnb.dashboard.widget import Dashboard, asset_dir

    assert (asset_dir() / "dashboard.css").is_file()
    assert "export default" in str(Dashboard._esm)
