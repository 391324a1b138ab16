"""The public Python API. Plain Python: no IPython here, and nothing touches the notebook."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from synthnb._frames import check_frame, fit_ready
from synthnb._threads import limit_threads
from synthnb.errors import SynthnbError
from synthnb.progress import ProgressCallback, emit
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
    keep: str | Iterable[str] | None = None,
    identifiers: str | Iterable[str] | None = None,
    monitor_every: int | None = None,
    monitor_rows: int | None = None,
    patience: int | None = None,
    profile: bool | str | None = None,
    **model_params: Any,
):
    """Fit a generator on *df* and sample a synthetic table.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table. It is never modified.
    model : {"gaussian_copula", "ctgan", "tvae", "copulagan", "cart"}
        The generator: one of SDV's four, or ``"cart"``, synthnb's sequential CART synthesizer in the style of
        R's synthpop (see :class:`synthnb.generators.cart.CARTSynthesizer`).
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
        Receives :class:`synthnb.progress.ProgressEvent` objects while the work runs; the first one
        (stage ``prepare``, message ``identifiers``) carries the detected identifiers, before any fitting.
    keep : str or list of str, optional
        Direct identifiers to learn from the real values anyway. By default every detected direct
        identifier (names, e-mails, phones, addresses, record numbers, URLs, IP addresses) is removed
        before the generator sees the table and replaced by fake values of the same kind, or dropped
        (free text); see :mod:`synthnb.identifiers`. Naming a column that is not a detected direct
        identifier is an error.
    identifiers : str or list of str, optional
        Columns to treat as direct identifiers whatever the detector found (a staff code, a free-text
        field it took for a category): replaced by fakes of their detected kind, or of the same format
        (``record_id``: letters by letters, digits by digits, integers past the real maximum), free text
        dropped; ``run.identifiers`` says "declared by the user". A column may not be in both *keep* and
        *identifiers*.
    monitor_every, monitor_rows, patience : int, optional
        Watch a CTGAN/TVAE/CopulaGAN fit: every *monitor_every* epochs (default: a tenth of the epochs)
        sample *monitor_rows* rows (default 1,000) and score their column shapes against the training rows;
        stop training after *patience* checks in a row without a better score (default None: never stop).
        Giving any of them turns watching on; ``run.monitor`` holds the scores and the stop epoch. A watched
        fit that does not stop gives the same bytes as an unwatched one.
    profile : bool or {"minimal", "full"}, optional
        Start profiling the real table (ydata-profiling, in synthnb's profile worker process) while the generator
        fits, so that ``evaluate(run, profile=...)`` later builds only the synthetic half of the comparison.
        Never changes the synthetic bytes.
    **model_params
        Passed to the generator (e.g. ``epochs=50`` for CTGAN/TVAE/CopulaGAN; ``min_leaf=10`` for CART).

    Returns
    -------
    Run
        ``run.identifiers`` lists what was detected and what was done with it.
    """
    import numpy as np

    from synthnb.fake_identifiers import with_fakes
    from synthnb.fingerprint import frame_digest, source_fingerprint
    from synthnb.generators.backend import fit_and_sample, library_versions
    from synthnb.identifiers import detect_identifiers
    from synthnb.run import Run

    t0 = time.perf_counter()
    limit_threads()  # numba/OpenMP/BLAS no wider than the CPUs this process may use (Binder's quota)
    check_frame(df, "df")
    if profile not in (None, False, True, "minimal", "full"):
        raise SynthnbError(f"profile={profile!r}: use True (or 'minimal') or 'full'.")
    spec = make_spec(
        df.columns,
        len(df),
        model=model,
        rows=rows,
        seed=seed,
        holdout=holdout,
        sensitive=sensitive,
        target=target,
        params=model_params,
        keep=keep,
        identifiers=identifiers,
        monitor={"every": monitor_every, "rows": monitor_rows, "patience": patience},
    )
    real = df.copy(deep=True)
    source = source_fingerprint(real)
    n_hold = round(len(real) * spec.holdout)
    order = np.random.default_rng(spec.seed).permutation(len(real))
    hold_pos = np.sort(order[:n_hold])
    train_pos = np.sort(order[n_hold:])
    train = fit_ready(real.iloc[train_pos].reset_index(drop=True))
    n_rows = spec.rows or len(real)

    # Identifiers are found and taken out here, before any generator, so that every generator inherits it.
    t_id = time.perf_counter()
    roles = detect_identifiers(real, keep=spec.keep, identifiers=spec.identifiers)
    emit(progress, "prepare", 0, 1, "identifiers", identifiers=roles)
    learn = _learnable(train, roles, spec)
    seconds_id = time.perf_counter() - t_id
    if profile:  # the real table's profile, in the profile worker, while the generator fits
        from synthnb.evaluation.profile import prefetch_real

        dropped = {r.column for r in roles if r.role == "direct" and r.action == "drop"}
        prefetch_real(real[[c for c in real.columns if c not in dropped]], source["sha256"], profile != "full")

    fitted = fit_and_sample(learn, spec, n_rows, progress)
    t_fake = time.perf_counter()
    synthetic = with_fakes(fitted.synthetic, real, train, roles, spec.seed)
    timings = dict(fitted.timings)
    timings["prepare"] = timings.get("prepare", 0.0) + seconds_id + time.perf_counter() - t_fake
    timings["total"] = time.perf_counter() - t0
    return Run(
        synthetic=synthetic,
        spec=spec,
        real=real,
        train_rows=train_pos,
        holdout_rows=hold_pos,
        timings=timings,
        source=source,
        synthetic_sha256=frame_digest(synthetic),
        versions=library_versions(),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        synthesizer=fitted.synthesizer,
        loss=fitted.loss,
        notes=fitted.notes,
        identifiers=roles,
        monitor=fitted.monitor,
    )


def _learnable(train, roles, spec):
    """The training rows without the direct identifiers that are replaced or dropped."""
    removed = [r.column for r in roles if r.role == "direct" and r.action in ("replace", "drop")]
    learn = train.drop(columns=removed)
    if learn.shape[1] == 0:
        raise SynthnbError(
            f"every column of the table is a direct identifier ({', '.join(map(str, removed))}), so there is nothing "
            "for a generator to learn. Add the columns to be modelled, or pass keep=[...] for an identifier that "
            "must be learned from the real values."
        )
    return learn
