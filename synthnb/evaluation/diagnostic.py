"""Diagnostic: sdmetrics' DiagnosticReport, the validity and structure of the synthetic table."""

from __future__ import annotations

from synthnb.evaluation._registry import SectionSpec
from synthnb.evaluation._section import Section, versions
from synthnb.evaluation.fidelity import generate_report, sdmetrics_reports

__all__ = ["SPEC", "diagnostic"]


def diagnostic(ctx) -> Section:
    """sdmetrics DiagnosticReport: validity and structure of the synthetic table."""
    _, diagnostic_cls = sdmetrics_reports()
    report, props, score, by_prop = generate_report(diagnostic_cls, ctx)
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
