"""``%synth augment``: add synthetic rows of one group to a DataFrame, marked in a boolean column."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.errors import SynthnbError
from synthnb.magics._args import parse
from synthnb.spec import check_identifier

__all__ = ["augment_command", "execute", "parse_augment"]


@magic_arguments(name="synth augment")
@argument("df", help="name of the DataFrame in the notebook to augment")
@argument(
    "--group",
    "-g",
    required=True,
    metavar="COL=VALUE",
    help="the group to add rows of, as COLUMN=VALUE (e.g. race=Other)",
)
@argument("--rows", "-n", type=int, required=True, metavar="N", help="how many synthetic rows of the group to add")
@argument("--model", "-m", default=None, metavar="M", help="gaussian_copula (default), ctgan, tvae or copulagan")
@argument("--seed", "-s", type=int, default=None, metavar="S", help="seed for holdout, fit and sample (default 0)")
@argument("--epochs", "-e", type=int, default=None, metavar="N", help="training epochs for ctgan, tvae, copulagan")
@argument(
    "--target", default=None, metavar="COL", help="a column to predict: shows a model's metrics per group before/after"
)
@argument("--sensitive", default=None, metavar="COLS", help="comma-separated columns to break the metrics down by")
@argument("--as", dest="name", default=None, help="variable to bind the augmented table to (default DF_aug)")
def augment_command(line):
    """Add synthetic rows of one group; the column is_synthetic marks them.

    Example: %synth augment adult --group race=Other --rows 500 --target income --sensitive sex
    """


command = augment_command


def parse_augment(line: str):
    """Parse the text after ``%synth augment``; argparse problems become a SynthnbError."""
    args = parse(augment_command, line)
    check_identifier(args.df, "the DataFrame name")
    if args.name is not None:
        check_identifier(args.name, "--as")
    return args


def execute(magics, rest: str):
    """Run ``%synth augment``: bind the augmented table (real + marked synthetic rows) and return the result."""
    from synthnb.augment import augment
    from synthnb.generators import canonical_model

    args = parse_augment(rest)
    ns = magics.shell.user_ns
    if args.df not in ns:
        raise SynthnbError(f"no variable named {args.df!r} in the notebook; create the DataFrame first.")
    params = {} if args.epochs is None else {"epochs": args.epochs}
    result = augment(
        ns[args.df],
        args.group,
        args.rows,
        model=canonical_model(args.model or magics.model),
        seed=magics.seed if args.seed is None else args.seed,
        holdout=magics.holdout,
        target=args.target,
        sensitive=args.sensitive,
        **params,
    )
    # bound like a fit, so %synth export NAME writes the mix (gating only the marked rows) and %synth report NAME
    # judges the added rows
    magics.session.bind(args.name or f"{args.df}_aug", result, table=result.data)
    return result
