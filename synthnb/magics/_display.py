"""Notebook renderings of a Run (summary card); computing lives elsewhere."""

from __future__ import annotations

import html

__all__ = ["run_summary_bundle"]


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
    if run.spec.sensitive or run.spec.target:
        lines.append(("evaluate with", f"sensitive={list(run.spec.sensitive)} target={run.spec.target!r}"))
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in lines
    )
    return {
        "text/html": f"<div class='synthnb-summary'><table>{rows}</table></div>",
        "text/plain": "\n".join(f"{k:<14}{v}" for k, v in lines),
    }
