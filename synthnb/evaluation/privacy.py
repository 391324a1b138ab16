"""Privacy: verbatim reuse, exact copies, distance to closest record, re-identification risks, attribute inference.

Every figure is compared with a control made of real rows the generator never saw (the holdout), and every
figure maps to [0, 1] (1 best); the section's score is the worst of them.

Rules this module owns:

- **Exact copies and distances are compared on the learned columns** (``EvalContext.learned_columns``): every
  column but the direct identifiers synthnb replaced with fakes (dropped ones are not in the table). A fake
  never equals a real value, so comparing it would make every synthetic row differ from every real row and
  hide each copy: a table with a running id would read "0.00 % copies" while nearly every row copies a
  training row on its real columns. Kept identifiers (``keep=``) were learned and are compared. The held-out
  rows' copy share, the control, is measured on the same columns.
- **One allowance per figure, used by the finding, the figure score and the export gate alike.** Verbatim
  reuse of a column is a finding when its excess over the control exceeds ``REUSE_EXCESS`` plus its sampling
  noise; exact copies when their share exceeds the held-out share plus the noise of that natural share
  (:func:`copy_allowance`; zero when no held-out row equals a training row, so then a single copy counts);
  a re-identification risk when its whole 95 % interval lies above ``RISK_LEVEL``. The figure score maps the
  amount beyond the allowance so that a finding is exactly a score below the card's *fair* cut-off: within the
  allowance a figure is at least fair, beyond it poor (:func:`allowance_score`). A risk whose interval
  straddles the level is *uncertain* and scores exactly the fair cut-off; one wholly at or below it scores
  good.
- **The headline names what the findings flag.** When any figure is flagged (the figures the export gate
  refuses for), the card is poor and ``decided_by`` names those figures, worst first; otherwise it names the
  worst figure.
- **No NaN in the scores.** A figure that cannot be computed (no held-out rows, no near-unique column, an
  attack that could not run) is left out of ``scores`` and its reason kept in ``Section.absent``.
  ``privacy_verbatim_reuse_max_excess`` is the largest excess clipped at 0: finding fewer real values than the
  control does is no evidence of anything.
"""

from __future__ import annotations

import threading

from synthnb.evaluation._registry import Levels, SectionSpec
from synthnb.evaluation._reuse import (
    NEAR_UNIQUE_SHARE,
    ONE_OFF_CHARS,
    ONE_OFF_WORDS,
    REUSE_EXCESS,
    near_unique_columns,
    one_off_text,
    verbatim_reuse,
)
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

#: the card's cut-offs (SPEC.levels): a figure below FAIR is poor, and a finding is exactly that
_GOOD, _FAIR = 0.90, 0.60
#: exact copies beyond their allowance by this much (a share) map to a figure score of 0
_COPY_ZERO = 0.01
#: one-sided 95 % normal quantile, as the verbatim-reuse noise
_Z = 1.6448536269514722


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
    """For each synthetic row, whether it equals, in every column of *sdtypes*, some real row (a boolean numpy
    array). With no column to compare (every column a fake), no row is a copy."""
    import numpy as np
    import pandas as pd

    if not sdtypes:
        return np.zeros(len(synthetic), dtype=bool)
    hs = pd.util.hash_pandas_object(_normalised(synthetic, sdtypes), index=False)
    hr = pd.util.hash_pandas_object(_normalised(real, sdtypes), index=False)
    return hs.isin(set(hr.to_numpy())).to_numpy()


def exact_copy_share(synthetic, real, sdtypes) -> float:
    """Share of synthetic rows equal, in every column of *sdtypes*, to some real row."""
    return float(exact_copies(synthetic, real, sdtypes).mean())


def learned_sdtypes(ctx) -> dict[str, str]:
    """``ctx.sdtypes`` of the learned columns (``EvalContext.learned_columns``): what exact copies compare."""
    return {c: ctx.sdtypes[c] for c in ctx.learned_columns}


def copy_allowance(control_share: float, n_synthetic: int, n_control: int) -> float:
    """How far above the held-out share of exact copies the synthetic share may lie by chance alone.

    One-sided 95 %, the two shares drawn from the same natural share (the control's):
    ``z * sqrt(c (1 - c) (1/n_synthetic + 1/n_control))``. It is 0 when no held-out row equals a training row
    (then every copy counts) and without held-out rows (nothing measures the natural share)."""
    import math

    if not n_synthetic or not n_control or not control_share == control_share:  # NaN: no control
        return 0.0
    return _Z * math.sqrt(control_share * (1 - control_share) * (1 / n_synthetic + 1 / n_control))


def allowance_score(beyond: float, allowance: float, span: float) -> float:
    """A figure score in [0, 1] from how far a figure lies beyond its noise (*beyond*, 0 or less: none).

    1 at 0, falling linearly to the fair cut-off at *allowance* (the finding's threshold), then to 0 at
    *allowance* + *span*: a finding (``beyond > allowance``) is exactly a score below fair."""
    if not beyond > 0:
        return 1.0
    if beyond <= allowance:
        return _FAIR + (1.0 - _FAIR) * (1.0 - beyond / allowance)  # exactly fair at the allowance
    return _FAIR * (1.0 - min((beyond - allowance) / span, 1.0))


def risk_score(low: float, high: float, level: float = RISK_LEVEL) -> float:
    """A re-identification risk's figure score from its 95 % interval: good (0.90 to 1) when the whole
    interval lies at or below *level*, exactly the fair cut-off when it straddles it (uncertain), poor (below
    fair, 0 at twice the level) when it lies wholly above, as the export gate refuses."""
    if high <= level:
        return _GOOD + (1.0 - _GOOD) * (1.0 - max(high, 0.0) / level) if level else 1.0
    if not low > level:
        return _FAIR
    return _FAIR * (1.0 - min((low - level) / level, 1.0)) if level else 0.0


def synthetic_copies(ctx):
    """:func:`exact_copies` of every synthetic row against the training rows on the learned columns, once per
    evaluation (the privacy and By-group sections share it)."""
    return _memo(ctx, "exact-copies", lambda: exact_copies(ctx.synthetic, ctx.train, learned_sdtypes(ctx)))


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


def _figure_scores(copies_beyond, reuse, risks, protection, disclosure) -> tuple[dict[str, float], dict[str, str]]:
    """Every figure on [0, 1], 1 best, keyed by how the card names it, and the flagged ones -> why in words.

    Each score uses its finding's allowance (see the module docstring), so flagged is exactly below fair."""
    import math

    out = {"DCR protection": protection}
    flagged: dict[str, str] = {}
    out["exact copies"] = allowance_score(copies_beyond, 0.0, _COPY_ZERO)
    for row in reuse.itertuples():
        if not math.isnan(row.excess):
            name = f"verbatim reuse of {row.column}"
            out[name] = allowance_score(row.excess - row.noise, REUSE_EXCESS, REUSE_EXCESS)
            if row.finding:
                flagged[name] = (
                    f"{row.train_share:.1%} of its synthetic values are training values, {row.excess:.1%} above the "
                    f"control, beyond {REUSE_EXCESS:.0%} plus {row.noise:.1%} of noise"
                )
    for row in risks.itertuples():
        if not (math.isnan(row.ci_low) or math.isnan(row.ci_high)):
            name = f"{row.attack.replace('_', ' ')} risk"
            out[name] = risk_score(row.ci_low, row.ci_high)
            if row.ci_low > RISK_LEVEL:
                flagged[name] = (
                    f"{row.risk:.3f}, its 95% interval {row.ci_low:.3f}–{row.ci_high:.3f} wholly above {RISK_LEVEL:.2f}"
                )
    if disclosure is not None and not math.isnan(disclosure):
        out["attribute disclosure protection"] = disclosure
    return out, flagged


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
        holdout_copies = exact_copy_share(ctx.holdout, ctx.train, learned_sdtypes(ctx))
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
        tuple(ctx.learned_columns),
        tuple(types.items()),
        ctx.seed,
        DCR_SAMPLE_ROWS,
    )
    return ctx.cache.get_or_compute(key, lambda: _baseline(ctx, types))


def data_types(ctx) -> dict[str, str]:
    """The columns a distance compares: the learned columns (fakes are judged by verbatim reuse); every column
    when none was learned."""
    return learned_sdtypes(ctx) or ctx.sdtypes


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
    allowance = copy_allowance(holdout_copies, len(ctx.synthetic), len(ctx.holdout) if has_control else 0)
    copies_flagged = copies_excess > allowance

    reuse_cols = near_unique_columns(ctx.real, ctx.direct_identifiers)
    reuse = verbatim_reuse(ctx.train, ctx.holdout, ctx.synthetic, reuse_cols)
    one_offs = one_off_text(ctx.train, ctx.holdout, ctx.synthetic)
    risks = reidentification_risks(ctx)
    setup = risks.attrs["setup"]

    scores = {
        "privacy_dcr_protection": protection,
        "privacy_dcr_median_synthetic": med_syn,
        "privacy_dcr_median_baseline": med_base,
        "privacy_dcr_share_below_baseline_p5": closer,
        "privacy_exact_copy_share": copies,
        "privacy_holdout_copy_share": holdout_copies,
        "privacy_exact_copy_allowance": allowance,
        "privacy_verbatim_reuse_max_excess": max(float(reuse["excess"].max()), 0.0) if len(reuse) else None,
        # 0 also when no text value is a one-off: then no synthetic row can carry one
        "privacy_one_off_text_rows": float(one_offs["synthetic_rows"].sum()),
    }
    absent = {
        "privacy_holdout_copy_share": "no real rows were held out, so nothing measures the natural copies",
        "privacy_verbatim_reuse_max_excess": "no near-unique column to check for verbatim reuse",
    }
    for row in risks.itertuples():
        scores[f"privacy_{row.attack}_risk"] = float(row.risk)
        scores[f"privacy_{row.attack}_risk_ci_high"] = float(row.ci_high)
        why = f"the {row.attack.replace('_', ' ')} attack did not run (no predicate or columns to attack with)"
        absent[f"privacy_{row.attack}_risk"] = absent[f"privacy_{row.attack}_risk_ci_high"] = why

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
    for row in one_offs[one_offs["finding"]].itertuples():
        findings.append(
            f"ONE-OFF REAL TEXT in {row.column!r}: {row.synthetic_rows:,} synthetic row"
            f"{'s carry' if row.synthetic_rows != 1 else ' carries'} a text of {ONE_OFF_CHARS}+ characters or "
            f"{ONE_OFF_WORDS}+ words that one training row alone holds (no held-out row does): one person's own "
            "words. Declare the column an identifier, merge its rare values, or leave it out before sharing."
        )
    if len(one_offs) and not one_offs["finding"].any():
        findings.append(
            f"Text columns with one-off long values ({', '.join(one_offs['column'])}): no synthetic row carries one."
        )
    if reuse_cols and not reuse["finding"].any():
        findings.append(
            f"Near-unique columns checked for verbatim reuse ({', '.join(reuse_cols)}): none reuses training "
            f"values more than {REUSE_EXCESS:.0%} above the control."
        )
    control_text = (
        f"{holdout_copies:.2%} of held-out rows equal a training row (natural duplicates; allowance "
        f"{allowance:.2%} of sampling noise above it)"
        if has_control
        else "no held-out rows to compare with"
    )
    left_out = [c for c in ctx.real.columns if c not in ctx.learned_columns]
    compared = (
        f" on the {len(ctx.learned_columns)} learned columns ({', '.join(map(str, left_out))} left out: replaced "
        "with fakes, which never equal a real value)"
        if left_out
        else ""
    )
    if copies_flagged:
        findings.append(
            f"EXACT COPIES: {copies:.2%} of synthetic rows equal a training row{compared}; {control_text}. "
            "Remove them before sharing."
        )
    else:
        findings.append(f"{copies:.2%} of synthetic rows equal a training row{compared}; {control_text}.")
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
        "one_off_text": one_offs,
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
        absent["privacy_attribute_disclosure_protection"] = (
            f"{setup.secret} has a single value, so there is nothing to disclose"
            if ai["baseline_protection"] == 0
            else f"no training row's values of {', '.join(ai['known_columns'])} occur in the synthetic table"
        )
        for name in ("inference_success", "marginal_success"):
            absent[f"privacy_attribute_{name}"] = (
                f"no training row's values of {', '.join(ai['known_columns'])} occur in the synthetic table"
            )
        scores.update(
            {
                "privacy_attribute_disclosure_protection": ai["disclosure_protection"],
                "privacy_attribute_inference_success": ai["attack_success"],
                "privacy_attribute_marginal_success": ai["marginal_success"],
                "privacy_attribute_matched_share": ai["matched_share"],
            }
        )
        if ai["matched_share"] > 0:
            lift = ai["attack_success"] / ai["marginal_success"] if ai["marginal_success"] else float("inf")
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

    figure_scores, flagged = _figure_scores(copies_excess - allowance, reuse, risks, protection, disclosure)
    for row in one_offs.itertuples():  # a finding from one row up: no allowance, so the score is all or nothing
        figure_scores[f"one-off text of {row.column}"] = 0.0 if row.finding else 1.0
        if row.finding:
            flagged[f"one-off text of {row.column}"] = (
                f"{row.synthetic_rows:,} synthetic row{'s carry' if row.synthetic_rows != 1 else ' carries'} a long "
                "text that one training row alone holds"
            )
    if copies_flagged:
        flagged["exact copies"] = f"{copies:.2%} of synthetic rows equal a training row" + (
            f" against {holdout_copies:.2%} of held-out rows, allowance {allowance:.2%}" if has_control else ""
        )
    order = list(figure_scores)
    worst = min(figure_scores, key=lambda k: (figure_scores[k], order.index(k)))
    score = figure_scores[worst]
    tables["figure_scores"] = pd.DataFrame(
        {
            "figure": order,
            "score": list(figure_scores.values()),
            "flagged": [k in flagged for k in order],
        }
    )
    copies_text = f"{copies:.2%} synthetic rows equal a training row" + (
        f" ({holdout_copies:.2%} of held-out rows do)" if has_control else " (no control)"
    )
    if flagged:
        names = sorted(flagged, key=lambda k: (figure_scores[k], order.index(k)))
        decided_by = ", ".join(names)
        verdict = "poor"
        headline = (
            "POOR, flagged (the export gate refuses at its default levels): "
            + "; ".join(f"{k} ({flagged[k]})" for k in names)
            + "."
            + (f" Worst figure: {worst} {score:.2f}." if worst not in flagged else "")
        )
    else:
        decided_by, verdict = worst, None
        headline = (
            f"Score {score:.2f}, the worst of {len(figure_scores)} privacy figures: {worst}"
            + _why_not_flagged(worst, reuse, risks)
            + ("" if worst == "DCR protection" else f"; DCR protection {protection:.2f}")
            + f"; {copies_text}."
        )
    return SPEC.section(
        score=score,
        headline=headline,
        scores=scores,
        absent=absent,
        tables=tables,
        figures=figures,
        findings=findings,
        library=lib,
        verdict=verdict,
        decided_by=decided_by,
    )


def _why_not_flagged(figure: str, reuse, risks) -> str:
    """For a worst figure that no finding flags, what keeps it from being one (its interval, its noise)."""
    for row in risks.itertuples():
        if figure == f"{row.attack.replace('_', ' ')} risk" and row.ci_high > RISK_LEVEL:
            return (
                f" (uncertain: risk {row.risk:.3f}, its 95% interval {row.ci_low:.3f}–{row.ci_high:.3f} straddles "
                f"{RISK_LEVEL:.2f})"
            )
    for row in reuse.itertuples():
        if figure == f"verbatim reuse of {row.column}" and row.excess > 0:
            return (
                f" (excess {row.excess:.1%} within its allowance of {REUSE_EXCESS:.0%} plus {row.noise:.1%} of "
                "sampling noise)"
            )
    return ""


SPEC = SectionSpec(
    name="privacy",
    title="Privacy",
    compute=privacy,
    method="The score is the worst of these figures, each on [0, 1] (1 best).",
    levels=Levels(good=_GOOD, fair=_FAIR),
    notes="Each figure uses the allowance its finding and the export gate use: within it a figure scores at "
    f"least {_FAIR:.2f}, beyond it (a finding: the card is poor while it stands, and the gate refuses) below. "
    "DCR protection: median distance of synthetic rows to their closest training row ÷ the same median for "
    "held-out real rows (capped at 1). Exact copies (compared on the learned columns: identifiers replaced with "
    "fakes left out): the share of synthetic rows equal to a training row − the same share for held-out rows, "
    f"beyond the sampling noise of that natural share (one-sided 95 %); 0 at {_COPY_ZERO:.0%} beyond. "
    f"Verbatim reuse, per near-unique column (≥ {NEAR_UNIQUE_SHARE:.0%} distinct values, more than two of them, "
    "and every direct identifier): excess = share of synthetic values found among the training values − the same "
    f"share for held-out values; a finding above {REUSE_EXCESS:.0%} plus its sampling noise (one-sided 95 %); 0 "
    f"at {2 * REUSE_EXCESS:.0%} plus noise. One-off text, per text column: synthetic rows carrying a text of "
    f"{ONE_OFF_CHARS}+ characters or {ONE_OFF_WORDS}+ words that one training row alone holds and no held-out row "
    "does (one person's own words); 0 from one such row, else 1. Re-identification risks (singling out, "
    "linkability, inference, as "
    f"anonymeter), from their 95 % interval against {RISK_LEVEL:.2f}: wholly at or below it {_GOOD:.2f}–1, "
    f"straddling it (uncertain) {_FAIR:.2f}, wholly above it below {_FAIR:.2f} (0 at twice the level). "
    "Attribute disclosure: sdmetrics' DisclosureProtection.",
    card=True,
)
