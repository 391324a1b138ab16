"""Watching a neural fit: an interim fidelity score every few epochs, and early stopping on it.

The options are checked here (cheap, no heavy imports at module level); the score and the sampling
run inside the fit (see :mod:`synthnb.generators.sdv_adapter`, which owns the hook into ctgan's epoch loop).

The interim score is sdmetrics' Column Shapes: the mean over the columns of KSComplement (numerical and
datetime columns) and TVComplement (categorical, ordinal, boolean) between *rows* rows sampled from the
model as it is after the epoch and the training rows, both in the real table's columns. Every check
samples with the run's seed (the same noise at every check, so two checks differ only by what the model
learned in between), from a copy of the synthesizer and inside a forked random state
(:func:`synthnb._rng.forked`), so a monitored fit that never stops trains and samples exactly the bytes of
an unmonitored one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError

__all__ = [
    "DEFAULT_MONITOR_ROWS",
    "MonitorOptions",
    "TrainingMonitor",
    "column_shapes_score",
    "default_every",
    "monitor_options",
    "stop_epoch",
]

#: rows sampled for each interim score unless told otherwise
DEFAULT_MONITOR_ROWS = 1000
#: SDV's default number of epochs for CTGAN, TVAE and CopulaGAN (used for the default interval)
_SDV_DEFAULT_EPOCHS = 300
_SHAPE_METRICS = {
    "numerical": "KSComplement",
    "datetime": "KSComplement",
    "categorical": "TVComplement",
    "ordinal": "TVComplement",
    "boolean": "TVComplement",
}


@dataclass(frozen=True)
class MonitorOptions:
    """How a neural fit is watched: an interim score every *every* epochs on *rows* sampled rows.

    *patience* is the number of checks in a row without a better score after which training stops;
    None never stops early.
    """

    every: int
    rows: int = DEFAULT_MONITOR_ROWS
    patience: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"every": self.every, "rows": self.rows, "patience": self.patience}


@dataclass(frozen=True)
class TrainingMonitor:
    """What was seen while a neural model trained (``run.monitor``).

    Attributes
    ----------
    options : MonitorOptions
    epochs : int
        Epochs asked for.
    epochs_run : int
        Epochs actually trained (less than *epochs* when it stopped early).
    stopped_epoch : int or None
        The epoch after which training stopped early, None when every epoch ran.
    checks : tuple of (epoch, score)
        Each interim Column Shapes score, with the (1-based) epoch after which it was taken.
    check_seconds : float
        Time spent sampling and scoring for the checks (included in the fit time).
    """

    options: MonitorOptions
    epochs: int
    epochs_run: int
    stopped_epoch: int | None
    checks: tuple[tuple[int, float], ...] = field(default=())
    check_seconds: float = 0.0

    @property
    def best(self) -> tuple[int, float] | None:
        """The first check with the highest score, or None without checks."""
        if not self.checks:
            return None
        top = max(score for _, score in self.checks)
        return next(check for check in self.checks if check[1] == top)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready summary kept in the provenance record."""
        best = self.best
        return {
            **self.options.to_dict(),
            "epochs": self.epochs,
            "epochs_run": self.epochs_run,
            "stopped_epoch": self.stopped_epoch,
            "best_epoch": None if best is None else best[0],
            "best_score": None if best is None else round(best[1], 6),
            "checks": [[epoch, round(score, 6)] for epoch, score in self.checks],
        }


def default_every(epochs: int | None) -> int:
    """The default interval: a tenth of the epochs (at least 1), so about ten checks per fit."""
    return max(1, (epochs or _SDV_DEFAULT_EPOCHS) // 10)


def monitor_options(
    model: str,
    epochs: int | None,
    *,
    every: Any = None,
    rows: Any = None,
    patience: Any = None,
) -> MonitorOptions | None:
    """Check the monitoring arguments of :func:`synthnb.fit`; None when none was given (no monitoring).

    Giving any of them turns monitoring on; the others take their defaults (*every*: a tenth of the
    epochs, *rows*: 1,000, *patience*: None, never stop). ``every=0`` turns it off explicitly.
    """
    from synthnb.generators import NEURAL_MODELS

    if every is None and rows is None and patience is None:
        return None
    if every == 0 and not isinstance(every, bool) and rows is None and patience is None:
        return None
    if model not in NEURAL_MODELS:
        raise SynthnbError(
            "monitor_every, monitor_rows and patience watch the training epochs of "
            f"{', '.join(sorted(NEURAL_MODELS))}; {model!r} has no epochs. Drop them, or pick a neural model."
        )
    every = default_every(epochs) if every is None else _positive(every, "monitor_every", "monitor_every=5")
    rows = DEFAULT_MONITOR_ROWS if rows is None else _positive(rows, "monitor_rows", "monitor_rows=1000")
    if rows < 10:
        raise SynthnbError(f"monitor_rows must be at least 10 for a meaningful score, got {rows}; e.g. 1000.")
    if patience is not None:
        patience = _positive(patience, "patience", "patience=3 (or None never to stop early)")
    if epochs is not None and every > epochs:
        raise SynthnbError(
            f"monitor_every={every} is more than the {epochs} epochs, so no interim score would be taken; "
            f"use monitor_every={default_every(epochs)} or fewer."
        )
    return MonitorOptions(every=every, rows=rows, patience=patience)


def _positive(value: Any, name: str, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SynthnbError(f"{name} must be a positive whole number, got {value!r}; for example {example}.")
    return int(value)


def stop_epoch(checks: Sequence[tuple[int, float]], patience: int | None) -> int | None:
    """The epoch at which early stopping ends training, given the checks so far; None to go on.

    Training stops at the check that makes *patience* checks in a row without a score strictly above the
    best one before them.
    """
    if patience is None:
        return None
    best = None
    since = 0
    for epoch, score in checks:
        if best is None or score > best:
            best, since = score, 0
        else:
            since += 1
            if since >= patience:
                return epoch
    return None


def column_shapes_score(real, synthetic, columns: dict[str, dict[str, Any]]) -> float:
    """Mean KSComplement / TVComplement over the columns, as sdmetrics' Column Shapes property scores them.

    *columns* is SDV's ``{name: {"sdtype": ...}}``; columns of other sdtypes (ids, PII) are left out.
    """
    import numpy as np
    from sdmetrics.single_column import KSComplement, TVComplement

    metrics = {"KSComplement": KSComplement, "TVComplement": TVComplement}
    scores = []
    for name, meta in columns.items():
        metric = _SHAPE_METRICS.get(meta.get("sdtype"))
        if metric is None or name not in synthetic.columns:
            continue
        scores.append(metrics[metric].compute(real[name], synthetic[name]))
    return float(np.nanmean(scores)) if scores else float("nan")
