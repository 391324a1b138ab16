"""``%synth workbench DF``: show the no-code Workbench panel for a DataFrame of the notebook."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.magics._args import parse, require_frame
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

    from synthnb.workbench import Workbench

    args = parse(workbench_command, rest)
    check_identifier(args.df, "the DataFrame name")
    if args.name is not None:
        check_identifier(args.name, "--as")
    ns = magics.shell.user_ns
    if args.df not in ns:
        require_frame(ns, args.df, "workbench")
    display(Workbench(ns[args.df], name=args.name or f"{args.df}{magics.suffix}", df_name=args.df))
