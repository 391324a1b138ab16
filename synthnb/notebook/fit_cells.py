"""The cells a ``%synth fit`` leaves in the notebook: provenance below the fit, datasheet at the end."""

from __future__ import annotations

from synthnb.errors import SynthnbError

__all__ = ["append_fit_cells", "datasheet_key", "has_fit_cells", "provenance_key", "update_datasheet"]


def provenance_key(name: str) -> str:
    return f"provenance:{name}"


def datasheet_key(name: str) -> str:
    return f"datasheet:{name}"


def _session(session_or_shell):
    """The session itself, or the session of a shell (or of the magics holding one)."""
    from synthnb.session import Session, session_for

    return session_or_shell if isinstance(session_or_shell, Session) else session_for(session_or_shell)


def append_fit_cells(session, name: str, df_name: str, evaluation=None) -> None:
    """Upsert ``provenance:NAME`` below the executing cell and ``datasheet:NAME`` at the end.

    Where they go (the fit cell's id, whether the extension serves the notebook) is recorded in the
    session, so a later :func:`update_datasheet` reaches the same cells.

    Parameters
    ----------
    session : synthnb.session.Session
        The kernel's session; *name* is bound in it to the run just fitted.
    name : str
        Variable bound to the synthetic table.
    df_name : str
        Variable holding the source table.
    evaluation : optional
        An evaluation already computed, for the datasheet's figures.
    """
    from synthnb.notebook._frontend import executing_cell_id, frontend_present
    from synthnb.notebook.upsert import upsert_cell
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.datasheet import render_datasheet
    from synthnb.session import RunCells

    shell = session.shell
    run = session.require_run(name)
    anchor = executing_cell_id(shell)
    session.set_cells(name, RunCells(anchor=anchor, frontend=frontend_present(shell), datasheet_evaluation=evaluation))
    upsert_cell(
        provenance_key(name),
        provenance_cell_source(run, name, df_name),
        "code",
        anchor=anchor,
        position="below_anchor",
        shell=shell,
    )
    upsert_cell(
        datasheet_key(name),
        render_datasheet(run, name, evaluation),
        "markdown",
        anchor=anchor,
        position="end",
        merge=_merger(session, name, run),
        shell=shell,
    )


def has_fit_cells(session_or_shell, name: str, run=None) -> bool:
    """True when a ``%synth fit`` in this kernel appended cells for *name* (for *run*, when given)."""
    return _session(session_or_shell).cells(name, run) is not None


def update_datasheet(session_or_shell, name: str, evaluation) -> None:
    """Re-render ``datasheet:NAME`` with *evaluation*'s figures, after the fit cell has returned.

    Updates the fit cell's datasheet output in place (display id) and, where the extension served
    the fit, the datasheet cell at the end of the notebook (keeping a person's answers). For the
    dashboard, which may finish evaluating after the ``%synth fit`` cell returned.

    Parameters
    ----------
    session_or_shell : Session, InteractiveShell or SynthMagics
    name : str
        The synthetic table's name, as bound by ``%synth fit``.
    evaluation : synthnb evaluation
    """
    from IPython.display import update_display

    from synthnb.notebook._bundle import cell_bundle, display_id
    from synthnb.notebook._cells import CellRequest
    from synthnb.notebook.upsert import send_upsert
    from synthnb.provenance.datasheet import render_datasheet

    session = _session(session_or_shell)
    run, cells = session.run(name), session.cells(name)
    if run is None or cells is None:
        raise SynthnbError(f"no %synth fit bound {name!r} in this kernel; run the fit first.")
    if cells.datasheet_evaluation is evaluation:  # already written with these figures: nothing to change
        return
    cells.datasheet_evaluation = evaluation
    request = CellRequest(datasheet_key(name), render_datasheet(run, name, evaluation), "markdown", cells.anchor, "end")
    data, metadata = cell_bundle(request)
    update_display(data, raw=True, metadata=metadata, display_id=display_id(request.key))
    if cells.frontend:  # figures that arrived after the fit: a datasheet cell the person deleted stays deleted
        send_upsert(request, merge=_merger(session, name, run), update_only=True)


def _merger(session, name: str, run):
    from synthnb.provenance.datasheet import render_datasheet

    def merge(previous: str) -> str:
        # read the session when the front end answers, so newer figures are never overwritten, and a
        # run fitted over since (its reply comes after the cell, under Run All after every cell) writes nothing
        cells = session.cells(name, run)
        if cells is None:
            return previous
        return render_datasheet(run, name, cells.datasheet_evaluation, previous=previous)

    return merge
