"""The three re-identification risks of Article 29 WP Opinion 05/2014, as anonymeter defines them.

- **Singling out**: predicates built from the synthetic rows (univariate: a value that occurs once, a column's
  minimum or maximum, the one missing value; multivariate: a synthetic row's values in ``n_cols`` random
  columns, ``>=``/``<=`` for numbers on the far side of the median). A predicate that matches exactly one
  synthetic row is an attack; it succeeds when it matches exactly one real row.
- **Linkability**: the attacker holds two disjoint column sets of a person; the attack succeeds when the
  nearest synthetic rows of both halves are the same row.
- **Inference**: the attacker knows the known columns of a person and guesses the secret from the nearest
  synthetic row (exact match; a numerical secret within 5 % of the guess, as anonymeter's regression rule).

Each attack runs against training rows and, as the control, against held-out rows. Rates, the risk
``(attack - control) / (1 - control)`` and its 95 % interval follow ``anonymeter.stats.confidence``: Wilson
centre and half-width per rate, the error propagated to the risk, everything clipped to [0, 1].

The nearest-neighbour distance is anonymeter's: categorical columns 0/1, numerical columns ``|x - y|`` over the
column's range in the synthetic and attacked rows together, summed. Where anonymeter is an accident of its
implementation synthnb chooses, and says so: among equally close synthetic rows the first wins (anonymeter
takes whichever ``argsort`` puts first); a missing value is as close to a missing value as equal values are,
and as far as possible from any value (anonymeter counts missing-vs-missing as 1 and missing-vs-number as NaN);
datetimes are numbers (anonymeter compares them as categories). The random-guess baselines are expected values,
not one random draw: ``1 / n_synthetic`` for linkability, the mean chance that a random synthetic row's secret
is right for inference; singling out draws random predicates (seeded) as anonymeter does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "ATTACKS",
    "RISK_COLUMNS",
    "RISK_LEVEL",
    "AttackSetup",
    "Interval",
    "reidentification_risks",
    "resolve_setup",
    "risk_from_counts",
    "singling_out",
    "wilson_interval",
]

#: the columns of the ``reidentification_risks`` table (the contract the export gate reads)
RISK_COLUMNS = (
    "attack",
    "risk",
    "ci_low",
    "ci_high",
    "attack_rate",
    "control_rate",
    "baseline_rate",
    "n_attacks",
    "verdict",
)
ATTACKS = ("singling_out_univariate", "singling_out_multivariate", "linkability", "inference")
#: a risk whose 95 % interval lies wholly above this is reported as "at risk"; wholly below, "low"
RISK_LEVEL = 0.05
#: singling-out predicates built when no number of attacks is given
SINGLING_OUT_QUERIES = 2000
#: columns a multivariate singling-out predicate uses (anonymeter's default)
SINGLING_OUT_COLUMNS = 3
#: known columns taken when no quasi-identifier is named: this many of the lowest cardinality
FALLBACK_KNOWN = 3
#: rows attacked (linkability, inference) at most when no number is given: a seeded sample above this
MAX_ATTACK_ROWS = 100_000
#: anonymeter's tolerance for a numerical secret: |guess - secret| / guess <= 0.05
REGRESSION_TOLERANCE = 0.05

_EQ, _NE, _GE, _LE, _GT, _LT, _ISNULL, _NOTNULL = range(8)


class Interval(NamedTuple):
    """A confidence interval."""

    low: float
    high: float


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 * (1.0 + confidence)))


def _rate(successes: float, n: int, z: float) -> tuple[float, float]:
    """Wilson centre and half-width of a success rate (anonymeter's ``success_rate``)."""
    import math

    z2 = z * z
    denominator = n + z2
    centre = (successes + 0.5 * z2) / denominator
    half = (z / denominator) * math.sqrt(successes * (n - successes) / n + 0.25 * z2)
    return centre, half


def wilson_interval(successes: float, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval of the success rate *successes* / *n*.

    Parameters
    ----------
    successes : float
        Number of successes.
    n : int
        Number of trials (> 0).
    confidence : float
        Confidence level, in (0, 1).

    Returns
    -------
    Interval
        ``(low, high)``, the same as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    """
    centre, half = _rate(successes, n, _z(confidence))
    return Interval(centre - half, centre + half)


def risk_from_counts(
    n_attacks: int, successes: int, n_control: int | None, control_successes: float | None, confidence: float = 0.95
) -> dict:
    """Attack and control rates, risk and its interval from success counts, as anonymeter computes them."""
    import math

    z = _z(confidence)
    attack, attack_err = _rate(successes, n_attacks, z)
    if n_control is None:
        control, value, err = float("nan"), attack, attack_err
    else:
        control, control_err = _rate(control_successes, n_control, z)
        value = (attack - control) / (1.0 - control)
        d_attack = 1.0 / abs(1.0 - control)
        d_control = (attack - 1.0) / (1.0 - control) ** 2
        err = math.sqrt((attack_err * d_attack) ** 2 + (control_err * d_control) ** 2)

    def clip(x):
        return min(max(x, 0.0), 1.0)

    return {
        "risk": clip(value),
        "ci_low": clip(value - err),
        "ci_high": clip(value + err),
        "attack_rate": attack,
        "control_rate": control,
    }


# ---------------------------------------------------------------------------------------------- the setup


@dataclass(frozen=True)
class AttackSetup:
    """What the attacker is assumed to know, and how many attacks run; every default stated in words."""

    known: tuple[str, ...]
    known_rule: str
    secret: str
    secret_rule: str
    split: tuple[tuple[str, ...], tuple[str, ...]]
    split_rule: str
    n_rows: int
    n_queries: int
    columns: tuple[str, ...]
    #: rows that could have been attacked (n_rows is a seeded sample of them when smaller)
    available: int = 0


def resolve_setup(ctx, n_attacks: int | None = None) -> AttackSetup:
    """The attacker's knowledge and the number of attacks for *ctx* (the rules are in the returned text)."""
    ids = set(ctx.direct_identifiers)
    data_cols = [c for c in ctx.real.columns if c not in ids]
    if ctx.secret is not None:
        secret, secret_rule = ctx.secret, "the target column" if ctx.secret == ctx.target else "as given"
    else:
        secret = data_cols[-1]
        secret_rule = "no target or secret given: the last column that is not a direct identifier"
    known = [c for c in ctx.quasi_identifiers if c != secret and c not in ids]
    if known:
        known_rule = "the quasi-identifiers"
    else:
        candidates = [c for c in data_cols if c != secret]
        card = {c: ctx.real[c].nunique(dropna=False) for c in candidates}
        known = sorted(candidates, key=lambda c: (card[c], candidates.index(c)))[:FALLBACK_KNOWN]
        known_rule = (
            f"no column name says quasi-identifier: the {FALLBACK_KNOWN} non-secret columns with the "
            "fewest distinct values"
        )
    half = (len(data_cols) + 1) // 2
    split = (tuple(data_cols[:half]), tuple(data_cols[half:]))
    split_rule = "the columns that are not direct identifiers, in table order: first half / second half"
    n_train, n_hold = len(ctx.train), (len(ctx.holdout) if ctx.holdout is not None else None)
    available = n_train if n_hold is None else min(n_train, n_hold)
    n_rows = min(available, MAX_ATTACK_ROWS) if n_attacks is None else min(int(n_attacks), available)
    n_queries = SINGLING_OUT_QUERIES if n_attacks is None else int(n_attacks)
    return AttackSetup(
        tuple(known), known_rule, secret, secret_rule, split, split_rule, n_rows, n_queries, tuple(data_cols), available
    )


# ---------------------------------------------------------------------------------------------- neighbours


def _nearest_synthetic(targets, synthetic, columns, sdtypes):
    """Position of each target's nearest synthetic row on *columns* (anonymeter's distance; first row on ties)."""
    import numpy as np
    import pandas as pd

    from synthnb.evaluation._dcr import encode, nearest

    # anonymeter scales numbers by the range of the synthetic and the attacked rows together
    enc = encode(targets, synthetic, {c: sdtypes[c] for c in columns}, ranges_over="both")
    t_cat, s_cat, t_num, s_num, ranges = enc.query_cat, enc.ref_cat, enc.query_num, enc.ref_num, enc.ranges
    n_s = len(synthetic)
    # a target equal to a synthetic row is at distance 0, the least there is: take the first such row by
    # hashing, and search only for the others
    key_t = pd.util.hash_pandas_object(pd.DataFrame(np.hstack([t_cat, t_num])), index=False).to_numpy()
    key_s = pd.util.hash_pandas_object(pd.DataFrame(np.hstack([s_cat, s_num])), index=False).to_numpy()
    first = pd.Series(np.arange(n_s)).groupby(key_s).min()
    index = pd.Series(key_t).map(first).to_numpy()
    todo = np.flatnonzero(np.isnan(index))
    index = np.nan_to_num(index, nan=-1).astype(np.int64)
    if len(todo):
        _, found = nearest(
            np.ascontiguousarray(t_cat[todo]),
            np.ascontiguousarray(s_cat),
            np.ascontiguousarray(t_num[todo]),
            np.ascontiguousarray(s_num),
            ranges,
        )
        index[todo] = found
    return index


def _inference_hits(guesses, secrets, regression: bool):
    """anonymeter's ``evaluate_inference_guesses``: equal (or both missing); numbers within the tolerance."""
    import numpy as np
    import pandas as pd

    g, s = pd.Series(guesses).to_numpy(), pd.Series(secrets).to_numpy()
    g_missing, s_missing = pd.isna(g), pd.isna(s)
    if regression:
        g, s = g.astype(float), s.astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            hit = np.abs(g - s) / (g + 1e-12) <= REGRESSION_TOLERANCE
    else:
        # compare present values only: pandas' NA (nullable boolean and string columns) has no truth value
        both = ~g_missing & ~s_missing
        hit = np.zeros(len(g), dtype=bool)
        hit[both] = np.asarray(g[both] == s[both], dtype=bool)
    return hit | (g_missing & s_missing)


def _inference_baseline(secrets, synthetic_secret, regression: bool) -> float:
    """Expected success of guessing each secret with a random synthetic row's secret."""
    import numpy as np
    import pandas as pd

    syn = pd.Series(synthetic_secret)
    if not regression:
        share = syn.astype(object).value_counts(normalize=True, dropna=False)
        return float(pd.Series(secrets).astype(object).map(share).fillna(0.0).mean())
    g = np.sort(syn.to_numpy(dtype=float)[~syn.isna().to_numpy()])
    s = pd.Series(secrets).to_numpy(dtype=float)
    eps, tol = 1e-12, REGRESSION_TOLERANCE
    # |g - s| / (g + eps) <= tol holds for every g + eps < 0 (a negative ratio) and, for g + eps > 0, on
    # [(s - tol eps) / (1 + tol), (s + tol eps) / (1 - tol)]
    negative = np.searchsorted(g, -eps, side="left")
    lo = np.maximum(np.searchsorted(g, (s - tol * eps) / (1 + tol), side="left"), negative)
    hi = np.maximum(np.searchsorted(g, (s + tol * eps) / (1 - tol), side="right"), negative)
    hits = negative + (hi - lo)
    return float(np.mean(np.where(np.isnan(s), 0, hits) / max(len(syn), 1)))


def _sample(frame, n: int, rng):
    """*n* rows of *frame* (a seeded sample, kept in table order), or all of them."""
    import numpy as np

    if n >= len(frame):
        return frame.reset_index(drop=True)
    return frame.iloc[np.sort(rng.choice(len(frame), size=n, replace=False))].reset_index(drop=True)


def _linkability(ctx, setup: AttackSetup, rng) -> dict:
    a, b = (list(s) for s in setup.split)
    if not a or not b:
        return {"skipped": "linkability needs at least two columns that are not direct identifiers"}
    targets = _sample(ctx.train, setup.n_rows, rng)
    hits = _nearest_synthetic(targets, ctx.synthetic, a, ctx.sdtypes) == _nearest_synthetic(
        targets, ctx.synthetic, b, ctx.sdtypes
    )
    out = {"n": len(targets), "successes": int(hits.sum()), "baseline": 1.0 / len(ctx.synthetic)}
    if ctx.holdout is not None:
        control = _sample(ctx.holdout, setup.n_rows, rng)
        c_hits = _nearest_synthetic(control, ctx.synthetic, a, ctx.sdtypes) == _nearest_synthetic(
            control, ctx.synthetic, b, ctx.sdtypes
        )
        out.update(n_control=len(control), control_successes=int(c_hits.sum()))
    return out


def _inference(ctx, setup: AttackSetup, rng) -> dict:
    known, secret = list(setup.known), setup.secret
    if not known:
        return {"skipped": "inference needs at least one column besides the secret that is not a direct identifier"}
    regression = ctx.sdtypes.get(secret) == "numerical"
    syn_secret = ctx.synthetic[secret].reset_index(drop=True)

    def attack(frame):
        idx = _nearest_synthetic(frame, ctx.synthetic, known, ctx.sdtypes)
        return _inference_hits(syn_secret.iloc[idx].to_numpy(), frame[secret].to_numpy(), regression)

    targets = _sample(ctx.train, setup.n_rows, rng)
    out = {
        "n": len(targets),
        "successes": int(attack(targets).sum()),
        "baseline": _inference_baseline(targets[secret], syn_secret, regression),
    }
    if ctx.holdout is not None:
        control = _sample(ctx.holdout, setup.n_rows, rng)
        out.update(n_control=len(control), control_successes=int(attack(control).sum()))
    return out


# ---------------------------------------------------------------------------------------------- singling out

_COUNT_KERNEL = None


def _count_kernel():
    """Compiled: for each predicate, how many rows it matches, counting no further than 2."""
    global _COUNT_KERNEL
    if _COUNT_KERNEL is None:
        import math

        from numba import njit, prange

        @njit(parallel=True, cache=True, nogil=True)
        def count(x, cols, ops, vals, out):  # pragma: no cover - compiled
            n_rows, width = x.shape[0], cols.shape[1]
            for q in prange(cols.shape[0]):
                n = 0
                for i in range(n_rows):
                    ok = True
                    for j in range(width):
                        op = ops[q, j]
                        if op < 0:
                            continue
                        v = x[i, cols[q, j]]
                        w = vals[q, j]
                        if op == 0:
                            ok = v == w
                        elif op == 1:
                            ok = (not math.isnan(v)) and v != w
                        elif op == 2:
                            ok = v >= w
                        elif op == 3:
                            ok = v <= w
                        elif op == 4:
                            ok = v > w
                        elif op == 5:
                            ok = v < w
                        elif op == 6:
                            ok = math.isnan(v)
                        else:
                            ok = not math.isnan(v)
                        if not ok:
                            break
                    if ok:
                        n += 1
                        if n >= 2:
                            break
                out[q] = n

        _COUNT_KERNEL = count
    return _COUNT_KERNEL


def _counts(x, cols, ops, vals):
    import numpy as np

    out = np.zeros(len(cols), dtype=np.int64)
    if len(cols) and len(x):
        _count_kernel()(x, np.ascontiguousarray(cols), np.ascontiguousarray(ops), np.ascontiguousarray(vals), out)
    return out


def _encode_rows(frames, columns, sdtypes):
    """Each frame as a float matrix: numbers as values, categories as codes shared by all frames, NaN missing."""
    import numpy as np
    import pandas as pd

    from synthnb.evaluation._dcr import _numeric

    sizes = [len(f) for f in frames]
    mats = [np.empty((n, len(columns))) for n in sizes]
    numeric = np.zeros(len(columns), dtype=bool)
    for k, col in enumerate(columns):
        if sdtypes[col] in ("numerical", "datetime"):
            numeric[k] = True
            for m, f in zip(mats, frames, strict=True):
                m[:, k] = _numeric(f[col])
        else:
            both = pd.concat([f[col] for f in frames], ignore_index=True).astype("object")
            codes, _ = pd.factorize(both, use_na_sentinel=True)
            codes = codes.astype(float)
            codes[codes < 0] = np.nan
            start = 0
            for m, n in zip(mats, sizes, strict=True):
                m[:, k] = codes[start : start + n]
                start += n
    return mats, numeric


def _unique_keys(cols, ops, vals):
    """A hashable key per predicate (its terms sorted by column), to drop repeated predicates."""
    keys = []
    for c, o, v in zip(cols.tolist(), ops.tolist(), vals.tolist(), strict=True):
        keys.append(
            tuple(
                sorted(
                    (ci, oi, round(vi, 12) if vi == vi else None) for ci, oi, vi in zip(c, o, v, strict=True) if oi >= 0
                )
            )
        )
    return keys


def _univariate_queries(syn, numeric, n_queries: int, rng):
    """anonymeter's univariate predicates: the one missing value, min and max, every value that occurs once."""
    import numpy as np

    cols, ops, vals = [], [], []
    for k in range(syn.shape[1]):
        col = syn[:, k]
        missing = np.isnan(col)
        if missing.sum() == 1:
            cols.append(k), ops.append(_ISNULL), vals.append(np.nan)
        present = col[~missing]
        if numeric[k] and len(present):
            cols += [k, k]
            ops += [_LE, _GE]
            vals += [float(present.min()), float(present.max())]
        values, counts = np.unique(present, return_counts=True)
        rare = values[counts == 1]
        cols += [k] * len(rare)
        ops += [_EQ] * len(rare)
        vals += rare.tolist()
    order = rng.permutation(len(cols))
    cols = np.asarray(cols, dtype=np.int64)[order][:, None]
    ops = np.asarray(ops, dtype=np.int64)[order][:, None]
    vals = np.asarray(vals, dtype=float)[order][:, None]
    single = _univariate_counts(syn, cols, ops, vals) == 1
    keep = np.flatnonzero(single)[:n_queries]
    return cols[keep], ops[keep], vals[keep]


def _univariate_counts(x, cols, ops, vals):
    """Rows matched by one-term predicates (==, <=, >=, is missing), from sorted columns instead of a scan."""
    import numpy as np

    out = np.zeros(len(cols), dtype=np.int64)
    for k in np.unique(cols[:, 0]):
        rows = np.flatnonzero(cols[:, 0] == k)
        col = x[:, k]
        present = np.sort(col[~np.isnan(col)])
        v, op = vals[rows, 0], ops[rows, 0]
        left, right = np.searchsorted(present, v, "left"), np.searchsorted(present, v, "right")
        counts = np.select(
            [op == _EQ, op == _LE, op == _GE],
            [right - left, right, len(present) - left],
            default=int(np.isnan(col).sum()),
        )
        out[rows] = counts
    return out


def _multivariate_queries(syn, numeric, n_queries: int, n_cols: int, rng, max_attempts: int):
    """anonymeter's multivariate predicates: a random synthetic row's values in random columns."""
    import numpy as np

    medians = np.array(
        [
            np.nanmedian(syn[:, k]) if numeric[k] and not np.isnan(syn[:, k]).all() else np.nan
            for k in range(syn.shape[1])
        ]
    )
    n_cols = min(n_cols, syn.shape[1])
    seen, out_c, out_o, out_v = set(), [], [], []
    attempts, batch = 0, 1000
    while len(out_c) < n_queries and attempts < max_attempts:
        size = min(batch, max_attempts - attempts)
        rows = rng.integers(0, syn.shape[0], size=size)
        cols = np.argsort(rng.random((size, syn.shape[1])), axis=1)[:, :n_cols]
        vals = syn[rows[:, None], cols]
        ops = np.where(numeric[cols], np.where(vals > medians[cols], _GE, _LE), _EQ)
        ops = np.where(np.isnan(vals), _ISNULL, ops)
        single = _counts(syn, cols, ops, vals) == 1
        for i in np.flatnonzero(single):
            key = _unique_keys(cols[i : i + 1], ops[i : i + 1], vals[i : i + 1])[0]
            if key not in seen and len(out_c) < n_queries:
                seen.add(key)
                out_c.append(cols[i]), out_o.append(ops[i]), out_v.append(vals[i])
        attempts += size
    if not out_c:
        empty = np.zeros((0, n_cols))
        return empty.astype(np.int64), empty.astype(np.int64), empty
    return np.array(out_c, dtype=np.int64), np.array(out_o, dtype=np.int64), np.array(out_v, dtype=float)


def _random_queries(syn, numeric, n_queries: int, n_cols: int, rng):
    """anonymeter's baseline: random columns, a random value of each, a random operator."""
    import numpy as np

    n_cols = min(n_cols, syn.shape[1])
    cols = np.argsort(rng.random((n_queries, syn.shape[1])), axis=1)[:, :n_cols]
    uniques = [np.unique(syn[:, k]) for k in range(syn.shape[1])]  # NaN sorts last and stays one value each
    uniques = [np.concatenate([u[~np.isnan(u)], [np.nan]]) if np.isnan(u).any() else u for u in uniques]
    vals = np.empty(cols.shape)
    ops = np.empty(cols.shape, dtype=np.int64)
    for i in range(n_queries):
        for j, k in enumerate(cols[i]):
            v = uniques[k][rng.integers(len(uniques[k]))]
            op = rng.integers(6) if numeric[k] else rng.integers(2)  # eq ne ge le gt lt / eq ne
            if np.isnan(v):
                op = _ISNULL if op == _EQ else _NOTNULL
            vals[i, j], ops[i, j] = v, op
    return cols, ops, vals


def singling_out(
    train,
    control,
    synthetic,
    sdtypes,
    *,
    mode: str,
    n_queries: int,
    seed: int,
    n_cols: int = SINGLING_OUT_COLUMNS,
    max_attempts: int | None = None,
) -> dict:
    """Singling-out counts: predicates from *synthetic* that single out a row of *train* and of *control*.

    Rows are de-duplicated first (anonymeter does the same). When *control* is given, both real tables are
    cut to the same number of rows (a seeded sample), since how often a predicate singles out depends on how
    many rows it is tried on. Returns ``n`` (predicates built), ``successes``, ``control_successes``,
    ``n_control`` and ``baseline`` (share of random predicates that single out a training row).
    """
    import numpy as np

    rng = np.random.default_rng([seed, 7, 0 if mode == "univariate" else 1])
    columns = list(synthetic.columns)
    train = train.drop_duplicates()
    synthetic = synthetic.drop_duplicates()
    if control is not None:
        control = control.drop_duplicates()
        n = min(len(train), len(control))
        train, control = _sample(train, n, rng), _sample(control, n, rng)
    frames = [synthetic, train] + ([control] if control is not None else [])
    mats, numeric = _encode_rows(frames, columns, sdtypes)
    syn, ori = mats[0], mats[1]
    if mode == "univariate":
        cols, ops, vals = _univariate_queries(syn, numeric, n_queries, rng)
        width = 1
    else:
        attempts = max_attempts if max_attempts is not None else 50 * n_queries
        cols, ops, vals = _multivariate_queries(syn, numeric, n_queries, n_cols, rng, attempts)
        width = n_cols
    n = len(cols)
    count = _univariate_counts if mode == "univariate" else _counts
    out = {"n": n, "successes": int((count(ori, cols, ops, vals) == 1).sum()) if n else 0}
    if control is not None:
        out.update(n_control=n, control_successes=int((count(mats[2], cols, ops, vals) == 1).sum()) if n else 0)
    if n:
        r_cols, r_ops, r_vals = _random_queries(syn, numeric, n, width, rng)
        out["baseline"] = float((_counts(ori, r_cols, r_ops, r_vals) == 1).mean())
    else:
        out["baseline"] = float("nan")
    return out


# ---------------------------------------------------------------------------------------------- all four


def _verdict(row: dict, level: float) -> str:
    import math

    if row["n_attacks"] == 0 or math.isnan(row["risk"]):
        return "not run"
    if not row["attack_rate"] > row["baseline_rate"]:
        return "inconclusive"  # the attack does no better than random guessing: it shows nothing either way
    if row["ci_low"] > level:
        return "at risk"
    if row["ci_high"] <= level:
        return "low"
    return "uncertain"


def reidentification_risks(ctx, n_attacks: int | None = None, *, level: float = RISK_LEVEL):
    """Singling out (univariate, multivariate), linkability and inference risks of *ctx*'s synthetic table.

    Parameters
    ----------
    ctx : EvalContext
        The evaluation's frames and column roles.
    n_attacks : int, optional
        Rows attacked for linkability and inference, and predicates built for singling out. Default: every
        held-out row (and as many training rows, a seeded sample), or every training row without a holdout;
        2,000 singling-out predicates.
    level : float
        A risk whose 95 % interval lies wholly above it is "at risk", wholly at or below it "low".

    Returns
    -------
    pandas.DataFrame
        One row per attack: ``attack, risk, ci_low, ci_high, attack_rate, control_rate, baseline_rate,
        n_attacks, verdict`` (rates are Wilson centres, as anonymeter reports them; ``control_rate`` is NaN
        without held-out rows, and the risk is then the attack's success rate). ``DataFrame.attrs["setup"]``
        holds the :class:`AttackSetup` used.
    """
    import numpy as np
    import pandas as pd

    setup = resolve_setup(ctx, n_attacks)
    rng = np.random.default_rng([ctx.seed, 7])
    cols = list(setup.columns)
    hold = None if ctx.holdout is None else ctx.holdout[cols]
    counts = {}
    for mode in ("univariate", "multivariate"):
        counts[f"singling_out_{mode}"] = singling_out(
            ctx.train[cols], hold, ctx.synthetic[cols], ctx.sdtypes, mode=mode, n_queries=setup.n_queries, seed=ctx.seed
        )
    counts["linkability"] = _linkability(ctx, setup, rng)
    counts["inference"] = _inference(ctx, setup, rng)
    rows = []
    for attack in ATTACKS:
        c = counts[attack]
        row = {
            "attack": attack,
            "risk": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "attack_rate": np.nan,
            "control_rate": np.nan,
            "baseline_rate": c.get("baseline", np.nan),
            "n_attacks": c.get("n", 0),
        }
        if c.get("n"):
            row.update(risk_from_counts(c["n"], c["successes"], c.get("n_control"), c.get("control_successes")))
        row["verdict"] = _verdict(row, level) if "skipped" not in c else "not run"
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(RISK_COLUMNS))
    table.attrs["setup"] = setup
    return table
