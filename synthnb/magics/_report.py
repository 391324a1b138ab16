"""``%synth report NAME``: evaluate a bound synthetic table and show the dashboard (or its static twin)."""

from __future__ import annotations

import os

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.evaluation._registry import section_names
from synthnb.magics._args import parse
from synthnb.spec import check_identifier

__all__ = ["parse_report", "report_command", "report_evaluation", "resolve_mode", "show_report"]


@magic_arguments(name="synth report")
@argument("name", help="the synthetic table bound by %synth fit (e.g. adult_syn)")
@argument("--sensitive", default=None, metavar="COLS", help="comma-separated sensitive columns (default: the fit's)")
@argument("--target", default=None, metavar="COL", help="the column a model predicts (default: the fit's)")
@argument(
    "--known",
    default=None,
    help="comma-separated columns an attacker knows (default: sensitive and demographic columns)",
)
@argument("--sections", default=None, help=f"comma-separated subset of {','.join(section_names())}")
@argument(
    "--mode",
    default=None,
    choices=["auto", "live", "static"],
    help="live widget or static output (default: %%config SynthMagics.report_mode)",
)
@argument("--as", dest="bind", default=None, help="also bind the Evaluation to this variable")
@argument("--html", default=None, help="write the standalone HTML report to this path")
@argument("--json", default=None, help="write the evaluation as JSON to this path")
@argument("--md", default=None, help="write the evaluation as Markdown to this path")
@argument("--quiet", action="store_true", help="show nothing: only write the files asked for and bind --as")
def report_command(line):
    """Evaluate a synthetic table (fidelity, utility, privacy, fairness) and show the dashboard.

    Example: %synth report adult_syn --sensitive sex,race --target income --html report.html
    """


command = report_command


def parse_report(line: str):
    """Parse the text after ``%synth report``; argparse problems become a SynthnbError."""
    args = parse(report_command, line)
    check_identifier(args.name, "the synthetic table's name")
    if args.bind is not None:
        check_identifier(args.bind, "--as")
    return args


def resolve_mode(mode: str) -> str:
    """'auto' means live when a Jupyter server started the kernel (it sets JPY_SESSION_NAME), else static."""
    if mode == "auto":
        return "live" if os.environ.get("JPY_SESSION_NAME") else "static"
    return mode


def report_evaluation(session, name: str, sensitive=None, target=None, known=None, sections=None):
    """The Evaluation of the run bound to *name* for these options, made once per run and reused.

    Cached in the kernel's :class:`synthnb.session.Session`, which drops it when *name* is fitted again.
    """
    from synthnb.evaluation import evaluate
    from synthnb.session import EvaluationKey

    run = session.require_run(name)
    if type(run).__name__ == "Augmented":  # %synth augment: judge the added rows, not the real ones
        run = run.synthetic_run
    key = EvaluationKey(name, sensitive=sensitive, target=target, known=known, sections=sections)
    ev = session.evaluation(key)
    if ev is None:
        ev = evaluate(
            run,
            sensitive=sensitive,
            target=target,
            quasi_identifiers=known,
            sections=None if sections is None else sections.split(","),
            lazy=True,
            name=name,
            cache=session.real_cache,
        )
        session.store_evaluation(key, ev)
    return ev


def show_report(session, name: str, mode: str, *, datasheet: bool = True, **options):
    """Evaluate the run bound to *name* and display it (*mode*: auto, live or static).

    With *datasheet*, the fit's datasheet (cell and output) takes the evaluation's figures once every
    section is computed: before this returns when static, from the background thread when live --
    unless *name* was fitted again meanwhile.
    """
    from synthnb.dashboard.live import show

    run = session.require_run(name)
    ev = report_evaluation(session, name, **options)
    on_done = None
    if datasheet:

        def on_done(evaluation):
            from synthnb.notebook.fit_cells import update_datasheet

            if session.cells(name, run) is not None:
                update_datasheet(session, name, evaluation)

    show(ev, mode=resolve_mode(mode), on_done=on_done)
    return ev


def execute(magics, rest: str):
    """Run ``%synth report``."""
    args = parse_report(rest)
    session = magics.session
    session.require_run(args.name)
    options = dict(sensitive=args.sensitive, target=args.target, known=args.known, sections=args.sections)
    if args.quiet:
        ev = report_evaluation(session, args.name, **options)
    else:
        ev = show_report(session, args.name, args.mode or magics.report_mode, **options)
    written = []
    for path, method, what in (
        (args.html, ev.to_html, "the HTML report (open it in a browser)"),
        (args.json, ev.to_json, "the figures as JSON"),
        (args.md, ev.to_markdown, "the report as Markdown"),
    ):
        if path:
            method(path)
            written.append(f"Wrote {what} to {os.path.abspath(path)}")
    if written:
        print("\n".join(written))
    if args.bind:
        magics.shell.user_ns[args.bind] = ev
