"""The cells a ``%synth fit`` leaves in the notebook: provenance below the fit, datasheet at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["append_fit_cells", "datasheet_key", "has_fit_cells", "provenance_key", "update_datasheet"]


def provenance_key(name: str) -> str:
    return f"provenance:{name}"


def datasheet_key(name: str) -> str:
    return f"datasheet:{name}"


@dataclass
class _FitCells:
    """What a later datasheet update needs to reach the same notebook cells as the fit did."""

    run: Any
    anchor: str | None
    frontend: bool
    evaluation: Any = field(default=None)


#: (id of the shell, synthetic table name) -> the fit's cells; one kernel serves one notebook
_FITS: dict[tuple[int, str], _FitCells] = {}


def append_fit_cells(magics, name: str, run, df_name: str, evaluation=None) -> None:
    """Upsert ``provenance:NAME`` below the executing cell and ``datasheet:NAME`` at the end.

    Parameters
    ----------
    magics : synthnb.magics.SynthMagics
        The magics that ran the fit (their shell is the notebook's kernel).
    name : str
        Variable bound to the synthetic table.
    run : synthnb.Run
    df_name : str
        Variable holding the source table.
    evaluation : optional
        An evaluation already computed, for the datasheet's figures.
    """
    from synthnb.notebook._frontend import executing_cell_id, frontend_present
    from synthnb.notebook.upsert import upsert_cell
    from synthnb.provenance.cell import provenance_cell_source
    from synthnb.provenance.datasheet import render_datasheet

    shell = magics.shell
    anchor = executing_cell_id(shell)
    fit = _FitCells(run=run, anchor=anchor, frontend=frontend_present(shell), evaluation=evaluation)
    _FITS[(id(shell), name)] = fit
    upsert_cell(provenance_key(name), provenance_cell_source(run, name, df_name), "code", anchor=anchor,
                position="below_anchor", shell=shell)
    upsert_cell(datasheet_key(name), render_datasheet(run, name, evaluation), "markdown", anchor=anchor,
                position="end", merge=_merger(fit, name), shell=shell)


def has_fit_cells(magics_or_shell, name: str, run=None) -> bool:
    """True when a ``%synth fit`` in this kernel appended cells for *name* (for *run*, when given)."""
    shell = getattr(magics_or_shell, "shell", None) or magics_or_shell
    fit = _FITS.get((id(shell), name))
    return fit is not None and (run is None or fit.run is run)


def update_datasheet(magics_or_shell, name: str, evaluation) -> None:
    """Re-render ``datasheet:NAME`` with *evaluation*'s figures, after the fit cell has returned.

    Updates the fit cell's datasheet output in place (display id) and, where the extension served
    the fit, the datasheet cell at the end of the notebook (keeping a person's answers). For the
    dashboard, which may finish evaluating after the ``%synth fit`` cell returned.

    Parameters
    ----------
    magics_or_shell : SynthMagics or InteractiveShell
    name : str
        The synthetic table's name, as bound by ``%synth fit``.
    evaluation : synthnb evaluation
    """
    from IPython.display import update_display

    from synthnb.notebook._bundle import cell_bundle, display_id
    from synthnb.notebook._cells import CellRequest
    from synthnb.notebook.upsert import send_upsert
    from synthnb.provenance.datasheet import render_datasheet

    shell = getattr(magics_or_shell, "shell", None) or magics_or_shell
    fit = _FITS.get((id(shell), name))
    if fit is None:
        raise SynthnbError(f"no %synth fit bound {name!r} in this kernel; run the fit first.")
    if fit.evaluation is evaluation:  # already written with these figures: nothing to change
        return
    fit.evaluation = evaluation
    request = CellRequest(datasheet_key(name), render_datasheet(fit.run, name, evaluation), "markdown",
                          fit.anchor, "end")
    data, metadata = cell_bundle(request)
    update_display(data, raw=True, metadata=metadata, display_id=display_id(request.key))
    if fit.frontend:
        send_upsert(request, merge=_merger(fit, name))


def _merger(fit: _FitCells, name: str):
    from synthnb.provenance.datasheet import render_datasheet

    # read fit.evaluation when the front end answers, so a newer evaluation is never overwritten
    return lambda previous: render_datasheet(fit.run, name, fit.evaluation, previous=previous)
