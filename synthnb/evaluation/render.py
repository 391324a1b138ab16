"""Renderings of an Evaluation: cards, JSON, Markdown; HTML through :mod:`synthnb.evaluation.html`. Nothing computes."""

from __future__ import annotations

import json
import math
from typing import Any

from synthnb.evaluation._registry import card_specs

__all__ = ["card", "cards", "summary_html", "to_html", "to_json", "to_markdown"]


def card(title: str, section) -> dict[str, Any]:
    """One headline card: score, verdict (good/fair/poor) by the section's cut-offs, and their explanation.

    *title* is the card's (its section's) title; *section* a computed :class:`Section`, or None while pending.
    """
    spec = _card_spec(title)
    if section is None:
        return {
            "title": title,
            "section": spec.name,
            "score": None,
            "level": "pending",
            "headline": "computing…",
            "thresholds": "",
        }
    if section.error or section.score is None or (isinstance(section.score, float) and math.isnan(section.score)):
        return {
            "title": title,
            "section": spec.name,
            "score": None,
            # no error but no score: the section says why it cannot judge (a target predicted at chance)
            "level": "error" if section.error or not section.headline else "cannot be judged",
            "headline": section.error or section.headline or "no score",
            "thresholds": section.thresholds,
        }
    s = float(section.score)
    level = spec.levels.level(s)
    if section.verdict is not None:  # a finding decides, and can only make the card worse
        order = ("poor", "fair", "good")
        level = min(level, section.verdict, key=order.index)
    # the cut-offs beside the level: sections judge on their own scales (utility 0.88 is poor, fidelity 0.83 fair)
    scale = f"good ≥ {spec.levels.good:.2f}, fair ≥ {spec.levels.fair:.2f}"
    if section.verdict is not None and level != spec.levels.level(s):
        scale = f"a finding decides ({section.decided_by})" if section.decided_by else "a finding decides"
    return {
        "title": title,
        "section": spec.name,
        "score": s,
        "level": level,
        "scale": scale,
        "headline": section.headline,
        "thresholds": section.thresholds,
        "decided_by": section.decided_by,
    }


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
        verdict = f"{c['level']} ({c['scale']})" if c.get("scale") else c["level"]
        lines.append(f"| {c['title']} | {score} | {_md_escape(verdict)} | {_md_escape(c['headline'])} |")
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


# --- HTML (templates in synthnb/evaluation/templates/, figures in synthnb/evaluation/figures.py) ------------------


def summary_html(ev, computed_only: bool = False) -> str:
    """The dashboard as static HTML: cards, findings once, plots (PNG), sections and tables behind disclosures."""
    from synthnb.evaluation.html import dashboard_html

    return dashboard_html(ev, computed_only=computed_only)


def to_html(ev, include_profile: bool | str = False) -> str:
    """A standalone HTML document with every section and its plots."""
    from synthnb.evaluation.html import report_page

    return report_page(ev, include_profile=include_profile)
