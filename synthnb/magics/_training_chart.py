"""A small inline SVG of a neural fit's loss per epoch and its interim fidelity scores (no plotting library).

Plain string building, so drawing it while a model trains costs next to nothing and the figure left in
the saved notebook is the same bytes for the same numbers.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

__all__ = ["training_svg"]

_WIDTH = 520
_LEFT, _RIGHT = 52, 12
_LOSS_H, _FID_H, _GAP, _TOP, _BOTTOM = 120, 80, 30, 18, 28
_COLORS = ("#1f77b4", "#d62728", "#9467bd", "#8c564b")
_FIDELITY = "#2ca02c"
_STOP = "#d62728"


def training_svg(
    total: int | None,
    losses: Mapping[str, Sequence[tuple[int, float]]],
    fidelity: Sequence[tuple[int, float]],
    stopped: int | None = None,
) -> str:
    """Two stacked panels sharing the epoch axis: the loss series, then the interim scores.

    Parameters
    ----------
    total : int or None
        Epochs asked for (the x axis runs to it; to the last epoch seen when None).
    losses : mapping of name -> [(epoch, value), ...]
    fidelity : [(epoch, score), ...]
    stopped : int, optional
        The epoch where training stopped early (a dashed line on both panels).
    """
    last = max([e for series in losses.values() for e, _ in series] + [e for e, _ in fidelity] + [1])
    x_max = max(total or 0, last)
    plot_w = _WIDTH - _LEFT - _RIGHT
    has_fid = bool(fidelity)
    height = _TOP + _LOSS_H + (_GAP + _FID_H if has_fid else 0) + _BOTTOM

    def x(epoch: float) -> float:
        return _LEFT + plot_w * epoch / x_max

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='synthnb-training' width='{_WIDTH}' height='{height}' "
        f"viewBox='0 0 {_WIDTH} {height}' font-family='sans-serif' font-size='10'>"
    ]
    values = [v for series in losses.values() for _, v in series]
    parts += _panel(_TOP, _LOSS_H, plot_w, values, "loss")
    legend_x = _LEFT + 4
    for i, (name, series) in enumerate(sorted(losses.items())):
        color = _COLORS[i % len(_COLORS)]
        lo, hi = _range(values)
        pts = " ".join(f"{x(e):.1f},{_y(v, lo, hi, _TOP, _LOSS_H):.1f}" for e, v in series)
        parts.append(f"<polyline fill='none' stroke='{color}' stroke-width='1.5' points='{pts}'/>")
        label = html.escape(name.replace("_", " "))
        parts.append(f"<text x='{legend_x:.0f}' y='{_TOP - 5}' fill='{color}'>{label}</text>")
        legend_x += 7 * len(label) + 14
    bottom = _TOP + _LOSS_H
    if has_fid:
        top = bottom + _GAP
        scores = [s for _, s in fidelity]
        parts += _panel(top, _FID_H, plot_w, scores, "fidelity")
        lo, hi = _range(scores)
        pts = [(x(e), _y(s, lo, hi, top, _FID_H)) for e, s in fidelity]
        parts.append(
            f"<polyline fill='none' stroke='{_FIDELITY}' stroke-width='1.5' "
            f"points='{' '.join(f'{a:.1f},{b:.1f}' for a, b in pts)}'/>"
        )
        parts += [f"<circle cx='{a:.1f}' cy='{b:.1f}' r='2.5' fill='{_FIDELITY}'/>" for a, b in pts]
        best_epoch, best = max(fidelity, key=lambda es: (es[1], -es[0]))
        parts.append(
            f"<text x='{_LEFT + 4}' y='{top - 5}' fill='{_FIDELITY}'>interim column shapes · best {best:.3f} "
            f"(epoch {best_epoch})</text>"
        )
        bottom = top + _FID_H
    if stopped is not None:
        parts.append(
            f"<line x1='{x(stopped):.1f}' x2='{x(stopped):.1f}' y1='{_TOP}' y2='{bottom}' stroke='{_STOP}' "
            "stroke-dasharray='4 3'/>"
        )
        parts.append(
            f"<text x='{x(stopped) - 3:.1f}' y='{bottom - 4}' fill='{_STOP}' text-anchor='end'>stopped at epoch "
            f"{stopped}</text>"
        )
    for tick in _ticks(x_max):
        parts.append(f"<text x='{x(tick):.1f}' y='{bottom + 12}' text-anchor='middle'>{tick}</text>")
    parts.append(f"<text x='{_LEFT + plot_w / 2:.0f}' y='{bottom + 24}' text-anchor='middle'>epoch</text>")
    parts.append("</svg>")
    return "".join(parts)


def _panel(top: float, h: float, w: float, values: Sequence[float], label: str) -> list[str]:
    lo, hi = _range(values)
    return [
        f"<rect x='{_LEFT}' y='{top}' width='{w}' height='{h}' fill='none' stroke='#bbb'/>",
        f"<text x='{_LEFT - 4}' y='{top + 9}' text-anchor='end'>{hi:.3g}</text>",
        f"<text x='{_LEFT - 4}' y='{top + h}' text-anchor='end'>{lo:.3g}</text>",
        f"<text x='12' y='{top + h / 2:.0f}' transform='rotate(-90 12 {top + h / 2:.0f})' "
        f"text-anchor='middle'>{label}</text>",
    ]


def _range(values: Sequence[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.05, 0.01)
    return lo - pad, hi + pad


def _y(value: float, lo: float, hi: float, top: float, h: float) -> float:
    return top + h - h * (value - lo) / (hi - lo)


def _ticks(x_max: int) -> list[int]:
    step = max(1, -(-x_max // 6))
    return list(range(0, x_max + 1, step))
