"""``upsert_cell``: put one keyed cell into the notebook that is running the code, or fall back."""

from __future__ import annotations

from collections.abc import Callable

from synthnb.errors import SynthnbError
from synthnb.notebook._bundle import cell_bundle, display_id
from synthnb.notebook._cells import CellRequest
from synthnb.notebook._frontend import executing_cell_id, frontend_present, open_request

__all__ = ["upsert_cell"]

#: reply status from the front end -> what the user is told, one form throughout: "cell <what happened>"
_REPORTS = {
    "added": "cell added",
    "updated": "cell updated",
    "unchanged": "cell unchanged (already current)",
    "merged": "cell updated; your answers kept",
    "edited": "cell left as you edited it (delete it, or remove its metadata.synthnb, to get synthnb's version again)",
    "conflict": "cell left as it is: it changed while synthnb merged it; run this cell again",
    "missing": "cell not re-added: it was deleted from the notebook; run the cell that makes it to get it back",
}
#: shown until the front end answers
_WAITING = "waiting for the notebook"


def upsert_cell(
    key: str,
    source: str,
    cell_type: str = "code",
    anchor: str | None = None,
    position: str | None = None,
    *,
    merge: Callable[[str], str] | None = None,
    shell=None,
    show: bool = True,
) -> str:
    """Add or update the cell keyed *key* in the notebook whose kernel runs this code.

    Always shows an output bundle (collapsed Markdown, plus an ``application/vnd.synthnb.provenance+json``
    payload in the output's metadata), so a saved or headless notebook keeps the
    cell's text and ``synthnb materialize`` can turn it into the cell later. Then, when synthnb's
    JupyterLab / Notebook 7 extension serves this notebook, asks it to add or update the cell; a
    cell a person has edited since synthnb wrote it is left alone, and a short note under the
    bundle says so. Without the extension, a code cell is offered through IPython's
    ``set_next_input`` (one per execution; JupyterLab without the extension and classic Notebook
    insert it below) and a Markdown cell stays as the displayed bundle.

    Parameters
    ----------
    key : str
        Identifies the cell across runs, e.g. ``"provenance:adult_syn"``; re-running updates it.
    source : str
        The cell's text.
    cell_type : {"code", "markdown"}
    anchor : str, optional
        Id of the cell to place it below; default: the executing cell.
    position : {"below_anchor", "end"}, optional
        Default ``"below_anchor"`` for code cells and ``"end"`` for Markdown cells.
    merge : callable, optional
        ``merge(current_text) -> text``: when the cell exists and differs, the front end sends its
        current (possibly human-edited) text, and the cell becomes ``merge(current_text)`` -- how
        the datasheet keeps a person's answers while synthnb rewrites its own sections.
    shell : IPython.core.interactiveshell.InteractiveShell, optional
        Default: the running one.
    show : bool
        Display the bundle (False when an earlier display is updated instead).

    Returns
    -------
    str
        ``"frontend"`` when the extension was asked, ``"fallback"`` otherwise.
    """
    shell = shell or _running_shell()
    if position is None:
        position = "end" if cell_type == "markdown" else "below_anchor"
    request = CellRequest(key, source, cell_type, anchor or executing_cell_id(shell), position)
    if show:
        from IPython.display import display

        data, metadata = cell_bundle(request)
        display(data, raw=True, metadata=metadata, display_id=display_id(key))
    if frontend_present(shell):
        send_upsert(request, merge=merge, report=_Report(key))
        return "frontend"
    if cell_type == "code" and hasattr(shell, "kernel"):
        # only a kernel has front ends that read payloads; a terminal would pre-fill its prompt with it
        shell.set_next_input(source, replace=False)
    return "fallback"


def send_upsert(
    request: CellRequest, merge: Callable[[str], str] | None = None, report=None, *, update_only: bool = False
) -> None:
    """Ask the front end to upsert *request*; a ``merge`` reply is merged and sent back once.

    *update_only*: only change the cell if the notebook still has it (never insert a deleted one).
    """

    def on_reply(reply: dict) -> None:
        status = reply.get("status")
        if status == "merge" and merge is not None and isinstance(reply.get("source"), str):
            merged = CellRequest(
                request.key, merge(reply["source"]), request.cell_type, request.anchor, request.position
            )
            open_request(merged.upsert_message(base_digest=reply.get("digest")), on_merged)
        elif report is not None:
            report(status, reply)

    def on_merged(reply: dict) -> None:
        if report is not None:
            status = reply.get("status")
            report("merged" if status in ("updated", "unchanged") else status, reply)

    open_request(request.upsert_message(merge=merge is not None, update_only=update_only), on_reply)


class _Report:
    """A one-line note under the bundle, shown when sent and updated when the front end answers."""

    def __init__(self, key: str):
        from IPython.display import display

        self.key = key
        self.display_id = f"synthnb-status-{key}"
        display({"text/plain": f"synthnb · {key}: {_WAITING}"}, raw=True, display_id=self.display_id)

    def __call__(self, status, reply: dict) -> None:
        from IPython.display import update_display

        text = _REPORTS.get(status) or f"the notebook answered {status!r}: {reply.get('message', '')}".strip()
        update_display({"text/plain": f"synthnb · {self.key}: {text}"}, raw=True, display_id=self.display_id)


def _running_shell():
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise SynthnbError(
            "synthnb.notebook.upsert_cell needs a running IPython kernel (a notebook); outside one, keep the "
            "text yourself or run `synthnb materialize NOTEBOOK.ipynb` on an executed notebook."
        )
    return shell
