"""Notebook renderings of a Run (summary card); computing lives elsewhere."""

from __future__ import annotations

import html

__all__ = ["identifiers_bundle", "run_summary_bundle"]

_ID_HEAD = ("column", "kind", "why", "what happens")


def identifiers_bundle(roles, title: str = "Identifiers found before fitting") -> dict[str, str]:
    """A small table of detected identifiers: column, kind, why, what happens (HTML + plain text)."""
    if not any(r.role == "direct" for r in roles):  # nothing will change: one line keeps the cell short
        quasi = [str(r.column) for r in roles if r.role == "quasi"]
        text = "no direct identifier detected" + (
            f"; quasi-identifiers (stay data; what an attacker may know): {', '.join(quasi)}" if quasi else ""
        )
        return {
            "text/html": f"<div class='synthnb-identifiers'><b>{html.escape(title)}</b>: {html.escape(text)}</div>",
            "text/plain": f"{title}: {text}",
        }
    rows = [(str(r.column), f"{r.role} · {r.kind.replace('_', ' ')}", r.reason, r.what_happens) for r in roles]
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in _ID_HEAD)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(_ID_HEAD[:2])]
    lines = [f"{title}:"] + [f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[3]}: {r[2]}" for r in rows]
    return {
        "text/html": f"<div class='synthnb-identifiers'><b>{html.escape(title)}</b><table><tr>{head}</tr>{body}"
        "</table></div>",
        "text/plain": "\n".join(lines),
    }


def _training_line(mon) -> str:
    """How a watched neural fit ended, and its best interim score."""
    opts = mon.options
    end = (
        f"stopped early after epoch {mon.stopped_epoch} of {mon.epochs} (patience {opts.patience})"
        if mon.stopped_epoch is not None
        else f"all {mon.epochs} epochs"
    )
    best = mon.best
    score = "" if best is None else f"; best interim fidelity {best[1]:.3f} (epoch {best[0]})"
    return f"{end}{score}, scored every {opts.every} epoch(s) on {opts.rows:,} rows"


def run_summary_bundle(run, name: str) -> dict[str, str]:
    """A MIME bundle (HTML + plain text) summarising a fit."""
    s = run.summary()
    params = ", ".join(f"{k}={v}" for k, v in sorted(s["params"].items())) or "defaults"
    held = (
        f"{s['fitted_rows']:,} real rows fitted, {s['holdout_rows']:,} held out for evaluation"
        if s["holdout_rows"]
        else f"{s['fitted_rows']:,} real rows fitted, none held out (evaluation will be optimistic)"
    )
    lines = [
        ("model", f"{s['model']} ({params}), seed {s['seed']}"),
        ("synthetic", f"{name}: {s['synthetic_rows']:,} rows × {s['columns']} columns"),
        ("real", held),
        ("time", f"{s['seconds']:.2f} s"),
    ]
    if getattr(run, "monitor", None) is not None:
        lines.insert(1, ("training", _training_line(run.monitor)))
    if run.spec.sensitive or run.spec.target:
        lines.append(("evaluate with", f"sensitive={list(run.spec.sensitive)} target={run.spec.target!r}"))
    lines.append(("identifiers", _identifier_line(s["identifiers"])))
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in lines
    )
    # the identifier table (why each column was found) was shown once, before fitting, by the magic's progress
    # view and in the Workbench's panel; the summary keeps the one line of what happened to which column
    return {
        "text/html": f"<div class='synthnb-summary'><table>{rows}</table></div>",
        "text/plain": "\n".join(f"{k:<14}{v}" for k, v in lines),
    }


def _identifier_line(roles: list[dict]) -> str:
    """One line: what was replaced, dropped, kept by override, and the quasi-identifiers."""
    groups = {"replace": "replaced with fakes", "drop": "dropped", "keep": "KEPT by override", "data": "quasi (data)"}
    parts = []
    for action, label in groups.items():
        cols = [r["column"] for r in roles if r["action"] == action]
        if cols:
            parts.append(f"{label}: {', '.join(cols)}")
    if not any(r["role"] == "direct" for r in roles):
        parts.insert(0, "no direct identifier detected")
    return "; ".join(parts)


def show_lab(magics, lab, name: str, key: str, line: str) -> None:
    """Bind a lab's result to *name*, show it, and leave its summary cell (keyed *key*) below the magic's cell.

    The summary is the lab's Markdown and the one ``%synth`` line that re-creates it, so Run All after a
    restart brings it back without the notebook keeping the lab's figures twice.
    """
    from IPython.display import display

    from synthnb.notebook.upsert import upsert_cell

    magics.shell.user_ns[name] = lab
    display(lab)
    upsert_cell(
        key,
        f"{lab.to_markdown()}\nBound to `{name}` by `{line}`; `{name}.table` holds every figure.\n",
        "markdown",
        position="below_anchor",
        shell=magics.shell,
    )
