"""Fidelity: sdmetrics' QualityReport and distribution figure specs (its report helpers serve the diagnostic too)."""

from __future__ import annotations

import warnings

from synthnb.evaluation._registry import Levels, SectionSpec
from synthnb.evaluation._section import Section, versions

__all__ = ["SPEC", "correlation_difference", "distribution_figures", "fidelity", "generate_report", "sdmetrics_reports"]

_TOP_CATEGORIES = 12
_BINS = 20


def sdmetrics_reports():
    """sdmetrics' single-table QualityReport and DiagnosticReport classes."""
    with warnings.catch_warnings():
        # sdmetrics 0.32 flags its single-table reports as deprecated in favour of the multi-table shape;
        # they compute the same numbers and take a plain single-table metadata dict.
        warnings.simplefilter("ignore", FutureWarning)
        from sdmetrics.reports.single_table import DiagnosticReport, QualityReport
    return QualityReport, DiagnosticReport


def generate_report(report_cls, ctx):
    """Run an sdmetrics report on every real row; returns it, its properties, score and score per property.

    The metadata is SDV's (what the generator learned with), so the score equals SDV's own report; direct
    identifiers are left out: they are not data to compare.
    """
    report = report_cls()
    cols = ctx.data_columns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(ctx.real[cols], ctx.synthetic[cols], ctx.metadata(), verbose=False)
    props = report.get_properties()
    by_prop = {str(k): float(v) for k, v in zip(props["Property"], props["Score"], strict=True)}
    return report, props, float(report.get_score()), by_prop


def fidelity(ctx) -> Section:
    """sdmetrics QualityReport of the synthetic table against every real row."""
    quality_cls, _ = sdmetrics_reports()
    report, props, score, by_prop = generate_report(quality_cls, ctx)
    shapes = report.get_details("Column Shapes")
    pairs = report.get_details("Column Pair Trends")
    findings = []
    worst = shapes.sort_values("Score").head(3)
    if ctx.direct_identifiers:
        findings.append(f"Left out as direct identifiers (not data): {', '.join(ctx.direct_identifiers)}.")
    if len(worst):
        listed = ", ".join(f"{c} ({s:.2f})" for c, s in zip(worst["Column"], worst["Score"], strict=True))
        findings.append(f"The columns whose distributions differ most from the real table: {listed}.")
    if len(pairs):
        wp = pairs.dropna(subset=["Score"]).sort_values("Score").head(3)
        listed = ", ".join(
            f"{a}–{b} ({s:.2f})" for a, b, s in zip(wp["Column 1"], wp["Column 2"], wp["Score"], strict=True)
        )
        findings.append(f"The column pairs whose relationship is reproduced worst: {listed}.")
    return SPEC.section(
        score=score,
        headline=f"Quality score {score:.2f}: column shapes {by_prop.get('Column Shapes', float('nan')):.2f}, "
        f"pair trends {by_prop.get('Column Pair Trends', float('nan')):.2f}.",
        scores={
            "fidelity_quality_score": score,
            "fidelity_column_shapes": by_prop.get("Column Shapes"),
            "fidelity_column_pair_trends": by_prop.get("Column Pair Trends"),
        },
        tables={"properties": props, "column_shapes": shapes, "column_pair_trends": pairs},
        figures=[
            f
            for f in (
                correlation_difference(ctx.real, ctx.synthetic, ctx.data_sdtypes),
                _pair_heatmap(pairs, ctx.data_columns),
            )
            if f is not None
        ]
        + distribution_figures(ctx.real, ctx.synthetic, ctx.data_sdtypes),
        findings=findings,
        library=versions("sdmetrics"),
    )


def _pair_heatmap(pairs, columns: list) -> dict:
    """1 − pair-trend score for every pair: 0 means the pair relates exactly as in the real table."""
    import numpy as np

    index = {str(c): i for i, c in enumerate(columns)}
    values = np.full((len(columns), len(columns)), np.nan)
    for a, b, s in zip(pairs["Column 1"], pairs["Column 2"], pairs["Score"], strict=True):
        if s == s:  # NaN scores (a pair sdmetrics could not compare) stay empty
            values[index[str(a)], index[str(b)]] = values[index[str(b)], index[str(a)]] = 1.0 - float(s)
    return {
        "kind": "heatmap",
        "title": "sdmetrics pair trends: 1 − score (grey: real association too weak to score)",
        "labels": [str(c) for c in columns],
        "values": [[None if v != v else round(float(v), 4) for v in row] for row in values],
        "vmax": 1.0,
    }


def correlation_difference(real, synthetic, sdtypes: dict[str, str]) -> dict | None:
    """|Pearson correlation in real − in synthetic| for every pair of numerical columns."""
    import numpy as np
    import pandas as pd

    cols = [c for c, t in sdtypes.items() if t == "numerical"]
    if len(cols) < 2:
        return None
    r = real[cols].apply(pd.to_numeric, errors="coerce").corr()
    s = synthetic[cols].apply(pd.to_numeric, errors="coerce").corr()
    diff = (r - s).abs().to_numpy()
    np.fill_diagonal(diff, np.nan)
    return {
        "kind": "heatmap",
        "title": "Correlation difference: |Pearson real − Pearson synthetic| (numerical columns)",
        "labels": [str(c) for c in cols],
        "values": [[None if v != v else round(float(v), 4) for v in row] for row in diff],
        "vmax": 1.0,
    }


def distribution_figures(real, synthetic, sdtypes: dict[str, str]) -> list[dict]:
    """Per-column real vs synthetic distribution specs (shares per bin or per category)."""
    import numpy as np
    import pandas as pd

    figs = []
    for col, sdtype in sdtypes.items():
        r, s = real[col], synthetic[col]
        if sdtype == "numerical":
            rv = pd.to_numeric(r, errors="coerce").dropna().to_numpy(dtype=float)
            sv = pd.to_numeric(s, errors="coerce").dropna().to_numpy(dtype=float)
            if len(rv) == 0:
                continue
            lo, hi = float(rv.min()), float(rv.max())
            if hi == lo:
                hi = lo + 1.0
            edges = np.linspace(lo, hi, _BINS + 1)
            rh = np.histogram(np.clip(rv, lo, hi), edges)[0] / max(len(rv), 1)
            sh = np.histogram(np.clip(sv, lo, hi), edges)[0] / max(len(sv), 1)
            figs.append(
                {
                    "kind": "histogram",
                    "title": str(col),
                    "column": str(col),
                    "edges": [round(float(e), 6) for e in edges],
                    "series": {"real": [round(float(x), 6) for x in rh], "synthetic": [round(float(x), 6) for x in sh]},
                }
            )
        else:
            rc = r.astype("object").where(r.notna(), "(missing)").astype(str).value_counts(normalize=True)
            sc = s.astype("object").where(s.notna(), "(missing)").astype(str).value_counts(normalize=True)
            top = list(rc.index[:_TOP_CATEGORIES])
            rest_r, rest_s = 1.0 - float(rc[top].sum()), 1.0 - float(sc.reindex(top).fillna(0).sum())
            cats = [*top, "(other)"] if len(rc) > _TOP_CATEGORIES or rest_s > 1e-12 else top
            rvals = [float(rc.get(c, 0.0)) for c in top] + ([rest_r] if len(cats) > len(top) else [])
            svals = [float(sc.get(c, 0.0)) for c in top] + ([rest_s] if len(cats) > len(top) else [])
            figs.append(
                {
                    "kind": "bars",
                    "title": str(col),
                    "column": str(col),
                    "categories": [str(c) for c in cats],
                    "series": {"real": [round(v, 6) for v in rvals], "synthetic": [round(v, 6) for v in svals]},
                }
            )
    return figs


SPEC = SectionSpec(
    name="fidelity",
    title="Fidelity",
    compute=fidelity,
    method="sdmetrics' quality score averages how well each column's distribution (Column Shapes) and each pair's "
    "correlation or contingency (Column Pair Trends) match the real table, with the column types the generator "
    "learned with (SDV's metadata, so it equals SDV's evaluate_quality); direct identifiers are left out.",
    levels=Levels(good=0.85, fair=0.70, fair_means="check the weakest columns and pairs"),
    card=True,
)
