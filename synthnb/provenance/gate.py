"""The export gate: a synthetic table (or a fitted model) leaves only when its privacy figures allow it.

The gate reads the privacy section of :func:`synthnb.evaluate` (computed here when the caller did not
pass one for the exact rows being exported) and refuses when

- **verbatim reuse**: in some near-unique column (a name, a case number; measured for every such column,
  not only those the detector flagged, so ``keep=`` alone does not pass the gate) the share of synthetic
  values found among the training rows is more than ``reuse_margin`` above the same share for held-out
  real rows (the control);
- **exact copies**: the share of synthetic rows equal to a training row exceeds the share of held-out real
  rows equal to a training row (real tables have natural duplicates: that is the control) by more than the
  sampling noise of that natural share (``privacy_exact_copy_allowance``; 0 when no held-out row equals a
  training row). Rows are compared on the learned columns only: identifiers replaced with fakes are left
  out (a fake never equals a real value, so one faked column would hide every copy); see
  :mod:`synthnb.evaluation.privacy`;
- **one-off text**: some synthetic row carries a long text value (a narrative, an unusual title) that one
  training row alone holds and no held-out row does: one person's own words, a finding from one row up (see
  :mod:`synthnb.evaluation._reuse`);
- **re-identification**: the 95 % interval of a singling-out, linkability or inference risk lies wholly
  above ``risk_level`` (a large table makes tiny risks significant, hence a level and not zero);
- **figures unavailable**: the privacy figures could not be computed, so nothing says the table is safe.

``allow_risk="reason"`` exports anyway; the reason and the findings are recorded with the export.

The refusal lists the findings (at most :data:`SHOWN_PER_CAUSE` per cause, the rest named), then what the
person can do, **once per cause, with the columns listed**, in the words of the front end that asked:
``via="api"`` names the Python arguments (``identifiers=[...]``, ``keep=``, ``allow_risk=``, ``gate=``),
``via="magic"`` the options of ``%synth fit`` / ``%synth export`` (``--identifier COL``, ``--keep``,
``--allow-risk``), ``via="workbench"`` the panel's own controls for the override and the magics' options for the
rest (a Workbench user works in a notebook). Advice names only what applies: ``keep=`` only for a column the
fit kept that way.
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
ONE_OFF_TEXT = "one_off_text"
REIDENTIFICATION = "reidentification"
FIGURES_UNAVAILABLE = "figures_unavailable"

#: findings shown per cause in a refusal; the rest are named in one line (all of them are recorded)
SHOWN_PER_CAUSE = 5
#: the front ends whose words a refusal speaks
VIA = ("api", "magic", "workbench")

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
    """One reason the gate refuses: which check (``reason``), a sentence naming the column or figure, and the
    column it is about (verbatim reuse) or the attack (re-identification), when there is one."""

    reason: str
    message: str
    about: str | None = None


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
    via: str = "api",
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
    via : {"api", "magic"}
        Whose words the refusal's advice uses: the Python API's arguments or the magics' options.

    Returns
    -------
    GateResult

    Raises
    ------
    SynthnbError
        When a finding stands and no *allow_risk* reason was given.
    """
    if via not in VIA:
        raise SynthnbError(f"via={via!r}: use one of {', '.join(VIA)}.")
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
        raise SynthnbError(refusal_message(result, hint, advice=advice(run, result.findings, section, via), via=via))
    return result


_CAUSES = {
    VERBATIM_REUSE: "verbatim reuse",
    EXACT_COPIES: "exact copies",
    ONE_OFF_TEXT: "one-off text",
    REIDENTIFICATION: "re-identification",
    FIGURES_UNAVAILABLE: "figures unavailable",
}


def refusal_message(result: GateResult, hint: str = "", *, advice=(), via: str = "api") -> str:
    """The error text: the findings (at most :data:`SHOWN_PER_CAUSE` per cause), what to do (one line per
    cause, from :func:`advice`), then the override in the words of *via*."""
    lines = [f"The export gate refused to export {result.subject}:"]
    for reason in dict.fromkeys(f.reason for f in result.findings):
        group = [f for f in result.findings if f.reason == reason]
        lines += [f"- {f.message}" for f in group[:SHOWN_PER_CAUSE]]
        rest = group[SHOWN_PER_CAUSE:]
        if rest:
            named = ", ".join(repr(f.about) for f in rest if f.about is not None)
            lines.append(
                f"- and {len(rest)} more {_CAUSES.get(reason, reason)} finding(s)"
                + (f": {named}" if named else "")
                + "."
            )
    if advice:
        lines.append("What you can do:")
        lines += [f"- {a}" for a in advice]
    if hint:
        lines.append(hint)
    if via == "workbench":
        lines.append(
            "To export anyway, type your reason under Reason to override and click Export anyway; it is written "
            "into the provenance record, the signed manifest and the datasheet, and synthnb verify prints it."
        )
    elif via == "magic":
        lines.append(
            'To export anyway, give your reason: %synth export ... --allow-risk "…"; it is written into the '
            "provenance record, the signed manifest and the datasheet, and synthnb verify prints it."
        )
    else:
        lines.append(
            'To export anyway, give your reason: allow_risk="…"; it is written into the provenance record, the '
            "signed manifest and the datasheet, and synthnb verify prints it. The gate's levels are set with "
            "gate=GateSettings(reuse_margin=..., risk_level=...)."
        )
    return "\n".join(lines)


def _listed(columns) -> str:
    return ", ".join(repr(c) for c in columns)


def advice(run, findings, section=None, via: str = "api") -> list[str]:
    """What the person can do about *findings*, one sentence per cause with its columns, in *via*'s words.

    Only what applies is named: ``keep=`` (``--keep``) for columns the fit kept as identifiers, declaring an
    identifier (``identifiers=[...]``, ``--identifier COL``) for columns it learned as data."""
    magic = via in ("magic", "workbench")
    out: list[str] = []
    actions = {r.column: r.action for r in getattr(run, "identifiers", ()) if r.role == "direct"}
    reused = [f.about for f in findings if f.reason == VERBATIM_REUSE and f.about is not None]
    kept = [c for c in reused if actions.get(c) == "keep"]
    faked = [c for c in reused if actions.get(c) == "replace"]
    data = [c for c in reused if c not in kept and c not in faked]
    if kept:
        how = "take them out of --keep in %synth fit" if magic else "fit again without them in keep="
        out.append(
            f"{_listed(kept)}: the fit learned {'this identifier' if len(kept) == 1 else 'these identifiers'} from "
            f"the real values because you kept {'it' if len(kept) == 1 else 'them'}; {how}, so they are replaced "
            "with fake values, or remove them from the table before fitting."
        )
    if data:
        declare = "add --identifier COL to %synth fit" if magic else "fit with identifiers=[...] naming them"
        out.append(
            f"{_listed(data)}: if {'it identifies' if len(data) == 1 else 'they identify'} people (names, case "
            f"numbers, free text), {declare}, so {'it is' if len(data) == 1 else 'they are'} replaced with fake "
            "values, or remove them from the table before fitting; if a column is a measurement, check which real "
            "values recur (a generator that clips at the real minimum or maximum repeats them)."
        )
    if faked:
        out.append(
            f"{_listed(faked)}: the fake values synthnb drew for {'this identifier' if len(faked) == 1 else 'these'} "
            "coincide with real ones (e.g. a running number); remove the column from the table before fitting if "
            "it carries no information."
        )
    texts = [f.about for f in findings if f.reason == ONE_OFF_TEXT and f.about is not None]
    if texts:
        one = len(texts) == 1
        declare = (
            f"add {' '.join(f'--identifier {c}' for c in texts)} to %synth fit"
            if magic
            else f"fit with identifiers={list(texts)!r}"
        )
        out.append(
            f"{_listed(texts)}: {'it holds' if one else 'they hold'} text that only one person wrote or holds; "
            f"{declare}, so the generator never learns {'its' if one else 'their'} values (free text is dropped, "
            "other values replaced with fakes), or merge the rare values into broader ones, or remove the column, "
            "before fitting."
        )
    if any(f.reason == EXACT_COPIES for f in findings):
        refit = "%synth fit again with another --model or --seed" if magic else "fit again with another model= or seed="
        out.append(
            f"Exact copies: {refit}, or remove the copied rows from the table before exporting. On a table whose "
            "columns take few values most combinations recur anyway; leaving out or coarsening the columns that "
            "make rows unique lowers the copies."
        )
    attacks = [f.about for f in findings if f.reason == REIDENTIFICATION and f.about is not None]
    if attacks:
        known = _known_columns(section)
        out.append(
            f"Re-identification ({', '.join(a.replace('_', ' ') for a in attacks)}): the attacker knows "
            + (f"{known}" if known else "some columns of a person")
            + "; coarsen those columns (bands instead of exact values, rare categories merged) or leave out the "
            "columns that make people stand out, and fit again."
        )
    return out


def _known_columns(section) -> str:
    tables = getattr(section, "tables", {}) or {}
    setup = tables.get("reidentification_setup")
    if setup is None or "setting" not in setup:
        return ""
    rows = setup.loc[setup["setting"] == "known columns", "value"]
    return str(rows.iloc[0]) if len(rows) else ""


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
    absent = getattr(section, "absent", {}) or {}
    # the control is absent (not a number) without held-out rows: the section says why, and the copies count
    missing += [
        s
        for s in ("privacy_exact_copy_share", "privacy_holdout_copy_share")
        if s not in section.scores and s not in absent
    ]
    if missing:
        findings.append(
            GateFinding(
                FIGURES_UNAVAILABLE,
                f"the privacy section did not report {', '.join(missing)}, so the gate cannot check the table.",
            )
        )
    if "verbatim_reuse" in section.tables:
        _reuse(section.tables["verbatim_reuse"], settings, figures, findings)
    if "one_off_text" in section.tables:
        _one_off_text(section.tables["one_off_text"], figures, findings)
    if "privacy_exact_copy_share" in section.scores and (
        "privacy_holdout_copy_share" in section.scores or "privacy_holdout_copy_share" in absent
    ):
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
            f"{noise:.1%} of sampling noise) above it."
        )
        findings.append(GateFinding(VERBATIM_REUSE, message, about=str(row.column)))
    figures["verbatim_reuse_max_excess"] = worst  # clipped at 0: fewer real values than the control is no evidence
    figures["verbatim_reuse_columns"] = len(table)


def _one_off_text(table, figures: dict, findings: list) -> None:
    from synthnb.evaluation._reuse import ONE_OFF_CHARS, ONE_OFF_WORDS

    for row in table.itertuples(index=False):
        if not row.finding:
            continue
        n = int(row.synthetic_rows)
        findings.append(
            GateFinding(
                ONE_OFF_TEXT,
                f"one-off text in column {row.column!r}: {n:,} synthetic row{'s carry' if n != 1 else ' carries'} a "
                f"text of {ONE_OFF_CHARS}+ characters or {ONE_OFF_WORDS}+ words that one training row alone holds "
                "(no held-out row does): one person's own words.",
                about=str(row.column),
            )
        )
    figures["one_off_text_rows"] = int(table["synthetic_rows"].sum()) if len(table) else 0


def _copies(scores, figures: dict, findings: list) -> None:
    share = float(scores["privacy_exact_copy_share"])
    control = float(scores.get("privacy_holdout_copy_share", float("nan")))
    allowance = float(scores.get("privacy_exact_copy_allowance", 0.0))  # a hand-built section: none
    figures["exact_copy_share"], figures["holdout_copy_share"] = share, control
    figures["exact_copy_allowance"] = allowance
    base = 0.0 if math.isnan(control) else control
    if share <= base + allowance:
        return
    if math.isnan(control):
        against = "no held-out rows measure the natural duplicates (control taken as 0 %)"
    else:
        against = f"{control:.2%} of held-out real rows equal a training row (the control: natural duplicates)"
        if allowance > 0:
            against += f", {allowance:.2%} of sampling noise allowed above it"
    message = (
        f"exact copies: {share:.2%} of the synthetic rows equal a training row on the learned columns, while {against}."
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
        findings.append(GateFinding(REIDENTIFICATION, message, about=str(row.attack)))


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
