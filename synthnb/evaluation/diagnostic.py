"""Diagnostic: sdmetrics' DiagnosticReport, the validity and structure of the synthetic table.

One rule of our own, before sdmetrics reads the rows: a synthetic number off the real column's minimum or
maximum by no more than :data:`BOUND_TOLERANCE` of that bound's size (floating-point rounding in the 16th
significant digit, as a constant column written back through another float path is) counts as on the bound,
so BoundaryAdherence does not call a faithfully kept value out of range. Anything further off is out of range
exactly as sdmetrics says; the report reads a copy, the synthetic table is never changed.
"""

from __future__ import annotations

from synthnb.evaluation._registry import SectionSpec
from synthnb.evaluation._section import Section, versions
from synthnb.evaluation.fidelity import generate_report, sdmetrics_reports

__all__ = ["BOUND_TOLERANCE", "SPEC", "diagnostic", "snapped_to_bounds"]

#: relative distance to a real bound within which a synthetic number counts as on it (about 4.5 float64 ulps)
BOUND_TOLERANCE = 1e-15


def snapped_to_bounds(real, synthetic, sdtypes: dict[str, str]):
    """*synthetic* with numbers within :data:`BOUND_TOLERANCE` outside a real bound set on it (a copy; or itself)."""
    import numpy as np
    import pandas as pd

    changed = {}
    for col, sdtype in sdtypes.items():
        if sdtype != "numerical" or synthetic[col].dtype.kind != "f":
            continue
        values = pd.to_numeric(real[col], errors="coerce")
        lo, hi = values.min(), values.max()
        if lo != lo:  # no real value
            continue
        s = synthetic[col].to_numpy(dtype=float)
        tol_lo, tol_hi = BOUND_TOLERANCE * max(abs(lo), 1e-300), BOUND_TOLERANCE * max(abs(hi), 1e-300)
        low = (s < lo) & (s >= lo - tol_lo)
        high = (s > hi) & (s <= hi + tol_hi)
        if low.any() or high.any():
            changed[col] = np.where(low, lo, np.where(high, hi, s))
    return synthetic.assign(**changed) if changed else synthetic


def diagnostic(ctx) -> Section:
    """sdmetrics DiagnosticReport: validity and structure of the synthetic table."""
    _, diagnostic_cls = sdmetrics_reports()
    synthetic = snapped_to_bounds(ctx.real, ctx.synthetic, ctx.data_sdtypes)
    report, props, score, by_prop = generate_report(diagnostic_cls, ctx, synthetic=synthetic)
    validity = report.get_details("Data Validity")
    structure = report.get_details("Data Structure")
    bad = validity[validity["Score"] < 1.0]
    findings = [
        f"{col}: {metric} {s:.3f} (some synthetic values fall outside what the real column holds)."
        for col, metric, s in zip(bad["Column"], bad["Metric"], bad["Score"], strict=True)
    ]
    return SPEC.section(
        score=score,
        headline=f"Diagnostic score {score:.3f} (validity {by_prop.get('Data Validity', float('nan')):.3f}, "
        f"structure {by_prop.get('Data Structure', float('nan')):.3f}).",
        scores={
            "diagnostic_score": score,
            "diagnostic_data_validity": by_prop.get("Data Validity"),
            "diagnostic_data_structure": by_prop.get("Data Structure"),
        },
        tables={"properties": props, "data_validity": validity, "data_structure": structure},
        findings=findings,
        library=versions("sdmetrics"),
    )


SPEC = SectionSpec(
    name="diagnostic",
    title="Diagnostic",
    compute=diagnostic,
    method="The diagnostic checks validity (values inside real ranges and categories) and structure (same columns).",
    notes="Anything below 1.0 means some synthetic values could never occur in the real table.",
)
