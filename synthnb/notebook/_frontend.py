"""The kernel's side of the ``synthnb.cells`` comm: is a synthnb front end here, and talk to it.

Why no waiting for an acknowledgement: a comm reply reaches the kernel on the shell channel, which
it reads only after the running cell has finished -- and under "Run All" only after every queued
cell. Waiting inside the cell would therefore always time out (or need a re-entrant event loop, as
jupyter_ui_poll does, which ipykernel 7 no longer supports cleanly). Instead the JupyterLab /
Notebook 7 extension stamps each execute request of a notebook it serves with
``metadata.synthnb`` (see widgets/labextension/src/index.ts); the kernel reads that stamp from the
executing request's header, so it knows at once, per execution and per notebook, whether a front
end will act on its comm. Requests go out as the data of a comm *open* (delivered immediately on
IOPub); the front end acts on it and replies on that comm, and the reply is handled whenever the
kernel gets to it (after the cell), which is only needed to report and to merge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["TARGET", "executing_cell_id", "frontend_present", "open_request"]

TARGET = "synthnb.cells"


def _parent_metadata(shell) -> dict[str, Any]:
    header = getattr(shell, "parent_header", None) or {}
    metadata = header.get("metadata") if isinstance(header, dict) else None
    return metadata if isinstance(metadata, dict) else {}


def executing_cell_id(shell) -> str | None:
    """The id of the cell being executed, as JupyterLab/Notebook 7 send it (None elsewhere)."""
    cell_id = _parent_metadata(shell).get("cellId")
    return cell_id if isinstance(cell_id, str) and cell_id else None


def frontend_present(shell) -> bool:
    """True when the executing request came from a notebook served by synthnb's extension."""
    stamp = _parent_metadata(shell).get("synthnb")
    return isinstance(stamp, dict) and stamp.get("target") == TARGET


def open_request(message: dict[str, Any], on_reply: Callable[[dict[str, Any]], None]) -> None:
    """Send *message* as the data of a new ``synthnb.cells`` comm; *on_reply* gets the front end's answer."""
    from comm import create_comm

    comm = create_comm(target_name=TARGET, data=message)

    def _handle(msg):
        data = msg.get("content", {}).get("data", {})
        if isinstance(data, dict):
            on_reply(data)

    comm.on_msg(_handle)
