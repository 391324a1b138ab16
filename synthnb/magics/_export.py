"""``%synth export``: write data + datasheet + Croissant + PROV + signed manifest for a bound table."""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from synthnb.errors import SynthnbError

__all__ = ["execute", "export_command"]


@magic_arguments(name="synth export")
@argument("name", help="the synthetic table, as bound by %synth fit")
@argument("--to", dest="directory", required=True, help="folder to write into (new or empty)")
@argument("--datasheet", default=None, help="a hand-edited datasheet (.md) whose answers the export keeps")
@argument("--force", action="store_true", help="replace an earlier export in the same folder")
def export_command(line):
    """Export a synthetic table as CSV + Parquet with datasheet.md, croissant.json, prov.json and a signed manifest.

    Example: %synth export adult_syn --to exports/adult_syn
    """


command = export_command


def execute(magics, rest: str):
    """Call :func:`synthnb.export` on the bound run and show what was written."""
    from synthnb.magics._datasheet import read_text_file
    from synthnb.provenance.export import export

    try:
        args = parse_argstring(export_command, rest)
    except Exception as exc:
        raise SynthnbError(f"{exc}. Usage: %synth export NAME --to DIR [--datasheet FILE] [--force]") from None
    session = magics.session
    result = export(
        session.require_run(args.name),
        args.directory,
        session.latest_evaluation(args.name),
        name=args.name,
        datasheet=read_text_file(args.datasheet, "the datasheet"),
        overwrite=args.force,
    )
    print(result.message)
