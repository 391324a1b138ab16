"""``synthnb materialize NOTEBOOK.ipynb``: the command-line face of :func:`synthnb.notebook.materialize`."""

from __future__ import annotations

__all__ = ["HELP", "add_arguments", "run"]

HELP = "turn synthnb's outputs in an executed notebook into its provenance and datasheet cells (idempotent)"


def add_arguments(parser) -> None:
    parser.add_argument("notebook", help="an executed .ipynb (e.g. by nbclient, nbval, papermill)")
    parser.add_argument("-o", "--output", default=None, help="write the result here instead of in place")


def run(args) -> int:
    from synthnb.notebook.materialize import materialize

    changes = materialize(args.notebook, args.output)
    for change in changes:
        print(change)
    if not changes:
        print(f"no synthnb outputs in {args.notebook}; run it first (e.g. jupyter execute {args.notebook}).")
    return 0
