"""Privacy: distance to closest record against held-out real rows, exact copies, attribute inference."""

from __future__ import annotations

from synthnb.evaluate._section import Section, versions

__all__ = ["attribute_inference", "exact_copy_share", "privacy"]

_BINS = 30
_DISCRETE_BINS = 10  # as sdmetrics' DisclosureProtection discretises continuous known columns

PRIVACY_THRESHOLDS = (
    "DCR protection = median distance of synthetic rows to their closest training row ÷ the same median for "
    "real rows the generator never saw (capped at 1). 1.0 means synthetic rows sit no closer to the training "
    "people than new people do; ≥ 0.9 good, 0.6–0.9 watch (some rows hug training records), < 0.6 poor. "
    "Any exact copy of a real row is a finding on its own."
)


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


def exact_copy_share(synthetic, real, sdtypes) -> float:
    """Share of synthetic rows equal, in every column, to some real row."""
    import pandas as pd

    hs = pd.util.hash_pandas_object(_normalised(synthetic, sdtypes), index=False)
    hr = pd.util.hash_pandas_object(_normalised(real, sdtypes), index=False)
    return float(hs.isin(set(hr.to_numpy())).mean())


def _codes(real_part, syn_part):
    import pandas as pd

    both = pd.concat([real_part, syn_part], ignore_index=True).astype("object")
    codes, _ = pd.factorize(both, use_na_sentinel=True)
    return codes[: len(real_part)], codes[len(real_part):]


def _discretise(real_col, syn_col):
    """sdmetrics' rule: equal-width bins over the real column, the outer edges opened to ±inf."""
    import numpy as np
    import pandas as pd

    labels = [str(x) for x in range(_DISCRETE_BINS)]
    r, bins = pd.cut(pd.to_numeric(real_col.to_numpy()), _DISCRETE_BINS, labels=labels, retbins=True)
    bins[0], bins[-1] = -np.inf, np.inf
    s = pd.cut(pd.to_numeric(syn_col.to_numpy()), bins, labels=labels)
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


def privacy(ctx) -> Section:
    """DCR against the holdout (or a shuffled-marginals baseline), exact copies and attribute inference."""
    import numpy as np
    import pandas as pd

    from synthnb.evaluate._dcr import dcr

    syn_d, _ = dcr(ctx.synthetic, ctx.train, ctx.sdtypes)
    if ctx.holdout is not None:
        base_d, _ = dcr(ctx.holdout, ctx.train, ctx.sdtypes)
        base_label = "held-out real rows"
    else:
        # No unseen real rows: compare with rows whose columns are shuffled independently (same marginals, no
        # joint structure). A weaker yardstick, said so in the findings.
        rng = np.random.default_rng(ctx.seed)
        shuffled = pd.DataFrame({c: ctx.train[c].to_numpy()[rng.permutation(len(ctx.train))]
                                 for c in ctx.train.columns})
        base_d, _ = dcr(shuffled, ctx.train, ctx.sdtypes)
        base_label = "shuffled-column baseline"
    med_syn, med_base = float(np.median(syn_d)), float(np.median(base_d))
    protection = 1.0 if med_base == 0 else min(med_syn / med_base, 1.0)
    p5 = float(np.quantile(base_d, 0.05))
    closer = float((syn_d < p5).mean())
    copies = exact_copy_share(ctx.synthetic, ctx.real, ctx.sdtypes)
    scores = {
        "privacy_dcr_protection": protection,
        "privacy_dcr_median_synthetic": med_syn,
        "privacy_dcr_median_baseline": med_base,
        "privacy_dcr_share_below_baseline_p5": closer,
        "privacy_exact_copy_share": copies,
    }
    findings = []
    if copies > 0:
        findings.append(f"{copies:.2%} of synthetic rows copy a real row exactly; remove them before sharing.")
    else:
        findings.append("No synthetic row copies a real row exactly.")
    findings.append(
        f"Median distance to the closest training row: {med_syn:.4f} for synthetic rows vs {med_base:.4f} for "
        f"{base_label}; {closer:.1%} of synthetic rows are closer than 95% of the {base_label} (5% expected)."
    )
    tables = {
        "dcr_summary": pd.DataFrame({
            "rows": ["synthetic", base_label],
            "n": [len(syn_d), len(base_d)],
            "min": [float(syn_d.min()), float(base_d.min())],
            "p05": [float(np.quantile(syn_d, 0.05)), p5],
            "median": [med_syn, med_base],
            "mean": [float(syn_d.mean()), float(base_d.mean())],
        })
    }
    hi = float(max(np.quantile(syn_d, 0.995), np.quantile(base_d, 0.995), 1e-9))
    edges = np.linspace(0.0, hi, _BINS + 1)
    figures = [{
        "kind": "histogram", "title": f"Distance to closest training row: synthetic vs {base_label}",
        "x_label": "distance to the closest training row", "unit": "0 to 1",
        "edges": [round(float(e), 6) for e in edges],
        "series": {
            "synthetic": [round(float(x), 6) for x in np.histogram(np.clip(syn_d, 0, hi), edges)[0] / len(syn_d)],
            base_label: [round(float(x), 6) for x in np.histogram(np.clip(base_d, 0, hi), edges)[0] / len(base_d)],
        },
    }]
    lib = versions("numba", "numpy")
    if ctx.secret is not None and ctx.quasi_identifiers:
        ai = attribute_inference(ctx.train, ctx.synthetic, list(ctx.quasi_identifiers), ctx.secret, ctx.sdtypes)
        scores.update({
            "privacy_attribute_disclosure_protection": ai["disclosure_protection"],
            "privacy_attribute_inference_success": ai["attack_success"],
            "privacy_attribute_marginal_success": ai["marginal_success"],
            "privacy_attribute_matched_share": ai["matched_share"],
        })
        lift = ai["attack_success"] / ai["marginal_success"] if ai["marginal_success"] else float("nan")
        findings.append(
            f"Knowing {', '.join(ai['known_columns'])} of a training person, an attacker using the synthetic "
            f"table gives their true {ai['secret']} a probability of {ai['attack_success']:.3f}, against "
            f"{ai['marginal_success']:.3f} when guessing from the marginal distribution ({lift:.2f}×); "
            f"disclosure protection {ai['disclosure_protection']:.3f} (sdmetrics' scale, 1 = best)."
        )
        tables["attribute_inference"] = pd.DataFrame([{k: (", ".join(v) if isinstance(v, list) else v)
                                                        for k, v in ai.items()}])
    if ctx.holdout is None:
        findings.append("No real rows were held out, so the baseline is a shuffled-column table (weaker).")
    return Section(
        name="privacy",
        title="Privacy",
        score=protection,
        headline=f"DCR protection {protection:.2f}; {copies:.2%} exact copies.",
        scores=scores,
        tables=tables,
        figures=figures,
        findings=findings,
        thresholds=PRIVACY_THRESHOLDS,
        library=lib,
    )
