"""Direct identifiers and quasi-identifiers of a table, found by content, and what a fit does with them.

INTERFACE (agreed between the fit pipeline and the evaluation; the detection itself is being written):

- :func:`detect_identifiers` reads a DataFrame (never changes it) and returns one :class:`ColumnRole`
  per column that is a direct identifier (``role="direct"``) or a quasi-identifier (``role="quasi"``).
  Columns that are plain data are not listed.
- A :class:`synthnb.Run` carries the roles it was fitted with as ``run.identifiers``. Direct identifiers
  with ``action="replace"`` are present in ``run.synthetic`` with fake values of the same kind; those with
  ``action="drop"`` are absent from ``run.synthetic``; ``action="keep"`` columns were learned from the real
  values because the user asked (``keep=[...]``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ColumnRole", "detect_identifiers"]


@dataclass(frozen=True)
class ColumnRole:
    """What one column is, why synthnb thinks so, and what a fit does with it.

    Attributes
    ----------
    column : str
    role : {"direct", "quasi"}
        ``direct``: identifies a person on its own (a name, an e-mail, a case number);
        ``quasi``: identifies in combination (date of birth, postcode, age, sex) and stays data.
    kind : str
        ``person_name``, ``first_name``, ``last_name``, ``email``, ``phone``, ``address``, ``record_id``,
        ``url``, ``ip_address``, ``free_text`` (direct); ``date_of_birth``, ``postcode``, ``demographic``,
        ... (quasi).
    reason : str
        One sentence a person can check ("97 % of values look like e-mail addresses").
    action : {"replace", "drop", "keep", "data"}
        ``data`` for quasi-identifiers.
    """

    column: str
    role: str
    kind: str
    reason: str
    action: str

    def to_dict(self) -> dict[str, str]:
        return {"column": self.column, "role": self.role, "kind": self.kind, "reason": self.reason,
                "action": self.action}


def detect_identifiers(df, keep=()) -> tuple[ColumnRole, ...]:
    """The direct and quasi-identifiers of *df*, in column order (see the module docstring)."""
    raise NotImplementedError("being written")
