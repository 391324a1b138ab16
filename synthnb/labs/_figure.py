"""The collapse lab's one figure kind, ``generations``: small panels of a figure per generation, a line per mix.

Drawn like :mod:`synthnb.evaluation.figures` (object-oriented matplotlib, transparent PNG, the same mid-tone
inks): pure self-consumption in the synthetic orange, the mix with the most fresh real rows in the real blue,
the real table as a dashed grey reference. A spec is plain data, so the same figure can be saved or shown.
"""

from __future__ import annotations

import io
import json

from synthnb.evaluation.figures import OTHER, REAL, SYNTHETIC, TEXT, number, percent

__all__ = ["collapse_spec", "draw", "figure_png", "mix_colours"]

#: between pure synthetic (orange) and the most real (blue): mid-tones readable on light and dark themes
_MIDDLE = ("#a35fc6", "#2e9e6e", "#c0567a")
_FONT = 9
_DPI = 2 * 72


def mix_colours(mixes) -> dict[float, str]:
    """A colour per mix: the smallest mix orange, the largest blue, the ones between in distinct mid-tones."""
    order = sorted(mixes)
    colours = {}
    for i, mix in enumerate(order):
        if i == 0:
            colours[mix] = SYNTHETIC
        elif i == len(order) - 1:
            colours[mix] = REAL
        else:
            colours[mix] = _MIDDLE[(i - 1) % len(_MIDDLE)]
    return colours


def _mix_label(mix: float) -> str:
    return "no real rows" if mix == 0 else f"{percent(mix)} real"


def collapse_spec(lab) -> dict:
    """The plot of a :class:`synthnb.labs.collapse.CollapseLab` as plain data."""
    from synthnb.labs.collapse import ALL, RARE

    t = lab.table
    gens = list(range(lab.generations + 1))

    def series(metric: str, column: str = ALL, group: str | None = None) -> dict[str, list]:
        rows = t[(t["metric"] == metric) & (t["column"] == column)]
        rows = rows[rows["group"].isna()] if group is None else rows[rows["group"] == group]
        out = {}
        for mix in lab.real_fraction:
            mine = rows[rows["mix"] == mix]
            by_gen = dict(zip(mine["generation"], mine["value"], strict=True))
            out[str(mix)] = [None if by_gen.get(g) is None else round(float(by_gen[g]), 6) for g in gens]
        return out

    panels = [
        {
            "title": "Fidelity to the real table",
            "y_label": "sdmetrics quality score",
            "series": series("quality"),
            "percent": False,
            "min_span": 0.1,
        }
    ]
    if ((t["metric"] == "category_coverage") & (t["column"] == RARE)).any():
        panels.append(
            {
                "title": "Rare categories still present",
                "y_label": "share of categories < 1 % of rows",
                "series": series("category_coverage", RARE),
                "percent": True,
                "reference": 1.0,
            }
        )
    if (t["metric"] == "range_coverage").any():
        panels.append(
            {
                "title": "Numeric range still reached",
                "y_label": "range coverage (mean of columns)",
                "series": series("range_coverage"),
                "percent": True,
                "reference": 1.0,
            }
        )
        panels.append(
            {
                "title": "Spread kept",
                "y_label": "variance ratio (median of columns)",
                "series": series("variance_ratio"),
                "percent": False,
                "reference": 1.0,
                "min_span": 0.6,
            }
        )
    for column, group, share in lab.smallest_groups(2):
        panels.append(
            {
                "title": f"{column} = {group}",
                "y_label": f"share of rows (real: {percent(share)})",
                "series": series("group_share", column, group),
                "percent": True,
                "reference": share,
                "from_zero": True,
            }
        )
    sub = f"{lab.rows:,} of {lab.source_rows:,} rows" if lab.rows < lab.source_rows else f"{lab.rows:,} rows"
    title = f"Model collapse: {lab.model} refitted {lab.generations} times on its own output ({sub}, seed {lab.seed})"
    finding = _finding(lab, ALL, RARE)
    return {
        "kind": "generations",
        "title": title + (f"\n{finding}" if finding else ""),
        "generations": gens,
        "mixes": [str(m) for m in lab.real_fraction],
        "labels": {str(m): _mix_label(m) for m in lab.real_fraction},
        "colours": {str(m): c for m, c in mix_colours(lab.real_fraction).items()},
        "panels": panels,
        "groups": bool(lab.smallest_groups(1)),
    }


def _finding(lab, all_columns: str, rare: str) -> str:
    """One line of what the plot shows, from its own numbers: rare categories and range, first and last."""
    t = lab.table
    picks = [
        (label, metric, column)
        for label, metric, column in (
            ("rare categories", "category_coverage", rare),
            ("numeric range", "range_coverage", all_columns),
        )
        if ((t["metric"] == metric) & (t["column"] == column)).any()
    ]
    if not picks:
        return ""
    low, high = min(lab.real_fraction), max(lab.real_fraction)
    first = ", ".join(f"{label} {percent(lab.first(m, c))}" for label, m, c in picks)
    parts = [f"Generation 0: {first}. After {lab.generations} refits"]
    for mix in dict.fromkeys((low, high)):
        values = ", ".join(percent(lab.final(m, c)[mix]) for _label, m, c in picks)
        parts.append(f"with {_mix_label(mix)}: {values}")
    return parts[0] + " " + "; ".join(parts[1:]) + "."


def _style(ax) -> None:
    ax.set_facecolor("none")
    ax.tick_params(colors=TEXT, labelsize=_FONT, length=2)
    for side, spine in ax.spines.items():
        spine.set_visible(side in ("left", "bottom"))
        spine.set_color(TEXT)
    ax.xaxis.label.set_color(TEXT)
    ax.yaxis.label.set_color(TEXT)
    ax.title.set_color(TEXT)


def draw(spec: dict):
    """The matplotlib Figure of a ``generations`` spec (no pyplot)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    if spec.get("kind") != "generations":
        raise ValueError(f"unknown figure kind {spec.get('kind')!r}; expected 'generations'")
    panels = spec["panels"]
    ncols = 3 if len(panels) > 4 else max(len(panels), 1)
    nrows = -(-len(panels) // ncols)
    fig = Figure(figsize=(3.1 * ncols, 2.35 * nrows + 0.75), dpi=72, layout="constrained")
    fig.patch.set_alpha(0.0)
    gens = spec["generations"]
    for i, panel in enumerate(panels):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        _style(ax)
        if panel.get("reference") is not None:
            ax.axhline(panel["reference"], color=OTHER, linestyle=(0, (4, 3)), linewidth=1.1)
        for mix in spec["mixes"]:
            values = [float("nan") if v is None else v for v in panel["series"][mix]]
            ax.plot(gens, values, color=spec["colours"][mix], linewidth=1.8, marker="o", markersize=3.2)
        ax.set_title(_short(panel["title"]), fontsize=_FONT + 0.5, loc="left", color=TEXT)
        ax.set_ylabel(panel["y_label"], fontsize=_FONT - 0.5)
        ax.set_xlabel("generation", fontsize=_FONT - 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if panel.get("percent"):
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
        _limits(ax, panel)
        ax.grid(axis="y", color=TEXT, alpha=0.25, linewidth=0.5)
        ax.set_axisbelow(True)
    handles = [
        Line2D([], [], color=spec["colours"][m], linewidth=1.8, marker="o", markersize=3.2, label=spec["labels"][m])
        for m in spec["mixes"]
    ]
    handles.append(Line2D([], [], color=OTHER, linestyle=(0, (4, 3)), linewidth=1.1, label="real table"))
    # the headline is the legend's title: a suptitle and an outside legend would overlap
    legend = fig.legend(
        handles=handles,
        loc="outside upper left",
        ncols=len(handles),
        frameon=False,
        fontsize=_FONT + 0.5,
        title=spec["title"]
        + "\nEach line: the share of fresh real rows mixed into every refit"
        + ("; bottom right: the smallest sensitive groups." if spec.get("groups") else "."),
        title_fontsize=_FONT + 0.5,
        alignment="left",
    )
    legend.get_title().set_color(TEXT)
    for text in legend.get_texts():
        text.set_color(TEXT)
    return fig


def _short(title: str, n: int = 40) -> str:
    return title if len(title) <= n else title[: n - 1] + "…"


def _limits(ax, panel: dict) -> None:
    """Value axis: from 0 for shares of rows, and never so zoomed in that noise looks like a trend."""
    values = [v for s in panel["series"].values() for v in s if v is not None]
    if panel.get("reference") is not None:
        values.append(panel["reference"])
    if not values:
        return
    lo, hi = min(values), max(values)
    if panel.get("from_zero"):
        ax.set_ylim(0.0, hi * 1.15 if hi > 0 else 1.0)
        return
    span = panel.get("min_span")
    if span and hi - lo < span:
        middle = (hi + lo) / 2
        ax.set_ylim(middle - span * 0.6, middle + span * 0.6)


def figure_png(spec: dict) -> bytes:
    """*spec* drawn as PNG bytes (transparent, 2x for high-DPI screens, no timestamp: same spec, same bytes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = draw(json.loads(json.dumps(spec)))
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=_DPI, transparent=True, metadata={"Software": None})
    return out.getvalue()
