"""The scope lab: one release of the whole table, or a task-only extract? Fit both and compare them on the task.

The same generator (same model, parameters and seed) is fitted twice on the same real training rows: on the
task's columns alone (the task-only release) and on every column (the comprehensive release). Both synthetic
tables are then judged by :func:`synthnb.evaluate` **on the task's columns only**, against the same real
training rows and the same held-out real rows, with the same column roles: the same target, the same
sensitive columns, and the same attacker knowledge (the quasi-identifiers and the secret, restricted to the task's
columns). So the figures are the ones the dashboard shows, and they differ only by what the release held.

**The task's columns** are *task* plus the target plus the sensitive columns (in table order). The held-out rows
are a seeded share *holdout* of the real rows, drawn once by (seed) and shared by both evaluations; both fits use
the remaining rows with ``holdout=0``.

**The rule.** This table supports one comprehensive release when **every figure in the rule is, for the
whole-table release, no worse than the task-only release's by more than** :data:`TOLERANCE` (0.05, on scores
in [0, 1]); a figure that is better never counts against it. The figures in the rule: each section's headline
score (fidelity, utility, privacy, fairness); fidelity's column shapes and pair trends; the synthetic-trained
model's scores (utility); the share of exact copies and the re-identification risks (lower is better) and the
attribute-disclosure protection (privacy); each sensitive column's gap kept (fairness); and, per sensitive
group holding at least :data:`MIN_GROUP_SHARE` of the real rows, that group's fidelity and utility (By group).
Other figures are shown for reading (the real-trained model's scores, equal for both by construction; the
demographic-parity differences; smaller groups) but decide nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError
from synthnb.progress import ProgressCallback, emit

__all__ = ["MIN_GROUP_SHARE", "TOLERANCE", "ScopeLab", "scope_lab"]

#: how much worse than the task-only release a figure of the whole-table release may be (scores in [0, 1])
TOLERANCE = 0.05
#: a sensitive group's own figures join the rule when it holds at least this share of the real training rows
MIN_GROUP_SHARE = 0.05
#: the two releases, in the order of the table's columns
TASK, WHOLE = "task_only", "whole_table"
_TABLE_COLUMNS = ["section", "figure", TASK, WHOLE, "difference", "better", "in_rule", "within"]
#: privacy figures and the direction that is better
_PRIVACY = {
    "privacy_exact_copy_share": "lower",
    "privacy_singling_out_univariate_risk": "lower",
    "privacy_singling_out_multivariate_risk": "lower",
    "privacy_linkability_risk": "lower",
    "privacy_inference_risk": "lower",
    "privacy_attribute_disclosure_protection": "higher",
}

_HTML = """<div class="synthnb-scope">
<p><b>synthnb · scope lab</b>: {{ lab.note() }}</p>
<p><b>{{ lab.verdict }}</b></p>
<p>{{ lab.rule }}</p>
<table>
<tr>{% for c in header %}<th style="text-align:left">{{ c }}</th>{% endfor %}</tr>
{% for row in rows %}
<tr>{% for v in row %}<td style="text-align:left">{{ v }}</td>{% endfor %}</tr>
{% endfor %}
</table>
<p>{{ lab.knowledge() }}</p>
</div>
"""


@dataclass(frozen=True, eq=False)
class ScopeLab:
    """What :func:`scope_lab` measured; displaying it in a notebook shows the verdict and the figures.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per figure: ``section``, ``figure`` (``"headline"`` or the name in ``Evaluation.scores``),
        ``task_only`` and ``whole_table`` (the figure for each release), ``difference`` (whole − task),
        ``better`` (``"higher"``/``"lower"``, None when neither is), ``in_rule`` and ``within`` (the
        whole-table figure is no worse than the task-only one by more than the tolerance; None outside the rule).
    supported : bool
        Whether this table supports one comprehensive release (the rule: the module's docstring).
    evaluations : dict
        ``{"task_only": Evaluation, "whole_table": Evaluation}``, both on the task's columns.
    runs : dict
        ``{"task_only": Run, "whole_table": Run}``: the two fits.
    """

    table: Any
    supported: bool
    verdict: str
    rule: str
    task: tuple[str, ...]
    columns: tuple[str, ...]
    target: str
    sensitive: tuple[str, ...]
    quasi_identifiers: tuple[str, ...]
    secret: str
    model: str
    seed: int
    tolerance: float
    n_train: int
    n_holdout: int
    n_columns: int
    evaluations: dict = field(repr=False)
    runs: dict = field(repr=False)
    seconds: float = 0.0

    def __repr__(self) -> str:
        return (
            f"<ScopeLab {self.model}: task of {len(self.columns)} of {self.n_columns} columns, target "
            f"{self.target!r}, {'supported' if self.supported else 'not supported'}, seed={self.seed}>"
        )

    def note(self) -> str:
        """One sentence on how the lab was run."""
        return (
            f"{self.model} (seed {self.seed}) fitted on {self.n_train:,} real rows twice: on the task's "
            f"{len(self.columns)} columns ({', '.join(self.columns)}) and on all {self.n_columns} columns; both "
            f"synthetic tables evaluated by synthnb.evaluate on the task's columns against the same "
            f"{self.n_holdout:,} held-out real rows."
        )

    def knowledge(self) -> str:
        """The column roles both evaluations used."""
        qis = ", ".join(self.quasi_identifiers) or "none"
        sens = ", ".join(self.sensitive) or "none"
        return (
            f"Both evaluations: target {self.target}; sensitive {sens}; the attacker knows {qis} and infers "
            f"{self.secret}."
        )

    def summary(self):
        """The figures in the rule, worst difference first."""
        t = self.table[self.table["in_rule"]].copy()
        sign = t["better"].map({"higher": 1.0, "lower": -1.0})
        return t.assign(_key=t["difference"] * sign).sort_values("_key", kind="stable").drop(columns="_key")

    def to_dict(self) -> dict:
        """Plain data: the verdict, the rule, the roles and every figure (JSON-ready)."""
        records = self.table.astype(object).where(self.table.notna(), None).to_dict(orient="records")
        return {
            "supported": self.supported,
            "verdict": self.verdict,
            "rule": self.rule,
            "tolerance": self.tolerance,
            "task": list(self.task),
            "columns": list(self.columns),
            "target": self.target,
            "sensitive": list(self.sensitive),
            "quasi_identifiers": list(self.quasi_identifiers),
            "secret": self.secret,
            "model": self.model,
            "seed": self.seed,
            "rows": {"train": self.n_train, "holdout": self.n_holdout},
            "table_columns": self.n_columns,
            "figures": records,
            "seconds": round(self.seconds, 3),
        }

    def _rows(self) -> tuple[list[str], list[list[str]]]:
        header = ["section", "figure", "task only", "whole table", "difference", "within"]
        rows = []
        for r in self.summary().itertuples(index=False):
            mark = "yes" if r.within else "NO"
            rows.append([r.section, r.figure, _num(r.task_only), _num(r.whole_table), _num(r.difference), mark])
        return header, rows

    def to_markdown(self) -> str:
        """The note, the verdict, the rule and the figures in the rule as Markdown."""
        header, rows = self._rows()
        lines = [f"**synthnb · scope lab**: {self.note()}", "", f"**{self.verdict}**", "", self.rule, ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join([*lines, "", self.knowledge(), ""])

    def _repr_html_(self) -> str:
        from synthnb.evaluation.html import _env

        header, rows = self._rows()
        return _env().from_string(_HTML).render(lab=self, header=header, rows=rows)


def _num(value) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:+.3f}" if isinstance(value, float) and value < 0 else f"{value:.3f}"


def scope_lab(
    df,
    task: str | Iterable[str],
    target: str,
    model: str = "cart",
    sensitive: str | Iterable[str] | None = None,
    seed: int = 0,
    *,
    holdout: float = 0.2,
    quasi_identifiers: str | Iterable[str] | None = None,
    tolerance: float = TOLERANCE,
    progress: ProgressCallback | None = None,
    **model_params: Any,
) -> ScopeLab:
    """Fit one generator on the task's columns and on the whole table, and compare both releases on the task.

    Parameters
    ----------
    df : pandas.DataFrame
        The real table. It is never modified.
    task : str or list of str
        The columns a task needs (``"age,education,hours_per_week"`` or a list); the target and the sensitive
        columns join them.
    target : str
        The column the task predicts (utility, fairness; the attacker's secret).
    model : str
        The generator, as for :func:`synthnb.fit` (CART by default: seconds, even on wide tables).
    sensitive : str or list of str, optional
        Columns whose groups are compared (fairness, By group). Default: proposed among the task's columns as
        :func:`synthnb.evaluate` proposes them (names that say sex, gender, race, ethnicity or age group).
    seed : int
        Decides the held-out rows and both fits (the same seed for both): same arguments, same figures.
    holdout : float
        Share of real rows held out from both fits and tested on (utility, privacy), in (0, 0.9].
    quasi_identifiers : str or list of str, optional
        What the attacker knows; columns outside the task are dropped from it. Default: the evaluation's own rule
        on the task's columns (the sensitive columns and names that look demographic).
    tolerance : float
        How much worse a whole-table figure may be (the rule: the module's docstring).
    progress : callable, optional
        Receives a ``fit`` event per fit and per evaluation.
    **model_params
        Passed to both :func:`synthnb.fit` calls (e.g. ``epochs=5``).
    """
    import numpy as np

    from synthnb._frames import check_frame
    from synthnb.api import fit
    from synthnb.evaluation import evaluate
    from synthnb.evaluation._context import propose_sensitive
    from synthnb.generators import canonical_model
    from synthnb.spec import split_columns

    t0 = time.perf_counter()
    check_frame(df, "df")
    model = canonical_model(model)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SynthnbError(f"seed must be a non-negative integer, got {seed!r}; for example seed=0.")
    if isinstance(holdout, bool) or not isinstance(holdout, (int, float)) or not 0.0 < float(holdout) <= 0.9:
        raise SynthnbError(
            f"holdout must be a share of rows above 0 and at most 0.9, got {holdout!r}; the lab tests both "
            "releases on held-out real rows, e.g. holdout=0.2."
        )
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0.0 <= tolerance < 1.0:
        raise SynthnbError(f"tolerance must be a number from 0 to 1, got {tolerance!r}; for example 0.05.")
    names = [str(c) for c in df.columns]
    task_cols = split_columns(task)
    if not task_cols:
        raise SynthnbError("task is empty; name the columns the task needs, e.g. task=['age', 'education'].")
    if target is None:
        raise SynthnbError("scope_lab needs the task's target, the column it predicts, e.g. target='income'.")
    target = str(target)
    for role, cols in (("task", task_cols), ("target", (target,)), ("sensitive", split_columns(sensitive))):
        for col in cols:
            if col not in names:
                raise SynthnbError(f"{role} column {col!r} is not in the table; pick one of: {', '.join(names)}.")
    chosen = {*task_cols, target}
    sens = split_columns(sensitive)
    if not sens:
        sens = propose_sensitive(df[[c for c in df.columns if str(c) in chosen]], exclude=[target])[0]
    if target in sens:
        raise SynthnbError(f"column {target!r} is both the target and a sensitive column; pick different columns.")
    chosen |= set(sens)
    columns = [c for c in df.columns if str(c) in chosen]
    if len(columns) == len(df.columns):
        raise SynthnbError(
            "the task's columns are the whole table, so both releases would be the same; the lab compares a "
            "task-only extract with a release of more columns: leave some columns out of task."
        )

    n = len(df)
    n_hold = round(float(holdout) * n)
    if n_hold < 10 or n - n_hold < 10:
        raise SynthnbError(
            f"holdout={holdout} leaves {n - n_hold} training and {n_hold} held-out rows of {n}; both need at least "
            "10: use a larger table or another holdout."
        )
    order = np.random.default_rng(np.random.SeedSequence([seed, 19])).permutation(n)
    hold = df.iloc[np.sort(order[:n_hold])].reset_index(drop=True)
    train = df.iloc[np.sort(order[n_hold:])].reset_index(drop=True)

    emit(progress, "fit", 0, 4, f"task-only release ({len(columns)} columns)")
    runs = {TASK: fit(train[columns], model=model, seed=seed, holdout=0, **model_params)}
    emit(progress, "fit", 1, 4, f"whole-table release ({len(df.columns)} columns)")
    runs[WHOLE] = fit(train, model=model, seed=seed, holdout=0, **model_params)
    for release, run in runs.items():
        lost = [str(c) for c in columns if c not in run.synthetic.columns]
        if lost:
            raise SynthnbError(
                f"the {release.replace('_', '-')} release has no column {lost[0]!r} (dropped as free text or an "
                "identifier); leave it out of the task, or fit with keep=[...] to keep it."
            )

    common = dict(target=target, sensitive=list(sens), secret=target, seed=seed, propose=False)
    if quasi_identifiers is not None:
        common["quasi_identifiers"] = [c for c in split_columns(quasi_identifiers) if c in {str(x) for x in columns}]
        common["quasi_identifiers"] = [c for c in common["quasi_identifiers"] if c != target]
    real, held = train[columns], hold[columns]
    evaluations = {}
    emit(progress, "fit", 2, 4, "evaluating the task-only release")
    evaluations[TASK] = evaluate(real, runs[TASK].synthetic[columns], holdout=held, name=TASK, **common)
    ctx = evaluations[TASK].context
    # the same knowledge, the same identifiers: the second evaluation takes the first's resolved roles
    common.update(quasi_identifiers=list(ctx.quasi_identifiers), direct_identifiers=list(ctx.direct_identifiers))
    emit(progress, "fit", 3, 4, "evaluating the whole-table release")
    evaluations[WHOLE] = evaluate(real, runs[WHOLE].synthetic[columns], holdout=held, name=WHOLE, **common)
    emit(progress, "fit", 4, 4, "compared")

    table = _figures(evaluations, real, sens, float(tolerance))
    supported, verdict = _verdict(table, float(tolerance), len(df.columns), len(columns))
    if runs[TASK].synthetic[columns].equals(runs[WHOLE].synthetic[columns]):
        verdict += (
            f" Both releases are the same rows on the task's columns: {model} drew them before any other column "
            "(it draws columns one after another, each from those drawn before), so the extra columns could not "
            "change them and the comparison holds by construction. To see what the other columns cost, use a "
            "generator that models all columns at once, or give the task's columns a later place in the visit "
            "sequence (visit_sequence=[...])."
        )
    rule = (
        f"Rule: one comprehensive release is supported when every figure in the rule is, for the whole-table "
        f"release, no worse than the task-only release's by more than {float(tolerance):.2f} (better never counts "
        "against it); the figures in the rule are the section headlines, fidelity's shapes and pair trends, the "
        "synthetic-trained model's scores, exact copies, re-identification risks and attribute disclosure, each "
        f"sensitive column's gap kept, and the fidelity and utility of each group holding at least "
        f"{MIN_GROUP_SHARE:.0%} of the rows."
    )
    return ScopeLab(
        table=table,
        supported=supported,
        verdict=verdict,
        rule=rule,
        task=tuple(task_cols),
        columns=tuple(str(c) for c in columns),
        target=target,
        sensitive=tuple(sens),
        quasi_identifiers=tuple(ctx.quasi_identifiers),
        secret=str(ctx.secret),
        model=model,
        seed=seed,
        tolerance=float(tolerance),
        n_train=len(train),
        n_holdout=len(hold),
        n_columns=len(df.columns),
        evaluations=evaluations,
        runs=runs,
        seconds=time.perf_counter() - t0,
    )


def _direction(key: str, sensitive: tuple[str, ...], big_groups: set[str]) -> tuple[str, str | None, bool]:
    """(section, better, in the rule) of a score named *key* in ``Evaluation.scores``."""
    section = key.split("_", 1)[0]
    if key in ("fidelity_column_shapes", "fidelity_column_pair_trends"):
        return section, "higher", True
    if section == "utility" and key.endswith("_synthetic_trained") and "selection_rate" not in key:
        return section, "higher", True
    if section == "privacy":
        better = _PRIVACY.get(key)
        return section, better, better is not None
    if section == "fairness" and key.endswith("_gap_kept") and key != "fairness_gap_kept":
        return section, "higher", True
    if section == "groups":
        for kind in ("_fidelity", "_utility", "_dcr_protection"):
            if key.endswith(kind):
                group = key[len("groups_") : -len(kind)]
                return section, "higher", kind != "_dcr_protection" and group in big_groups
    return section, None, False


def _figures(evaluations: dict, real, sensitive: tuple[str, ...], tolerance: float):
    import pandas as pd

    big = set()
    for col in sensitive:
        shares = real[col].astype("object").value_counts(normalize=True, dropna=True)
        big |= {f"{col}_{g}" for g, s in shares.items() if s >= MIN_GROUP_SHARE}
    task, whole = evaluations[TASK], evaluations[WHOLE]
    records = []
    for name in task.section_names:
        if name in ("diagnostic",):
            continue
        a, b = task[name].score, whole[name].score
        records.append(_row(name, "headline", a, b, "higher", name in ("fidelity", "utility", "privacy", "fairness")))
    sa, sb = task.scores, whole.scores
    for key in dict.fromkeys([*sa, *sb]):
        if key == "fairness_gap_kept" or key.startswith("diagnostic"):
            continue  # the fairness headline; the diagnostic checks validity, not the task
        section, better, rule = _direction(key, sensitive, big)
        records.append(_row(section, key, sa.get(key), sb.get(key), better, rule))
    table = pd.DataFrame.from_records(records, columns=_TABLE_COLUMNS)
    ruled = table["in_rule"] & table[TASK].notna() & table[WHOLE].notna()
    table["in_rule"] = ruled
    worse = table["difference"].where(table["better"] == "higher", -table["difference"])
    table["within"] = [bool(w <= tolerance + 1e-12) if r else None for w, r in zip(-worse, ruled, strict=True)]
    return table


def _row(section: str, figure: str, a, b, better, rule: bool) -> dict:
    a = None if a is None else float(a)
    b = None if b is None else float(b)
    diff = None if a is None or b is None else b - a
    return {
        "section": section,
        "figure": figure,
        TASK: a,
        WHOLE: b,
        "difference": diff,
        "better": better,
        "in_rule": bool(rule),
        "within": None,
    }


def _verdict(table, tolerance: float, n_all: int, n_task: int) -> tuple[bool, str]:
    ruled = table[table["in_rule"]]
    failing = ruled[~ruled["within"].astype(bool)]
    if ruled.empty:
        return False, "No figure could be compared on both releases, so the lab cannot say."
    if failing.empty:
        sign = ruled["better"].map({"higher": 1.0, "lower": -1.0})
        worst = ruled.assign(k=ruled["difference"] * sign).sort_values("k").iloc[0]
        return True, (
            f"This table supports one comprehensive release: all {len(ruled)} figures in the rule of the "
            f"{n_all}-column release are within {tolerance:.2f} of the {n_task}-column task-only release's or "
            f"better (the closest: {worst['figure']} of {worst['section']}, {worst[TASK]:.3f} → {worst[WHOLE]:.3f})."
        )
    shown = "; ".join(
        f"{r.figure} of {r.section} {getattr(r, TASK):.3f} → {getattr(r, WHOLE):.3f}"
        for r in failing.head(4).itertuples(index=False)
    )
    more = f" and {len(failing) - 4} more" if len(failing) > 4 else ""
    return False, (
        f"This table does not support one comprehensive release for this task: {len(failing)} of {len(ruled)} "
        f"figures in the rule are worse for the {n_all}-column release than for the task-only extract by more "
        f"than {tolerance:.2f} ({shown}{more}); release the task's columns on their own."
    )
