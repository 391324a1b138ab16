"""Show an Evaluation: live (widget filled by a background thread) or static (computed now, plain HTML).

Live, the widget is replaced by the static bundle on the same display id once every section is
computed: JupyterLab prefers a widget view over its HTML fallback and shows "model not found" after a
reload or kernel restart, while the static bundle reads the same everywhere (reloaded, untrusted,
Notebook 7, nbconvert). The widget stays only if the person asked it for the profile meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["live_order", "show", "static_bundle"]

#: sections that take well under a second on any table: computed first, so the first result shows at once
_FAST_FIRST = ("diagnostic",)


def live_order(names: list[str]) -> list[str]:
    """The order the live dashboard computes sections in: the fast ones first, then the rest in their order."""
    return [n for n in names if n in _FAST_FIRST] + [n for n in names if n not in _FAST_FIRST]


def static_bundle(ev) -> dict[str, str]:
    """The complete dashboard as a display bundle: HTML with PNG plots, and Markdown for plain readers."""
    from synthnb.evaluation.html import dashboard_html
    from synthnb.evaluation.render import to_markdown

    ev.compute_all()
    md = to_markdown(ev, tables=False)
    return {"text/html": dashboard_html(ev), "text/markdown": md, "text/plain": md}


def show(ev, *, mode: str = "static", on_done: Callable[[object], None] | None = None):
    """Display *ev*. Returns the Dashboard widget (live) or None (static).

    In live mode the widget is displayed at once with nothing computed; a daemon thread computes each
    section and refreshes the widget as it finishes, so the kernel stays free. When all are done the
    widget's output is replaced by :func:`static_bundle` (same display id), which a saved notebook keeps.
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

    running = {"name": None}
    # a long section's progress events (throttled by the section) redraw its "computing…" line
    ev.watch(lambda event: widget.refresh(running=running["name"]) if running["name"] == event.stage else None)

    def work() -> None:
        for name in live_order(ev.section_names):
            running["name"] = name
            widget.refresh(running=name)
            ev.section(name)  # failures are captured inside the section
            widget.refresh()
        running["name"] = None
        if handle is not None and widget.profile_status == "idle":
            handle.update(static_bundle(ev), raw=True)
        if on_done is not None:
            on_done(ev)

    thread = threading.Thread(target=work, name="synthnb-evaluate", daemon=True)
    widget._thread = thread
    thread.start()
    return widget
