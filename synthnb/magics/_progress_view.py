"""A live progress display for the notebook, built on display updates (no widget JS needed).

Updating one display output works in JupyterLab, Notebook 7, VS Code and headless runs alike,
and the final state it leaves in the saved notebook is deterministic.
"""

from __future__ import annotations

import html
import time

from synthnb.magics._display import identifiers_bundle
from synthnb.progress import STAGES, ProgressEvent

__all__ = ["IdentifiersView", "ProgressView"]

_MIN_INTERVAL = 0.2  # seconds between two updates sent to the front end


class ProgressView:
    """Listens to :class:`ProgressEvent` objects and shows one bar per stage."""

    def __init__(self, title: str):
        self._title = title
        self._state: dict[str, ProgressEvent] = {}
        self._handle = None
        self._last = 0.0

    def __call__(self, event: ProgressEvent) -> None:
        if event.message == "identifiers":
            # an output of its own, above the bars, before any time is spent fitting
            IdentifiersView()(event)
            return
        self._state[event.stage] = event
        finished = event.total is not None and event.done >= event.total
        now = time.monotonic()
        if self._handle is not None and not finished and now - self._last < _MIN_INTERVAL:
            return
        self._last = now
        self._show()

    def _bundle(self) -> dict[str, str]:
        rows_html, rows_text = [], []
        for stage in STAGES:
            ev = self._state.get(stage)
            frac = 0.0 if ev is None else (ev.fraction if ev.fraction is not None else 0.0)
            if ev is not None and ev.total is None and ev.message in ("fitted", "ready", "sampled"):
                frac = 1.0
            detail = "" if ev is None else _detail(ev)
            pct = f"{frac:.0%}"
            rows_html.append(
                f"<tr><td>{stage}</td><td><progress max='1' value='{frac:.3f}'></progress></td>"
                f"<td>{pct}</td><td>{html.escape(detail)}</td></tr>"
            )
            rows_text.append(f"{stage:<8} {pct:>5}  {detail}")
        body = "".join(rows_html)
        return {
            "text/html": f"<div class='synthnb-progress'><b>{html.escape(self._title)}</b>"
            f"<table>{body}</table></div>",
            "text/plain": self._title + "\n" + "\n".join(rows_text),
        }

    def _show(self) -> None:
        from IPython.display import display

        bundle = self._bundle()
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)


class IdentifiersView:
    """Shows only the identifier table (when live progress is switched off), once, before fitting."""

    def __call__(self, event: ProgressEvent) -> None:
        if event.message == "identifiers":
            from IPython.display import display

            display(identifiers_bundle(event.identifiers), raw=True)


def _detail(ev: ProgressEvent) -> str:
    parts = []
    if ev.message == "epoch" and ev.total:
        parts.append(f"epoch {ev.done}/{ev.total}")
    elif ev.message and ev.message != "epoch":
        parts.append(ev.message)
    parts.extend(f"{k.replace('_', ' ')} {v:+.3f}" for k, v in sorted(ev.metrics.items()))
    return " · ".join(parts)
