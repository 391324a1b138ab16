"""Re-create a synthetic table from its recipe, or confirm one already holds the recorded bytes."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from synthnb.errors import SynthnbError, SynthnbWarning

__all__ = ["describe_source_change", "reproduce"]

_log = logging.getLogger("synthnb")


def reproduce(
    source,
    *,
    model: str,
    seed: int,
    rows: int | None = None,
    holdout: float = 0.2,
    params: Mapping[str, Any] | None = None,
    sensitive: Iterable[str] | None = None,
    target: str | None = None,
    keep: Iterable[str] | None = None,
    identifiers: Iterable[str] | None = None,
    monitor_every: int | None = None,
    monitor_rows: int | None = None,
    patience: int | None = None,
    source_sha256: str | None = None,
    source_rows: int | None = None,
    source_columns: Iterable[str] | None = None,
    synthetic_sha256: str | None = None,
    versions: Mapping[str, str] | None = None,
    current=None,
    name: str | None = None,
    allow_changed_source: bool = False,
    progress=None,
    report=None,
):
    """Re-create the synthetic table a provenance cell describes, byte for byte.

    First the source table is checked against the recorded fingerprint. Then, if *current* is a
    table whose digest equals *synthetic_sha256* (the name is already bound, as after "Run
    all"), it is returned as it is, without refitting. Otherwise the generator is fitted again
    with the recorded recipe and the result's digest is checked.

    Parameters
    ----------
    source : pandas.DataFrame
        The real table. It is never modified.
    model, seed, rows, holdout, params, sensitive, target, keep, identifiers
        The recipe, as :func:`synthnb.fit` takes it (*keep*: direct identifiers learned from the real
        values by override; *identifiers*: columns the user declared direct identifiers).
    monitor_every, monitor_rows, patience
        How a neural fit was watched (see :func:`synthnb.fit`); with a patience they decide the epoch
        training stopped at, so an early-stopped table is re-created by stopping at the same epoch.
    source_sha256, source_rows, source_columns
        The recorded source fingerprint (see :func:`synthnb.fingerprint.source_fingerprint`).
    synthetic_sha256 : str, optional
        sha256 of the recorded table's canonical CSV; ``None`` skips the check.
    versions : dict, optional
        Library versions that made the recorded table; a difference gives a SynthnbWarning,
        because other versions may produce other bytes.
    current : pandas.DataFrame, optional
        The table now bound to the name, if any (the cell passes ``globals().get(name)``).
    name : str, optional
        The variable the cell binds; default: the name *current* is bound to by a fit in this kernel.
    allow_changed_source : bool
        Refit even though the source differs from the recorded one (warns instead of raising;
        the result is then a new table, not the recorded one).
    progress : callable, optional
        Progress callback for the refit (see :mod:`synthnb.progress`).
    report : callable, optional
        Given one sentence saying what happened (confirmed, re-created and matching, or re-created on a
        changed source); the provenance cell passes ``print``, so running it always says something.

    Returns
    -------
    pandas.DataFrame
        *current* itself when it was confirmed, else the re-created table.

    Raises
    ------
    SynthnbError
        When the source differs from the recorded one (names rows, columns or values), or when
        the re-created table's bytes differ although every library version is the same.
    """
    from synthnb._frames import check_frame
    from synthnb.fingerprint import frame_digest, source_fingerprint

    newer = _newer_fit(current, name, synthetic_sha256)
    if newer is not None:
        bound_name, run = newer
        warnings.warn(
            f"superseded: {bound_name} holds the table of a newer %synth fit in this kernel ({run.spec.model}, seed "
            f"{run.spec.seed}, sha256 {run.synthetic_sha256[:12]}…), not the one this cell records (sha256 "
            f"{synthetic_sha256[:12]}…); nothing was refitted or rebound. This cell's text is older than that fit "
            "(synthnb rewrites it below the fit cell): run it again to confirm the table.",
            SynthnbWarning,
            stacklevel=2,
        )
        return current

    check_frame(source, "the source table")
    now = source_fingerprint(source)
    source_changed = False
    if source_sha256 is not None and now["sha256"] != source_sha256:
        what = describe_source_change(now, source_rows, source_columns)
        if not allow_changed_source:
            raise SynthnbError(
                f"the source table is not the one this synthetic table was made from: {what}. Refusing to "
                "re-create it from different data; restore the original table, or pass "
                "allow_changed_source=True to fit a new synthetic table on the changed one."
            )
        warnings.warn(
            f"the source table changed ({what}); fitting a NEW synthetic table on it, which will not match "
            "the recorded digest.",
            SynthnbWarning,
            stacklevel=2,
        )
        source_changed = True

    if current is not None and synthetic_sha256 is not None and not source_changed and _is_frame(current):
        if frame_digest(current) == synthetic_sha256:
            _log.info("synthnb.reproduce: the bound table already has the recorded digest; not refitting")
            _say(
                report,
                f"confirmed: {name or 'the table'} already holds the table this cell records (sha256 "
                f"{synthetic_sha256[:12]}…); nothing was refitted.",
            )
            return current

    differing = _version_differences(versions or {})
    if differing and not source_changed:
        warnings.warn(
            f"library versions differ from those that made the recorded table ({differing}); the re-created "
            "bytes may differ. Install the recorded versions to be sure of an exact copy.",
            SynthnbWarning,
            stacklevel=2,
        )

    from synthnb.api import fit

    run = fit(
        source,
        model=model,
        rows=rows,
        seed=seed,
        holdout=holdout,
        sensitive=list(sensitive or []) or None,
        target=target,
        keep=list(keep or []) or None,
        identifiers=list(identifiers or []) or None,
        monitor_every=monitor_every,
        monitor_rows=monitor_rows,
        patience=patience,
        progress=progress,
        **dict(params or {}),
    )
    if synthetic_sha256 is not None and not source_changed and run.synthetic_sha256 != synthetic_sha256:
        if not differing:
            raise SynthnbError(
                f"the re-created table's sha256 is {run.synthetic_sha256[:12]}…, not the recorded "
                f"{synthetic_sha256[:12]}…, although every library version matches. Was the original made on "
                "another platform or device (CUDA)? Pass synthetic_sha256=None to accept the new table."
            )
        warnings.warn(
            f"the re-created table differs from the recorded one (sha256 {run.synthetic_sha256[:12]}… instead "
            f"of {synthetic_sha256[:12]}…), as the version difference allowed.",
            SynthnbWarning,
            stacklevel=2,
        )
    if source_changed:
        _say(report, f"fitted a NEW table on the changed source (sha256 {run.synthetic_sha256[:12]}…).")
    elif synthetic_sha256 is not None and run.synthetic_sha256 == synthetic_sha256:
        _say(
            report,
            f"re-created {name or 'the table'} from its source ({model}, seed {seed}): sha256 "
            f"{run.synthetic_sha256[:12]}… matches the record, byte for byte.",
        )
    else:
        _say(report, f"re-created {name or 'the table'} (sha256 {run.synthetic_sha256[:12]}…).")
    return run.synthetic


def _say(report, sentence: str) -> None:
    if report is not None:
        report(f"synthnb provenance: {sentence}")


def describe_source_change(now: Mapping[str, Any], rows: int | None, columns: Iterable[str] | None) -> str:
    """Say in words how a source fingerprint *now* differs from the recorded rows and columns."""
    parts = []
    if rows is not None and int(rows) != now["rows"]:
        parts.append(f"rows: {now['rows']:,} now, {int(rows):,} recorded")
    if columns is not None:
        recorded = [str(c) for c in columns]
        cols = list(now["columns"])
        missing = [c for c in recorded if c not in cols]
        added = [c for c in cols if c not in recorded]
        if missing:
            parts.append(f"columns missing: {', '.join(missing)}")
        if added:
            parts.append(f"columns added: {', '.join(added)}")
        if not missing and not added and cols != recorded:
            parts.append("columns are in a different order")
    if not parts:
        parts.append("same rows and columns, but values (or column types or row order) differ")
    return "; ".join(parts)


def _newer_fit(current, name: str | None, synthetic_sha256: str | None):
    """``(name, run)`` when *current* is the table a fit in this kernel bound, and not the recorded one.

    Looks only where IPython is already running (never imports it), so ``reproduce`` works without it.
    """
    if current is None or synthetic_sha256 is None or "IPython" not in sys.modules:
        return None
    shell = sys.modules["IPython"].get_ipython()
    if shell is None:
        return None
    from synthnb.session import session_for

    session = session_for(shell)
    names = [name] if name is not None else [n for n in session.names() if shell.user_ns.get(n) is current]
    for bound_name in names:
        run = session.run(bound_name)
        if run is not None and run.synthetic_sha256 != synthetic_sha256 and session.bound_table(bound_name) is current:
            return bound_name, run
    return None


def _is_frame(obj) -> bool:
    import pandas as pd

    return isinstance(obj, pd.DataFrame)


def _version_differences(recorded: Mapping[str, str]) -> str:
    from synthnb.generators.backend import library_versions

    now = library_versions()
    diffs = [
        f"{dist} {old} recorded, {now.get(dist, 'not installed')} now"
        for dist, old in sorted(recorded.items())
        if now.get(dist) != old
    ]
    return "; ".join(diffs)
