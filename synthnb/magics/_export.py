"""``%synth export``: write data + datasheet + Croissant + PROV + signed manifest for a bound table."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from synthnb.errors import SynthnbError
from synthnb.magics._args import parse

__all__ = ["execute", "export_command"]


@magic_arguments(name="synth export")
@argument("name", help="the synthetic table, as bound by %synth fit")
@argument("--to", dest="directory", required=True, help="folder to write into (new or empty)")
@argument("--datasheet", default=None, help="a hand-edited datasheet (.md) whose answers the export keeps")
@argument("--force", action="store_true", help="replace an earlier export in the same folder")
@argument(
    "--allow-risk",
    dest="allow_risk",
    default=None,
    metavar="REASON",
    help="export although the export gate found a privacy risk; the reason is recorded with the export",
)
@argument(
    "--with-model",
    dest="with_model",
    action="store_true",
    help="also export the fitted model (it passes the same gate; its sha256 is in the manifest)",
)
def export_command(line):
    """Export what NAME holds as CSV + Parquet with datasheet.md, croissant.json, prov.json and a signed manifest.

    The export gate checks the table's privacy figures first and refuses a table that reuses real
    values, copies training rows or carries a significant re-identification risk; --allow-risk "reason"
    exports anyway and records the reason. A table edited after %synth fit is exported as edited and
    recorded as derived from the generated one.

    Example: %synth export adult_syn --to exports/adult_syn
    """


command = export_command


def execute(magics, rest: str):
    """Call :func:`synthnb.export` on the bound run and show what was written."""
    from synthnb.magics._datasheet import read_text_file
    from synthnb.provenance.export import export

    args = parse(export_command, rest)
    session = magics.session
    run = session.require_run(args.name)
    table = _bound_table(magics, args.name)
    augmented = type(run).__name__ == "Augmented"  # %synth augment: the run knows which rows are synthetic
    if augmented and table is not run.data:
        raise SynthnbError(
            f"{args.name} no longer holds the table %synth augment bound (it marks which rows are synthetic); "
            f"re-run %synth augment ... --as {args.name}, or call synthnb.export on the edited table with "
            "synthetic_mask=... ."
        )
    result = export(
        run,
        args.directory,
        session.latest_evaluation(args.name),
        name=args.name,
        datasheet=read_text_file(args.datasheet, "the datasheet"),
        data=None if augmented else table,
        overwrite=args.force,
        allow_risk=_unquote(args.allow_risk),
        with_model=args.with_model,
        via="magic",
    )
    print(result.message)


def _bound_table(magics, name: str):
    """What the notebook variable *name* holds now: the table the export writes."""
    import pandas as pd

    value = magics.shell.user_ns.get(name)
    if not isinstance(value, pd.DataFrame):
        held = "nothing" if name not in magics.shell.user_ns else f"an object of type {type(value).__name__}"
        raise SynthnbError(
            f"{name} holds {held}, not a table; bind the table to export to {name} (or re-run "
            f"%synth fit ... --as {name}) and export again."
        )
    return value


def _unquote(text: str | None) -> str | None:
    """IPython's argument split keeps the quotes of ``--allow-risk "a reason"``; the reason is what is inside."""
    if text is not None and len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
