"""HTML of an Evaluation from Jinja2 templates that escape by default (``templates/``).

One template, ``dashboard.html.j2``, is the dashboard everywhere: inside the live widget while sections
are computed, as the static output that replaces it, in nbconvert's HTML and at the top of the
standalone report (``report.html.j2``). Its layout and colours are inline styles that JupyterLab's
sanitiser keeps, so an untrusted notebook shows the same cards, colours and plots; theme colours come
from JupyterLab's CSS variables with fallbacks for pages outside JupyterLab. Jinja2 loads on first use.
"""

from __future__ import annotations

import functools
import math
from typing import Any

__all__ = ["LEVEL_COLOURS", "dashboard_html", "dashboard_view", "report_page"]

#: card level -> accent colour: mid-tones readable on light and dark backgrounds (checked in the tests)
LEVEL_COLOURS = {"good": "#2b9348", "fair": "#b8860b", "poor": "#d64545", "error": "#8a8a8a", "pending": "#8a8a8a"}
_MAX_ROWS = 200


@functools.cache
def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("synthnb.evaluation", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = lambda v: "—" if v is None else f"{v:.2f}"
    return env


def _cell(value) -> str:
    from synthnb.evaluation.figures import number

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1e4 else number(value)
    return str(value)


#: tables listed in full up to this many rows (a wide table's every column, worst first, found with the
#: browser's search); the others show their first :data:`_MAX_ROWS`
_FULL_TABLES = {"column_shapes": 2000}


def _table(name: str, frame) -> dict[str, Any]:
    rows = [
        [_cell(v.item() if hasattr(v, "item") else v) for v in row]
        for row in frame.head(_FULL_TABLES.get(name, _MAX_ROWS)).itertuples(index=False)
    ]
    return {
        "name": name.replace("_", " "),
        "columns": [str(c) for c in frame.columns],
        "rows": rows,
        "total": len(frame),
        "shown": len(rows),
    }


def _progress_text(event) -> str:
    """How far a section is, in words: "12,000 of 71,253 column pairs compared" (empty when not known)."""
    if event is None:
        return ""
    if event.total:
        return f"{event.done:,} of {event.total:,} {event.message}".rstrip()
    return event.message


def _section_view(name: str, sec, running: str | None, progress=None) -> dict[str, Any]:
    from synthnb.evaluation.figures import figure_view, is_key

    if sec is None:
        return {
            "name": name,
            "title": name.capitalize(),
            "status": "running" if name == running else "pending",
            "progress": _progress_text(progress),
        }
    view = {
        "name": name,
        "title": sec.title,
        "status": "error" if sec.error else "done",
        "error": sec.error,
        "headline": sec.headline,
        "thresholds": sec.thresholds,
        "key_figures": [figure_view(f) for f in sec.figures if is_key(f)],
        "more_figures": [figure_view(f) for f in sec.figures if not is_key(f)],
        "tables": [_table(k, v) for k, v in sec.tables.items()],
        "library": ", ".join(f"{k} {v}" for k, v in sec.library.items()) or "synthnb",
        "seconds": f"{sec.seconds:.1f}",
    }
    return view


#: findings shown per section before the "more findings" disclosure
_TOP_FINDINGS = 2


def dashboard_view(ev, computed_only: bool = False, running: str | None = None) -> dict[str, Any]:
    """The data the dashboard template shows: cards, findings (each once), figures and sections."""
    from synthnb.evaluation.render import cards

    sections, findings, own = [], [], set()
    for name in ev.section_names:
        sec = ev.computed(name) if computed_only else ev.section(name)
        events = getattr(ev, "progress_of", None)
        view = _section_view(name, sec, running, events(name) if events is not None and sec is None else None)
        sections.append(view)
        if sec is not None:
            own.update(sec.findings)
            if sec.error:
                findings.append((sec.title, f"could not be computed: {sec.error}"))
            # a finding that is also the section's headline is already on its card
            findings += [(sec.title, f) for f in sec.findings if f != sec.headline]
    if not computed_only:  # evaluation-wide notes (e.g. no held-out rows) that belong to no section
        own.update(f for _, f in findings)
        findings = [("", f) for f in ev.findings if f not in own and not f.endswith(tuple(own))] + findings
    # the first findings of each section show; the rest wait one click away, so the dashboard stays compact
    top, more, seen = [], [], {}
    for where, text in findings:
        seen[where] = seen.get(where, 0) + 1
        (top if seen[where] <= _TOP_FINDINGS or not where else more).append((where, text))
    card_views = []
    for c in cards(ev, computed_only=computed_only):
        card_views.append({**c, "colour": LEVEL_COLOURS.get(c["level"], LEVEL_COLOURS["error"])})
    done = sum(s["status"] in ("done", "error") for s in sections)
    return {
        "title": f"synthnb evaluation{f' of {ev.run_name}' if ev.run_name else ''}",
        "run_name": ev.run_name,
        "cards": card_views,
        "findings": findings,
        "top_findings": top,
        "more_findings": more,
        "sections": sections,
        "key_figures": [(s["title"], f) for s in sections for f in s.get("key_figures", [])],
        "complete": done == len(sections),
        "done": done,
        "total": len(sections),
    }


def dashboard_html(ev, computed_only: bool = False, running: str | None = None, live: bool = False) -> str:
    """The dashboard as one HTML fragment (the widget shows it live; saved notebooks keep it).

    *live*: drawn inside the widget, which adds the Profile button itself; otherwise the Profile part
    says how to build the comparison, since a saved output has no kernel to ask.
    """
    view = dashboard_view(ev, computed_only=computed_only, running=running)
    return _env().get_template("dashboard.html.j2").render(**view, live=live)


def report_page(ev, include_profile: bool | str = False) -> str:
    """A standalone HTML page of readable width: the dashboard, every section's details, optionally the profile
    (*include_profile*: True for the comparison already built or under way, else the minimal one; "full" or
    "minimal" for that one)."""
    if include_profile not in (False, True, "full", "minimal", None):
        from synthnb.errors import SynthnbError

        raise SynthnbError(f"include_profile={include_profile!r}: use True, 'full' or 'minimal'.")
    view = dashboard_view(ev)
    profile = None
    if include_profile:
        minimal = ev.built_profile() is not False if include_profile is True else include_profile == "minimal"
        sec, page = ev.profile(minimal=minimal)
        profile = {"error": sec.error, "headline": sec.headline, "page": page}
    return _env().get_template("report.html.j2").render(**view, live=False, profile=profile)


def profile_frame_html(name: str, href: str, size_bytes: int, minimal: bool, height: int = 600) -> str:
    """The profile as a notebook shows it: a frame of the file kept beside the notebook, and a link to it whole."""
    size = f"{size_bytes / 1e6:.1f} MB" if size_bytes >= 1e5 else f"{size_bytes / 1e3:.0f} KB"
    return (
        _env()
        .get_template("profile_frame.html.j2")
        .render(name=name, href=href, size=size, kind="minimal" if minimal else "full", height=height)
    )
