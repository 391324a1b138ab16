"""The evaluation dashboard: an anywidget that shows an Evaluation's sections as they finish.

:mod:`synthnb.dashboard.widget` holds the widget (front end in ``widgets/dashboard/``),
:mod:`synthnb.dashboard.live` the background runner. Importing this package is light.
"""

from __future__ import annotations

__all__ = ["show_evaluation"]


def show_evaluation(ev, *, mode: str = "static"):
    """Display *ev* in the notebook: ``"live"`` (widget, computed in a background thread) or ``"static"``."""
    from synthnb.dashboard.live import show

    return show(ev, mode=mode)
