"""Renderings of an Evaluation (JSON, Markdown, standalone HTML with SVG plots). Nothing here computes."""

from __future__ import annotations

import html
import json
import math
from typing import Any

from synthnb.evaluation._registry import card_specs

__all__ = ["card", "cards", "figure_svg", "summary_html", "to_html", "to_json", "to_markdown"]

_COLOURS = {"good": "#2e7d32", "fair": "#b26a00", "poor": "#c62828", "error": "#555", "pending": "#888"}
_SERIES = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")


def card(title: str, section) -> dict[str, Any]:
    """One headline card: score, verdict (good/fair/poor) by the section's cut-offs, and their explanation.

    *title* is the card's (its section's) title; *section* a computed :class:`Section`, or None while pending.
    """
    spec = _card_spec(title)
    if section is None:
        return {"title": title, "section": spec.name, "score": None, "level": "pending", "headline": "computing…",
                "thresholds": ""}
    if section.error or section.score is None or (isinstance(section.score, float) and math.isnan(section.score)):
        return {"title": title, "section": spec.name, "score": None, "level": "error",
                "headline": section.error or section.headline or "no score", "thresholds": section.thresholds}
    s = float(section.score)
    level = spec.levels.level(s)
    if section.verdict is not None:  # a finding decides, and can only make the card worse
        order = ("poor", "fair", "good")
        level = min(level, section.verdict, key=order.index)
    return {"title": title, "section": spec.name, "score": s, "level": level, "headline": section.headline,
            "thresholds": section.thresholds, "decided_by": section.decided_by}


def _card_spec(title: str):
    for spec in card_specs():
        if spec.title == title:
            return spec
    raise KeyError(f"no card titled {title!r}; the cards are {[s.title for s in card_specs()]}")


def cards(ev, computed_only: bool = False) -> list[dict[str, Any]]:
    """The headline cards of *ev*, in the registry's order (sections it lacks are left out)."""
    out = []
    for spec in card_specs():
        if spec.name not in ev.section_names:
            continue
        sec = ev.computed(spec.name) if computed_only else ev.section(spec.name)
        out.append(card(spec.title, sec))
    return out


# --- JSON / Markdown ---------------------------------------------------------------------------------------

def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return _clean(value.item())
    return value


def to_json(ev, indent: int | None = 1) -> str:
    """The evaluation as JSON; NaN becomes null so any JSON reader accepts it."""
    data = ev.to_dict()
    data["cards"] = cards(ev)
    return json.dumps(_clean(data), indent=indent, sort_keys=False, allow_nan=False)


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(frame, max_rows: int = 40) -> str:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(_md_escape(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.head(max_rows).itertuples(index=False):
        lines.append("| " + " | ".join(_md_escape(_fmt(v)) for v in row) + " |")
    if len(frame) > max_rows:
        lines.append(f"\n*({len(frame) - max_rows} more rows in the JSON/HTML report)*")
    return "\n".join(lines)


def _fmt(v) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.4f}"
    return str(v)


def to_markdown(ev, tables: bool = True) -> str:
    """Headline cards, findings and (optionally) every section's tables as Markdown."""
    lines = [f"## Evaluation{f' of {ev.run_name}' if ev.run_name else ''}", ""]
    lines.append("| aspect | score | verdict | what it means |")
    lines.append("|---|---|---|---|")
    for c in cards(ev):
        score = "—" if c["score"] is None else f"{c['score']:.3f}"
        lines.append(f"| {c['title']} | {score} | {c['level']} | {_md_escape(c['headline'])} |")
    lines += ["", "### Findings", ""]
    lines += [f"- {_md_escape(f)}" for f in ev.findings]
    if tables:
        for sec in ev.sections.values():
            lines += ["", f"### {sec.title}", ""]
            if sec.error:
                lines += [f"**Could not be computed:** {_md_escape(sec.error)}"]
                continue
            lines += [sec.headline, "", f"*How to read it:* {sec.thresholds}", ""]
            for name, frame in sec.tables.items():
                lines += [f"**{name.replace('_', ' ')}**", "", _md_table(frame), ""]
            lib = ", ".join(f"{k} {v}" for k, v in sec.library.items())
            lines += [f"*Computed by {lib or 'synthnb'}.*"]
    return "\n".join(lines).rstrip() + "\n"


# --- SVG figures -------------------------------------------------------------------------------------------

def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _legend(names, x, y) -> str:
    parts = []
    for k, name in enumerate(names):
        parts.append(f"<rect x='{x}' y='{y + 14 * k}' width='10' height='10' fill='{_SERIES[k % 4]}'/>"
                     f"<text x='{x + 14}' y='{y + 9 + 14 * k}' font-size='11'>{_esc(name)}</text>")
    return "".join(parts)


def _bars_svg(spec) -> str:
    cats, series = spec["categories"], spec["series"]
    names = list(series)
    w_label, width, row = 150, 520, 6 + 9 * len(names)
    height = 40 + row * len(cats) + 14 * len(names)
    vmax = max([v for vals in series.values() for v in vals if v is not None] + [1e-12])
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' class='synthnb-fig'>",
           f"<text x='4' y='14' font-size='12' font-weight='bold'>{_esc(spec['title'])}</text>"]
    for i, cat in enumerate(cats):
        y0 = 24 + i * row
        out.append(f"<text x='{w_label - 4}' y='{y0 + row / 2 + 3}' font-size='10' text-anchor='end'>"
                   f"{_esc(str(cat)[:24])}</text>")
        for k, name in enumerate(names):
            v = series[name][i] or 0.0
            w = (width - w_label - 60) * v / vmax
            out.append(f"<rect x='{w_label}' y='{y0 + 9 * k}' width='{w:.1f}' height='8' fill='{_SERIES[k % 4]}'>"
                       f"<title>{_esc(name)}: {v:.4f}</title></rect>"
                       f"<text x='{w_label + w + 3:.1f}' y='{y0 + 9 * k + 7}' font-size='9'>{v:.3f}</text>")
    out.append(_legend(names, w_label, height - 14 * len(names)))
    out.append("</svg>")
    return "".join(out)


def _hist_svg(spec) -> str:
    edges, series = spec["edges"], spec["series"]
    names = list(series)
    width, height, left, bottom = 520, 200, 40, 40
    n = len(edges) - 1
    vmax = max([v for vals in series.values() for v in vals] + [1e-12])
    bw = (width - left - 10) / n
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height + 14 * len(names)}' "
           "class='synthnb-fig'>",
           f"<text x='4' y='14' font-size='12' font-weight='bold'>{_esc(spec['title'])}</text>"]
    plot_h = height - bottom - 24
    for k, name in enumerate(names):
        pts = []
        for i, v in enumerate(series[name]):
            y = 24 + plot_h * (1 - v / vmax)
            pts += [f"{left + i * bw:.1f},{y:.1f}", f"{left + (i + 1) * bw:.1f},{y:.1f}"]
        base = 24 + plot_h
        poly = f"{left:.1f},{base:.1f} " + " ".join(pts) + f" {left + n * bw:.1f},{base:.1f}"
        out.append(f"<polygon points='{poly}' fill='{_SERIES[k % 4]}' fill-opacity='0.35' "
                   f"stroke='{_SERIES[k % 4]}' stroke-width='1.5'/>")
    out.append(f"<text x='{left}' y='{height - bottom + 30}' font-size='10'>{edges[0]:.4g}</text>"
               f"<text x='{width - 10}' y='{height - bottom + 30}' font-size='10' text-anchor='end'>"
               f"{edges[-1]:.4g}</text><text x='4' y='30' font-size='9'>{vmax:.3f}</text>")
    out.append(_legend(names, left, height))
    out.append("</svg>")
    return "".join(out)


def _heat_svg(spec) -> str:
    labels, values = spec["labels"], spec["values"]
    n, cell, left, top = len(labels), 22, 120, 30
    size_w, size_h = max(left + n * cell + 10, 7 * len(spec['title'])), top + n * cell + 110
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{size_w}' height='{size_h}' class='synthnb-fig'>",
           f"<text x='4' y='14' font-size='12' font-weight='bold'>{_esc(spec['title'])}</text>"]
    vmax = spec.get("vmax") or 1.0
    for i, row in enumerate(values):
        out.append(f"<text x='{left - 4}' y='{top + i * cell + 15}' font-size='10' text-anchor='end'>"
                   f"{_esc(labels[i][:18])}</text>")
        for j, v in enumerate(row):
            if v is None:
                fill, tip = "#eee", "n/a"
            else:
                t = max(0.0, min(1.0, v / vmax))
                fill, tip = f"rgb(255,{int(255 * (1 - t))},{int(255 * (1 - t))})", f"{v:.3f}"
            out.append(f"<rect x='{left + j * cell}' y='{top + i * cell}' width='{cell - 1}' height='{cell - 1}' "
                       f"fill='{fill}'><title>{_esc(labels[i])} × {_esc(labels[j])}: {tip}</title></rect>")
    for j, lab in enumerate(labels):
        x, y = left + j * cell + 14, top + n * cell + 4
        out.append(f"<text x='{x}' y='{y}' font-size='10' transform='rotate(60 {x} {y})'>{_esc(lab[:18])}</text>")
    out.append("</svg>")
    return "".join(out)


def figure_svg(spec: dict) -> str:
    """Draw one figure spec as inline SVG (the same specs the widget draws in the browser)."""
    kind = spec.get("kind")
    if kind == "bars":
        return _bars_svg(spec)
    if kind == "histogram":
        return _hist_svg(spec)
    if kind == "heatmap":
        return _heat_svg(spec)
    return ""


# --- HTML ----------------------------------------------------------------------------------------------------

_CSS = """
.synthnb-eval{font-family:system-ui,sans-serif;font-size:13px;color:#222}
.synthnb-cards{display:flex;gap:10px;flex-wrap:wrap;margin:6px 0}
.synthnb-card{border:1px solid #ccc;border-left:6px solid var(--c);border-radius:4px;padding:6px 10px;
  min-width:180px;max-width:300px;flex:1}
.synthnb-card .t{font-weight:600}.synthnb-card .s{font-size:22px;color:var(--c)}
.synthnb-card .l{font-size:11px;text-transform:uppercase;color:var(--c)}
.synthnb-card .h{font-size:12px}.synthnb-card .why{font-size:11px;color:#555}
.synthnb-eval table{border-collapse:collapse;margin:4px 0 10px}
.synthnb-eval td,.synthnb-eval th{border:1px solid #ddd;padding:2px 6px;text-align:right}
.synthnb-eval .err{color:#c62828}
"""


def _card_html(c: dict) -> str:
    score = "—" if c["score"] is None else f"{c['score']:.2f}"
    return (f"<div class='synthnb-card' style='--c:{_COLOURS[c['level']]}'><div class='t'>{_esc(c['title'])}</div>"
            f"<div class='s'>{score}</div><div class='l'>{_esc(c['level'])}</div>"
            f"<div class='h'>{_esc(c['headline'])}</div>"
            + (f"<div class='why'>Decided by: {_esc(c['decided_by'])}</div>" if c.get("decided_by") else "")
            + f"<div class='why'>{_esc(c['thresholds'])}</div></div>")


def summary_html(ev, computed_only: bool = False) -> str:
    """Headline cards and findings: the static rendering kept in saved notebooks."""
    cs = cards(ev, computed_only=computed_only)
    findings = ev.findings if not computed_only else [
        f for name in ev.section_names if ev.computed(name) is not None for f in ev.computed(name).findings]
    items = "".join(f"<li>{_esc(f)}</li>" for f in findings)
    title = f"synthnb evaluation{f' of {ev.run_name}' if ev.run_name else ''}"
    return (f"<div class='synthnb-eval'><style>{_CSS}</style><b>{_esc(title)}</b>"
            f"<div class='synthnb-cards'>{''.join(_card_html(c) for c in cs)}</div>"
            f"<b>Findings</b><ul>{items}</ul></div>")


def _table_html(frame, max_rows: int = 200) -> str:
    return frame.head(max_rows).to_html(index=False, float_format=lambda v: f"{v:.4f}", na_rep="", border=0)


def section_html(sec) -> str:
    """One section: headline, how to read it, figures, findings, tables, provenance of the numbers."""
    parts = [f"<h2>{_esc(sec.title)}</h2>"]
    if sec.error:
        return parts[0] + f"<p class='err'>Could not be computed: {_esc(sec.error)}</p>"
    parts.append(f"<p><b>{_esc(sec.headline)}</b></p><p><i>{_esc(sec.thresholds)}</i></p>")
    parts += [f"<div>{figure_svg(f)}</div>" for f in sec.figures]
    if sec.findings:
        parts.append("<ul>" + "".join(f"<li>{_esc(f)}</li>" for f in sec.findings) + "</ul>")
    for name, frame in sec.tables.items():
        parts.append(f"<h3>{_esc(name.replace('_', ' '))}</h3>{_table_html(frame)}")
    lib = ", ".join(f"{k} {v}" for k, v in sec.library.items())
    parts.append(f"<p style='color:#666'>Computed by {_esc(lib or 'synthnb')} in {sec.seconds:.2f} s.</p>")
    return "".join(parts)


def to_html(ev, include_profile: bool = False) -> str:
    """A standalone HTML document with every section and its plots."""
    body = [summary_html(ev)] + [section_html(sec) for sec in ev.sections.values()]
    if include_profile:
        sec, page = ev.profile()
        body.append(section_html(sec))
        if page:
            body.append(f"<iframe style='width:100%;height:900px;border:1px solid #ccc' srcdoc='{_esc(page)}'>"
                        "</iframe>")
    title = f"synthnb evaluation{f' of {ev.run_name}' if ev.run_name else ''}"
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{_esc(title)}</title></head>"
            f"<body class='synthnb-eval'>{''.join(body)}</body></html>\n")
