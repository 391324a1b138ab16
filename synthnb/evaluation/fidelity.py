"""Fidelity: sdmetrics' QualityReport and distribution figure specs (its report helpers serve the diagnostic too)."""

from __future__ import annotations

import warnings

from synthnb.evaluation._registry import Levels, SectionSpec
from synthnb.evaluation._section import Section, versions

__all__ = [
    "MAX_COLUMN_CHARTS",
    "MAX_HEATMAP_COLUMNS",
    "SPEC",
    "correlation_difference",
    "distribution_figures",
    "fidelity",
    "generate_report",
    "quality",
    "sdmetrics_reports",
]

_TOP_CATEGORIES = 12
_BINS = 20
#: above this many columns the pair and correlation heatmaps are unreadable: the worst pairs are charted instead
MAX_HEATMAP_COLUMNS = 25
#: at most this many per-column distribution charts (the columns that differ most); every column is in the table
MAX_COLUMN_CHARTS = 24
_WORST_PAIRS = 15
#: seconds between two progress events of one section
_PROGRESS_EVERY_S = 0.5


def sdmetrics_reports():
    """sdmetrics' single-table QualityReport and DiagnosticReport classes."""
    with warnings.catch_warnings():
        # sdmetrics 0.32 flags its single-table reports as deprecated in favour of the multi-table shape;
        # they compute the same numbers and take a plain single-table metadata dict.
        warnings.simplefilter("ignore", FutureWarning)
        from sdmetrics.reports.single_table import DiagnosticReport, QualityReport
    return QualityReport, DiagnosticReport


def generate_report(report_cls, ctx, synthetic=None):
    """Run an sdmetrics report on every real row; returns it, its properties, score and score per property.

    The metadata is SDV's (what the generator learned with), so the score equals SDV's own report; direct
    identifiers are left out: they are not data to compare. *synthetic*: the synthetic rows to report on
    (default the context's).
    """
    report = report_cls()
    cols = ctx.data_columns
    synthetic = ctx.synthetic if synthetic is None else synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(ctx.real[cols], synthetic[cols], ctx.metadata(), verbose=False)
    props = report.get_properties()
    by_prop = {str(k): float(v) for k, v in zip(props["Property"], props["Score"], strict=True)}
    return report, props, float(report.get_score()), by_prop


class _Progress:
    """The section's progress, sent to the evaluation's listeners at most every :data:`_PROGRESS_EVERY_S`.

    ``update()`` is what sdmetrics' properties call on a progress bar (once per column).
    """

    def __init__(self, ctx):
        self._ctx, self._last = ctx, 0.0
        self._done, self._total, self._what = 0, None, ""

    def __call__(self, done: int, total: int | None, what: str) -> None:
        import time

        self._done, self._total, self._what = done, total, what
        now = time.monotonic()
        if done == 0 or (total is not None and done >= total) or now - self._last >= _PROGRESS_EVERY_S:
            self._last = now
            report = getattr(self._ctx, "progress", None)
            if callable(report):
                report("fidelity", done, total, what)

    def update(self, n: int = 1) -> None:
        self(self._done + n, self._total, self._what)


def quality(real, synthetic, metadata: dict, ctx=None) -> dict:
    """sdmetrics' QualityReport figures: column shapes by sdmetrics itself, pair trends by :mod:`_pairs`.

    Column Shapes is sdmetrics' own ``ColumnShapes`` property (KSComplement / TVComplement per column, on the
    frames with datetimes read as its QualityReport reads them); Column Pair Trends is
    :func:`synthnb.evaluation._pairs.column_pair_trends`, equal to sdmetrics' per pair but computed for all
    pairs at once. The score is the mean of the two property scores that exist (sdmetrics' ``nanmean``).
    Returns ``score``, ``shapes`` (per column), ``pairs`` (per pair), ``by_prop`` and ``properties``.
    """
    import numpy as np
    import pandas as pd

    from synthnb.evaluation._pairs import column_pair_trends, pair_trends_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sdmetrics._utils_metadata import _convert_datetime_column
        from sdmetrics.reports.single_table._properties import ColumnShapes

        columns = metadata.get("columns", {})
        real_in, syn_in = {}, {}
        for col, meta in columns.items():  # as QualityReport.generate: datetimes read, on copies of those columns
            if meta.get("sdtype") == "datetime":
                try:
                    real_in[col] = _convert_datetime_column(col, real[col], meta)
                    syn_in[col] = _convert_datetime_column(col, synthetic[col], meta)
                except Exception:
                    real_in.pop(col, None)
        real_r = real.assign(**real_in) if real_in else real
        syn_r = synthetic.assign(**{c: syn_in[c] for c in real_in}) if real_in else synthetic
        shapes_prop = ColumnShapes()
        n_shapes = sum(1 for m in columns.values() if m.get("sdtype") in shapes_prop._sdtype_to_metric)
        tell = _Progress(ctx)
        tell(0, n_shapes, "columns compared")
        shapes_score = float(shapes_prop.get_score(real_r, syn_r, metadata, progress_bar=tell))
        shapes = shapes_prop.details
        pairs = column_pair_trends(
            real_r, syn_r, metadata, progress=lambda done, total: tell(done, total, "column pairs compared")
        )
    pairs_score = pair_trends_score(pairs)
    by_prop = {"Column Shapes": shapes_score, "Column Pair Trends": pairs_score}
    finite = [v for v in by_prop.values() if v == v]
    score = float(np.mean(finite)) if finite else float("nan")
    properties = pd.DataFrame({"Property": list(by_prop), "Score": list(by_prop.values())})
    return {"score": score, "shapes": shapes, "pairs": pairs, "by_prop": by_prop, "properties": properties}


def _worst_first(frame):
    """Rows by score, lowest first; rows without a score last (stable: ties keep sdmetrics' order)."""
    if frame is None or not len(frame):
        return frame
    return frame.sort_values("Score", kind="stable", na_position="last").reset_index(drop=True)


def _unscored(pairs) -> list[str]:
    """Why pairs have no score, each cause once with how many pairs it left unscored."""
    if "Error" not in pairs.columns:
        return []
    reasons = pairs["Error"].dropna().value_counts()
    if not len(reasons):
        return []
    listed = "; ".join(f"{why} ({n} pair{'s' if n != 1 else ''})" for why, n in reasons.head(4).items())
    more = f"; and {len(reasons) - 4} more causes (the Error column of the pair table)" if len(reasons) > 4 else ""
    total = int(reasons.sum())
    plural = "s" if total != 1 else ""
    return [f"{total} column pair{plural} could not be scored, so they are left out: {listed}{more}."]


def fidelity(ctx) -> Section:
    """sdmetrics' quality score of the synthetic table against every real row (pair trends computed at once)."""
    from synthnb.evaluation._pairs import ASSOCIATION_THRESHOLD, CORRELATION_THRESHOLD

    cols = ctx.data_columns
    result = quality(ctx.real[cols], ctx.synthetic[cols], ctx.metadata(), ctx)
    score, by_prop = result["score"], result["by_prop"]
    shapes, pairs = _worst_first(result["shapes"]), _worst_first(result["pairs"])
    findings = []
    if ctx.direct_identifiers:
        findings.append(f"Left out as direct identifiers (not data): {', '.join(ctx.direct_identifiers)}.")
    worst = shapes.dropna(subset=["Score"]).head(3)
    if len(worst):
        listed = ", ".join(f"{c} ({s:.2f})" for c, s in zip(worst["Column"], worst["Score"], strict=True))
        findings.append(f"The columns whose distributions differ most from the real table: {listed}.")
    counted = pairs["Meets Threshold?"].astype("boolean").fillna(False).to_numpy(dtype=bool) if len(pairs) else []
    scored = pairs[counted].dropna(subset=["Score"]) if len(pairs) else pairs
    strength = (
        f"a real correlation above {CORRELATION_THRESHOLD:g} in size, or a real Cramér's V above "
        f"{ASSOCIATION_THRESHOLD:g}"
    )
    pairs_phrase = f"pair trends {by_prop['Column Pair Trends']:.2f}"
    if len(scored):
        wp = scored.head(3)
        listed = ", ".join(
            f"{a}–{b} ({max(s, 0.0):.2f})"  # 1 − a total variation of 1 can round to −1e-16
            for a, b, s in zip(wp["Column 1"], wp["Column 2"], wp["Score"], strict=True)
        )
        findings.append(f"The column pairs whose relationship is reproduced worst: {listed}.")
        findings.append(
            f"{len(scored):,} of {len(pairs):,} column pairs are scored: sdmetrics scores the pairs with {strength}."
        )
    elif len(pairs):
        pairs_phrase = "pair trends not scored"
        findings.append(
            f"No column pair is scored: sdmetrics scores only pairs with {strength}, and none of the "
            f"{len(pairs):,} pairs has one; the quality score is the column shapes alone."
        )
    else:
        pairs_phrase = "no column pairs to compare"
    constant = [str(c) for c in cols if ctx.real[c].nunique(dropna=False) <= 1]
    if constant and len(pairs):
        findings.append(
            "Constant in the real table, so none of their pairs is scored (a relationship needs values that "
            f"vary): {', '.join(constant)}."
        )
    findings += _unscored(pairs)
    shapes_value = by_prop["Column Shapes"]
    shapes_phrase = f"column shapes {shapes_value:.2f}" if shapes_value == shapes_value else "no column shapes"
    figures, notes = _figures(ctx, shapes, pairs, scored)
    findings += notes
    has_score = score == score
    return SPEC.section(
        score=score if has_score else None,
        headline=(f"Quality score {score:.2f}: " if has_score else "No quality score: ")
        + f"{shapes_phrase}, {pairs_phrase}.",
        scores={
            name: value
            for name, value in (
                ("fidelity_quality_score", score),
                ("fidelity_column_shapes", shapes_value),
                ("fidelity_column_pair_trends", by_prop["Column Pair Trends"]),
            )
            if value == value  # a figure that cannot be computed is absent; the findings say why
        },
        tables={"properties": result["properties"], "column_shapes": shapes, "column_pair_trends": pairs},
        figures=figures,
        findings=findings,
        library=versions("sdmetrics"),
    )


def _figures(ctx, shapes, pairs, scored) -> tuple[list[dict], list[str]]:
    """The section's figures, readable at any width; and the notes that say what a wide table shows instead."""
    columns = [str(c) for c in ctx.data_columns]
    notes = []
    figures = []
    corr = correlation_difference(ctx.real, ctx.synthetic, ctx.data_sdtypes)
    if corr is not None:
        figures.append(corr)
    if len(columns) <= MAX_HEATMAP_COLUMNS:
        if len(pairs):
            figures.append(_pair_heatmap(pairs, columns))
    elif len(scored):
        figures.append(_worst_pairs_bars(scored))
        notes.append(
            f"{len(columns)} columns are too many for a readable pair heatmap: the chart shows the "
            f"{min(len(scored), _WORST_PAIRS)} pairs reproduced worst, and the pair table lists every pair, "
            "worst first."
        )
    dists = distribution_figures(ctx.real, ctx.synthetic, ctx.data_sdtypes)
    if len(dists) > MAX_COLUMN_CHARTS:
        order = [str(c) for c in shapes.dropna(subset=["Score"])["Column"]]
        by_column = {f["column"]: f for f in dists}
        dists = [by_column[c] for c in order if c in by_column][:MAX_COLUMN_CHARTS]
        notes.append(
            f"Distribution charts for the {len(dists)} columns that differ most (of {len(by_column)}); the column "
            "shapes table scores every column, worst first."
        )
    return figures + dists, notes


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


def _worst_pairs_bars(scored) -> dict:
    """The pairs reproduced worst, as bars of their pair-trend score (a wide table's readable pair figure)."""
    top = scored.head(_WORST_PAIRS)
    return {
        "kind": "bars",
        "title": f"The {len(top)} column pairs reproduced worst (sdmetrics pair trends)",
        "categories": [f"{a} – {b}" for a, b in zip(top["Column 1"], top["Column 2"], strict=True)],
        "series": {"pair trend score": [round(float(s), 4) for s in top["Score"]]},
        "x_label": "score (1 = related as in the real table)",
        "percent": False,
    }


def correlation_difference(real, synthetic, sdtypes: dict[str, str]) -> dict | None:
    """|Pearson correlation in real − in synthetic| for every pair of numerical columns.

    A heatmap up to :data:`MAX_HEATMAP_COLUMNS` numerical columns; above, its labels could not be read, so the
    pairs whose correlation changed most are shown as bars of their real and synthetic correlations.
    """
    import numpy as np
    import pandas as pd

    cols = [c for c, t in sdtypes.items() if t == "numerical"]
    if len(cols) < 2:
        return None
    r = real[cols].apply(pd.to_numeric, errors="coerce").corr()
    s = synthetic[cols].apply(pd.to_numeric, errors="coerce").corr()
    diff = (r - s).abs().to_numpy()
    np.fill_diagonal(diff, np.nan)
    if len(cols) > MAX_HEATMAP_COLUMNS:
        iu, ju = np.triu_indices(len(cols), k=1)
        d = diff[iu, ju]
        order = [k for k in np.argsort(-np.nan_to_num(d, nan=-1.0), kind="stable") if d[k] == d[k]][:_WORST_PAIRS]
        if not order:
            return None
        rv, sv = r.to_numpy(), s.to_numpy()
        return {
            "kind": "bars",
            "title": f"The {len(order)} numerical pairs whose Pearson correlation changed most",
            "categories": [f"{cols[iu[k]]} – {cols[ju[k]]}" for k in order],
            "series": {
                "real": [_rounded(rv[iu[k], ju[k]]) for k in order],
                "synthetic": [_rounded(sv[iu[k], ju[k]]) for k in order],
            },
            "x_label": "Pearson correlation",
            "percent": False,
        }
    return {
        "kind": "heatmap",
        "title": "Correlation difference: |Pearson real − Pearson synthetic| (numerical columns)",
        "labels": [str(c) for c in cols],
        "values": [[None if v != v else round(float(v), 4) for v in row] for row in diff],
        "vmax": 1.0,
    }


def _rounded(value) -> float | None:
    return None if value != value else round(float(value), 4)


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
