"""What every section needs: the frames, the roles of the columns, and their sdmetrics types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from synthnb.errors import SynthnbError

__all__ = ["DEMOGRAPHIC_HINTS", "EvalContext", "make_context", "sdtypes_from_metadata", "sdtypes_of"]

#: column-name fragments that usually mark what an attacker knows about a person (quasi-identifiers)
DEMOGRAPHIC_HINTS = ("age", "sex", "gender", "race", "ethnic", "marital", "country", "zip", "postcode", "birth")


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
    #: results shared between sections (the trained models), filled once
    memo: dict = field(default_factory=dict, repr=False)
    #: real-side results kept across evaluations of one source (:mod:`synthnb.evaluation._cache`); None: none
    cache: Any = field(default=None, repr=False)

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
) -> EvalContext:
    """Validate the inputs of :func:`synthnb.evaluate` and bundle them; raises SynthnbError on bad input.

    *metadata* is SDV's single-table metadata the generator learned with; None: SDV's detection on *real*.
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
    )


def _not_identifier(col: str, idents: tuple[str, ...], role: str) -> None:
    if col in idents:
        raise SynthnbError(
            f"column {col!r} is a direct identifier (it names a person), so it cannot be the {role}: groups or "
            "outcomes of single people mean nothing. Pick another column, or drop it from direct_identifiers."
        )
