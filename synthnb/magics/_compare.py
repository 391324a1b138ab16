"""``%synth compare``: fit several generators on one table, bind every run and show the leaderboard."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.magics._args import parse, require_frame
from synthnb.spec import check_identifier

__all__ = ["compare_command", "execute", "summary_cell_source", "summary_key"]


@magic_arguments(name="synth compare")
@argument("df", help="name of the DataFrame in the notebook to learn from")
@argument(
    "--models",
    "-m",
    default=None,
    help="comma-separated generators, e.g. gaussian_copula,ctgan,tvae (default: every one synthnb has)",
)
@argument(
    "--rows",
    "-n",
    type=int,
    default=None,
    metavar="N",
    help="synthetic rows each model samples (default: as many as DF)",
)
@argument(
    "--seed", "-s", type=int, default=None, metavar="S", help="seed of every fit (default 0): the same holdout for all"
)
@argument("--epochs", "-e", type=int, default=None, metavar="N", help="training epochs of the neural models")
@argument("--holdout", type=float, default=None, help="fraction of real rows kept out of fitting (default 0.2)")
@argument("--sensitive", default=None, metavar="COLS", help="comma-separated sensitive columns, e.g. sex,race")
@argument("--target", default=None, metavar="COL", help="the column a downstream model would predict, e.g. income")
@argument("--jobs", "-j", type=int, default=None, help="fits run at once (default: one per model, up to the cores)")
def compare_command(line):
    """Fit several generators on a DataFrame, evaluate each, and show a sortable leaderboard.

    Every fit is bound as DF_MODEL (e.g. adult_ctgan), so the one you choose can be reported on
    (%synth report adult_ctgan) or exported (%synth export adult_ctgan --to DIR) without refitting.
    The fits run in parallel processes through joblib; under joblib.parallel_config(backend="dask")
    they run on a Dask cluster. One Markdown cell with the spec of every fit is added.

    Example: %synth compare adult --models gaussian_copula,ctgan,tvae --epochs 50 --sensitive sex,race --target income
    """


command = compare_command


def summary_key(df_name: str) -> str:
    return f"compare:{df_name}"


def execute(magics, rest: str):
    """Run ``%synth compare``: call :func:`synthnb.compare`, bind each run, append the summary cell, show."""
    from IPython.display import display

    from synthnb.comparison import compare
    from synthnb.magics._report import resolve_mode
    from synthnb.notebook._frontend import executing_cell_id
    from synthnb.notebook.upsert import upsert_cell
    from synthnb.session import EvaluationKey

    args = parse(compare_command, rest)
    check_identifier(args.df, "the DataFrame name")
    ns = magics.shell.user_ns
    if args.df not in ns:
        require_frame(ns, args.df, "compare")
    board = compare(
        ns[args.df],
        args.models,
        rows=args.rows,
        seed=magics.seed if args.seed is None else args.seed,
        holdout=magics.holdout if args.holdout is None else args.holdout,
        epochs=args.epochs if args.epochs is not None else magics.epochs,
        sensitive=args.sensitive,
        target=args.target,
        jobs=args.jobs,
        name=args.df,
    )
    session = magics.session
    for entry in board.entries:
        # the run and its evaluation, as a %synth fit + %synth report would leave them: report and export reuse both
        session.bind(entry.name, entry.run)
        session.store_evaluation(EvaluationKey(entry.name), entry.evaluation)
    if resolve_mode(magics.report_mode) == "live":
        display(board.widget())
    else:
        display({"text/html": board.to_html(), "text/plain": board.to_text()}, raw=True)
    upsert_cell(
        summary_key(args.df),
        summary_cell_source(board, args.df),
        "markdown",
        anchor=executing_cell_id(magics.shell),
        position="below_anchor",
        shell=magics.shell,
    )
    return None


def summary_cell_source(board, df_name: str) -> str:
    """The Markdown of the summary cell: every fit's spec as the call that makes it, and its table's digest."""
    lines = [
        f"### synthnb compare · {df_name}",
        "",
        f"{len(board.entries)} generators fitted on `{df_name}` ({board.jobs} at a time). Each is bound in this "
        "kernel under its name: `%synth report NAME` or `%synth export NAME --to DIR` uses it without refitting. "
        "The spec of every fit, as the call that re-creates it, and the sha256 of its synthetic table:",
        "",
        "```python",
    ]
    for entry in board.entries:
        spec = entry.run.spec
        kwargs = {
            "model": spec.model,
            "seed": spec.seed,
            "rows": spec.rows,
            "holdout": spec.holdout,
            "sensitive": list(spec.sensitive),
            "target": spec.target,
            **({"keep": list(spec.keep)} if spec.keep else {}),
            **({"identifiers": list(spec.identifiers)} if spec.identifiers else {}),
            **dict(sorted(spec.params.items())),
        }
        call = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        lines.append(f"{entry.name} = synthnb.fit({df_name}, {call}).synthetic  # sha256 {entry.run.synthetic_sha256}")
    lines += ["```", "", f"Trade-off: {board.tradeoff}"]
    return "\n".join(lines) + "\n"
