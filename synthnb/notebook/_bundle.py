"""The deterministic output bundle a keyed cell always leaves behind (shown, saved, read by materialize)."""

from __future__ import annotations

from synthnb.notebook._cells import PAYLOAD_MIME, CellRequest

__all__ = ["cell_bundle", "cell_payload", "display_id"]


def display_id(key: str) -> str:
    """The display id of a key's bundle, so a later update (e.g. the evaluation's figures) replaces it."""
    return f"synthnb-cell-{key}"


def cell_bundle(request: CellRequest) -> tuple[dict, dict]:
    """``(data, metadata)`` of the output: collapsed Markdown and plain text for people; the payload for tools.

    The Markdown is inside ``<details>`` so that, where the cell was also appended, the fit's output
    stays short; where no front end appends cells (classic Notebook, VS Code, Colab, nbclient) it is
    the datasheet or provenance code itself, one click away.

    The ``application/vnd.synthnb.provenance+json`` payload (key, cell_type, source, digest, anchor,
    position) goes in the output's *metadata*, under that MIME type: nbval compares every MIME entry
    of ``data`` and sanitises only strings, so a JSON object whose source holds the fit's time stamp
    would fail every nbval run, while the Markdown twin is sanitised like any text and metadata is
    never compared. nbformat saves output metadata, so ``synthnb materialize`` finds it there.
    """
    if request.cell_type == "markdown":
        summary = f"synthnb · {request.key} (Markdown cell)"
        body = request.source
    else:
        summary = f"synthnb · {request.key} (code cell: run it to re-create the table)"
        fence = "````" if "```" in request.source else "```"
        body = f"{fence}python\n{request.source.rstrip()}\n{fence}"
    markdown = f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>\n"
    plain = f"{summary}\n(`synthnb materialize NOTEBOOK.ipynb` turns this output into a cell)"
    return {"text/plain": plain, "text/markdown": markdown}, {PAYLOAD_MIME: request.payload()}


def cell_payload(output: dict) -> dict | None:
    """The keyed-cell payload of a saved output (in its metadata; in its data as written by other tools)."""
    for where in (output.get("metadata"), output.get("data")):
        payload = where.get(PAYLOAD_MIME) if isinstance(where, dict) else None
        if isinstance(payload, dict) and isinstance(payload.get("key"), str):
            return payload
    return None
