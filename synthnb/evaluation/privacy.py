"""Privacy: verbatim reuse, exact copies, distance to closest record, re-identification risks, attribute inference.

Every figure is compared with a control made of real rows the generator never saw (the holdout), and every
figure maps to [0, 1] (1 best); the section's score is the worst of them, and ``decided_by`` names it.
"""

from __future__ import annotations

import threading

from synthnb.evaluation._registry import Levels, SectionSpec
from synthnb.evaluation._reuse import NEAR_UNIQUE_SHARE, REUSE_EXCESS, near_unique_columns, verbatim_reuse
from synthnb.evaluation._risks import RISK_LEVEL, reidentification_risks, wilson_interval
from synthnb.evaluation._section import Section, versions

__all__ = [
    "SPEC",
    "attribute_inference",
    "exact_copy_share",
    "near_unique_columns",
    "privacy",
    "reidentification_risks",
    "verbatim_reuse",
    "wilson_interval",
]

_BINS = 30
_MEMO_LOCKS = {key: threading.Lock() for key in ("distances", "exact-copies")}
_DISCRETE_BINS = 10  # as sdmetrics' DisclosureProtection discretises continuous known columns

#: above this many rows, distances to the closest training row are computed for a seeded sample of this many
#: query rows (each against every training row); exact copies are always counted on every row
DCR_SAMPLE_ROWS = 100_000

#: a re-identification risk of this much (or more) maps to a figure score of 0
_RISK_ZERO = 0.1
#: excess exact copies (a share) that map to a figure score of 0
_COPY_ZERO = 0.01


def _normalised(frame, sdtypes):
    """Values made comparable across tables (ints vs floats, missing as one marker) for exact matching."""
    import pandas as pd

    out = {}
    for col, t in sdtypes.items():
        s = frame[col]
        if t in ("numerical", "datetime"):
            v = pd.to_numeric(s, errors="coerce") if t == "numerical" else s.astype("int64")
            out[col] = v.astype("float64")
        else:
            out[col] = s.astype("object").where(s.notna(), "\x00missing").astype(str)
    return pd.DataFrame(out)


def exact_copies(synthetic, real, sdtypes):
    """For each synthetic row, whether it equals, in every column, some real row (a boolean numpy array)."""
    import pandas as pd

    hs = pd.util.hash_pandas_object(_normalised(synthetic, sdtypes), index=False)
    hr = pd.util.hash_pandas_object(_normalised(real, sdtypes), index=False)
    return hs.isin(set(hr.to_numpy())).to_numpy()


def exact_copy_share(synthetic, real, sdtypes) -> float:
    """Share of synthetic rows equal, in every column, to some real row."""
    return float(exact_copies(synthetic, real, sdtypes).mean())


def synthetic_copies(ctx):
    """:func:`exact_copies` of every synthetic row against the training rows, once per evaluation (the privacy
    and By-group sections share it)."""
    return _memo(ctx, "exact-copies", lambda: exact_copies(ctx.synthetic, ctx.train, ctx.sdtypes))


def _memo(ctx, key: str, compute):
    with _MEMO_LOCKS[key]:  # one computation per evaluation, even when two sections ask at once
        if key not in ctx.memo:
            ctx.memo[key] = compute()
        return ctx.memo[key]


def _codes(real_part, syn_part):
    import pandas as pd

    both = pd.concat([real_part, syn_part], ignore_index=True).astype("object")
    codes, _ = pd.factorize(both, use_na_sentinel=True)
    return codes[: len(real_part)], codes[len(real_part) :]


def _exact_numbers(series):
    """*series* as numbers with missing values as NaN: datetimes (tz-aware too) as int64 nanoseconds, other
    integers as Python ints (exact beyond 2**53), the rest as floats."""
    import numpy as np
    import pandas as pd

    if series.dtype.kind == "M":
        ns = pd.DatetimeIndex(series).asi8.astype(object)  # UTC for tz-aware columns
        ns[series.isna().to_numpy()] = np.nan  # NaT's int64 is -2**63: keep it out of the range
        return ns
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype(object).where(series.notna(), np.nan).to_numpy(dtype=object)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def _comparable_floats(real_col, syn_col):
    """Both columns as floats on the real column's scale; integers too large for a float's 53 bits are first
    measured from the real minimum (as floats, the integers near 2**63 collapse into one value)."""
    import numpy as np

    r, s = _exact_numbers(real_col), _exact_numbers(syn_col)
    present = [v for v in r if v == v]
    if r.dtype == object and present and max(abs(min(present)), abs(max(present))) > 2**53:
        origin = min(present)
        r = np.array([v - origin if v == v else np.nan for v in r], dtype=float)
        s = np.array([v - origin if v == v else np.nan for v in s], dtype=float)
    return r.astype(float), s.astype(float)


def _discretise(real_col, syn_col):
    """sdmetrics' rule: equal-width bins over the real column, the outer edges opened to ±inf."""
    import numpy as np
    import pandas as pd

    labels = [str(x) for x in range(_DISCRETE_BINS)]
    real, syn = _comparable_floats(real_col, syn_col)
    low, high = np.nanmin(real), np.nanmax(real)
    if np.isfinite(high - low):
        r, bins = pd.cut(real, _DISCRETE_BINS, labels=labels, retbins=True)
    else:  # the range overflows a float (values near ±1.8e308): the same equal-width edges, computed without it
        bins = low + np.arange(_DISCRETE_BINS + 1) * (high / _DISCRETE_BINS - low / _DISCRETE_BINS)
        bins[-1] = high
        r = pd.cut(real, np.concatenate([[-np.inf], bins[1:-1], [np.inf]]), labels=labels)
    bins[0], bins[-1] = -np.inf, np.inf
    s = pd.cut(syn, bins, labels=labels)
    return pd.Series(np.asarray(r, dtype=object)), pd.Series(np.asarray(s, dtype=object))


def attribute_inference(real, synthetic, known: list[str], secret: str, sdtypes: dict[str, str]) -> dict:
    """Correct attribution probability (CAP) attack, vectorised; the same numbers as sdmetrics' DisclosureProtection.

    An attacker who knows a real person's *known* columns looks up the synthetic rows with those values and
    guesses the *secret* value in proportion to how often it appears there. Numerical known columns (and a
    numerical secret) are cut into 10 equal-width bins of the real column first.

    Returns
    -------
    dict
        ``attack_success`` (mean probability the attacker gives the person's true secret, over the real rows
        whose known values occur in the synthetic table), ``marginal_success`` (the same probability when
        guessing from the synthetic table's marginal distribution of the secret), ``matched_share`` (share of
        real rows the attack applies to), ``cap_protection`` (1 − attack_success), ``baseline_protection``
        (1 − 1/number of secret values) and ``disclosure_protection`` (their ratio capped at 1; sdmetrics'
        score).
    """
    import numpy as np
    import pandas as pd

    n_r = len(real)
    key_codes_r, key_codes_s = [], []
    for col in [*known, secret]:
        r, s = real[col].reset_index(drop=True), synthetic[col].reset_index(drop=True)
        if sdtypes.get(col) in ("numerical", "datetime"):
            r, s = _discretise(r, s)
        cr, cs = _codes(r, s)
        key_codes_r.append(cr)
        key_codes_s.append(cs)
    frame = pd.DataFrame(np.vstack([np.column_stack(key_codes_r), np.column_stack(key_codes_s)]))
    k = len(known)
    key = frame.groupby(list(range(k)), sort=False).ngroup().to_numpy()
    pair = frame.groupby(list(range(k + 1)), sort=False).ngroup().to_numpy()
    key_r, key_s, pair_r, pair_s = key[:n_r], key[n_r:], pair[:n_r], pair[n_r:]
    key_count = np.bincount(key_s, minlength=key.max() + 1)
    pair_count = np.bincount(pair_s, minlength=pair.max() + 1)
    matched = key_count[key_r] > 0
    p_true = np.where(matched, pair_count[pair_r] / np.maximum(key_count[key_r], 1), 0.0)
    secret_r, secret_s = key_codes_r[-1], key_codes_s[-1]
    # NaN secrets share the code -1; shift codes to count them as one more category
    marg = np.bincount(secret_s + 1, minlength=max(secret_r.max(), secret_s.max()) + 2) / max(len(secret_s), 1)
    p_marg = marg[secret_r + 1]
    attack = float(p_true[matched].mean()) if matched.any() else float("nan")
    marginal = float(p_marg[matched].mean()) if matched.any() else float("nan")
    baseline = 1.0 - 1.0 / float(real[secret].nunique(dropna=False))
    cap_protection = 1.0 - attack
    score = float("nan") if baseline == 0 else min(cap_protection / baseline, 1.0)
    return {
        "known_columns": list(known),
        "secret": secret,
        "attack_success": attack,
        "marginal_success": marginal,
        "matched_share": float(matched.mean()),
        "cap_protection": cap_protection,
        "baseline_protection": baseline,
        "disclosure_protection": score,
    }


def _figure_scores(copies_excess, reuse, risks, protection, disclosure) -> dict[str, float]:
    """Every figure on [0, 1], 1 best, keyed by how the card names it."""
    import math

    out = {"DCR protection": protection}
    out["exact copies"] = 1.0 - min(max(copies_excess, 0.0) / _COPY_ZERO, 1.0)
    for row in reuse.itertuples():
        if not math.isnan(row.excess):
            out[f"verbatim reuse of {row.column}"] = 1.0 - min(max(row.excess, 0.0) / (2 * REUSE_EXCESS), 1.0)
    for row in risks.itertuples():
        if not math.isnan(row.risk):
            out[f"{row.attack.replace('_', ' ')} risk"] = 1.0 - min(row.risk / _RISK_ZERO, 1.0)
    if disclosure is not None and not math.isnan(disclosure):
        out["attribute disclosure protection"] = disclosure
    return out


def _risk_findings(risks, setup, has_control: bool) -> list[str]:
    findings = [
        f"Re-identification attacks (anonymeter's definitions): {setup.n_rows:,} training rows and "
        + (f"{setup.n_rows:,} held-out rows" if has_control else "no held-out rows")
        + f" attacked; the attacker knows {', '.join(setup.known)} ({setup.known_rule}) and infers "
        f"{setup.secret} ({setup.secret_rule}); "
        + (
            f"the attacked rows are a seeded sample of {setup.n_rows:,} of {setup.available:,} (at this size every "
            "row would take too long; the same seed gives the same sample); "
            if setup.available > setup.n_rows
            else ""
        )
        + f"linkability joins [{', '.join(setup.split[0])}] with "
        f"[{', '.join(setup.split[1])}] ({setup.split_rule}); singling out tries up to {setup.n_queries:,} "
        "predicates built from the synthetic rows."
    ]
    for row in risks.itertuples():
        name = row.attack.replace("_", " ")
        if row.verdict == "not run":
            findings.append(f"{name}: not run (no predicate or columns to attack with).")
            continue
        text = (
            f"{name}: risk {row.risk:.3f} (95% CI {row.ci_low:.3f}–{row.ci_high:.3f}); success "
            f"{row.attack_rate:.3f} on training rows"
        )
        text += f" vs {row.control_rate:.3f} on held-out rows" if has_control else ""
        text += f", random guessing {row.baseline_rate:.3f}; {row.n_attacks:,} attacks. "
        text += {
            "inconclusive": "INCONCLUSIVE: the attack does no better than random guessing, so it shows "
            "neither risk nor safety.",
            "at risk": f"AT RISK: the whole interval lies above {RISK_LEVEL:.2f}.",
            "low": f"Low: the interval lies at or below {RISK_LEVEL:.2f}.",
            "uncertain": f"Uncertain: the interval straddles {RISK_LEVEL:.2f}.",
        }[row.verdict]
        findings.append(text)
    if not has_control:
        findings.append(
            "No real rows were held out, so the attacks have no control: each risk is the raw success rate, "
            "which also counts what an attacker gets right about people who were never in the data (it "
            "overstates the risk), and nothing separates leakage from what the table teaches about everyone."
        )
    return findings


def _dcr_sample(frame, seed, size: int = DCR_SAMPLE_ROWS):
    """*frame*, or a seeded sample of *size* of its rows (in table order) when it has more."""
    import numpy as np

    if len(frame) <= size:
        return frame
    rows = np.sort(np.random.default_rng(seed).choice(len(frame), size=size, replace=False))
    return frame.iloc[rows]


def _baseline(ctx, types):
    """The control's rows measured, their distances to the training rows, its label, and its share of exact
    training copies."""
    import numpy as np
    import pandas as pd

    from synthnb.evaluation._dcr import dcr

    if ctx.holdout is not None:
        base_q = _dcr_sample(ctx.holdout, [ctx.seed, 11, 1])
        base_label = "held-out real rows"
        holdout_copies = exact_copy_share(ctx.holdout, ctx.train, ctx.sdtypes)
    else:
        # No unseen real rows: compare with rows whose columns are shuffled independently (same marginals, no
        # joint structure). A weaker yardstick, said so in the findings.
        rng = np.random.default_rng(ctx.seed)
        shuffled = pd.DataFrame(
            {c: ctx.train[c].to_numpy()[rng.permutation(len(ctx.train))] for c in ctx.train.columns}
        )
        base_q = _dcr_sample(shuffled, [ctx.seed, 11, 1])
        base_label = "shuffled-column baseline"
        holdout_copies = float("nan")
    base_d, _ = dcr(base_q, ctx.train, types)
    base_d.flags.writeable = False  # shared by every evaluation of this source: never changed in place
    return base_q, base_d, base_label, holdout_copies


def _real_baseline(ctx, types):
    """:func:`_baseline`, which reads no synthetic row: kept per source in ``ctx.cache`` when there is one."""
    if ctx.cache is None:
        return _baseline(ctx, types)
    from synthnb.evaluation._cache import frame_key

    key = (
        "privacy-baseline",
        frame_key(ctx.train, ctx.train.columns),
        None if ctx.holdout is None else frame_key(ctx.holdout, ctx.holdout.columns),
        tuple(ctx.sdtypes.items()),
        tuple(types.items()),
        ctx.seed,
        DCR_SAMPLE_ROWS,
    )
    return ctx.cache.get_or_compute(key, lambda: _baseline(ctx, types))


def data_types(ctx) -> dict[str, str]:
    """The columns a distance compares: data columns (identifiers are judged by verbatim reuse)."""
    return {c: t for c, t in ctx.sdtypes.items() if c not in set(ctx.direct_identifiers)} or ctx.sdtypes


def distances(ctx):
    """``(synthetic rows measured, their DCR, control rows measured, their DCR, control label, control's copy
    share)``: the distances to the closest training row, computed once per evaluation and shared by the privacy
    and By-group sections. Above :data:`DCR_SAMPLE_ROWS` rows, each side is a seeded sample of that many."""

    def compute():
        from synthnb.evaluation._dcr import dcr

        types = data_types(ctx)
        syn_q = _dcr_sample(ctx.synthetic, [ctx.seed, 11, 0])
        syn_d, _ = dcr(syn_q, ctx.train, types)
        syn_d.flags.writeable = False
        return (syn_q, syn_d, *_real_baseline(ctx, types))

    return _memo(ctx, "distances", compute)


def privacy(ctx) -> Section:
    """Verbatim reuse, exact copies, DCR, re-identification risks and attribute inference, each against a control."""
    import numpy as np
    import pandas as pd

    has_control = ctx.holdout is not None
    syn_q, syn_d, _, base_d, base_label, holdout_copies = distances(ctx)
    med_syn, med_base = float(np.median(syn_d)), float(np.median(base_d))
    protection = 1.0 if med_base == 0 else min(med_syn / med_base, 1.0)
    p5 = float(np.quantile(base_d, 0.05))
    closer = float((syn_d < p5).mean())
    copies = float(synthetic_copies(ctx).mean())
    copies_excess = copies - (holdout_copies if has_control else 0.0)

    reuse_cols = near_unique_columns(ctx.real, ctx.direct_identifiers)
    reuse = verbatim_reuse(ctx.train, ctx.holdout, ctx.synthetic, reuse_cols)
    risks = reidentification_risks(ctx)
    setup = risks.attrs["setup"]

    scores = {
        "privacy_dcr_protection": protection,
        "privacy_dcr_median_synthetic": med_syn,
        "privacy_dcr_median_baseline": med_base,
        "privacy_dcr_share_below_baseline_p5": closer,
        "privacy_exact_copy_share": copies,
        "privacy_holdout_copy_share": holdout_copies,
        "privacy_verbatim_reuse_max_excess": float(reuse["excess"].max()) if len(reuse) else float("nan"),
    }
    for row in risks.itertuples():
        scores[f"privacy_{row.attack}_risk"] = float(row.risk)
        scores[f"privacy_{row.attack}_risk_ci_high"] = float(row.ci_high)

    findings = []
    for row in reuse.itertuples():
        if row.finding:
            control = (
                f"{row.control_share:.1%} of held-out values"
                if has_control
                else "no held-out rows to compare with, so against 0"
            )
            findings.append(
                f"VERBATIM REUSE of {row.column!r}: {row.train_share:.1%} of its synthetic values are real "
                f"training values ({control}); excess {row.excess:.1%} > {REUSE_EXCESS:.0%}. Replace or drop "
                "the column before sharing."
            )
    if reuse_cols and not reuse["finding"].any():
        findings.append(
            f"Near-unique columns checked for verbatim reuse ({', '.join(reuse_cols)}): none reuses training "
            f"values more than {REUSE_EXCESS:.0%} above the control."
        )
    control_text = (
        f"{holdout_copies:.2%} of held-out rows equal a training row (natural duplicates)"
        if has_control
        else "no held-out rows to compare with"
    )
    if copies_excess > 0:
        findings.append(
            f"EXACT COPIES: {copies:.2%} of synthetic rows equal a training row; {control_text}. "
            "Remove them before sharing."
        )
    else:
        findings.append(f"{copies:.2%} of synthetic rows equal a training row; {control_text}.")
    n_syn, n_base = len(ctx.synthetic), len(ctx.holdout if has_control else ctx.train)
    if len(syn_q) < n_syn or len(base_d) < n_base:
        findings.append(
            f"Distances to the closest training row are computed for a seeded sample of {len(syn_q):,} of the "
            f"{n_syn:,} synthetic rows and {len(base_d):,} of the {n_base:,} {base_label}, each against every "
            f"one of the {len(ctx.train):,} training rows (exactly; the same seed gives the same sample). Exact "
            "copies are counted on every row."
        )
    findings.append(
        f"Median distance to the closest training row: {med_syn:.4f} for synthetic rows vs {med_base:.4f} for "
        f"{base_label}; {closer:.1%} of synthetic rows are closer than 95% of the {base_label} (5% expected)."
    )
    findings += _risk_findings(risks, setup, has_control)
    tables = {
        "verbatim_reuse": reuse,
        "reidentification_risks": risks.copy(),
        "reidentification_setup": pd.DataFrame(
            [
                {"setting": "attacked rows (linkability, inference)", "value": f"{setup.n_rows:,}"},
                {"setting": "singling-out predicates (at most)", "value": f"{setup.n_queries:,}"},
                {"setting": "known columns", "value": f"{', '.join(setup.known)} ({setup.known_rule})"},
                {"setting": "secret", "value": f"{setup.secret} ({setup.secret_rule})"},
                {
                    "setting": "linkability split",
                    "value": f"[{', '.join(setup.split[0])}] / [{', '.join(setup.split[1])}] ({setup.split_rule})",
                },
                {"setting": "control", "value": "held-out rows" if has_control else "none: no rows were held out"},
            ]
        ),
        "dcr_summary": pd.DataFrame(
            {
                "rows": ["synthetic", base_label],
                "n": [len(syn_d), len(base_d)],
                "min": [float(syn_d.min()), float(base_d.min())],
                "p05": [float(np.quantile(syn_d, 0.05)), p5],
                "median": [med_syn, med_base],
                "mean": [float(syn_d.mean()), float(base_d.mean())],
            }
        ),
    }
    tables["reidentification_risks"].attrs = {}
    hi = float(max(np.quantile(syn_d, 0.995), np.quantile(base_d, 0.995), 1e-9))
    edges = np.linspace(0.0, hi, _BINS + 1)
    figures = [
        {
            "kind": "histogram",
            "title": f"Distance to closest training row: synthetic vs {base_label}",
            "x_label": "distance to the closest training row",
            "unit": "0 to 1",
            "edges": [round(float(e), 6) for e in edges],
            "series": {
                "synthetic": [round(float(x), 6) for x in np.histogram(np.clip(syn_d, 0, hi), edges)[0] / len(syn_d)],
                base_label: [round(float(x), 6) for x in np.histogram(np.clip(base_d, 0, hi), edges)[0] / len(base_d)],
            },
        }
    ]
    lib = versions("numba", "numpy")
    disclosure = None
    if setup.known:
        ai = attribute_inference(ctx.train, ctx.synthetic, list(setup.known), setup.secret, ctx.sdtypes)
        disclosure = ai["disclosure_protection"]
        scores.update(
            {
                "privacy_attribute_disclosure_protection": ai["disclosure_protection"],
                "privacy_attribute_inference_success": ai["attack_success"],
                "privacy_attribute_marginal_success": ai["marginal_success"],
                "privacy_attribute_matched_share": ai["matched_share"],
            }
        )
        lift = ai["attack_success"] / ai["marginal_success"] if ai["marginal_success"] else float("nan")
        findings.append(
            f"Knowing {', '.join(ai['known_columns'])} of a training person, an attacker using the synthetic "
            f"table gives their true {ai['secret']} a probability of {ai['attack_success']:.3f}, against "
            f"{ai['marginal_success']:.3f} when guessing from the marginal distribution ({lift:.2f}×); "
            f"disclosure protection {ai['disclosure_protection']:.3f} (sdmetrics' scale, 1 = best)."
        )
        tables["attribute_inference"] = pd.DataFrame(
            [{k: (", ".join(v) if isinstance(v, list) else v) for k, v in ai.items()}]
        )
    if not has_control:
        findings.append("No real rows were held out, so the DCR baseline is a shuffled-column table (weaker).")

    figure_scores = _figure_scores(copies_excess, reuse, risks, protection, disclosure)
    decided_by = min(figure_scores, key=lambda k: (figure_scores[k], list(figure_scores).index(k)))
    score = figure_scores[decided_by]
    tables["figure_scores"] = pd.DataFrame({"figure": list(figure_scores), "score": list(figure_scores.values())})
    leaks = reuse.loc[reuse["finding"], "column"].tolist()
    verdict = "poor" if leaks else None
    if leaks:
        decided_by = f"verbatim reuse of {', '.join(leaks)}"
        headline = (
            f"POOR: real values of {', '.join(leaks)} reappear in the synthetic table; decided by "
            f"{decided_by} (worst figure {score:.2f})."
        )
    else:
        headline = (
            f"Score {score:.2f}, the worst of {len(figure_scores)} privacy figures: {decided_by}; "
            f"DCR protection {protection:.2f}; {copies:.2%} synthetic rows equal a training row "
            + (f"({holdout_copies:.2%} of held-out rows do)." if has_control else "(no control).")
        )
    return SPEC.section(
        score=score,
        headline=headline,
        scores=scores,
        tables=tables,
        figures=figures,
        findings=findings,
        library=lib,
        verdict=verdict,
        decided_by=decided_by,
    )


SPEC = SectionSpec(
    name="privacy",
    title="Privacy",
    compute=privacy,
    method="The score is the worst of these figures, each on [0, 1] (1 best).",
    levels=Levels(good=0.90, fair=0.60),
    notes="DCR protection: median distance of synthetic rows to their closest training row ÷ the same median for "
    "held-out real rows (capped at 1). Exact copies: 1 − (share of synthetic rows equal to a training row − "
    f"share of held-out rows equal to a training row) ÷ {_COPY_ZERO:.0%}. Verbatim reuse, per near-unique column "
    f"(≥ {NEAR_UNIQUE_SHARE:.0%} distinct values, more than two of them, and every direct identifier): "
    f"1 − excess ÷ {2 * REUSE_EXCESS:.0%}, "
    "where excess = share of synthetic values found among the training values − the same share for held-out "
    f"values; an excess above {REUSE_EXCESS:.0%} plus its sampling noise (one-sided 95 %) is a finding and the "
    "card is poor while it stands. "
    f"Re-identification risks (singling out, linkability, inference, as anonymeter): 1 − risk ÷ {_RISK_ZERO:.0%}. "
    "Attribute disclosure: sdmetrics' DisclosureProtection.",
    card=True,
)
