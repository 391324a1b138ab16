"""The export gate: a synthetic table (or a fitted model) leaves only when its privacy figures allow it.

The gate reads the privacy section of :func:`synthnb.evaluate` (computed here when the caller did not
pass one for the exact rows being exported) and refuses when

- **verbatim reuse**: in some near-unique column (a name, a case number; measured for every such column,
  not only those the detector flagged, so ``keep=`` alone does not pass the gate) the share of synthetic
  values found among the training rows is more than ``reuse_margin`` above the same share for held-out
  real rows (the control);
- **exact copies**: the share of synthetic rows equal to a training row exceeds the share of held-out real
  rows equal to a training row (real tables have natural duplicates: that is the control);
- **re-identification**: the 95 % interval of a singling-out, linkability or inference risk lies wholly
  above ``risk_level`` (a large table makes tiny risks significant, hence a level and not zero);
- **figures unavailable**: the privacy figures could not be computed, so nothing says the table is safe.

``allow_risk="reason"`` exports anyway; the reason and the findings are recorded with the export.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["GateFinding", "GateResult", "GateSettings", "check_export"]

VERBATIM_REUSE = "verbatim_reuse"
EXACT_COPIES = "exact_copies"
REIDENTIFICATION = "reidentification"
FIGURES_UNAVAILABLE = "figures_unavailable"

# run -> {digest of the checked rows: privacy Section}; the same rows of the same run give the same figures
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class GateSettings:
    """How strict the export gate is.

    Attributes
    ----------
    reuse_margin : float
        How far (as a share, 0.01 = 1 point) the verbatim reuse of a column may lie above its control.
    risk_level : float
        A re-identification risk whose 95 % interval lies wholly above this level refuses the export.
    """

    reuse_margin: float = 0.01
    risk_level: float = 0.05

    def __post_init__(self) -> None:
        for name in ("reuse_margin", "risk_level"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
                raise SynthnbError(f"GateSettings({name}={value!r}): give a share between 0 and 1, e.g. 0.05.")


@dataclass(frozen=True)
class GateFinding:
    """One reason the gate refuses: which check (``reason``) and a sentence naming the column or figure."""

    reason: str
    message: str


@dataclass(frozen=True)
class GateResult:
    """What the gate found for one table (or model), and the override that let it through, if any."""

    subject: str
    rows_checked: int
    settings: GateSettings
    figures: dict[str, Any] = field(default_factory=dict)
    findings: tuple[GateFinding, ...] = ()
    allow_risk: str | None = None

    @property
    def passed(self) -> bool:
        return not self.findings

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready form kept in the provenance record and the manifest."""
        return {
            "subject": self.subject,
            "passed": self.passed,
            "rows_checked": self.rows_checked,
            "settings": asdict(self.settings),
            "figures": {k: _json_number(v) for k, v in self.figures.items()},
            "findings": [{"reason": f.reason, "message": f.message} for f in self.findings],
            "allow_risk": self.allow_risk,
        }


def check_export(
    run,
    frame,
    *,
    subject: str,
    evaluation=None,
    settings: GateSettings | None = None,
    allow_risk: str | None = None,
    hint: str = "",
) -> GateResult:
    """Run the gate on *frame* (synthetic rows only) as an output of *run*; raise when it refuses.

    Parameters
    ----------
    run : synthnb.Run
        The fit whose real training and held-out rows are the yardstick.
    frame : pandas.DataFrame
        The synthetic rows to be exported.
    subject : str
        What is exported, in words ("the table adult_syn"), for the messages.
    evaluation : optional
        A :func:`synthnb.evaluate` result; its privacy section is used when it was computed on exactly
        these rows, otherwise the figures are computed here.
    settings : GateSettings, optional
    allow_risk : str, optional
        A person's reason to export despite the findings.
    hint : str
        A sentence added to the refusal (e.g. how to mark real rows that belong in the table).

    Returns
    -------
    GateResult

    Raises
    ------
    SynthnbError
        When a finding stands and no *allow_risk* reason was given.
    """
    settings = settings or GateSettings()
    allow_risk = _reason(allow_risk)
    if len(frame) == 0:
        return GateResult(subject=subject, rows_checked=0, settings=settings, allow_risk=allow_risk)
    section, unavailable = _privacy_section(run, frame, evaluation)
    if section is None:
        figures, findings = {}, [GateFinding(FIGURES_UNAVAILABLE, unavailable)]
    else:
        figures, findings = judge(section, settings)
    result = GateResult(
        subject=subject,
        rows_checked=len(frame),
        settings=settings,
        figures=figures,
        findings=tuple(findings),
        allow_risk=allow_risk,
    )
    if findings and allow_risk is None:
        raise SynthnbError(refusal_message(result, hint))
    return result


def refusal_message(result: GateResult, hint: str = "") -> str:
    """The error text: every finding, then the override and where its reason is recorded."""
    lines = [f"The export gate refused to export {result.subject}:"]
    lines += [f"- {f.message}" for f in result.findings]
    if hint:
        lines.append(hint)
    lines.append(
        'To export anyway, give your reason: allow_risk="…" (magic: --allow-risk "…"); it is written into the '
        "provenance record, the signed manifest and the datasheet, and synthnb verify prints it. The gate's levels "
        "are set with gate=GateSettings(reuse_margin=..., risk_level=...)."
    )
    return "\n".join(lines)


def judge(section, settings: GateSettings) -> tuple[dict[str, Any], list[GateFinding]]:
    """The figures the gate reads from a privacy :class:`~synthnb.evaluation.Section`, and its findings."""
    if section.error is not None:
        return {}, [
            GateFinding(
                FIGURES_UNAVAILABLE,
                f"the privacy figures could not be computed ({section.error}), "
                "so nothing shows the table is safe to share.",
            )
        ]
    figures: dict[str, Any] = {}
    findings: list[GateFinding] = []
    missing = [t for t in ("verbatim_reuse", "reidentification_risks") if t not in section.tables]
    missing += [s for s in ("privacy_exact_copy_share", "privacy_holdout_copy_share") if s not in section.scores]
    if missing:
        findings.append(
            GateFinding(
                FIGURES_UNAVAILABLE,
                f"the privacy section did not report {', '.join(missing)}, so the gate cannot check the table.",
            )
        )
    if "verbatim_reuse" in section.tables:
        _reuse(section.tables["verbatim_reuse"], settings, figures, findings)
    if "privacy_exact_copy_share" in section.scores and "privacy_holdout_copy_share" in section.scores:
        _copies(section.scores, figures, findings)
    if "reidentification_risks" in section.tables:
        _risks(section.tables["reidentification_risks"], settings, figures, findings)
    return figures, findings


def _reuse(table, settings: GateSettings, figures: dict, findings: list) -> None:
    worst = 0.0
    for row in table.itertuples(index=False):
        train, control = float(row.train_share), float(row.control_share)
        # without held-out rows there is no control: any reuse above the margin counts
        base = 0.0 if math.isnan(control) else control
        worst = max(worst, train - base)
        noise = float(getattr(row, "noise", 0.0))  # an excess within sampling noise of the margin is not evidence
        if train - base <= settings.reuse_margin + noise:
            continue
        if math.isnan(control):
            against = "no held-out rows to compare with (control taken as 0 %)"
        else:
            against = f"{control:.1%} for held-out real rows (the control)"
        message = (
            f"verbatim reuse in column {row.column!r}: {train:.1%} of its synthetic values are real values of the "
            f"training rows, against {against}, more than the {settings.reuse_margin * 100:g}-point margin (plus "
            f"{noise:.1%} of sampling noise) above it: "
            "the generator reproduces this column's real values. If it identifies people, replace it with fake values "
            "(fit without keep= for it) or drop it; if it is a measurement, check which real values recur (a "
            "generator that clips at the real minimum or maximum repeats them)."
        )
        findings.append(GateFinding(VERBATIM_REUSE, message))
    figures["verbatim_reuse_max_excess"] = worst
    figures["verbatim_reuse_columns"] = len(table)


def _copies(scores, figures: dict, findings: list) -> None:
    share, control = float(scores["privacy_exact_copy_share"]), float(scores["privacy_holdout_copy_share"])
    figures["exact_copy_share"], figures["holdout_copy_share"] = share, control
    base = 0.0 if math.isnan(control) else control
    if share <= base:
        return
    if math.isnan(control):
        against = "no held-out rows measure the natural duplicates (control taken as 0 %)"
    else:
        against = f"{control:.2%} of held-out real rows equal a training row (the control: natural duplicates)"
    message = (
        f"exact copies: {share:.2%} of the synthetic rows equal a training row, while {against}. "
        "Remove the copied rows or refit."
    )
    findings.append(GateFinding(EXACT_COPIES, message))


def _risks(table, settings: GateSettings, figures: dict, findings: list) -> None:
    for row in table.itertuples(index=False):
        risk, low, high = float(row.risk), float(row.ci_low), float(row.ci_high)
        figures[f"{row.attack}_risk"] = risk
        figures[f"{row.attack}_risk_ci"] = [low, high]
        if not low > settings.risk_level:  # NaN (inconclusive) never lies above the level
            continue
        message = (
            f"re-identification: the {row.attack} risk is {risk:.3f} (95% interval {low:.3f}–{high:.3f}), wholly "
            f"above the level {settings.risk_level:g}; the attack succeeds on {float(row.attack_rate):.1%} of "
            f"training rows against {float(row.control_rate):.1%} of held-out rows."
        )
        findings.append(GateFinding(REIDENTIFICATION, message))


def _reason(allow_risk) -> str | None:
    if allow_risk is None:
        return None
    if not isinstance(allow_risk, str) or not allow_risk.strip():
        raise SynthnbError(
            f'allow_risk={allow_risk!r}: give the reason in words, e.g. allow_risk="shared only with the data '
            'owner, who holds the real table"; it is recorded with the export.'
        )
    return allow_risk.strip()


def _privacy_section(run, frame, evaluation):
    """(privacy Section for *frame* as *run*'s output, None) or (None, why it is unavailable)."""
    from dataclasses import replace

    from synthnb.fingerprint import frame_digest

    generated = [str(c) for c in run.synthetic.columns]
    columns = [str(c) for c in frame.columns]
    if sorted(columns) != sorted(generated):
        added = [c for c in columns if c not in generated]
        removed = [c for c in generated if c not in columns]
        return None, (
            f"the privacy figures cannot be computed: the table's columns differ from the generated ones "
            f"(added {added}, removed {removed}), so they cannot be compared with the real rows column by column."
        )
    digest = frame_digest(frame)
    own = _evaluated_privacy(evaluation, digest)
    if own is not None:
        return own, None
    cached = _CACHE.setdefault(run, {})
    if digest not in cached:
        import synthnb

        # the same Run with these rows as its output: the evaluation then uses its real train/holdout split
        as_output = replace(run, synthetic=frame[generated].reset_index(drop=True), synthetic_sha256=digest)
        cached[digest] = synthnb.evaluate(as_output, sections=["privacy"])["privacy"]
    return cached[digest], None


def _evaluated_privacy(evaluation, digest: str):
    """The caller's privacy section, when it was computed on exactly these rows."""
    from synthnb.fingerprint import frame_digest

    if evaluation is None or "privacy" not in getattr(evaluation, "section_names", ()):
        return None
    synthetic = getattr(getattr(evaluation, "context", None), "synthetic", None)
    if synthetic is None or frame_digest(synthetic.reset_index(drop=True)) != digest:
        return None
    return evaluation["privacy"]


def _json_number(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list):
        return [_json_number(v) for v in value]
    return value
