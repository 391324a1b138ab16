"""``%synth`` through a real IPython shell."""

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
