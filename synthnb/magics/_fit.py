"""``%synth fit``: parse the line into a call of :func:`synthnb.fit`, bind the result, display."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.magics._args import parse, require_frame
from synthnb.spec import check_identifier, split_columns

__all__ = ["fit_command", "parse_fit"]


@magic_arguments(name="synth fit")
@argument("df", help="name of the DataFrame in the notebook to learn from")
@argument("--model", "-m", default=None, metavar="M", help="gaussian_copula (default), ctgan, tvae, copulagan or cart")
@argument("--rows", "-n", type=int, default=None, metavar="N", help="synthetic rows to sample (default: as many as DF)")
@argument("--seed", "-s", type=int, default=None, metavar="S", help="seed for holdout, fit and sample (default 0)")
@argument("--as", dest="name", default=None, help="variable to bind the synthetic table to (default DF_syn)")
@argument("--epochs", "-e", type=int, default=None, metavar="N", help="training epochs for ctgan, tvae, copulagan")
@argument(
    "--holdout",
    type=float,
    default=None,
    help="fraction of real rows kept out of fitting for honest evaluation (default 0.2; 0 = none)",
)
@argument("--sensitive", default=None, metavar="COLS", help="comma-separated sensitive columns, e.g. sex,race")
@argument("--target", default=None, metavar="COL", help="the column a downstream model would predict, e.g. income")
@argument(
    "--keep",
    default=None,
    help="comma-separated direct identifiers to learn from the real values instead of replacing them",
)
@argument(
    "--identifier",
    dest="identifiers",
    action="append",
    default=None,
    help="a column to treat as a direct identifier (replaced with fakes, or dropped if free text) whatever the "
    "detector found; repeat it or give a comma-separated list",
)
@argument(
    "--monitor-every",
    type=int,
    default=None,
    help="ctgan/tvae/copulagan: an interim fidelity score every N epochs (default: a tenth of the epochs)",
)
@argument("--monitor-rows", type=int, default=None, help="rows sampled for each interim score (default 1000)")
@argument(
    "--patience",
    type=int,
    default=None,
    help="stop training after N interim scores in a row without improvement (default: never stop early)",
)
@argument("--no-report", action="store_true", help="do not show the evaluation after fitting")
def fit_command(line):
    """Fit a generator on a DataFrame and bind a synthetic copy.

    Direct identifiers (names, e-mails, phones, addresses, record numbers, URLs, IP addresses, free
    text) are detected by content and shown before fitting; they are replaced with fake values (or
    dropped) unless named in --keep; --identifier COL declares a column one that the detector missed.

    Example: %synth fit adult --model ctgan --epochs 50 --sensitive sex,race --target income

    Any of --monitor-every, --monitor-rows, --patience watches a neural fit: the live view plots the interim
    scores next to the loss, and with --patience training stops early (e.g. --monitor-every 5 --patience 3).
    """


def parse_fit(line: str):
    """Parse the text after ``%synth fit``; argparse problems become a SynthnbError."""
    args = parse(fit_command, line)
    check_identifier(args.df, "the DataFrame name")
    if args.name is not None:
        check_identifier(args.name, "--as")
    return args


command = fit_command


def execute(magics, rest: str):
    """Run ``%synth fit``: look up the frame, call :func:`synthnb.fit`, bind and show the result."""
    from synthnb.api import fit
    from synthnb.generators import NEURAL_MODELS, canonical_model
    from synthnb.magics._progress_view import IdentifiersView, ProgressView
    from synthnb.session import rebind_note

    args = parse_fit(rest)
    ns = magics.shell.user_ns
    if args.df not in ns:
        require_frame(ns, args.df, "fit")
    name = args.name or f"{args.df}{magics.suffix}"
    model = canonical_model(args.model or magics.model)
    params = {}
    if args.epochs is not None:
        params["epochs"] = args.epochs
    elif magics.epochs is not None and model in NEURAL_MODELS:
        params["epochs"] = magics.epochs
    view = ProgressView(f"synthnb · fitting {model} on {args.df}") if magics.progress else IdentifiersView()
    run = fit(
        ns[args.df],
        model=model,
        rows=args.rows,
        seed=magics.seed if args.seed is None else args.seed,
        holdout=magics.holdout if args.holdout is None else args.holdout,
        sensitive=args.sensitive,
        target=args.target,
        keep=args.keep,
        identifiers=[c for item in args.identifiers for c in split_columns(item)] if args.identifiers else None,
        monitor_every=args.monitor_every,
        monitor_rows=args.monitor_rows,
        patience=args.patience,
        progress=view,
        **params,
    )
    # bound only once the run is whole: an interrupted fit (KeyboardInterrupt) leaves the old binding; the
    # notebook gets a copy, so edits there never change the table the Run (and its digest) describes
    previous = magics.session.bind(name, run)
    note = rebind_note(name, previous, run)
    if note:
        print(note)
    magics.after_fit(name, run, args)
