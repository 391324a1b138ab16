"""The leaderboard of :func:`synthnb.compare`: a static HTML table, and an anywidget that sorts it by any column.

JupyterLab runs no script in HTML output, so sorting lives in the widget (``widgets/dashboard/leaderboard.js``);
its display bundle carries the static table as ``text/html``, which a saved notebook, GitHub or nbconvert shows.
"""

from __future__ import annotations

import html
import math

import anywidget
import traitlets

from synthnb.dashboard.widget import asset_dir

__all__ = ["LeaderboardWidget", "leaderboard_html"]

_STYLE = (
    "border-collapse:collapse;font-size:12.5px;font-variant-numeric:tabular-nums",
    "text-align:right;padding:3px 8px;border-bottom:1px solid #ddd",
)


def leaderboard_html(board) -> str:
    """The leaderboard as one HTML table; the best value of each column is bold and starred."""
    table_style, cell = _STYLE
    state = board.state()
    head = "".join(
        f"<th style='{cell}' title='{'higher' if c['better'] == 'higher' else 'lower'} is better'>"
        f"{html.escape(c['label'])} {'↑' if c['better'] == 'higher' else '↓'}</th>"
        for c in state["columns"]
    )
    body = []
    for row in state["rows"]:
        cells = []
        for c in state["columns"]:
            text = html.escape(row["text"][c["key"]])
            best = row["model"] in state["best"][c["key"]]
            cells.append(f"<td style='{cell}'>{f'<b>{text} ★</b>' if best else text}</td>")
        body.append(
            f"<tr><th style='{cell};text-align:left'>{html.escape(row['model'])}"
            f"<br><span style='font-weight:normal;opacity:.7'>{html.escape(row['name'])}</span></th>"
            f"{''.join(cells)}</tr>"
        )
    return (
        "<div class='synthnb-leaderboard'>"
        f"<table style='{table_style}'><thead><tr><th style='{cell};text-align:left'>model</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        f"<p style='font-size:12.5px'>★ best in its column.{html.escape(state['note'])} "
        f"{html.escape(state['sentence'])}</p></div>"
    )


class LeaderboardWidget(anywidget.AnyWidget):
    """The leaderboard, sortable by clicking a column heading (the numbers are the evaluations', unrounded)."""

    _esm = asset_dir() / "leaderboard.js"

    #: :meth:`synthnb.comparison.Leaderboard.state`
    state = traitlets.Dict().tag(sync=True)

    def __init__(self, board, **kwargs):
        super().__init__(**kwargs)
        self._board = board
        self.state = _finite(board.state())

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = leaderboard_html(self._board)
        data["text/plain"] = self._board.to_text()
        return bundle


def _finite(value):
    """NaN has no JSON spelling: send None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
