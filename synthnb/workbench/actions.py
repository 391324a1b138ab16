"""What the Workbench's Fit, Evaluate and Export do, without the widget: defaults, ``%synth`` lines and cells.

Everything here is plain Python over a shell's :class:`synthnb.session.Session`; the panel
(:mod:`synthnb.workbench.panel`) only calls it and shows what it returns.
"""

from __future__ import annotations

from synthnb.errors import SynthnbError

__all__ = [
    "bound_table",
    "default_sensitive",
    "default_target",
    "export_line",
    "export_summary_key",
    "fit_line",
    "fit_summary_key",
    "put_cell",
    "put_fit_cells",
    "summary_source",
]


def default_sensitive(df, roles, target: str | None = None) -> list[str]:
    """The sensitive columns the Workbench ticks first: the same proposal ``evaluate`` makes without ``sensitive=``.

    Columns whose name says sex, gender, race, ethnicity or age group, with 2 to 10 groups, never the target
    or a direct identifier (rule: :mod:`synthnb.evaluation._context`). On Adult: race, sex.
    """
    from synthnb.evaluation._context import propose_sensitive

    direct = [str(r.column) for r in roles if r.role == "direct"]
    picked, _why = propose_sensitive(df, exclude=[*direct, *([target] if target else [])])
    return list(picked)


def default_target(df, roles) -> str | None:
    """The target the Workbench chooses first: the same proposal ``evaluate`` makes without ``target=``.

    The last column with two values, each on at least 5 % of the rows, that is no identifier, quasi-identifier
    or sensitive column (rule: :mod:`synthnb.evaluation._context`). On Adult: income.
    """
    from synthnb.evaluation._context import propose_sensitive, propose_target

    sensitive, _why = propose_sensitive(df)
    target, _why = propose_target(df, exclude=[*(str(r.column) for r in roles), *sensitive])
    return target


def fit_summary_key(name: str) -> str:
    return f"workbench-fit:{name}"


def export_summary_key(name: str) -> str:
    return f"workbench-export:{name}"


def fit_line(df_name: str, name: str, model: str, rows, seed: int, epochs, sensitive, target) -> str:
    """The ``%synth fit`` line that makes the same run (every choice written out, so %config changes nothing)."""
    parts = ["%synth fit", df_name, "--model", model, "--seed", str(seed), "--holdout", "0.2"]
    if rows is not None:
        parts += ["--rows", str(rows)]
    if epochs is not None:
        parts += ["--epochs", str(epochs)]
    if sensitive:
        parts += ["--sensitive", ",".join(sensitive)]
    if target:
        parts += ["--target", target]
    parts += ["--as", name]
    return " ".join(parts)


def export_line(name: str, path: str, allow_risk: str | None) -> str:
    """The ``%synth export`` line of an export (``--force``: Run All replaces the export it made before)."""
    path = str(path)
    if not path or any(ch.isspace() or ch in "'\"" for ch in path):
        # %synth's argument split keeps quotes, so such a folder cannot be written in the summary's line
        raise SynthnbError(f"export folder {path!r}: choose a folder name without spaces or quotes, e.g. exports/data.")
    line = f"%synth export {name} --to {path} --force"
    if allow_risk:
        # the magic strips one pair of surrounding quotes; inner double quotes would end the argument
        line += ' --allow-risk "{}"'.format(str(allow_risk).replace('"', "'"))
    return line


def summary_source(title: str, line: str) -> str:
    """A summary cell: a comment saying where it comes from, then the one ``%synth`` line."""
    return f"# {title} (written by the synthnb Workbench above; Run All re-creates it without clicks)\n{line}\n"


def put_cell(request, frontend: bool, *, show: bool, merge=None) -> None:
    """Upsert one keyed cell at a place chosen earlier (the panel's cell), not the executing cell's.

    *show*: also display the cell's bundle (only when a cell is running: a click has no output area).
    With the extension (*frontend*) the cell is added or updated; a cell a person edited stays as it is.
    """
    from synthnb.notebook._bundle import cell_bundle, display_id
    from synthnb.notebook.upsert import send_upsert

    if show:
        from IPython.display import display

        data, metadata = cell_bundle(request)
        display(data, raw=True, metadata=metadata, display_id=display_id(request.key))
    if frontend:
        send_upsert(request, merge=merge)


def put_fit_cells(session, name: str, df_name: str, anchor, frontend: bool, *, show: bool, summary: str | None):
    """The fit's cells below the panel: its summary (the ``%synth fit`` line), provenance; the datasheet at the end.

    The same keys and sources as ``%synth fit`` (:func:`synthnb.notebook.fit_cells.append_fit_cells`), so
    a Run All that re-runs the summary's ``%synth fit`` updates these cells instead of adding others.
    """
    from synthnb.notebook._cells import CellRequest
    from synthnb.notebook.fit_cells import _merger, datasheet_key, provenance_key
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.datasheet import render_datasheet
    from synthnb.session import RunCells

    run = session.require_run(name)
    session.set_cells(name, RunCells(anchor=anchor, frontend=frontend))
    if summary is not None:
        put_cell(CellRequest(fit_summary_key(name), summary, "code", anchor, "below_anchor"), frontend, show=show)
    provenance = CellRequest(
        provenance_key(name), provenance_cell_source(run, name, df_name), "code", anchor, "below_anchor"
    )
    put_cell(provenance, frontend, show=show)
    sheet = CellRequest(datasheet_key(name), render_datasheet(run, name, None), "markdown", anchor, "end")
    put_cell(sheet, frontend, show=show, merge=_merger(session, name, run))


def bound_table(shell, name: str):
    """What the notebook variable *name* holds now (the table an export writes), as ``%synth export`` reads it."""
    import pandas as pd

    value = shell.user_ns.get(name) if shell is not None else None
    if not isinstance(value, pd.DataFrame):
        raise SynthnbError(f"{name} holds no table now; fit again (Fit) so that {name} holds the synthetic table.")
    return value
