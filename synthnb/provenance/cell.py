"""The provenance code cell: a readable, re-runnable call of :func:`synthnb.reproduce`."""

from __future__ import annotations

import ast
import textwrap
from typing import Any

from synthnb.errors import SynthnbError
from synthnb.provenance.record import library_label
from synthnb.spec import check_identifier

__all__ = ["HEADER_MARK", "provenance_cell_source"]

#: the first line of every provenance cell starts with this (the notebook side keys cells on it)
HEADER_MARK = "# synthnb provenance ·"

_INDENT = "    "


def provenance_cell_source(run, name: str, df_name: str) -> str:
    """The source of a code cell that re-creates (or confirms) *name* from *df_name*.

    The cell calls :func:`synthnb.reproduce` once, with the whole recipe written out as
    literals: model, parameters, seed, rows, holdout, sensitive columns, target and (when the user
    overrode the replacement of a direct identifier) keep, (when the user declared direct identifiers)
    identifiers, the source table's fingerprint, the synthetic table's digest and the library versions. Running it in a
    fresh kernel refits and checks the bytes; running it where *name* already holds the recorded
    table only confirms it ("Run all" does not refit twice). It never appends cells.

    Parameters
    ----------
    run : synthnb.Run
    name : str
        Variable bound to the synthetic table.
    df_name : str
        Variable holding the source table.

    Returns
    -------
    str
    """
    check_identifier(name, "the synthetic table's name")
    check_identifier(df_name, "the source table's name")
    from synthnb.provenance.record import provenance_record

    rec = provenance_record(run, name, df_name)
    gen, src, out = rec["generator"], rec["source"], rec["output"]
    _check_literal(gen["params"])
    kwargs: list[tuple[str, Any]] = [
        ("model", gen["model"]),
        ("params", gen["params"]),
        ("seed", gen["seed"]),
        ("rows", gen["rows"]),
        ("holdout", gen["holdout"]),
        ("sensitive", gen["sensitive"]),
        ("target", gen["target"]),
        *([("keep", gen["keep"])] if gen.get("keep") else []),
        *([("identifiers", gen["identifiers"])] if gen.get("identifiers") else []),
        *_monitor_kwargs(gen),
        ("source_sha256", src["sha256"]),
        ("source_rows", src["rows"]),
        ("source_columns", src["columns"]),
        ("synthetic_sha256", out["sha256"]),
        ("versions", rec["versions"]),
    ]
    about = (
        f"{name} is SYNTHETIC: {out['rows']:,} generated rows × {len(out['columns'])} columns, made by "
        f"{gen['label']} ({library_label(rec)}) on {rec['created']} from {src['rows']:,} real rows of {df_name}."
    )
    lines = [
        f"{HEADER_MARK} {name} — written by synthnb; safe to re-run: re-creates (or confirms) {name} exactly",
        # wrapped: a comment that runs off the right of the cell is not read
        *textwrap.wrap(about, 96, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False),
        "import synthnb",
        "",
        f"{name} = synthnb.reproduce(",
        f"{_INDENT}{df_name},",
    ]
    for key, value in kwargs:
        lines.append(f"{_INDENT}{key}={_literal(value, len(_INDENT) + len(key) + 1)},")
    lines.append(f"{_INDENT}current=globals().get({name!r}),")
    lines.append(f"{_INDENT}name={name!r},")
    lines.append(f"{_INDENT}report=print,  # says what it did: confirmed, or re-created and checked")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _monitor_kwargs(gen: dict) -> list[tuple[str, Any]]:
    """The watching options of a monitored fit: with a patience they decide where training stops."""
    mon = gen.get("monitor")
    if not mon:
        return []
    return [("monitor_every", mon["every"]), ("monitor_rows", mon["rows"]), ("patience", mon["patience"])]


def _literal(value: Any, indent: int, width: int = 110) -> str:
    """``repr`` of *value*, with long lists and dicts wrapped item by item under the opening bracket."""
    text = repr(value)
    if len(text) + indent <= width or not isinstance(value, list | tuple | dict) or not value:
        return text
    if isinstance(value, dict):
        items, (left, right) = [f"{k!r}: {v!r}" for k, v in value.items()], "{}"
    else:
        items, (left, right) = [repr(v) for v in value], "[]"
    lines, line = [], left
    for item in items:
        piece = item + ", "
        if len(line) + len(piece) + indent > width and line != left:
            lines.append(line.rstrip())
            line = " "
        line += piece
    lines.append(line[:-2] + right)
    return ("\n" + " " * indent).join(lines)


def _check_literal(params: dict) -> None:
    # The cell must be plain code: a parameter that is not a Python literal cannot be written out.
    for key, value in params.items():
        try:
            ok = ast.literal_eval(repr(value)) == value
        except (ValueError, SyntaxError):
            ok = False
        if not ok:
            raise SynthnbError(
                f"parameter {key}={value!r} cannot be written into a provenance cell (it is not a plain "
                "number, string, list or dict); pass it as a literal value to synthnb.fit."
            )
