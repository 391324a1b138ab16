"""The Run record: one fit + sample, immutable once made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthnb.spec import FitSpec

__all__ = ["Run"]


@dataclass(frozen=True, eq=False)
class Run:
    """The result of :func:`synthnb.fit`.

    Attributes
    ----------
    synthetic : pandas.DataFrame
        The generated table (a fresh frame owned by the run).
    spec : FitSpec
        Model, parameters, seed, rows, holdout, sensitive columns and target.
    real : pandas.DataFrame
        A private copy of the source table as it was when fitted (the caller's frame is untouched).
    train_rows, holdout_rows : numpy.ndarray
        Positions (0-based, ascending) of the real rows used for fitting and of those held out.
    timings : dict
        Seconds per stage (``prepare``, ``fit``, ``sample``, ``total``).
    source : dict
        The source fingerprint (sha256, rows, columns); see :mod:`synthnb.fingerprint`.
    synthetic_sha256 : str
        sha256 of the synthetic table's canonical CSV bytes.
    versions : dict
        Library versions that produced the table.
    synthesizer : object
        The fitted synthesizer: SDV's, or synthnb's CART (it never saw the replaced or dropped identifier columns).
    identifiers : tuple of ColumnRole
        The direct and quasi-identifiers detected before fitting and what was done with each
        (see :mod:`synthnb.identifiers`).
    loss : pandas.DataFrame or None
        A neural model's loss per epoch (and batch, for TVAE), as SDV's ``get_loss_values`` gives it.
    monitor : TrainingMonitor or None
        A watched neural fit's interim scores, the epochs it ran and where it stopped
        (see :mod:`synthnb.generators.monitor`).
    """

    synthetic: Any
    spec: FitSpec
    real: Any
    train_rows: Any
    holdout_rows: Any
    timings: dict[str, float]
    source: dict[str, Any]
    synthetic_sha256: str
    versions: dict[str, str]
    created: str
    synthesizer: Any = field(repr=False)
    loss: Any = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    identifiers: tuple[Any, ...] = ()
    monitor: Any = field(default=None, repr=False)

    @property
    def n_fitted(self) -> int:
        return len(self.train_rows)

    @property
    def n_holdout(self) -> int:
        return len(self.holdout_rows)

    @property
    def holdout(self):
        """The held-out real rows (never seen by the generator)."""
        return self.real.iloc[self.holdout_rows]

    @property
    def train(self):
        """The real rows the generator was fitted on."""
        return self.real.iloc[self.train_rows]

    def summary(self) -> dict[str, Any]:
        """The compact facts shown after a fit (model, rows, columns, split, time)."""
        from synthnb.generators import MODELS

        return {
            "model": MODELS[self.spec.model],
            "synthetic_rows": int(self.synthetic.shape[0]),
            "columns": int(self.synthetic.shape[1]),
            "fitted_rows": self.n_fitted,
            "holdout_rows": self.n_holdout,
            "seed": self.spec.seed,
            "params": dict(self.spec.params),
            "seconds": round(self.timings.get("total", 0.0), 2),
            "identifiers": [r.to_dict() for r in self.identifiers],
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"<synthnb.Run {s['model']}: {s['synthetic_rows']} synthetic rows x {s['columns']} columns "
            f"from {s['fitted_rows']} fitted rows ({s['holdout_rows']} held out), seed {s['seed']}, "
            f"{s['seconds']} s>"
        )
