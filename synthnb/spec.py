"""The fit specification: what the user asked for, validated into one immutable record."""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import synthnb.generators as _generators
from synthnb.errors import SynthnbError
from synthnb.generators import canonical_model

__all__ = ["FitSpec", "check_identifier", "split_columns"]

_DEFAULT_HOLDOUT = 0.2


@dataclass(frozen=True)
class FitSpec:
    """Everything that determines a synthetic table, besides the source data itself.

    Two runs with equal specs on byte-equal data and equal library versions produce
    byte-equal synthetic tables.
    """

    model: str = "gaussian_copula"
    rows: int | None = None
    seed: int = 0
    holdout: float = _DEFAULT_HOLDOUT
    sensitive: tuple[str, ...] = ()
    target: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    #: direct identifiers learned from the real values because the user asked (not replaced)
    keep: tuple[str, ...] = ()
    #: columns the user declared direct identifiers (replaced or dropped whatever the detector found)
    identifiers: tuple[str, ...] = ()
    #: interim scores and early stopping of a neural fit (:class:`synthnb.generators.monitor.MonitorOptions`)
    monitor: Any = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (used by provenance records and the reproduce call)."""
        return {
            "model": self.model,
            "rows": self.rows,
            "seed": self.seed,
            "holdout": self.holdout,
            "sensitive": list(self.sensitive),
            "target": self.target,
            "params": dict(sorted(self.params.items())),
            "keep": list(self.keep),
            # only when declared: which columns are replaced decides the bytes, so it is part of the recipe
            **({"identifiers": list(self.identifiers)} if self.identifiers else {}),
            # only when watched: a stopping rule decides the bytes, so it is part of the recipe
            **({"monitor": self.monitor.to_dict()} if self.monitor is not None else {}),
        }


def split_columns(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Accept ``"a,b"``, ``["a", "b"]`` or ``None`` and return a tuple of column names."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
    else:
        parts = [str(p).strip() for p in value]
    return tuple(p for p in parts if p)


def check_identifier(name: str, what: str = "name") -> str:
    """Raise a SynthnbError unless *name* can be bound as a Python variable."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise SynthnbError(
            f"{what} {name!r} is not a valid Python identifier; use letters, digits and "
            "underscores, not starting with a digit (for example --as adult_syn)."
        )
    return name


def make_spec(
    columns: Iterable[str],
    n_rows: int,
    *,
    model: str = "gaussian_copula",
    rows: int | None = None,
    seed: int = 0,
    holdout: float = _DEFAULT_HOLDOUT,
    sensitive: str | Iterable[str] | None = None,
    target: str | None = None,
    params: Mapping[str, Any] | None = None,
    keep: str | Iterable[str] | None = None,
    monitor: Mapping[str, Any] | None = None,
    identifiers: str | Iterable[str] | None = None,
) -> FitSpec:
    """Validate the arguments of ``synthnb.fit`` against the source table's columns."""
    columns = list(columns)
    model_name = canonical_model(model)
    if rows is not None:
        if isinstance(rows, bool) or not isinstance(rows, int | float) or int(rows) != rows:
            raise SynthnbError(f"rows must be a whole number, got {rows!r}; for example rows=1000.")
        rows = int(rows)
        if rows <= 0:
            raise SynthnbError(f"rows must be at least 1, got {rows}; for example rows=1000.")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SynthnbError(f"seed must be a non-negative integer, got {seed!r}; for example seed=0.")
    if isinstance(holdout, bool) or not isinstance(holdout, int | float) or not 0 <= holdout < 1:
        raise SynthnbError(
            f"holdout must be a fraction in [0, 1), got {holdout!r}; use 0.2 to keep 20 % of the rows "
            "out of fitting, or 0 to fit on every row."
        )
    holdout = float(holdout)
    if n_rows < 2:  # no holdout makes this work: say only what does
        raise SynthnbError(
            f"the table has {n_rows} row(s); a generator needs at least 2 rows to learn from (a few hundred for "
            "figures worth reading). Use a larger table."
        )
    if holdout and round(n_rows * holdout) < 1:
        raise SynthnbError(
            f"holdout={holdout} keeps no row out of a table of {n_rows} rows; use holdout=0 or a larger table."
        )
    if n_rows - round(n_rows * holdout) < 2:
        raise SynthnbError(
            f"holdout={holdout} leaves only {n_rows - round(n_rows * holdout)} of {n_rows} rows to fit on; a "
            "generator needs at least 2. Use holdout=0 (--holdout 0) to fit on every row, or a larger table."
        )
    sens = split_columns(sensitive)
    for col in sens:
        _check_column(col, columns, "sensitive")
    if target is not None:
        target = str(target)
        _check_column(target, columns, "target")
        if target in sens:
            raise SynthnbError(
                f"column {target!r} is both the target and a sensitive column; the target is what a "
                "model predicts, the sensitive columns define the groups. Pick different columns."
            )
    kept = split_columns(keep)
    for col in kept:
        _check_column(col, columns, "keep")
    declared = split_columns(identifiers)
    for col in declared:
        _check_column(col, columns, "identifiers")
        if col in kept:
            raise SynthnbError(
                f"column {col!r} is in both keep= and identifiers=: keep= learns a detected identifier from the real "
                f"values, identifiers= replaces it with fakes (or drops it). Name {col!r} in one of them only."
            )
    params = dict(params or {})
    epochs = params.get("epochs")
    if epochs is not None:
        neural = _generators.NEURAL_MODELS  # the registry now, generators registered later included
        if model_name not in neural:
            raise SynthnbError(
                f"epochs applies to {', '.join(sorted(neural))}, not to {model_name!r}; drop "
                "--epochs or pick a neural model."
            )
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs <= 0:
            raise SynthnbError(f"epochs must be a positive integer, got {epochs!r}; for example epochs=50.")
    from synthnb.generators.monitor import monitor_options

    watch = monitor_options(model_name, epochs, **dict(monitor or {}))
    return FitSpec(
        model=model_name,
        rows=rows,
        seed=seed,
        holdout=holdout,
        sensitive=sens,
        target=target,
        params=params,
        keep=kept,
        identifiers=declared,
        monitor=watch,
    )


def _check_column(col: str, columns: list[str], role: str) -> None:
    if col not in columns:
        import difflib

        close = difflib.get_close_matches(col, [str(c) for c in columns], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" The columns are: {', '.join(map(str, columns))}."
        raise SynthnbError(f"{role} column {col!r} is not in the table.{hint}")
