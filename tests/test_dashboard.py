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
    sheet = next(
        o.data["text/markdown"] for o in outputs if "synthnb · datasheet:adult_syn" in o.data.get("text/markdown", "")
    )
    assert "Figures pending" not in sheet
    # the figure sits in the datasheet's appendix under a plain name, 3 significant digits, its key last
    row = re.search(r"^\| Privacy · DCR protection[^|]* \| ([\d.]+) \| `privacy_dcr_protection` \|$", sheet, re.M)
    assert row and abs(float(row[1]) - ev.scores["privacy_dcr_protection"]) <= 5e-4
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
    assert shell.user_ns["ev"].computed("groups") is None
    assert shell.run_cell("1 + 1").result == 2
    _wait(widget)
    state = widget.state
    assert [s["status"] for s in state["sections"]] == ["done"] * 6
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


def test_profile_button_builds_the_profile_as_a_file_not_as_widget_state(adult, tmp_path, monkeypatch):
    from synthnb.dashboard.widget import Dashboard

    monkeypatch.chdir(tmp_path)  # the kernel's folder is the notebook's
    cols = ["age", "sex", "income"]
    ev = synthnb.evaluate(adult[cols].head(300), adult[cols].tail(300).reset_index(drop=True), sections=["diagnostic"])
    widget = Dashboard(ev)
    sent = []
    widget.send = lambda content, buffers=None: sent.append(content)
    assert widget.profile_status == "idle"
    widget._on_message(widget, {"type": "profile"}, [])
    t0 = time.monotonic()
    while widget.profile_status == "building" and time.monotonic() - t0 < 120:
        time.sleep(0.2)
    assert widget.profile_status == "ready" and "<html" in widget.profile_html.lower()
    page = tmp_path / "evaluation-profile.html"
    assert widget.profile_file == str(page) and page.read_text(encoding="utf-8") == widget.profile_html
    assert sent == [{"type": "profile_html", "html": widget.profile_html}]  # one message to the page ...
    state = widget.get_state()
    assert max(len(str(v)) for v in state.values()) < len(widget.profile_html) / 10  # ... not in the saved state
    widget._on_message(widget, {"type": "profile"}, [])  # a reloaded page asks again: sent again, not rebuilt
    assert len(sent) == 2 and sent[1] == sent[0]


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
    _run(
        shell,
        f"%synth report adult_syn --sections diagnostic,privacy --html {tmp_path}/r.html "
        f"--json {tmp_path}/r.json --md {tmp_path}/r.md",
    )
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


# --- one drawing, readable in light and dark, escaped --------------------------------------------------------

#: JupyterLab's light background and its dark theme's --jp-layout-color0 / --jp-layout-color1
BACKGROUNDS = ("#ffffff", "#111111", "#212121")


def _luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_figure_and_card_colours_read_on_light_and_dark_backgrounds():
    """Static images are transparent PNGs: every ink must reach 3:1 (WCAG, graphics and large text) on both."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_hex
    from matplotlib.text import Text

    from synthnb.evaluation import figures
    from synthnb.evaluation.html import LEVEL_COLOURS

    for colour in (*figures.INKS, *LEVEL_COLOURS.values()):
        for background in BACKGROUNDS:
            assert _contrast(colour, background) >= 3.0, (colour, background, _contrast(colour, background))
    specs = [
        {
            "kind": "histogram",
            "title": "fnlwgt",
            "column": "fnlwgt",
            "edges": [0, 6145, 12290, 18435],
            "series": {"real": [0.5, 0.3, 0.2], "synthetic": [0.4, 0.4, 0.2]},
        },
        {
            "kind": "bars",
            "title": "t",
            "categories": ["a", "b"],
            "series": {"held-out real rows": [0.2, 0.8], "synthetic": [0.3, 0.7]},
        },
        {"kind": "heatmap", "title": "h", "labels": ["x", "y"], "values": [[None, 0.2], [0.2, None]], "vmax": 1.0},
    ]
    for spec in specs:
        fig = figures.draw(spec)
        FigureCanvasAgg(fig).draw()  # tick labels exist once drawn
        texts = [t for t in fig.findobj(Text) if t.get_text()]
        assert texts, spec["kind"]
        for text in texts:  # axis labels, tick labels, legends, colour-bar label
            assert to_hex(text.get_color()) == figures.TEXT, (spec["kind"], text.get_text())
            assert "e+" not in text.get_text(), text.get_text()
    hist = figures.draw(specs[0])
    FigureCanvasAgg(hist).draw()
    ticks = [t.get_text() for t in hist.axes[0].get_xticklabels()]
    assert "10,000" in ticks, ticks  # not "1e+4"
    assert [t.get_text() for t in hist.axes[0].get_yticklabels()][-1].endswith("%")
    assert hist.axes[0].get_xlabel() == "fnlwgt" and hist.axes[0].get_ylabel() == "share of rows"
    # one meaning everywhere: real rows blue, synthetic orange, a baseline grey
    assert figures.series_colour("held-out real rows") == figures.series_colour("real") == figures.REAL
    assert figures.series_colour("trained on synthetic") == figures.SYNTHETIC
    assert figures.series_colour("shuffled-column baseline") == figures.OTHER
    assert figures.number(12290.0) == "12,290" and figures.number(0.0787) == "0.079"
    png = figures.figure_png(specs[2])
    assert png.startswith(b"\x89PNG") and len(png) > 2000
    _palette_png_looks_like_the_full_colour_render(figures, specs[2], png)


def _palette_png_looks_like_the_full_colour_render(figures, spec, png):
    """Stored figures are 8-bit palette PNGs: a third of the bytes, the same picture (alpha kept)."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig = figures.draw(spec)
    FigureCanvasAgg(fig)
    full = io.BytesIO()
    fig.savefig(full, format="png", dpi=figures._DPI, transparent=True, metadata={"Software": None})
    with Image.open(io.BytesIO(png)) as small, Image.open(io.BytesIO(full.getvalue())) as big:
        assert small.mode == "P" and "transparency" in small.info and small.size == big.size
        a = np.asarray(small.convert("RGBA"), dtype=float)
        b = np.asarray(big.convert("RGBA"), dtype=float)
    assert np.abs(a - b).mean() < 2.0  # of 255: no visible difference
    assert len(png) < 0.6 * len(full.getvalue())
    assert figures._palette_png(full.getvalue()) == png  # deterministic: same figure, same bytes


def test_html_escapes_what_the_data_says(adult):
    cols = ["age", "sex", "income"]
    real = adult[cols].head(200).rename(columns={"sex": "<script>alert(1)</script>"})
    syn = adult[cols].tail(200).reset_index(drop=True).rename(columns={"sex": "<script>alert(1)</script>"})
    ev = synthnb.evaluate(real, syn, sections=["diagnostic"])
    for page in (ev.to_html(), ev._repr_mimebundle_()["text/html"]):
        assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_page_has_a_readable_width_and_long_tables_behind_a_disclosure(adult):
    real = adult.sample(300, random_state=1).reset_index(drop=True)
    syn = adult.sample(300, random_state=2).reset_index(drop=True)
    ev = synthnb.evaluate(real, syn, sections=["fidelity"])
    page = ev.to_html()
    assert "max-width: 1180px" in page and "margin: 0 auto" in page
    pairs = len(ev["fidelity"].tables["column_pair_trends"])
    assert pairs == 105
    assert f"Table: column pair trends ({pairs} rows)</summary>" in page
    assert page.count("<figure") == len(ev["fidelity"].figures)


def test_live_widget_is_replaced_by_the_static_bundle_when_complete(ip, adult):
    """Reopened, restarted or untrusted, the saved output must be the static dashboard, not the widget."""
    from synthnb.dashboard import show_evaluation

    cols = ["age", "sex", "income"]
    ev = synthnb.evaluate(
        adult[cols].head(300),
        adult[cols].tail(300).reset_index(drop=True),
        sections=["diagnostic", "privacy"],
        lazy=True,
    )
    with capture_output() as cap:
        widget = show_evaluation(ev, mode="live")
        _wait(widget)
    first, last = cap.outputs[0], cap.outputs[-1]
    assert "application/vnd.jupyter.widget-view+json" in first.data
    assert last.update and "application/vnd.jupyter.widget-view+json" not in last.data
    assert last.metadata == {} or "application/vnd.jupyter.widget-view+json" not in last.metadata
    html = last.data["text/html"]
    assert html == ev._repr_mimebundle_()["text/html"]  # the one static dashboard
    assert 'data-complete="yes"' in html and "waiting" not in html
    assert f"{ev['privacy'].score:.2f}" in html
    # the live view showed the same template, with the Profile button added by the front end only
    assert widget.state["html"].count('class="sn-card ') == 1 and "sn-profile-help" not in widget.state["html"]
