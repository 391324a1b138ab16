"""The public Python API. Plain Python: no IPython here, and nothing touches the notebook."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from synthnb._frames import check_frame, fit_ready
from synthnb.progress import ProgressCallback
from synthnb.spec import make_spec

__all__ = ["fit"]


def fit(
    df,
    *,
    model: str = "gaussian_copula",
    rows: int | None = None,
    seed: int = 0,
    holdout: float = 0.2,
    sensitive: str | Iterable[str] | None = None,
    target: str | None = None,
    progress: ProgressCallback | None = None,
    **model_params: Any,
):
    """Fit a generator on *df* and sample a synthetic table.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table. It is never modified.
    model : {"gaussian_copula", "ctgan", "tvae", "copulagan"}
        The SDV generator.
    rows : int, optional
        How many synthetic rows to sample (default: as many as *df* has).
    seed : int
        Decides the holdout split, the fit and the sample: same data, model, parameters and seed
        give byte-identical synthetic CSV.
    holdout : float
        Fraction of real rows kept out of fitting (seeded) so evaluation can test utility and
        privacy honestly; 0 fits on every row.
    sensitive, target : optional
        Columns recorded on the run for the fairness and utility evaluation.
    progress : callable, optional
        Receives :class:`synthnb.progress.ProgressEvent` objects while the work runs.
    **model_params
        Passed to the SDV synthesizer (e.g. ``epochs=50`` for CTGAN/TVAE/CopulaGAN).

    Returns
    -------
    Run
    """
    import numpy as np

    from synthnb.fingerprint import frame_digest, source_fingerprint
    from synthnb.generators.sdv_adapter import fit_and_sample, library_versions
    from synthnb.run import Run

    t0 = time.perf_counter()
    check_frame(df, "df")
    spec = make_spec(
        df.columns, len(df), model=model, rows=rows, seed=seed, holdout=holdout,
        sensitive=sensitive, target=target, params=model_params,
    )
    real = df.copy(deep=True)
    source = source_fingerprint(real)
    n_hold = round(len(real) * spec.holdout)
    order = np.random.default_rng(spec.seed).permutation(len(real))
    hold_pos = np.sort(order[:n_hold])
    train_pos = np.sort(order[n_hold:])
    train = fit_ready(real.iloc[train_pos].reset_index(drop=True))
    n_rows = spec.rows or len(real)

    fitted = fit_and_sample(train, spec, n_rows, progress)
    timings = dict(fitted.timings)
    timings["total"] = time.perf_counter() - t0
    return Run(
        synthetic=fitted.synthetic,
        spec=spec,
        real=real,
        train_rows=train_pos,
        holdout_rows=hold_pos,
        timings=timings,
        source=source,
        synthetic_sha256=frame_digest(fitted.synthetic),
        versions=library_versions(),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        synthesizer=fitted.synthesizer,
        loss=fitted.loss,
        notes=fitted.notes,
    )
