"""``%synth collapse``: run the model-collapse lab on a DataFrame, bind it, show it, leave one summary cell."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.errors import SynthnbError
from synthnb.magics._args import parse, require_frame
from synthnb.spec import check_identifier

__all__ = ["collapse_command", "execute", "summary_key"]


@magic_arguments(name="synth collapse")
@argument("df", help="name of the real DataFrame in the notebook")
@argument("--generations", "-g", type=int, default=5, help="refits after generation 0 (default 5)")
@argument(
    "--mix",
    default="0,0.1,0.5",
    help="comma-separated shares of fresh real rows in each refit (default 0,0.1,0.5)",
)
@argument(
    "--sensitive", default=None, metavar="COLS", help="comma-separated columns whose groups are followed, e.g. race"
)
@argument(
    "--rows",
    "-n",
    type=int,
    default=None,
    metavar="N",
    help="rows of the lab: a seeded subsample (default min(N, 5000))",
)
@argument("--seed", "-s", type=int, default=0, help="seed of the subsample, every fit and every draw (default 0)")
@argument(
    "--model", "-m", default="gaussian_copula", help="the generator (default gaussian_copula; neural ones are slow)"
)
@argument("--epochs", "-e", type=int, default=None, metavar="N", help="training epochs for ctgan, tvae, copulagan")
@argument("--as", dest="name", default=None, help="variable to bind the lab to (default DF_collapse)")
def collapse_command(line):
    """Refit a generator on its own output, generation after generation, and show what is lost.

    Generation 0 is fitted on the real rows; each refit takes round(f·N) fresh real rows and the rest from
    the previous generation, for each mix f. Shows fidelity, category and range coverage, variance and the
    smallest groups per generation, and leaves one summary cell below (updated, not duplicated, on a re-run).

    Example: %synth collapse adult --generations 5 --mix 0,0.1,0.5 --sensitive race
    """


command = collapse_command


def summary_key(name: str) -> str:
    return f"collapse:{name}"


def execute(magics, rest: str):
    """Run the lab, bind it to NAME, display it and upsert its keyed summary cell below the executing cell."""
    from synthnb.labs.collapse import collapse_lab
    from synthnb.magics._display import show_lab

    args = parse(collapse_command, rest)
    check_identifier(args.df, "the DataFrame name")
    name = check_identifier(args.name, "--as") if args.name else f"{args.df}_collapse"
    ns = magics.shell.user_ns
    require_frame(ns, args.df, "collapse")
    mixes = _mixes(args.mix)
    params = {} if args.epochs is None else {"epochs": args.epochs}
    progress = _LabProgress(args.df)
    lab = collapse_lab(
        ns[args.df],
        generations=args.generations,
        real_fraction=mixes,
        model=args.model,
        rows=args.rows,
        seed=args.seed,
        sensitive=args.sensitive,
        progress=progress,
        **params,
    )
    show_lab(magics, lab, name, summary_key(name), _equivalent_line(args, name, lab))


def _mixes(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise SynthnbError(
            f"--mix {text!r} is not a list of numbers; give shares of real rows from 0 to 1, e.g. --mix 0,0.1,0.5."
        ) from None


def _equivalent_line(args, name: str, lab) -> str:
    parts = [f"%synth collapse {args.df}", f"--generations {lab.generations}"]
    parts.append("--mix " + ",".join(f"{m:g}" for m in lab.real_fraction))
    if lab.sensitive:
        parts.append("--sensitive " + ",".join(lab.sensitive))
    parts += [f"--rows {lab.rows}", f"--seed {lab.seed}"]
    if lab.model != "gaussian_copula":
        parts.append(f"--model {lab.model}")
    if args.epochs is not None:
        parts.append(f"--epochs {args.epochs}")
    if name != f"{args.df}_collapse":
        parts.append(f"--as {name}")
    return " ".join(parts)


class _LabProgress:
    """One line, updated in place: how many of the lab's fits are done (its final text is deterministic)."""

    def __init__(self, df_name: str):
        self.title = f"synthnb · collapse lab on {df_name}"
        self.handle = None

    def __call__(self, event) -> None:
        from IPython.display import display

        text = f"{self.title}: {event.done} of {event.total} fits done"
        if event.done == event.total:
            text = f"{self.title}: all {event.total} fits done"
        elif event.message:
            text += f" ({event.message})"
        bundle = {"text/plain": text}
        if self.handle is None:
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)
