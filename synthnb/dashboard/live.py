"""Show an Evaluation: live (widget filled by a background thread) or static (computed now, plain HTML)."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["show", "static_bundle"]


def static_bundle(ev) -> dict[str, str]:
    """The deterministic output of a headless run: cards, findings, sections with SVG plots; Markdown too."""
    from synthnb.evaluation.render import section_html, summary_html, to_markdown

    ev.compute_all()
    body = summary_html(ev) + "".join(
        f"<details><summary>{sec.title}</summary>{section_html(sec)}</details>" for sec in ev.sections.values())
    md = to_markdown(ev, tables=False)
    return {"text/html": body, "text/markdown": md, "text/plain": md}


def show(ev, *, mode: str = "static", on_done: Callable[[object], None] | None = None):
    """Display *ev*. Returns the Dashboard widget (live) or None (static).

    In live mode the widget is displayed at once with nothing computed; a daemon thread computes each
    section and refreshes the widget as it finishes, so the kernel stays free. When all are done the
    display is updated once more so the saved notebook keeps the final static HTML next to the widget.
    *on_done(ev)* runs once every section is computed (in the cell when static, in the thread when live).
    """
    from IPython.display import display

    if mode == "static":
        display(static_bundle(ev), raw=True)
        if on_done is not None:
            on_done(ev)
        return None
    from synthnb.dashboard.widget import Dashboard

    widget = Dashboard(ev)
    handle = display(widget, display_id=True)

    def work() -> None:
        for name in ev.section_names:
            widget.refresh(running=name)
            ev.section(name)  # failures are captured inside the section
            widget.refresh()
        if handle is not None:
            handle.update(widget)
        if on_done is not None:
            on_done(ev)

    thread = threading.Thread(target=work, name="synthnb-evaluate", daemon=True)
    widget._thread = thread
    thread.start()
    return widget
