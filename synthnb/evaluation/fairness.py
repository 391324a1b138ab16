"""Fairness: does the synthetic table keep each group's target rate, and do models trained on it?"""

from __future__ import annotations

from synthnb.evaluation._registry import Levels, SectionSpec
from synthnb.evaluation._section import Section, versions

__all__ = [
    "MIN_GAP",
    "MIN_GROUP_ROWS",
    "NOISE_SE",
    "SPEC",
    "binary_outcome",
    "fairness",
    "gap_finding",
    "gap_kept",
    "rate_table",
]

MIN_GROUP_ROWS = 30  # fewer real rows: the group's real rate is too uncertain to judge a distortion by
NOISE_SE = 2.0  # a synthetic rate within this many standard errors of the real rate is not a distortion
MIN_GAP = 0.05  # distortions are measured against the widest real gap, or this when the groups are closer


def binary_outcome(series, positive, task, threshold=None):
    """1 where the row has the positive outcome (the positive class, or above the real median for numbers)."""
    import numpy as np

    if task == "regression":
        return np.asarray(series.astype(float) > threshold, dtype=int)
    return np.asarray(series.astype("object").astype(str) == str(positive), dtype=int)


def _groups(series):
    return series.astype("object").where(series.notna(), "(missing)").astype(str).to_numpy()


def group_stats(groups, y_true, y_pred):
    """Per group, in one counting pass: rows, accuracy, selection rate, true and false positive rates.

    *y_true* and *y_pred* are 0/1. The same numbers as fairlearn's ``MetricFrame(...).by_group`` with
    ``accuracy_score``, ``selection_rate``, ``true_positive_rate`` and ``false_positive_rate`` (a rate whose
    denominator is 0 is 0, as fairlearn's confusion-matrix rates give), without its per-group call overhead.
    Groups are sorted, as MetricFrame sorts them.
    """
    import numpy as np
    import pandas as pd

    names, code = np.unique(np.asarray(groups), return_inverse=True)
    yt, yp = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    k = len(names)

    def count(mask):
        return np.bincount(code[mask], minlength=k).astype(float)

    rows = np.bincount(code, minlength=k).astype(float)
    pos, neg = count(yt == 1), count(yt == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tpr = np.where(pos > 0, count((yt == 1) & (yp == 1)) / pos, 0.0)
        fpr = np.where(neg > 0, count((yt == 0) & (yp == 1)) / neg, 0.0)
    return pd.DataFrame(
        {
            "rows": rows.astype(int),
            "accuracy": count(yt == yp) / rows,
            "selection_rate": count(yp == 1) / rows,
            "tpr": tpr,
            "fpr": fpr,
        },
        index=pd.Index(names.astype(str)),
    )


def _difference(values) -> float:
    """fairlearn's between-groups difference: the largest group value minus the smallest."""
    return float(values.max() - values.min())


def _ratio(values) -> float:
    """fairlearn's between-groups ratio: the smallest group value over the largest (NaN when that is 0)."""
    top = float(values.max())
    return float(values.min()) / top if top else float("nan")


def rate_table(real_rates, syn_rates, real_rows, syn_rows=None):
    """Per group: real rows and rate, its standard error, synthetic rows and rate, whether it counts."""
    import numpy as np
    import pandas as pd

    def by_name(values):
        s = pd.Series(values, dtype=float)
        s.index = s.index.map(str)
        return s

    real_rates, syn_rates = by_name(real_rates), by_name(syn_rates)
    groups = list(dict.fromkeys([*real_rates.index, *syn_rates.index]))
    t = pd.DataFrame(index=pd.Index(groups))
    t["real rows"] = by_name(real_rows).reindex(groups).fillna(0).astype(int)
    t["real"] = real_rates.reindex(groups)
    t["real SE"] = np.sqrt(t["real"] * (1 - t["real"]) / t["real rows"].where(t["real rows"] > 0))
    if syn_rows is not None:
        t["synthetic rows"] = by_name(syn_rows).reindex(groups).fillna(0).astype(int)
    t["synthetic"] = syn_rates.reindex(groups)
    t["counts"] = t["real rows"] >= MIN_GROUP_ROWS
    return t


def gap_kept(table) -> dict:
    """The gap-kept score of one column (see ``SPEC.thresholds``) and the two groups that decide it.

    Returns a dict with ``kept`` (None when fewer than two groups count), ``groups`` (the deciding pair, the
    group with the higher real rate first), ``real_gap``, ``syn_gap``, ``distortion``, ``widest`` and
    ``missing`` (a counting group absent from the synthetic table, or None).
    """
    import itertools

    counted = table[table["counts"]]
    out = {
        "kept": None,
        "groups": (),
        "real_gap": None,
        "syn_gap": None,
        "distortion": 0.0,
        "widest": None,
        "missing": None,
    }
    if len(counted) < 2:
        return out
    absent = counted[counted["synthetic"].isna()]
    widest = float(counted["real"].max() - counted["real"].min())
    out["widest"] = widest
    if len(absent):
        out.update(kept=0.0, missing=str(absent.index[0]), groups=(str(absent.index[0]),))
        return out
    best = None
    for a, b in itertools.combinations(counted.index, 2):
        if counted.at[a, "real"] < counted.at[b, "real"]:
            a, b = b, a
        real_gap = float(counted.at[a, "real"] - counted.at[b, "real"])
        syn_gap = float(counted.at[a, "synthetic"] - counted.at[b, "synthetic"])
        change = abs(syn_gap - real_gap)
        distortion = max(0.0, change - NOISE_SE * (counted.at[a, "real SE"] + counted.at[b, "real SE"]))
        # the largest distortion decides; among pairs within noise, the widest real gap is the one to name
        rank = (distortion, change if distortion > 0 else real_gap)
        if best is None or rank > best[0]:
            best = (rank, str(a), str(b), real_gap, syn_gap, distortion)
    _, a, b, real_gap, syn_gap, distortion = best
    kept = max(0.0, 1.0 - distortion / max(widest, MIN_GAP))
    out.update(kept=kept, groups=(a, b), real_gap=real_gap, syn_gap=syn_gap, distortion=distortion)
    return out


def _verb(real_gap: float, syn_gap: float, distortion: float) -> str:
    if distortion == 0:
        return f"keeps the gap within sampling noise ({NOISE_SE:g} standard errors)"
    if real_gap > 0.01 and syn_gap < 0:
        return "REVERSES the gap"
    if syn_gap < 0.5 * real_gap:
        return f"SHRINKS the gap by {1 - syn_gap / real_gap:.0%}"
    if syn_gap > 1.5 * real_gap and syn_gap - real_gap > 0.01:
        return f"INFLATES the gap by {syn_gap / max(real_gap, 1e-12) - 1:.0%}"
    return "keeps the gap roughly"


def _small_groups(column: str, table) -> str:
    """The groups that do not count, with their rates and why; empty when every group counts."""
    small = table[~table["counts"]]
    if not len(small):
        return ""
    parts = []
    for g, row in small.iterrows():
        rows = int(row["real rows"])
        real = "not in the real table" if rows == 0 else f"{rows} real rows, real {row['real']:.3f}"
        syn = "absent" if row["synthetic"] != row["synthetic"] else f"{row['synthetic']:.3f}"
        parts.append(f"{g} ({real}, synthetic {syn})")
    return (
        f"{column}: not counted, fewer than {MIN_GROUP_ROWS} real rows so their real rate is too uncertain to "
        f"judge: {'; '.join(parts)}."
    )


def gap_finding(column: str, outcome: str, real_rates, syn_rates, real_rows) -> tuple[str, float | None]:
    """A sentence naming the groups that decide the column's gap-kept score, and that score (None: no score)."""
    table = rate_table(real_rates, syn_rates, real_rows)
    return _sentence(column, outcome, table, gap_kept(table)), gap_kept(table)["kept"]


def _sentence(column: str, outcome: str, table, g: dict) -> str:
    if g["kept"] is None:
        return f"{column}: fewer than two groups with at least {MIN_GROUP_ROWS} real rows; no gap to judge."
    if g["missing"] is not None:
        row = table.loc[g["missing"]]
        return (
            f"{column}: group {g['missing']} ({row['real rows']} real rows, share with {outcome} {row['real']:.3f}) is "
            "MISSING from the synthetic table, so its gaps cannot be kept; gap kept 0.00."
        )
    a, b = g["groups"]
    ra, rb = table.loc[a], table.loc[b]
    return (
        f"{column}: the synthetic data {_verb(g['real_gap'], g['syn_gap'], g['distortion'])} between {a} and "
        f"{b} — share with {outcome}: {ra['real']:.3f} vs {rb['real']:.3f} in the real table (gap "
        f"{g['real_gap']:.3f}, {ra['real rows']} and {rb['real rows']} rows); {ra['synthetic']:.3f} vs "
        f"{rb['synthetic']:.3f} in the synthetic table (gap {g['syn_gap']:.3f}); gap kept {g['kept']:.2f} (1 = the "
        "real gap exactly, 0 = lost)."
    )


def fairness(ctx) -> Section:
    """Base rates by group (real vs synthetic) and group metrics of the two models (one counting pass each)."""

    from synthnb.errors import SynthnbError
    from synthnb.evaluation._models import positive_label, task_of

    if not ctx.sensitive:
        raise SynthnbError("no sensitive columns; pass sensitive=['sex', ...] to evaluate fairness.")
    if ctx.target is None:
        raise SynthnbError("no target column; pass target='COLUMN' to evaluate fairness.")
    task = task_of(ctx)
    threshold = float(ctx.real[ctx.target].astype(float).median()) if task == "regression" else None
    positive = None if task == "regression" else positive_label(ctx.real[ctx.target].dropna().astype(str))
    outcome = f"{ctx.target} > {threshold:g}" if task == "regression" else f"{ctx.target} = {positive}"
    real = ctx.real[ctx.real[ctx.target].notna()]
    syn = ctx.synthetic[ctx.synthetic[ctx.target].notna()]
    y_real = binary_outcome(real[ctx.target], positive, task, threshold)
    y_syn = binary_outcome(syn[ctx.target], positive, task, threshold)

    scores, tables, figures, findings = {}, {}, [], []
    decisions = []  # (kept, column, sentence, decision) per column with a score
    for col in ctx.sensitive:
        g_real, g_syn = _groups(real[col]), _groups(syn[col])
        st_real, st_syn = group_stats(g_real, y_real, y_real), group_stats(g_syn, y_syn, y_syn)
        rates = rate_table(st_real["selection_rate"], st_syn["selection_rate"], st_real["rows"], st_syn["rows"])
        rates["real share of rows"] = rates["real rows"] / max(len(g_real), 1)
        decision = gap_kept(rates)
        rates.index.name = col
        tables[f"base_rates_{col}"] = rates.reset_index()
        dp = {
            "real": (_difference(st_real["selection_rate"]), _ratio(st_real["selection_rate"])),
            "synthetic": (_difference(st_syn["selection_rate"]), _ratio(st_syn["selection_rate"])),
        }
        scores[f"fairness_{col}_dp_difference_real"] = float(dp["real"][0])
        scores[f"fairness_{col}_dp_difference_synthetic"] = float(dp["synthetic"][0])
        scores[f"fairness_{col}_dp_ratio_real"] = float(dp["real"][1])
        scores[f"fairness_{col}_dp_ratio_synthetic"] = float(dp["synthetic"][1])
        sentence = _sentence(col, outcome, rates, decision)
        findings.append(sentence)
        small = _small_groups(col, rates)
        if small:
            findings.append(small)
        if decision["kept"] is not None:
            scores[f"fairness_{col}_gap_kept"] = decision["kept"]
            decisions.append((decision["kept"], col, sentence + (f" {small}" if small else ""), decision))
        figures.append(
            {
                "kind": "bars",
                "title": f"Share with {outcome} by {col}: real vs synthetic",
                "column": col,
                "categories": [str(g) for g in rates.index],
                "series": {
                    "real": [round(float(v), 6) if v == v else 0.0 for v in rates["real"]],
                    "synthetic": [round(float(v), 6) if v == v else 0.0 for v in rates["synthetic"]],
                },
                "highlight": True,
                "x_label": f"share of rows with {outcome}",
            }
        )
    _model_part(ctx, positive, task, threshold, scores, tables, findings)
    if decisions:
        kept, col, headline, decision = min(decisions, key=lambda d: d[0])  # the first column on a tie
        score = float(kept)
        decided_by = f"{col}: {' vs '.join(decision['groups'])}"
    else:
        score, headline, decided_by = float("nan"), " ".join(findings[:1]), ""
    scores["fairness_gap_kept"] = score
    return SPEC.section(
        score=score,
        headline=headline,
        scores=scores,
        tables=tables,
        figures=figures,
        findings=findings,
        library=versions("fairlearn", "scikit-learn"),
        decided_by=decided_by,
    )


def _model_part(ctx, positive, task, threshold, scores, tables, findings) -> None:
    """Group metrics of the synthetic- and real-trained models; 'not meaningful' when the former collapsed."""
    import pandas as pd

    from synthnb.evaluation._models import collapse_reason, fitted_models, positive_figures

    try:
        models = fitted_models(ctx)
    except Exception as exc:  # the data part stands on its own; say why the model part is missing
        findings.append(f"Model fairness not computed: {exc}")
        return
    collapsed = collapse_reason(models)
    if models.task != "regression":
        fig = positive_figures(models)
        tables["model_comparison"] = pd.DataFrame(
            {
                "model": ["synthetic-trained", "real-trained"],
                "selection rate": [fig["synthetic"]["selection_rate"], fig["real"]["selection_rate"]],
                f"F1 for {models.positive}": [fig["synthetic"]["f1"], fig["real"]["f1"]],
                "group comparisons": ["not meaningful" if collapsed else "meaningful", "meaningful"],
            }
        )
    if collapsed:
        findings.append(
            f"Model comparisons are not meaningful: {collapsed}. A model that predicts almost nobody positive "
            "shows small differences between groups; that is not fairness, so its figures below are not read "
            "as fairer or less fair."
        )
    yt = binary_outcome(pd.Series(models.y_test), positive, task, threshold)
    for col in ctx.sensitive:
        g_test = _groups(models.test_frame[col])
        parts = []
        for which, pred in (("synthetic-trained", models.pred_synthetic), ("real-trained", models.pred_real)):
            yp = binary_outcome(pd.Series(pred), positive, task, threshold)
            st = group_stats(g_test, yt, yp)
            by = st[["accuracy", "selection_rate", "tpr", "fpr"]].copy()
            by.columns = [f"{m} ({which})" for m in by.columns]
            parts.append(by)
            key = which.replace("-", "_")
            # fairlearn's equalized_odds_difference (worst case) and demographic_parity_difference
            scores[f"fairness_{col}_eo_difference_{key}"] = max(_difference(st["tpr"]), _difference(st["fpr"]))
            scores[f"fairness_{col}_dp_difference_{key}"] = _difference(st["selection_rate"])
        both = pd.concat(parts, axis=1)
        both.index.name = col
        tables[f"model_by_{col}"] = both.reset_index()
        eo_syn = scores[f"fairness_{col}_eo_difference_synthetic_trained"]
        eo_real = scores[f"fairness_{col}_eo_difference_real_trained"]
        if collapsed:
            findings.append(
                f"{col}: equalized-odds difference of the synthetic-trained model {eo_syn:.3f} "
                f"(not meaningful: the model collapsed) vs real-trained {eo_real:.3f}."
            )
        else:
            findings.append(
                f"{col}: equalized-odds difference of the synthetic-trained model {eo_syn:.3f} vs "
                f"real-trained {eo_real:.3f}."
            )


_GOOD = 0.80  # every gap kept within 1 - _GOOD of the widest real gap

SPEC = SectionSpec(
    name="fairness",
    title="Fairness",
    compute=fairness,
    method=f"Gap kept, per sensitive column. Groups with at least {MIN_GROUP_ROWS} real rows count; each has a real "
    "rate p, a standard error SE = √(p(1 − p) ÷ rows) and a synthetic rate q. For every pair of counting groups "
    f"a, b: distortion = max(0, |(q_a − q_b) − (p_a − p_b)| − {NOISE_SE:g}·SE_a − {NOISE_SE:g}·SE_b), so a "
    f"synthetic rate within {NOISE_SE:g} standard errors of the real one is not a distortion. Gap kept = "
    f"max(0, 1 − the largest distortion ÷ the widest real gap between counting groups, at least {MIN_GAP:g}); "
    "a counting group missing from the synthetic table scores 0. The worst column is the score, and the "
    "sentence names it and the two groups that decide it. Smaller groups are listed with their rates and do not "
    "count.",
    levels=Levels(
        good=_GOOD,
        fair=0.50,
        good_means=f"every gap is kept within {1 - _GOOD:.0%}",
        poor_means="conclusions about groups drawn from the synthetic table would be wrong",
    ),
    card=True,
    needs=("target", "sensitive"),
)
