"""A live progress display for the notebook, built on display updates (no widget JS needed).

Updating one display output works in JupyterLab, Notebook 7, VS Code and headless runs alike,
and the final state it leaves in the saved notebook is deterministic.
"""

from __future__ import annotations

import contextvars
import html
import threading
import time

from synthnb.magics._display import identifiers_bundle
from synthnb.progress import STAGES, ProgressEvent

__all__ = ["IdentifiersView", "ProgressView"]

_MIN_INTERVAL = 0.2  # seconds between two updates sent to the front end
_TICK = 1.0  # seconds between two updates of a running stage's elapsed time when its work says nothing
_DONE_MESSAGES = ("fitted", "ready", "sampled")  # a stage of unknown length that ended
_STOPPED = "stopped early"  # the fit event at which a watched neural fit ended before its last epoch
_CHART_INTERVAL = 0.5  # seconds between two redraws of the training chart while epochs come in


class ProgressView:
    """Listens to :class:`ProgressEvent` objects and shows one bar per stage, with each stage's seconds.

    A stage of unknown length (a Gaussian-copula fit reports no steps) shows an indeterminate bar; a
    light timer thread re-draws the running stage's elapsed time every *tick* seconds. The timer stops
    when the last stage ends or the cell ends (an error, an interrupt), and never draws after the final
    state, so the saved output is the final one.
    """

    def __init__(self, title: str, *, tick: float | None = None):
        self._title = title
        self._tick = _TICK if tick is None else tick
        self._state: dict[str, ProgressEvent] = {}
        self._started: dict[str, float] = {}
        self._ended: dict[str, float] = {}
        self._handle = None
        self._last = 0.0
        self._lock = threading.Lock()  # one drawing at a time: the fit's thread or the timer's
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._hooked = None  # the shell whose post_execute event stops the timer
        self._losses: dict[str, list[tuple[int, float]]] = {}  # a neural fit's loss per epoch, by series
        self._fidelity: list[tuple[int, float]] = []  # its interim scores
        self._chart = ""
        self._chart_drawn = 0.0

    def __call__(self, event: ProgressEvent) -> None:
        if event.message == "identifiers":
            # an output of its own, above the bars, before any time is spent fitting
            IdentifiersView()(event)
            return
        now = time.monotonic()
        finished = _finished(event)
        with self._lock:
            new_stage = event.stage not in self._started
            self._record_epoch(event)
            self._state[event.stage] = event
            self._started.setdefault(event.stage, now)
            if finished:
                self._ended.setdefault(event.stage, now)
            last = all(stage in self._ended for stage in STAGES)
            if last:
                self._stop.set()  # under the lock: the timer cannot draw after the final state below
            # a stage's first and last events always show: the bar it starts or ends is never skipped
            throttled = self._handle is not None and not (finished or new_stage) and now - self._last < _MIN_INTERVAL
            if not throttled:
                self._show(now)
        if last:
            self.close()
        elif not finished:
            self._start_timer()

    def close(self, *_args) -> None:
        """Stop the timer (called at the last stage's end, and when the cell ends however it ends)."""
        self._stop.set()
        shell, self._hooked = self._hooked, None
        if shell is not None:
            shell.events.unregister("post_execute", self.close)
        timer = self._timer
        if timer is not None and timer is not threading.current_thread():
            timer.join(timeout=5)

    def _start_timer(self) -> None:
        if self._timer is not None or self._stop.is_set():
            return
        shell = _shell()
        if shell is not None:
            # a fit that raises or is interrupted sends no last event: the end of the cell stops the timer
            shell.events.register("post_execute", self.close)
            self._hooked = shell
        # the copied context carries the cell's output parent (ipykernel keeps it in a context variable)
        context = contextvars.copy_context()
        self._timer = threading.Thread(
            target=context.run, args=(self._run_timer,), name="synthnb-progress", daemon=True
        )
        self._timer.start()

    def _run_timer(self) -> None:
        while not self._stop.wait(self._tick):
            with self._lock:
                if self._stop.is_set():
                    return
                if any(stage in self._started and stage not in self._ended for stage in STAGES):
                    self._show(time.monotonic())

    def _bundle(self, now: float) -> dict[str, str]:
        rows_html, rows_text = [], []
        for stage in STAGES:
            ev = self._state.get(stage)
            frac = None if ev is None else ev.fraction
            if ev is None:
                frac = 0.0
            elif ev.total is None and ev.message in _DONE_MESSAGES:
                frac = 1.0
            # a running stage of unknown length: an indeterminate bar (no value) and its elapsed time
            bar = "<progress max='1'></progress>" if frac is None else f"<progress max='1' value='{frac:.3f}'>"
            bar += "" if frac is None else "</progress>"
            pct = "…" if frac is None else f"{frac:.0%}"
            seconds = self._seconds(stage, now)
            elapsed = "" if seconds is None else f"{seconds:.1f} s"
            detail = "" if ev is None else _detail(ev)
            rows_html.append(
                f"<tr><td>{stage}</td><td>{bar}</td><td>{pct}</td><td>{elapsed}</td><td>{html.escape(detail)}</td></tr>"
            )
            rows_text.append(f"{stage:<8} {pct:>5}  {elapsed:>7}  {detail}".rstrip())
        body = "".join(rows_html)
        chart = self._chart_html(now)
        return {
            "text/html": f"<div class='synthnb-progress'><b>{html.escape(self._title)}</b><table>{body}</table>"
            f"{chart}</div>",
            "text/plain": self._title + "\n" + "\n".join(rows_text) + self._chart_text(),
        }

    def _record_epoch(self, ev: ProgressEvent) -> None:
        if ev.stage != "fit" or not ev.done or ev.message not in ("epoch", _STOPPED):
            return
        for key, value in ev.metrics.items():
            if key == "fidelity":
                self._fidelity.append((ev.done, float(value)))
            else:
                self._losses.setdefault(key, []).append((ev.done, float(value)))

    def _chart_html(self, now: float) -> str:
        """The training chart, redrawn at most every half second while training (always at the fit's end)."""
        if not self._losses and not self._fidelity:
            return ""
        fit = self._state.get("fit")
        final = "fit" in self._ended
        if final or not self._chart or now - self._chart_drawn >= _CHART_INTERVAL:
            from synthnb.magics._training_chart import training_svg

            stopped = fit.done if fit is not None and fit.message == _STOPPED else None
            self._chart = training_svg(None if fit is None else fit.total, self._losses, self._fidelity, stopped)
            self._chart_drawn = now
        return f"<div class='synthnb-training-chart'>{self._chart}</div>"

    def _chart_text(self) -> str:
        if not self._fidelity:
            return ""
        best_epoch, best = max(self._fidelity, key=lambda es: (es[1], -es[0]))
        epoch, last = self._fidelity[-1]
        return f"\ninterim fidelity: {last:.3f} after epoch {epoch}; best {best:.3f} (epoch {best_epoch})"

    def _seconds(self, stage: str, now: float) -> float | None:
        """Seconds *stage* took (ended) or has taken so far (running); None before it starts."""
        if stage not in self._started:
            return None
        return self._ended.get(stage, now) - self._started[stage]

    def _show(self, now: float) -> None:
        from IPython.display import display

        self._last = now
        bundle = self._bundle(now)
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


def _finished(ev: ProgressEvent) -> bool:
    if ev.total is None:
        return ev.message in _DONE_MESSAGES
    return ev.done >= ev.total or ev.message == _STOPPED


def _shell():
    from IPython import get_ipython

    return get_ipython()


def _detail(ev: ProgressEvent) -> str:
    parts = []
    if ev.message == "epoch" and ev.total:
        parts.append(f"epoch {ev.done}/{ev.total}")
    elif ev.message == _STOPPED and ev.total:
        parts.append(f"stopped early after epoch {ev.done}/{ev.total}")
    elif ev.message and ev.message != "epoch":
        parts.append(ev.message)
    parts.extend(f"{k.replace('_', ' ')} {v:+.3f}" for k, v in sorted(ev.metrics.items()))
    return " · ".join(parts)
