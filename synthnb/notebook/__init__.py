"""The notebook side of synthnb: keyed cells that the kernel adds or updates, and their fallbacks.

- :func:`upsert_cell` -- put one keyed cell into the notebook running the code (through the
  JupyterLab / Notebook 7 extension in ``widgets/labextension``), always leaving a deterministic
  output bundle behind; without the extension, IPython's ``set_next_input`` and the bundle.
- :func:`append_fit_cells` / :func:`update_datasheet` -- the provenance and datasheet cells of a fit; where
  they go is kept in the kernel's :class:`synthnb.session.Session`, not here.
- :func:`materialize` -- turn the bundles of an executed notebook (nbclient, nbval, VS Code) into
  the same keyed cells; what ``synthnb materialize NOTEBOOK.ipynb`` runs.

Only the magics (and later the Workbench widgets) call these; the Python API never touches the notebook.
"""

from __future__ import annotations

from synthnb.notebook._cells import PAYLOAD_MIME, CellRequest, cell_digest
from synthnb.notebook.fit_cells import append_fit_cells, datasheet_key, provenance_key, update_datasheet
from synthnb.notebook.materialize import materialize
from synthnb.notebook.upsert import upsert_cell

__all__ = [
    "PAYLOAD_MIME",
    "CellRequest",
    "append_fit_cells",
    "cell_digest",
    "datasheet_key",
    "materialize",
    "provenance_key",
    "update_datasheet",
    "upsert_cell",
]
