"""``%synth datasheet``: render (or re-render, keeping a person's answers) the datasheet of a bound table."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.errors import SynthnbError
from synthnb.magics._args import parse

__all__ = ["datasheet_command", "execute", "read_text_file"]


@magic_arguments(name="synth datasheet")
@argument("name", help="the synthetic table, as bound by %synth fit")
@argument(
    "--from",
    dest="previous",
    default=None,
    help="a hand-edited datasheet (.md): its answers are kept, synthnb's blocks re-rendered",
)
def datasheet_command(line):
    """Show the Markdown datasheet (Gebru et al.) of a synthetic table, with prompts only a person can answer.

    Example: %synth datasheet adult_syn --from datasheet.md
    """


command = datasheet_command


def read_text_file(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise SynthnbError(f"cannot read {what} {path!r}: {exc.strerror}; check the path.") from None


def execute(magics, rest: str):
    """Re-render the datasheet: one line saying so, the text folded below it, and (with the extension) its cell.

    The cell keyed ``datasheet:NAME`` (written after the fit) is re-rendered from its current text, so
    a person's answers in it are kept.
    """
    from IPython.display import display

    from synthnb.notebook.fit_cells import datasheet_key
    from synthnb.notebook.upsert import upsert_cell
    from synthnb.provenance.datasheet import render_datasheet

    args = parse(datasheet_command, rest)
    session = magics.session
    run = session.require_run(args.name)
    previous = read_text_file(args.previous, "the datasheet")
    evaluation = session.latest_evaluation(args.name)
    text = render_datasheet(run, args.name, evaluation=evaluation, previous=previous)
    figures = (
        "with the latest evaluation's figures" if evaluation is not None else "(no evaluation yet: figures pending)"
    )
    kept = f"the answers of {args.previous}" if previous is not None else "your answers in its cell"
    display(
        {
            "text/plain": f"Re-rendered the datasheet of {args.name} {figures}, keeping {kept}: it is the "
            "Markdown cell at the end of the notebook, and folded below."
        },
        raw=True,
    )

    def merge(current: str) -> str:
        # with --from, the file is what the user asked to keep; otherwise the cell's own answers are
        return text if previous is not None else render_datasheet(run, args.name, evaluation, previous=current)

    # the text folded (the cell holds it whole): ~20,000 characters once more on the page helped no one
    upsert_cell(datasheet_key(args.name), text, "markdown", merge=merge, shell=magics.shell)
