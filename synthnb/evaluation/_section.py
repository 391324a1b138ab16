"""The plain-data records of an evaluation: one :class:`Section` per aspect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Section"]


@dataclass(frozen=True, eq=False)
class Section:
    """One computed part of an evaluation (fidelity, utility, privacy, ...).

    Attributes
    ----------
    name : str
        Key of the section (``"fidelity"``).
    title : str
        Human title.
    score : float or None
        The headline figure, in [0, 1] where 1 is best, or None when the section failed or cannot be judged
        (then ``headline`` says why).
    headline : str
        One sentence saying what the score means.
    scores : dict
        Flat named numbers; they become ``Evaluation.scores`` prefixed by nothing (names are unique).
    tables : dict
        Name -> pandas.DataFrame with the details behind the scores.
    figures : list of dict
        Figure specs (``{"kind": "bars" | "histogram" | "heatmap", ...}``) that the widget draws in JS and
        the HTML report draws as SVG.
    findings : list of str
        Plain-language conclusions.
    thresholds : str
        How the headline score is judged, in words (shown next to its colour).
    seconds : float
        Time taken to compute the section.
    library : dict
        Library name -> version that computed the numbers.
    error : str or None
        Why the section failed; the other sections are unaffected.
    verdict : {"good", "fair", "poor"} or None
        Set when a finding decides the card regardless of the score's cut-offs (an identifier reused
        verbatim, a model that predicts almost no positives); None: the score's cut-offs decide.
    decided_by : str
        Which figure decided the score or verdict, in words (shown on the card).
    absent : dict
        Score name -> why it could not be computed (no held-out rows, no column to measure). Such a figure
        is left out of ``scores`` rather than kept as NaN (see :meth:`SectionSpec.section`).
    """

    name: str
    title: str
    score: float | None = None
    headline: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    figures: list[dict[str, Any]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    thresholds: str = ""
    seconds: float = 0.0
    library: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    verdict: str | None = None
    decided_by: str = ""
    absent: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self, max_rows: int | None = None) -> dict[str, Any]:
        """A JSON-ready dict (tables as lists of records).

        *max_rows* keeps each table's first rows only (tables are worst first): the live dashboard syncs this
        dict to the page and into the saved notebook, where a 378-column table's 71,253 pairs would weigh
        megabytes. ``table_rows`` gives every table's full length either way.
        """
        tables = self.tables if max_rows is None else {k: v.head(max_rows) for k, v in self.tables.items()}
        return {
            "name": self.name,
            "title": self.title,
            "score": self.score,
            "headline": self.headline,
            "scores": dict(self.scores),
            "tables": {k: _records(v) for k, v in tables.items()},
            "table_rows": {k: len(v) for k, v in self.tables.items()},
            "figures": list(self.figures),
            "findings": list(self.findings),
            "thresholds": self.thresholds,
            "seconds": self.seconds,
            "library": dict(self.library),
            "error": self.error,
            "verdict": self.verdict,
            "decided_by": self.decided_by,
            "absent": dict(self.absent),
        }


def _records(frame) -> list[dict[str, Any]]:
    import json

    # pandas' JSON writer turns NaN into null and NumPy scalars into plain numbers
    return json.loads(frame.to_json(orient="records", double_precision=15))


def versions(*dists: str) -> dict[str, str]:
    """Installed versions of *dists* (missing ones are left out)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in dists:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            continue
    return out
