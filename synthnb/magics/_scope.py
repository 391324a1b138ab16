"""``%synth scope``: run the scope lab on a DataFrame, bind it, show it, leave one summary cell."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.magics._args import parse, require_frame
from synthnb.spec import check_identifier

__all__ = ["execute", "scope_command", "summary_key"]


@magic_arguments(name="synth scope")
@argument("df", help="name of the real DataFrame in the notebook")
@argument("--task", required=True, help="comma-separated columns the task needs, e.g. age,education")
@argument("--target", required=True, help="the column the task predicts, e.g. income")
@argument("--sensitive", default=None, help="comma-separated columns whose groups are compared (default: proposed)")
@argument("--known", default=None, help="comma-separated columns the attacker knows (default: the evaluation's rule)")
@argument("--model", "-m", default="cart", help="the generator of both releases (default cart)")
@argument("--seed", "-s", type=int, default=0, help="seed of the held-out rows and of both fits (default 0)")
@argument("--holdout", type=float, default=0.2, help="share of real rows held out and tested on (default 0.2)")
@argument("--tolerance", type=float, default=0.05, help="how much worse a whole-table figure may be (default 0.05)")
@argument("--epochs", "-e", type=int, default=None, help="training epochs for ctgan, tvae, copulagan")
@argument("--as", dest="name", default=None, help="variable to bind the lab to (default DF_scope)")
def scope_command(line):
    """Compare one release of the whole table with a task-only extract, on the task.

    Fits the same generator on the task's columns alone and on every column, evaluates both on the task's
    columns against the same held-out real rows with the same roles, and says whether this table supports one
    comprehensive release (every figure in the rule within the tolerance of the task-only release's).

    Example: %synth scope adult --task age,education,hours_per_week --target income --sensitive sex,race
    """


command = scope_command


def summary_key(name: str) -> str:
    return f"scope:{name}"


def execute(magics, rest: str):
    """Run the lab, bind it to NAME, display it and upsert its keyed summary cell below the executing cell."""
    from synthnb.labs.scope import scope_lab
    from synthnb.magics._display import show_lab

    args = parse(scope_command, rest)
    check_identifier(args.df, "the DataFrame name")
    name = check_identifier(args.name, "--as") if args.name else f"{args.df}_scope"
    ns = magics.shell.user_ns
    require_frame(ns, args.df, "scope")
    params = {} if args.epochs is None else {"epochs": args.epochs}
    lab = scope_lab(
        ns[args.df],
        task=args.task,
        target=args.target,
        model=args.model,
        sensitive=args.sensitive,
        seed=args.seed,
        holdout=args.holdout,
        quasi_identifiers=args.known,
        tolerance=args.tolerance,
        **params,
    )
    show_lab(magics, lab, name, summary_key(name), _equivalent_line(args, name, lab))


def _equivalent_line(args, name: str, lab) -> str:
    parts = [f"%synth scope {args.df}", "--task " + ",".join(lab.task), f"--target {lab.target}"]
    if lab.sensitive:
        parts.append("--sensitive " + ",".join(lab.sensitive))
    if args.known:
        parts.append("--known " + ",".join(lab.quasi_identifiers))
    parts += [f"--model {lab.model}", f"--seed {lab.seed}", f"--holdout {args.holdout:g}"]
    if lab.tolerance != 0.05:
        parts.append(f"--tolerance {lab.tolerance:g}")
    if args.epochs is not None:
        parts.append(f"--epochs {args.epochs}")
    if name != f"{args.df}_scope":
        parts.append(f"--as {name}")
    return " ".join(parts)
