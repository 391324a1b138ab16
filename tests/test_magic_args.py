"""Every ``%synth`` subcommand reads its options one way (synthnb/magics/_args.py), through a real IPython shell."""

import importlib

import pytest
from IPython.utils.capture import capture_output

from synthnb import SynthnbError
from synthnb.magics import _SUBCOMMANDS
from synthnb.magics._args import usage


@pytest.mark.parametrize(
    "line,hint",
    [
        ("fit df --sensitve sex", "Did you mean --sensitive (not --sensitve)?"),
        ("fit df --modle cart", "Did you mean --model (not --modle)?"),
        ("fit df --holdot 0.1", "Did you mean --holdout (not --holdot)?"),
        ("export df_syn --to out --forse", "Did you mean --force (not --forse)?"),
        ("report df_syn --sectons fidelity", "Did you mean --sections (not --sectons)?"),
    ],
)
def test_a_misspelt_option_gets_did_you_mean_and_the_whole_usage(ip, adult_small, line, hint):
    ip.user_ns["df"] = adult_small
    sub = line.split()[0]
    with capture_output() as cap:
        result = ip.run_cell(f"%synth {line}")
    error = result.error_in_exec
    assert isinstance(error, SynthnbError)
    assert hint in str(error)
    assert "unrecognized arguments" in str(error)
    # the usage is generated from the parser, so every option the subcommand has is in it
    command = importlib.import_module(_SUBCOMMANDS[sub]).command
    for action in command.parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in str(error), flag
    assert len((cap.stdout + cap.stderr).strip().splitlines()) == 1  # one line, no traceback


def test_nothing_alike_gets_no_guess(ip, adult_small):
    ip.user_ns["df"] = adult_small
    result = ip.run_cell("%synth fit df --zzzzzz 1")
    assert "unrecognized arguments: --zzzzzz" in str(result.error_in_exec)
    assert "Did you mean" not in str(result.error_in_exec)


@pytest.mark.parametrize("sub", list(_SUBCOMMANDS))
def test_every_usage_names_its_arguments_first_and_all_its_options(sub):
    command = importlib.import_module(_SUBCOMMANDS[sub]).command
    text = usage(command)
    assert text.startswith(f"usage: %synth {sub} ")
    positionals = [a for a in command.parser._actions if not a.option_strings]
    words = text.split()[3:]
    assert words[: len(positionals)] == [(a.metavar or a.dest).upper() for a in positionals]
    for action in command.parser._actions:
        long = [f for f in action.option_strings if f.startswith("--") and f != "--help"]
        if long:
            assert long[0] in text


def test_a_missing_required_option_is_named_with_the_usage(ip):
    result = ip.run_cell("%synth export df_syn")
    message = str(result.error_in_exec)
    assert "required: --to" in message and "Usage: %synth export NAME --to DIRECTORY" in message


def test_a_one_row_table_is_not_told_to_use_holdout_zero(ip, adult_small):
    ip.user_ns["one"] = adult_small.head(1)
    for line in ("%synth fit one --model cart", "%synth fit one --model cart --holdout 0"):
        message = str(ip.run_cell(line).error_in_exec)
        assert "1 row(s); a generator needs at least 2 rows" in message
        assert "holdout=0" not in message
    ip.user_ns["three"] = adult_small.head(3)
    message = str(ip.run_cell("%synth fit three --model cart --holdout 0.5").error_in_exec)
    assert "leaves only 1 of 3 rows" in message and "--holdout 0" in message


def test_report_says_where_it_wrote_each_file(ip, adult_small, tmp_path):
    ip.user_ns["df"] = adult_small
    assert ip.run_cell("%synth fit df --model cart --no-report").success
    html, md = tmp_path / "report.html", tmp_path / "report.md"
    with capture_output() as cap:
        result = ip.run_cell(f"%synth report df_syn --mode static --sections fidelity --quiet --html {html} --md {md}")
    assert result.success, result.error_in_exec
    assert f"Wrote the HTML report (open it in a browser) to {html}" in cap.stdout
    assert f"Wrote the report as Markdown to {md}" in cap.stdout
    assert html.stat().st_size > 0 and md.stat().st_size > 0


def test_rebinding_a_name_says_which_fit_it_held_and_run_all_says_nothing(ip, adult_small):
    ip.user_ns["df"] = adult_small.head(400)
    with capture_output() as cap:
        assert ip.run_cell("%synth fit df --model cart --as a --no-report").success
    assert "held another fit" not in cap.stdout
    with capture_output() as cap:  # Run All: the same fit again
        assert ip.run_cell("%synth fit df --model cart --as a --no-report").success
    assert "held another fit" not in cap.stdout
    first = ip.user_ns["a"]
    from synthnb.fingerprint import frame_digest

    with capture_output() as cap:
        assert ip.run_cell("%synth fit df --model cart --seed 1 --sensitive sex --as a --no-report").success
    assert f"Note: a held another fit (cart, seed 0; table sha256 {frame_digest(first)[:12]}…)" in cap.stdout
    assert "now holds this one (cart, seed 1, sensitive sex)" in cap.stdout


def test_the_workbench_never_takes_a_name_the_notebook_bound(ip, adult_small):
    import synthnb

    ip.user_ns["df"] = adult_small.head(300)
    assert synthnb.Workbench(ip.user_ns["df"], df_name="df").name == "df_syn"  # nothing bound: the magic's name
    ip.user_ns["tbl"] = adult_small.head(300)
    assert ip.run_cell("%synth fit tbl --model cart --no-report").success  # binds tbl_syn
    wb = synthnb.Workbench(ip.user_ns["tbl"], df_name="tbl")
    assert wb.name == "tbl_wb"
    assert synthnb.Workbench(ip.user_ns["tbl"], df_name="tbl").name == "tbl_wb"  # its cell re-run: same name
    assert synthnb.Workbench(ip.user_ns["tbl"], df_name="tbl", name="tbl_syn").name == "tbl_syn"  # asked for


def test_profile_is_one_line_and_kept_as_a_file_beside_the_notebook(ip, adult_small, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the kernel's folder is the notebook's
    ip.user_ns["df"] = adult_small.head(300)
    assert ip.run_cell("%synth fit df --model cart --no-report").success
    with capture_output() as cap:
        result = ip.run_cell("%synth profile df_syn --height 500")
    assert result.success, result.error_in_exec
    page = tmp_path / "df_syn-profile.html"
    assert page.stat().st_size > 100_000  # the whole ydata-profiling report is in the file ...
    (shown,) = [o.data for o in cap.outputs if "text/html" in o.data]
    assert len(shown["text/html"]) < 2_000  # ... and only a frame of it in the notebook
    assert 'iframe src="df_syn-profile.html"' in shown["text/html"] and "height: 500px" in shown["text/html"]
    assert 'href="df_syn-profile.html"' in shown["text/html"]
    assert f"is in {page}" in shown["text/plain"]
    assert "ydata-profiling" in page.read_text(encoding="utf-8") or "Pandas Profiling" in page.read_text("utf-8")
    bad = ip.run_cell("%synth profile df_syn --height 10")
    assert "too small" in str(bad.error_in_exec)


def test_the_workbench_notes_another_fit_it_replaces_not_its_own(ip, adult_small):
    import synthnb

    ip.user_ns["df"] = adult_small.head(300)
    wb = synthnb.Workbench(ip.user_ns["df"], df_name="df", name="shared")
    wb.fit(model="cart", seed=1)
    wb.fit(model="cart", seed=2)  # its own name, its own earlier fit: nothing to say
    assert "held another fit" not in wb.view.summary_html
    assert ip.run_cell("%synth fit df --model cart --seed 5 --as shared --no-report").success
    wb.fit(model="cart", seed=3)  # a %synth fit took the name meanwhile: say which fit it held
    assert "Note: shared held another fit (cart, seed 5" in wb.view.summary_html
