"""``%synth workbench DF``: show the no-code Workbench panel for a DataFrame of the notebook."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from synthnb.errors import SynthnbError
from synthnb.spec import check_identifier

__all__ = ["execute", "workbench_command"]


@magic_arguments(name="synth workbench")
@argument("df", help="name of the DataFrame in the notebook to work on")
@argument("--as", dest="name", default=None, help="variable to bind the synthetic table to (default DF_syn)")
def workbench_command(line):
    """Show the Workbench: a panel with controls and Fit, Evaluate and Export buttons, for work without code.

    Each click writes the equivalent %synth line into a summary cell below the panel, with the provenance
    and datasheet cells, so Run All after a restart re-creates the work without clicks. From code:
    wb = synthnb.Workbench(df); wb.fit(seed=1); wb.evaluate(); wb.export("exports/adult_syn").

    Example: %synth workbench adult --as adult_syn
    """


command = workbench_command


def execute(magics, rest: str):
    """Look up the frame and display its Workbench."""
    from IPython.display import display

    from synthnb.magics._fit import _frame_hint
    from synthnb.workbench import Workbench

    try:
        args = parse_argstring(workbench_command, rest)
    except Exception as exc:  # argparse reports bad flags through UsageError/SystemExit
        raise SynthnbError(f"{exc}. Usage: %synth workbench DF [--as NAME]") from None
    check_identifier(args.df, "the DataFrame name")
    if args.name is not None:
        check_identifier(args.name, "--as")
    ns = magics.shell.user_ns
    if args.df not in ns:
        raise SynthnbError(f"no variable named {args.df!r} in the notebook; {_frame_hint(args.df, ns)}")
    display(Workbench(ns[args.df], name=args.name or f"{args.df}{magics.suffix}", df_name=args.df))
