"""``%synth`` through a real IPython shell."""

import re
import time

import pytest
from IPython.utils.capture import capture_output
from testing_helpers import frame_hash

from synthnb import SynthnbError
from synthnb.session import session_for


@pytest.fixture
def ns(ip, adult_small):
    ip.user_ns["df"] = adult_small
    return ip.user_ns


def test_fit_binds_the_default_name_and_shows_a_summary(ip, ns):
    before = frame_hash(ns["df"])
    with capture_output() as cap:
        result = ip.run_cell("%synth fit df --rows 40 --seed 1 --sensitive sex --target income --no-report")
    assert result.success, result.error_in_exec
    assert ns["df_syn"].shape == (40, 15)
    assert frame_hash(ns["df"]) == before
    summaries = [o.data["text/plain"] for o in cap.outputs if "df_syn: " in o.data.get("text/plain", "")]
    assert len(summaries) == 1, [o.data.get("text/plain") for o in cap.outputs]
    summary = summaries[0]
    assert "Gaussian copula" in summary
    assert "df_syn: 40 rows × 15 columns" in summary
    assert "1,600 real rows fitted, 400 held out" in summary
    run = session_for(ip).run("df_syn")
    assert run.spec.target == "income"
    # the notebook gets a copy: editing it must not change the table the Run and its digest describe
    assert run.synthetic is not ns["df_syn"]
    assert ns["df_syn"].equals(run.synthetic)


def test_fit_options_reach_the_api(ip, ns):
    assert ip.run_cell("%synth fit df --model tvae --epochs 1 --rows 10 --as small --holdout 0 --no-report").success
    run = session_for(ip).run("small")
    assert run.spec.model == "tvae" and run.spec.params == {"epochs": 1} and run.n_holdout == 0
    assert ns["small"].shape == (10, 15)


def test_progress_is_live_and_ends_complete(ip, ns):
    with capture_output() as cap:
        ip.run_cell("%synth fit df --model ctgan --epochs 2 --rows 10 --no-report")
    texts = [o.data["text/plain"] for o in cap.outputs if "synthnb · fitting" in o.data.get("text/plain", "")]
    assert len(texts) >= 3  # the display is updated while the work goes on
    assert "epoch 2/2" in texts[-1] and "generator loss" in texts[-1]
    assert all(line.split()[1] == "100%" for line in texts[-1].splitlines()[1:])


def _progress_texts(cap) -> list[str]:
    return [o.data["text/plain"] for o in cap.outputs if o.data.get("text/plain", "").startswith("synthnb · fitting")]


def _row(text: str, stage: str) -> list[str]:
    """The words of *stage*'s row: stage, percent (or … while its length is unknown), seconds, "s", detail."""
    return next(line.split() for line in text.splitlines()[1:] if line.split()[0] == stage)


def test_a_stage_of_unknown_length_shows_its_seconds_ticking(ip):
    from synthnb.magics._progress_view import ProgressView
    from synthnb.progress import ProgressEvent

    view = ProgressView("synthnb · fitting test", tick=0.05)
    with capture_output() as cap:
        view(ProgressEvent("prepare", 0, 1, "loading SDV"))
        view(ProgressEvent("prepare", 1, 1, "ready"))
        started = time.monotonic()
        view(ProgressEvent("fit", 0, None, "fitting"))  # a Gaussian copula: no event until it has fitted
        time.sleep(0.5)
        view(ProgressEvent("fit", 1, 1, "fitted"))
        fit_seconds = time.monotonic() - started
        view(ProgressEvent("sample", 0, 5, "sampling"))
        view(ProgressEvent("sample", 5, 5, "sampled"))
        shown = len(cap.outputs)
        time.sleep(0.3)  # six ticks: nothing is drawn after the final state
        assert len(cap.outputs) == shown
    texts = _progress_texts(cap)
    running = [text for text in texts if _row(text, "fit")[1] == "…"]
    assert len(running) >= 4  # redrawn by the timer while the fit sent nothing
    seconds = [float(_row(text, "fit")[2]) for text in running]
    assert seconds == sorted(seconds) and seconds[0] < seconds[-1] and 0.3 <= seconds[-1] <= fit_seconds
    html = [o.data["text/html"] for o in cap.outputs if "synthnb-progress" in o.data.get("text/html", "")]
    assert "<td>fit</td><td><progress max='1'></progress></td><td>…</td>" in html[len(texts) - len(running)]
    final = _row(texts[-1], "fit")
    assert final[1] == "100%" and abs(float(final[2]) - fit_seconds) <= 0.1 and final[3] == "s"
    assert all(_row(texts[-1], stage)[1] == "100%" for stage in ("prepare", "sample"))
    assert not view._timer.is_alive() and view.close not in ip.events.callbacks["post_execute"]


def test_the_timer_stops_when_the_cell_ends_without_a_last_event(ip):
    from synthnb.magics._progress_view import ProgressView
    from synthnb.progress import ProgressEvent

    ip.user_ns.update(view=ProgressView("synthnb · fitting test", tick=0.05), ProgressEvent=ProgressEvent)
    with capture_output() as cap:
        result = ip.run_cell(
            "import time\nview(ProgressEvent('fit', 0, None, 'fitting'))\ntime.sleep(0.3)\n"
            "raise ValueError('the fit failed')"
        )
        shown = len(cap.outputs)
        time.sleep(0.3)
        assert len(cap.outputs) == shown
    assert isinstance(result.error_in_exec, ValueError) and shown >= 3
    view = ip.user_ns["view"]
    assert not view._timer.is_alive() and view.close not in ip.events.callbacks["post_execute"]


def test_the_gaussian_copula_fit_shows_its_elapsed_time(ip, ns, monkeypatch):
    from synthnb.magics import _progress_view

    monkeypatch.setattr(_progress_view, "_TICK", 0.05)
    with capture_output() as cap:
        assert ip.run_cell("%synth fit df --rows 10 --no-report").success
    texts = _progress_texts(cap)
    started = next(text for text in texts if len(_row(text, "fit")) > 2)  # the fit has begun
    assert _row(started, "fit")[1] == "…" and _row(started, "fit")[3] == "s"  # not "0%", and a time
    final = _row(texts[-1], "fit")
    assert final[1] == "100%" and abs(float(final[2]) - session_for(ip).run("df_syn").timings["fit"]) <= 0.15


def test_config_sets_defaults(ip, ns):
    ip.run_line_magic("config", "SynthMagics.suffix = '_fake'")
    ip.run_line_magic("config", "SynthMagics.seed = 9")
    assert ip.run_cell("%synth fit df --rows 5 --no-report").success
    assert session_for(ip).run("df_fake").spec.seed == 9


def test_cell_magic_runs_one_subcommand_per_line(ip, ns):
    result = ip.run_cell(
        "%%synth\nfit df --rows 5 --as a --no-report\n# a comment\nfit df --rows 6 --as b --no-report\n"
    )
    assert result.success
    assert len(ns["a"]) == 5 and len(ns["b"]) == 6


def test_help_is_real(ip):
    doc = ip.find_line_magic("synth").__doc__
    for flag in ("--model", "--rows", "--seed", "--as", "--epochs", "--holdout", "--sensitive", "--target"):
        assert flag in doc
    with capture_output() as cap:
        ip.run_cell("%synth help")
    assert "--sensitive" in cap.stdout


def _printed(ip, line: str) -> str:
    """What running *line* prints, without the terminal colours of ``?``, whitespace runs made one space."""
    with capture_output() as cap:
        result = ip.run_cell(line)
    assert result.success, result.error_in_exec
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", cap.stdout).split())


@pytest.mark.parametrize("line", ["%synth?", "%synth help", "%synth"])
def test_help_is_clean_and_complete(ip, line):
    import importlib

    from synthnb.magics import _SUBCOMMANDS, SynthMagics

    shown = _printed(ip, line)
    # no argparse internals (a % in a help text read as a format code) and no reST block markers
    assert "option_strings" not in shown and "ynth fit ynth" not in shown and "}ynth" not in shown
    assert "::" not in shown and "<{" not in shown
    for sub, module in _SUBCOMMANDS.items():
        parser = importlib.import_module(module).command.parser
        assert f"usage: %synth {sub}" in shown
        for action in parser._actions:
            # every argument and option is named, with its help text as written (argparse's %% is one %)
            names = action.option_strings or [action.dest]
            assert all(name in shown for name in names), (sub, names)
            assert " ".join(action.help.replace("%%", "%").split()) in shown, (sub, action.help)
    for name, trait in SynthMagics.class_own_traits(config=True).items():
        assert f"{name} {trait.default_value!r}" in shown and " ".join(trait.help.split()) in shown
    assert "the synthetic table bound by %synth fit (e.g. adult_syn)" in shown


def test_help_on_one_subcommand(ip):
    for line in ("%synth help export", "%synth export --help", "%synth export -h"):
        shown = _printed(ip, line)
        assert shown.startswith("usage: %synth export --to DIRECTORY")
        assert "the synthetic table, as bound by %synth fit" in shown
        assert "%synth fit [" not in shown  # only the subcommand asked for
    # IPython's own help syntax on a subcommand: that subcommand's help alone, not "Object `fit` not found"
    for line in ("%synth fit?", "%synth fit??", "  %synth export ?", "%%synth fit?"):
        shown = _printed(ip, line)
        sub = line.split()[1].rstrip("?")
        assert shown.startswith(f"usage: %synth {sub}"), (line, shown[:80])
        assert "--- %synth" not in shown and "not found" not in shown
    ip.user_ns["x_help_probe"] = 1  # a plain name? still reaches IPython
    assert "Type: int" in _printed(ip, "x_help_probe?")
    # %synth? opens with one line per subcommand, before any subcommand's usage
    full = _printed(ip, "%synth?")
    assert full.index("Subcommands: fit ") < full.index("usage: %synth fit")
    with capture_output():
        result = ip.run_cell("%synth help fly")
    assert isinstance(result.error_in_exec, SynthnbError) and "no help on 'fly'" in str(result.error_in_exec)


def test_a_misspelled_dataframe_gets_a_did_you_mean(ip, ns):
    ns["adult_test"] = 3  # close in spelling, but not a DataFrame: never suggested
    ns["adults"] = ns["df"].head(3)
    with capture_output() as cap:
        result = ip.run_cell("%synth fit adultz --no-report")
    message = str(result.error_in_exec)
    assert isinstance(result.error_in_exec, SynthnbError) and "no variable named 'adultz'" in message
    assert "did you mean 'adults'? (%synth fit adults)" in message and "adult_test" not in message
    assert "Traceback" not in cap.stdout + cap.stderr


@pytest.mark.parametrize("sub", ["report", "datasheet", "export"])
def test_a_misspelled_bound_name_gets_a_did_you_mean(ip, ns, sub):
    assert ip.run_cell("%synth fit df --rows 5 --as adult_syn --no-report").success
    with capture_output():
        result = ip.run_cell(f"%synth {sub} adult_sny" + (" --to out" if sub == "export" else ""))
    message = str(result.error_in_exec)
    assert isinstance(result.error_in_exec, SynthnbError), result.error_in_exec
    assert "'adult_sny' is not a synthetic table made by %synth fit" in message
    assert "did you mean 'adult_syn'?" in message
    with capture_output():
        result = ip.run_cell(f"%synth {sub} zzz" + (" --to out" if sub == "export" else ""))
    assert "did you mean" not in str(result.error_in_exec)  # nothing alike: no guess


@pytest.mark.parametrize(
    "line,needle",
    [
        ("%synth fit nope", "no variable named 'nope'"),
        ("%synth fit df --model xgan", "unknown model 'xgan'"),
        ("%synth fit df --rows 0", "rows must be at least 1"),
        ("%synth fit df --sensitive gender", "sensitive column 'gender'"),
        ("%synth fit df --as 2fast", "not a valid Python identifier"),
        ("%synth fit df --bogus", "unrecognized arguments: --bogus"),
        ("%synth fit", "required: df"),
        ("%synth fly df", "unknown subcommand 'fly'"),
        ("%synth fit 'df", "check the quotes"),
    ],
)
def test_user_errors_show_one_line_not_a_traceback(ip, ns, line, needle):
    with capture_output() as cap:
        result = ip.run_cell(line)
    assert isinstance(result.error_in_exec, SynthnbError)
    assert needle in str(result.error_in_exec)
    shown = cap.stdout + cap.stderr
    assert "SynthnbError" in shown and needle in shown
    assert "Traceback" not in shown and "sdv" not in shown
    assert len(shown.strip().splitlines()) == 1
