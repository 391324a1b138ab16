"""Turn the keyed-cell bundles in an executed notebook's outputs into the cells themselves.

For notebooks run where no front end could add cells (nbclient, nbval, papermill, VS Code): each
output carrying an ``application/vnd.synthnb.provenance+json`` payload becomes its keyed cell -- a code cell right below
the cell whose output holds it, a Markdown cell at the end -- exactly as the JupyterLab extension
would have placed it. Idempotent: a second run changes nothing. A cell whose source no longer has
the digest synthnb recorded was edited by a person and is never touched. Ownership follows the
extension's rule (widgets/labextension/src/protocol.json): a cell added here records its own id as
``cell_id``, and a cell whose id is not the ``cell_id`` it carries is a pasted copy, never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from synthnb.errors import SynthnbError
from synthnb.notebook._bundle import cell_payload
from synthnb.notebook._cells import CellRequest, cell_digest

__all__ = ["Change", "materialize", "materialize_notebook"]


@dataclass(frozen=True)
class Change:
    """What happened to one key: ``added``, ``updated``, ``unchanged`` or ``edited`` (left alone)."""

    key: str
    status: str
    index: int

    def __str__(self) -> str:
        what = {
            "added": "added",
            "updated": "updated",
            "unchanged": "unchanged (already current)",
            "edited": "left as a person edited it",
        }[self.status]
        return f"{self.key}: cell {self.index + 1} {what}"


def materialize(path, output=None) -> list[Change]:
    """Materialize the keyed cells of the notebook at *path*; write to *output* (default: in place).

    The file is rewritten only when a cell was added or updated.

    Parameters
    ----------
    path : str or pathlib.Path
        An executed ``.ipynb`` (its outputs hold synthnb's bundles).
    output : str or pathlib.Path, optional
        Where to write the result; default *path*.

    Returns
    -------
    list of Change
        One per key found, in notebook order.
    """
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise SynthnbError(f"no notebook at {str(path)!r}; give the path of an executed .ipynb file.")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several types for unreadable files
        raise SynthnbError(f"{str(path)!r} is not a readable notebook ({exc}); give an .ipynb file.") from None
    changes = materialize_notebook(nb)
    target = Path(output) if output is not None else path
    if target != path or any(c.status in ("added", "updated") for c in changes):
        nbformat.write(nb, target)
    return changes


def materialize_notebook(nb) -> list[Change]:
    """Materialize keyed cells in an in-memory ``nbformat`` notebook (modified in place)."""
    changes = []
    for request, anchor_cell in _requests(nb):
        changes.append(_upsert(nb, request, anchor_cell))
    return changes


def _requests(nb):
    """(request, cell holding it) for each bundle; the last output of a key wins (as in the notebook)."""
    found: dict[str, tuple[CellRequest, object]] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            payload = cell_payload(output)
            if payload is not None:
                found.pop(payload["key"], None)
                found[payload["key"]] = (CellRequest.from_payload(payload), cell)
    return list(found.values())


def _owner(cell) -> dict | None:
    """The ownership record of a cell synthnb made, or None (a person's cell, or a pasted copy of synthnb's)."""
    meta = cell.get("metadata", {}).get("synthnb")
    if not isinstance(meta, dict) or not isinstance(meta.get("key"), str):
        return None
    # a record without cell_id predates it: owned by key alone, as before
    return meta if "cell_id" not in meta or meta["cell_id"] == cell.get("id") else None


def _upsert(nb, request: CellRequest, anchor_cell) -> Change:
    import nbformat

    for index, cell in enumerate(nb.cells):
        owner = _owner(cell)
        if owner and owner["key"] == request.key:
            if cell.source == request.source:
                return Change(request.key, "unchanged", index)
            if cell_digest(cell.source) != owner.get("digest"):
                return Change(request.key, "edited", index)
            cell.source = request.source
            owner["digest"] = request.digest
            return Change(request.key, "updated", index)
    anchor_id = anchor_cell.get("id") or request.anchor
    meta = {"synthnb": {"key": request.key, "digest": request.digest, "anchor": anchor_id}}
    if request.cell_type == "markdown":
        new = nbformat.v4.new_markdown_cell(request.source, metadata=meta)
    else:
        new = nbformat.v4.new_code_cell(request.source, metadata=meta)
    if request.position == "end":
        index = len(nb.cells)
    else:
        index = next(i for i, c in enumerate(nb.cells) if c is anchor_cell) + 1
        while index < len(nb.cells) and (_owner(nb.cells[index]) or {}).get("anchor") == anchor_id:
            index += 1
    if "id" not in anchor_cell:
        new.pop("id", None)  # an nbformat < 4.5 notebook has no cell ids; keep it valid as it is
    else:
        new.metadata["synthnb"]["cell_id"] = new.id  # so a later copy of this cell is told from it
    nb.cells.insert(index, new)
    return Change(request.key, "added", index)
