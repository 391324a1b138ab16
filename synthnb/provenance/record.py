"""The provenance record: a JSON-ready dict of everything that made a synthetic table.

Every other provenance artefact (the cell, the datasheet, Croissant, PROV, the manifest) is
rendered from this one dict, so they cannot disagree with each other.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RECORD_VERSION", "library_label", "provenance_record", "with_output"]

#: bumped when the record's shape changes, so readers can tell old records apart
# 2: identifiers, keep, export gate, derivation and model file; 3: generator library, training monitor, augmented group
RECORD_VERSION = 3


def provenance_record(run, name: str, df_name: str | None = None) -> dict[str, Any]:
    """Describe *run* without any value of the real table.

    Parameters
    ----------
    run : synthnb.Run
        The fit and sample to describe.
    name : str
        The variable the synthetic table is bound to (also the base name of exported files).
    df_name : str, optional
        The variable holding the source table, when known.

    Returns
    -------
    dict
        ``synthetic`` (always True), ``name``, ``source`` (fingerprint, shape, column names and
        types; never values), ``generator`` (model, parameters, seed, holdout, sensitive, target, keep;
        ``identifiers`` when the user declared some; ``monitor`` for a watched neural fit: interval, rows,
        patience, epochs run, stop epoch and the interim scores), ``output`` (rows, columns, sha256 of the
        canonical CSV), ``split`` (fitted and held-out row counts), ``identifiers`` (every detected direct and
        quasi-identifier with its kind, reason and action: replace, drop, keep by override, or data),
        ``versions``, ``created`` and ``timings``.
    """
    from synthnb.generators import GENERATORS

    spec = run.spec.to_dict()
    synthetic = run.synthetic
    return {
        "synthnb_provenance": RECORD_VERSION,
        "synthetic": True,
        "name": name,
        "source": {
            "name": df_name,
            "sha256": run.source["sha256"],
            "rows": int(run.source["rows"]),
            "columns": list(run.source["columns"]),
            "dtypes": {str(c): str(t) for c, t in run.real.dtypes.items()},
        },
        "generator": {
            "model": spec["model"],
            "label": GENERATORS[spec["model"]].label if spec["model"] in GENERATORS else spec["model"],
            "library": GENERATORS[spec["model"]].library if spec["model"] in GENERATORS else "SDV",
            "params": spec["params"],
            "seed": spec["seed"],
            "rows": int(synthetic.shape[0]),
            "holdout": spec["holdout"],
            "sensitive": spec["sensitive"],
            "target": spec["target"],
            "keep": list(spec.get("keep", [])),
            # columns the user declared direct identifiers (identifiers=); absent when none was
            **({"identifiers": list(spec["identifiers"])} if spec.get("identifiers") else {}),
            # a watched neural fit: interval, rows, patience, the epochs run and where it stopped
            **({"monitor": run.monitor.to_dict()} if getattr(run, "monitor", None) is not None else {}),
        },
        "identifiers": [r.to_dict() for r in getattr(run, "identifiers", ())],
        "split": {"fitted_rows": int(run.n_fitted), "holdout_rows": int(run.n_holdout)},
        "output": {
            "rows": int(synthetic.shape[0]),
            "columns": [str(c) for c in synthetic.columns],
            "dtypes": {str(c): str(t) for c, t in synthetic.dtypes.items()},
            "sha256": run.synthetic_sha256,
            "synthetic_rows": int(synthetic.shape[0]),
            "real_rows": 0,
        },
        "versions": dict(run.versions),
        "created": run.created,
        "timings": {k: round(float(v), 3) for k, v in run.timings.items()},
    }


def library_label(rec: dict[str, Any]) -> str:
    """The library that fitted the record's generator, with its version (e.g. ``SDV 1.2.3``)."""
    versions = rec.get("versions", {})
    if rec["generator"].get("library") == "synthnb":
        return f"synthnb's own, scikit-learn {versions.get('scikit-learn', '?')}"
    return f"SDV {versions.get('sdv', '?')}"


def with_output(rec: dict[str, Any], frame, synthetic_mask=None, group: str | None = None) -> dict[str, Any]:
    """A copy of *rec* describing *frame* as the output (e.g. real rows mixed with synthetic ones).

    *synthetic_mask* says, row by row, which rows of *frame* are synthetic (all of them when
    omitted); *group* (``"race=Other"``) names the group the synthetic rows were added for (an augmented table).
    """
    import numpy as np

    from synthnb.errors import SynthnbError
    from synthnb.fingerprint import frame_digest

    if synthetic_mask is None:
        n_syn = int(frame.shape[0])
    else:
        mask = np.asarray(synthetic_mask)
        if mask.dtype != bool or mask.shape != (frame.shape[0],):
            raise SynthnbError(
                f"synthetic_mask must hold one True/False per row ({frame.shape[0]} values), got "
                f"{mask.dtype} of shape {mask.shape}; e.g. synthetic_mask=augmented['is_synthetic']."
            )
        n_syn = int(mask.sum())
    out = dict(rec)
    out["output"] = {
        "rows": int(frame.shape[0]),
        "columns": [str(c) for c in frame.columns],
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
        "sha256": frame_digest(frame),
        "synthetic_rows": n_syn,
        "real_rows": int(frame.shape[0]) - n_syn,
    }
    if group is not None:
        out["output"]["synthetic_group"] = group
    return out
