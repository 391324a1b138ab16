"""Every evaluation figure, drawn once: a figure spec (plain data from a section) -> a PNG.

The live widget, the static notebook output, nbconvert's HTML and the standalone report all show these
same PNGs (embedded as ``data:`` URIs by :mod:`synthnb.evaluation.html`), so they cannot drift apart.

Why matplotlib PNGs, and not Vega-Lite (altair) or plotly:

- A PNG is the one figure type that renders in every place a dashboard is read: the live widget, a
  saved notebook reopened without a kernel, an *untrusted* notebook (JupyterLab sanitises HTML and
  drops inline SVG, ``<style>`` and scripts, but keeps ``<img src="data:image/png…">``), nbconvert's
  HTML and a report opened offline. Vega-Lite renders from a saved output in JupyterLab and Notebook 7,
  but nbconvert's HTML and the standalone report need vega-embed from a CDN (blank offline or behind a
  proxy), and the widget would need the Vega runtime bundled; plotly needs ~3 MB of JavaScript and is
  dropped from untrusted notebooks.
- matplotlib is already installed (sdmetrics and ydata-profiling depend on it) and draws without a
  browser. Only the object-oriented API is used (no pyplot), so the live dashboard's background thread
  can draw safely; it is imported when the first figure is drawn, never by ``%load_ext synthnb``.
- Dark theme: the PNGs have a transparent background and every ink colour (text, axes, series) is a
  mid-tone with a WCAG contrast of at least 3:1 (the level for graphics and large text) against white
  and against JupyterLab's dark backgrounds (#111111, #212121); tests/test_dashboard.py checks it.

One colour meaning everywhere: :data:`REAL` (blue) for real rows, :data:`SYNTHETIC` (orange) for
synthetic rows, :data:`OTHER` (grey) for a baseline; the ydata-profiling comparison uses the same pair.

Figure specs (``{"kind": "bars" | "histogram" | "heatmap", "title", ...}``) may carry these optional
keys; defaults are below. ``x_label`` / ``y_label``: axis titles; ``unit``: appended to the value axis
of a histogram (``"age (years)"``); ``percent``: show values as percentages (default: bars and
histograms of shares, that is values within [0, 1]); ``colorbar_label``: the heatmap's colour scale.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import math
from typing import Any

__all__ = [
    "OTHER",
    "REAL",
    "SYNTHETIC",
    "TEXT",
    "draw",
    "figure_png",
    "figure_uri",
    "figure_view",
    "is_key",
    "number",
    "percent",
    "series_colour",
]

REAL = "#3f7fe0"
SYNTHETIC = "#d9731a"
OTHER = "#8a8a8a"
#: text, ticks and axes: a mid-grey readable on white and on JupyterLab's dark theme
TEXT = "#808080"
#: grid lines (decoration only, drawn faint)
GRID = "#808080"
#: the colours a figure may draw with (tests check each against light and dark backgrounds)
INKS = (REAL, SYNTHETIC, OTHER, TEXT)
#: display width of one small chart, CSS pixels; PNGs are drawn at 2x for sharp text on high-DPI screens
WIDTH_PX = {"bars": 290, "histogram": 290, "heatmap": 320}
_DPI = 2 * 72
_FONT = 9


def series_colour(name: str) -> str:
    """The colour of a series by what it shows: synthetic rows, real rows, or anything else (a baseline)."""
    low = str(name).lower()
    if "synthetic" in low:
        return SYNTHETIC
    if "real" in low:
        return REAL
    return OTHER


def is_key(spec: dict) -> bool:
    """Key figures are shown at once; per-column distributions go behind a disclosure."""
    return "column" not in spec or bool(spec.get("highlight"))


def number(value: float) -> str:
    """A tick label a person reads at a glance: 12,290 · 0.25 · 3.4M, never 1.229e+4."""
    v = float(value)
    if not math.isfinite(v):
        return ""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e4 or (a >= 100 and v == round(v)):
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:.3g}"
    if a == 0:
        return "0"
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{v:.1g}" if a >= 1e-4 else "<0.0001"


def percent(value: float) -> str:
    v = 100 * float(value)
    return f"{v:.0f}%" if abs(v) >= 10 or v == round(v) else f"{v:.1f}%"


def _shares(spec: dict) -> bool:
    if "percent" in spec:
        return bool(spec["percent"])
    values = [v for vals in spec.get("series", {}).values() for v in vals if v is not None]
    return bool(values) and all(0.0 <= v <= 1.0 for v in values)


def _style(ax) -> None:
    ax.set_facecolor("none")
    ax.tick_params(colors=TEXT, labelsize=_FONT, length=2)
    for side, spine in ax.spines.items():
        spine.set_visible(side in ("left", "bottom"))
        spine.set_color(TEXT)
    ax.xaxis.label.set_color(TEXT)
    ax.yaxis.label.set_color(TEXT)


def _legend(ax) -> None:
    """Above the plot, in one row: never over the data."""
    leg = ax.legend(
        fontsize=_FONT,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        borderaxespad=0.1,
        ncols=len(ax.get_legend_handles_labels()[1]),
        handlelength=1.2,
        columnspacing=1.0,
    )
    for text in leg.get_texts():
        text.set_color(TEXT)


def _formatter(fmt):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: fmt(v))


def _short(label: str, n: int = 18) -> str:
    label = str(label)
    return label if len(label) <= n else label[: n - 1] + "…"


def _bars(fig, spec: dict) -> None:
    import numpy as np

    cats, series = [str(c) for c in spec["categories"]], spec["series"]
    names = list(series)
    ax = fig.add_subplot(1, 1, 1)
    _style(ax)
    height = 0.8 / max(len(names), 1)
    y = np.arange(len(cats))
    for k, name in enumerate(names):
        values = [0.0 if v is None else float(v) for v in series[name]]  # a missing share is drawn as none
        ax.barh(y - 0.4 + height * (k + 0.5), values, height=height * 0.92, color=series_colour(name), label=str(name))
    ax.set_yticks(y, [_short(c) for c in cats])
    ax.invert_yaxis()  # the first category on top, as listed
    ax.xaxis.set_major_formatter(_formatter(percent if _shares(spec) else number))
    ax.set_xlabel(spec.get("x_label") or ("share of rows" if _shares(spec) else "value"), fontsize=_FONT)
    if spec.get("y_label"):
        ax.set_ylabel(spec["y_label"], fontsize=_FONT)
    ax.grid(axis="x", color=GRID, alpha=0.25, linewidth=0.5)
    ax.set_axisbelow(True)
    _legend(ax)


def _histogram(fig, spec: dict) -> None:
    import numpy as np

    edges = np.asarray(spec["edges"], dtype=float)
    ax = fig.add_subplot(1, 1, 1)
    _style(ax)
    for name, values in spec["series"].items():
        colour = series_colour(name)
        vals = np.asarray(values, dtype=float)
        ax.stairs(vals, edges, fill=True, color=colour, alpha=0.3)
        ax.stairs(vals, edges, color=colour, linewidth=1.4, label=str(name))
    ax.set_xlim(edges[0], edges[-1])
    ax.xaxis.set_major_formatter(_formatter(number))
    ax.yaxis.set_major_formatter(_formatter(percent if _shares(spec) else number))
    x_label = spec.get("x_label") or spec.get("column") or "value"
    if spec.get("unit"):
        x_label = f"{x_label} ({spec['unit']})"
    ax.set_xlabel(x_label, fontsize=_FONT)
    ax.set_ylabel(spec.get("y_label") or ("share of rows" if _shares(spec) else "count"), fontsize=_FONT)
    ax.grid(axis="y", color=GRID, alpha=0.25, linewidth=0.5)
    ax.set_axisbelow(True)
    _legend(ax)


def _heatmap(fig, spec: dict) -> None:
    import numpy as np
    from matplotlib import colormaps

    labels = [str(lab) for lab in spec["labels"]]
    values = np.array([[np.nan if v is None else float(v) for v in row] for row in spec["values"]], dtype=float)
    cmap = colormaps["YlOrRd"].copy()
    cmap.set_bad(OTHER, alpha=0.35)
    ax = fig.add_subplot(1, 1, 1)
    _style(ax)
    image = ax.imshow(
        np.ma.masked_invalid(values),
        cmap=cmap,
        vmin=0.0,
        vmax=float(spec.get("vmax") or 1.0),
        interpolation="nearest",
        aspect="auto",
    )
    ticks = np.arange(len(labels))
    short = [_short(lab, 13) for lab in labels]
    size = _FONT if len(labels) <= 10 else _FONT - 1.5
    ax.set_xticks(ticks, short, rotation=60, ha="right", rotation_mode="anchor", fontsize=size)
    ax.set_yticks(ticks, short, fontsize=size)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.03)
    bar.set_label(spec.get("colorbar_label") or "difference (0 = as in the real table)", color=TEXT, fontsize=_FONT)
    bar.ax.tick_params(colors=TEXT, labelsize=_FONT, length=2)
    bar.ax.yaxis.set_major_formatter(_formatter(number))
    bar.outline.set_visible(False)


_DRAW = {"bars": _bars, "histogram": _histogram, "heatmap": _heatmap}


def _size_in(spec: dict) -> tuple[float, float]:
    width = WIDTH_PX.get(spec.get("kind"), 340) / 72
    if spec.get("kind") == "heatmap":
        return width, width * 0.9
    if spec.get("kind") == "bars":
        rows = len(spec.get("categories", [])) * max(len(spec.get("series", {})), 1)
        return width, min(max(1.8, 0.95 + 0.15 * rows), 3.8)
    return width, 2.2


def draw(spec: dict):
    """The matplotlib Figure of *spec* (no pyplot: safe in the dashboard's background thread)."""
    from matplotlib.figure import Figure

    kind = spec.get("kind")
    if kind not in _DRAW:
        raise ValueError(f"unknown figure kind {kind!r}; expected one of {sorted(_DRAW)}")
    fig = Figure(figsize=_size_in(spec), dpi=72, layout="constrained")
    fig.patch.set_alpha(0.0)
    _DRAW[kind](fig, spec)
    return fig


@functools.lru_cache(maxsize=256)
def _png(spec_json: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = draw(json.loads(spec_json))
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=_DPI, transparent=True, metadata={"Software": None})
    return _palette_png(out.getvalue())


def _palette_png(png: bytes) -> bytes:
    """The same picture as an 8-bit palette PNG (alpha kept): about a third of the bytes a notebook stores.

    Charts are a few flat colours and their anti-aliased edges; 256 palette entries hold them without a
    visible difference, and the result is deterministic (same figure, same bytes).
    """
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        quantized = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    return out.getvalue()


def figure_png(spec: dict) -> bytes:
    """*spec* drawn as PNG bytes (cached: the live dashboard redraws the same specs as sections finish)."""
    return _png(json.dumps(spec, sort_keys=True, default=str))


def figure_uri(spec: dict) -> str:
    """*spec* as a ``data:image/png;base64,…`` URI for an ``<img>``."""
    return "data:image/png;base64," + base64.b64encode(figure_png(spec)).decode("ascii")


def figure_view(spec: dict) -> dict[str, Any]:
    """What a template needs to show *spec*: image URI, display width, caption and alt text."""
    kind = spec.get("kind", "")
    names = ", ".join(str(n) for n in spec.get("series", {}))
    alt = f"{kind} chart: {spec.get('title', '')}" + (f" ({names})" if names else "")
    return {"uri": figure_uri(spec), "width": WIDTH_PX.get(kind, 340), "title": spec.get("title", ""), "alt": alt}
