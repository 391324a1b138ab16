"""Progress reporting: the core emits events through a callback and never prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["STAGES", "ProgressCallback", "ProgressEvent", "emit"]

#: The stages of a fit, in order.
STAGES = ("prepare", "fit", "sample")


@dataclass(frozen=True)
class ProgressEvent:
    """One step of long work.

    ``done``/``total`` count steps of *stage* (epochs while fitting a neural model); ``total`` is
    ``None`` when the length is unknown. ``metrics`` carries per-step figures such as losses.
    ``identifiers`` (on the ``prepare`` event with message ``identifiers``, sent before any fitting) holds
    the :class:`synthnb.identifiers.ColumnRole` objects detected in the table.
    """

    stage: str
    done: int
    total: int | None
    message: str = ""
    metrics: Mapping[str, float] = field(default_factory=dict)
    identifiers: tuple = ()

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


ProgressCallback = Callable[[ProgressEvent], None]


def emit(
    callback: ProgressCallback | None,
    stage: str,
    done: int,
    total: int | None,
    message: str = "",
    *,
    identifiers: tuple = (),
    **metrics: float,
) -> None:
    """Send an event if anyone listens; a failing listener never breaks the work."""
    if callback is None:
        return
    try:
        callback(ProgressEvent(stage, done, total, message, dict(metrics), tuple(identifiers)))
    except Exception:  # a broken display must not lose a 20-minute fit
        import logging

        logging.getLogger("synthnb").exception("progress callback failed")
