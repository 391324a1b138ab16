"""What every section needs: the frames, the roles of the columns, and their sdmetrics types.

**Proposed roles.** When :func:`synthnb.evaluate` is given no target (or no sensitive column), it proposes one
the way the Workbench presets its form, with rules kept conservative so that a proposal is never a surprise:

- *target*: the last column (in table order) with exactly two distinct non-missing values, each held by at least
  :data:`PROPOSED_TARGET_MIN_SHARE` of the real rows, that is not a direct identifier, a quasi-identifier or a
  sensitive column (proposed ones included). ``income`` on Adult.
- *sensitive*: every column whose name, split into words (at non-letters and at lower-to-upper case changes),
  holds one of :data:`SENSITIVE_WORDS` (sex, gender, race, ethnicity) or says an age group (``age`` followed by
  group, band, bracket, range, cat or category, e.g. ``age_group``, ``AgeBand``), with 2 to
  :data:`MAX_PROPOSED_GROUPS` distinct values; never the target and never a direct identifier. A bare ``age``
  (a number) is not a group. ``race`` and ``sex`` on Adult.

A proposed target feeds utility and the fairness of a trained model; it is **not** the privacy attack's secret
(that stays the given secret or target, else the privacy section's own rule), and proposed sensitive columns do
not join the quasi-identifiers: proposing changes no privacy figure and no export decision. Each proposal, or
the reason there is none, is said in the evaluation's findings with the argument that changes it;
``evaluate(..., propose=False)`` proposes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError

__all__ = [
    "DEMOGRAPHIC_HINTS",
    "MAX_PROPOSED_GROUPS",
    "PROPOSED_TARGET_MIN_SHARE",
    "SENSITIVE_WORDS",
    "EvalContext",
    "make_context",
    "propose_sensitive",
    "propose_target",
    "sdtypes_from_metadata",
    "sdtypes_of",
]

#: column-name fragments that usually mark what an attacker knows about a person (quasi-identifiers)
DEMOGRAPHIC_HINTS = ("age", "sex", "gender", "race", "ethnic", "marital", "country", "zip", "postcode", "birth")
#: words of a column name that make it a proposed sensitive column (see the module's docstring)
SENSITIVE_WORDS = ("sex", "gender", "race", "ethnicity", "ethnic")
#: words after ``age`` that make an age group
_AGE_GROUP_WORDS = ("group", "groups", "band", "bands", "bracket", "range", "cat", "category")
#: a proposed sensitive column has at most this many groups (the Workbench's limit: fairness compares groups)
MAX_PROPOSED_GROUPS = 10
#: each of a proposed target's two values is held by at least this share of the real rows
PROPOSED_TARGET_MIN_SHARE = 0.05


@dataclass(frozen=True, eq=False)
class EvalContext:
    """The frames and column roles of one evaluation.

    ``real`` is every real row; ``train`` the rows the generator saw; ``holdout`` the real rows it never
    saw (None when there are none, and then ``optimistic`` is True: tests reuse fitted rows).
    """

    real: Any
    train: Any
    holdout: Any
    synthetic: Any
    sensitive: tuple[str, ...]
    target: str | None
    quasi_identifiers: tuple[str, ...]
    secret: str | None
    #: synthnb's type of every column (numerical, datetime, boolean or categorical), from ``sdv_metadata``
    sdtypes: dict[str, str]
    seed: int = 0
    #: columns that identify a person on their own (names, e-mails, case numbers): not data to compare, but
    #: checked for verbatim reuse by the privacy section
    direct_identifiers: tuple[str, ...] = ()
    #: the direct identifiers whose synthetic values are not learned from the real ones: synthnb replaced them
    #: with fakes, and a fake never equals a real value (see :attr:`learned_columns`)
    faked: tuple[str, ...] = ()
    #: SDV's single-table metadata of every column (what the generator learned with, or SDV's detection)
    sdv_metadata: dict = field(default_factory=dict, repr=False)
    #: what was proposed because it was not given: ``{"target": (column, why), "sensitive": (columns, why)}``,
    #: and for a role none could be proposed for, ``(None, why)`` / ``((), why)`` (see the module's docstring)
    proposed: dict = field(default_factory=dict)
    #: results shared between sections (the trained models), filled once
    memo: dict = field(default_factory=dict, repr=False)
    #: real-side results kept across evaluations of one source (:mod:`synthnb.evaluation._cache`); None: none
    cache: Any = field(default=None, repr=False)
    #: who is told how far a long section is (:data:`synthnb.progress.ProgressCallback`; the live dashboard)
    listeners: list = field(default_factory=list, repr=False)

    def progress(self, section: str, done: int, total: int | None, message: str = "") -> None:
        """Tell every listener how far *section* is (stage = the section's name); a failing one is ignored."""
        from synthnb.progress import emit

        for callback in tuple(self.listeners):
            emit(callback, section, done, total, message)

    @property
    def optimistic(self) -> bool:
        return self.holdout is None

    @property
    def test(self):
        """Real rows a model is tested on: the holdout, or (optimistically) the fitted rows."""
        return self.train if self.holdout is None else self.holdout

    @property
    def data_columns(self) -> list[str]:
        """The columns compared as data: every column but the direct identifiers."""
        return [c for c in self.real.columns if c not in self.direct_identifiers]

    @property
    def learned_columns(self) -> list[str]:
        """The columns whose synthetic values the generator learned from the real ones: every column but the
        identifiers replaced with fakes (dropped ones are not in the frames). Exact copies and distances to
        the closest training row are measured on these: a fake never equals a real value, so one faked
        column would make every synthetic row differ from every real row."""
        return [c for c in self.real.columns if c not in self.faked]

    @property
    def data_sdtypes(self) -> dict[str, str]:
        """``sdtypes`` of the data columns only."""
        return {c: self.sdtypes[c] for c in self.data_columns}

    def metadata(self) -> dict[str, Any]:
        """The single-table metadata dict sdmetrics reads: SDV's, restricted to the data columns."""
        cols = self.sdv_metadata.get("columns", {})
        return {"columns": {c: cols.get(c, {"sdtype": self.sdtypes[c]}) for c in self.data_columns}}


def sdtypes_of(frame) -> dict[str, str]:
    """sdmetrics types from dtypes: numbers are numerical, datetimes datetime, bools boolean, the rest categorical."""
    out = {}
    for col, dtype in frame.dtypes.items():
        kind = dtype.kind
        if kind == "b":
            out[str(col)] = "boolean"
        elif kind in "iuf":
            out[str(col)] = "numerical"
        elif kind == "M":
            out[str(col)] = "datetime"
        else:
            out[str(col)] = "categorical"
    return out


#: SDV sdtype -> synthnb's, for the SDV types the sections handle as such; ordinal scales count as categories
_FROM_SDV = {"numerical": "numerical", "boolean": "boolean", "categorical": "categorical", "ordinal": "categorical"}


def sdtypes_from_metadata(metadata: dict, frame) -> dict[str, str]:
    """synthnb's column types from SDV's metadata.

    Numerical, boolean and categorical (ordinal too) keep their meaning. Datetime stays datetime only for a
    datetime column (a date held as text is compared as text). Identifiers and personal-data types (``id``,
    ``email``, ``name``, ``phone_number``, ``unknown``, ...) are categorical: two values are equal or not,
    never near. Columns the metadata lacks are typed from their dtype (:func:`sdtypes_of`).
    """
    by_dtype = sdtypes_of(frame)
    cols = metadata.get("columns", {})
    out = {}
    for col in frame.columns:
        name = str(col)
        sdv = cols.get(name, {}).get("sdtype")
        if sdv is None:
            out[name] = by_dtype[name]
        elif sdv == "datetime":
            out[name] = "datetime" if frame[col].dtype.kind == "M" else "categorical"
        else:
            out[name] = _FROM_SDV.get(sdv, "categorical")
    return out


def _words(name: str) -> list[str]:
    import re

    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def _says_sensitive(name: str) -> str | None:
    """The word of *name* that makes it a proposed sensitive column, or None."""
    import itertools

    words = _words(name)
    for w in words:
        if w in SENSITIVE_WORDS:
            return w
        if w.startswith("age") and w[3:] in _AGE_GROUP_WORDS:  # "agegroup"
            return "age group"
    for a, b in itertools.pairwise(words):
        if a == "age" and b in _AGE_GROUP_WORDS:
            return "age group"
    return None


def propose_sensitive(real, exclude=()) -> tuple[tuple[str, ...], str]:
    """The proposed sensitive columns of *real* and why (the rule is in the module's docstring).

    *exclude*: columns never proposed (the target, direct identifiers).
    """
    excluded = {str(c) for c in exclude}
    picked, said = [], []
    for col in real.columns:
        name = str(col)
        if name in excluded:
            continue
        word = _says_sensitive(name)
        if word is None:
            continue
        groups = real[col].nunique(dropna=True)
        if 2 <= groups <= MAX_PROPOSED_GROUPS:
            picked.append(name)
            said.append(f"{name}: its name says {word}, {groups} groups")
    if picked:
        return tuple(picked), "; ".join(said)
    return (), (
        f"no column's name says {', '.join(SENSITIVE_WORDS[:-1])} or age group with 2 to {MAX_PROPOSED_GROUPS} groups"
    )


def propose_target(real, exclude=()) -> tuple[str | None, str]:
    """The proposed target of *real* and why, or ``(None, why not)`` (the rule is in the module's docstring).

    *exclude*: columns never proposed (direct identifiers, quasi-identifiers, sensitive columns).
    """
    excluded = {str(c) for c in exclude}
    for col in reversed(list(real.columns)):
        if str(col) in excluded:
            continue
        counts = real[col].value_counts(dropna=True)
        if len(counts) != 2:
            continue
        shares = counts / max(len(real), 1)
        if shares.min() < PROPOSED_TARGET_MIN_SHARE:
            continue
        values = ", ".join(f"{v!r} {s:.0%}" for v, s in shares.items())
        return str(col), (
            f"binary: {values}; the last column with two values, each on at least "
            f"{PROPOSED_TARGET_MIN_SHARE:.0%} of rows, that is not an identifier, demographic or sensitive column"
        )
    return None, (
        f"no column has exactly two values each on at least {PROPOSED_TARGET_MIN_SHARE:.0%} of rows "
        "without being an identifier, demographic or sensitive column"
    )


def _columns(value: str | Iterable[str] | None) -> tuple[str, ...]:
    from synthnb.spec import split_columns

    return split_columns(value)


def _check(col: str, frame, role: str, which: str) -> None:
    if col not in frame.columns:
        import difflib

        close = difflib.get_close_matches(col, [str(c) for c in frame.columns], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" The columns are: {', '.join(map(str, frame.columns))}."
        raise SynthnbError(f"{role} column {col!r} is not in the {which} table.{hint}")


def make_context(
    real,
    synthetic,
    *,
    train=None,
    holdout=None,
    sensitive=None,
    target=None,
    quasi_identifiers=None,
    secret=None,
    seed: int = 0,
    direct_identifiers=None,
    faked=None,
    metadata: dict | None = None,
    cache=None,
    propose: bool = False,
) -> EvalContext:
    """Validate the inputs of :func:`synthnb.evaluate` and bundle them; raises SynthnbError on bad input.

    *metadata* is SDV's single-table metadata the generator learned with; None: SDV's detection on *real*.
    *propose*: propose a target and sensitive columns when not given (the rules are in the module's docstring);
    the quasi-identifiers and the secret are decided before, from what was given.
    *faked* names the direct identifiers whose synthetic values are fakes, not learned (a Run knows: its
    identifiers with action ``replace``); None: every direct identifier, since for two tables nobody can tell
    (a row equal to a real row on every column is equal on fewer too, so leaving one out never hides a copy).
    """
    from synthnb._frames import check_frame
    from synthnb.generators.sdv_adapter import table_metadata

    check_frame(real, "the real table")
    check_frame(synthetic, "the synthetic table", empty_columns=True)
    missing = [str(c) for c in real.columns if c not in synthetic.columns]
    extra = [str(c) for c in synthetic.columns if c not in real.columns]
    if missing or extra:
        raise SynthnbError(
            f"the synthetic table's columns differ from the real one (missing {missing}, extra {extra}); "
            "evaluate a synthetic table made from this real table."
        )
    if list(synthetic.columns) != list(real.columns):  # reorder (a copy) only when needed
        synthetic = synthetic[list(real.columns)]
    idents = _columns(direct_identifiers)
    for col in idents:
        _check(col, real, "direct identifier", "real")
    faked = idents if faked is None else tuple(c for c in _columns(faked) if c in idents)
    sens = _columns(sensitive)
    for col in sens:
        _check(col, real, "sensitive", "real")
        _not_identifier(col, idents, "sensitive column")
    if target is not None:
        target = str(target)
        _check(target, real, "target", "real")
        _not_identifier(target, idents, "target")
        if target in sens:
            raise SynthnbError(f"column {target!r} is both the target and a sensitive column; pick different columns.")
        if real[target].nunique(dropna=True) < 2:
            raise SynthnbError(
                f"target column {target!r} has a single value in the real table; a model needs at least two."
            )
    secret = target if secret is None else str(secret)
    if secret is not None:
        _check(secret, real, "secret", "real")
    if quasi_identifiers is None:
        qis = [
            c
            for c in real.columns
            if c != secret and (c in sens or any(h in str(c).lower() for h in DEMOGRAPHIC_HINTS))
        ]
    else:
        qis = list(_columns(quasi_identifiers))
        for col in qis:
            _check(col, real, "quasi-identifier", "real")
        if secret in qis:
            raise SynthnbError(
                f"column {secret!r} is the secret an attacker tries to infer, so it cannot also be a "
                "quasi-identifier the attacker knows; remove it from quasi_identifiers."
            )
    proposed: dict = {}
    if propose:
        if not sens:
            exclude = [*idents, *([target] if target is not None else [])]
            found, why = propose_sensitive(real, exclude=exclude)
            proposed["sensitive"] = (found, why)
            sens = found
        if target is None:
            named = [c for c in real.columns if _says_sensitive(str(c))]
            found, why = propose_target(real, exclude=[*idents, *sens, *qis, *named])
            proposed["target"] = (found, why)
            target = found
    train = real if train is None else train
    if metadata is None:
        metadata = table_metadata(real)
    missing_meta = [c for c in real.columns if str(c) not in metadata.get("columns", {})]
    if missing_meta:  # columns the generator never saw (dropped before fitting): SDV's detection types them
        detected = table_metadata(real[missing_meta])["columns"]
        metadata = {**metadata, "columns": {**metadata.get("columns", {}), **detected}}
    if holdout is not None and len(holdout) == 0:
        holdout = None
    return EvalContext(
        real=real,
        train=train,
        holdout=holdout,
        synthetic=synthetic,
        sensitive=sens,
        target=target,
        quasi_identifiers=tuple(qis),
        secret=secret,
        sdtypes=sdtypes_from_metadata(metadata, real),
        seed=int(seed),
        direct_identifiers=idents,
        faked=faked,
        sdv_metadata=metadata,
        cache=cache,
        proposed=proposed,
    )


def _not_identifier(col: str, idents: tuple[str, ...], role: str) -> None:
    if col in idents:
        raise SynthnbError(
            f"column {col!r} is a direct identifier (it names a person), so it cannot be the {role}: groups or "
            "outcomes of single people mean nothing. Pick another column, or drop it from direct_identifiers."
        )
