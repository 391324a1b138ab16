"""The one registry of evaluation sections.

Each section is declared once, as ``SPEC = SectionSpec(...)`` in its own module, next to its compute
function and the constants its explanation cites. This module lists those modules, in the order of the
dashboard tabs and the reports; :class:`~synthnb.evaluation.Evaluation`, the cards of :mod:`render`, the
dashboard and ``%synth report --sections`` all read it.

A section's ``scores`` hold numbers only: :meth:`SectionSpec.section` leaves out every score that is None,
NaN or infinite, keeps why in ``Section.absent`` (the section's own reason when it gives one, ``absent={name:
why}``, else a plain "not a number on these rows") and adds one finding naming them, so ``ev.scores`` never
holds a NaN and a figure that cannot be computed says so in words.

Adding a section is one new module (a compute function ``(context) -> Section`` and its ``SPEC``) and one
line in :data:`SECTION_MODULES`.

Section modules import their heavy libraries inside the compute functions, so reading a spec loads nothing
heavy; the names alone (``%load_ext synthnb`` builds the help of ``--sections`` from them) import no section
module at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SECTION_MODULES",
    "Levels",
    "SectionSpec",
    "card_specs",
    "finite_scores",
    "section_names",
    "section_spec",
    "section_specs",
]

#: the section modules, in the order of the dashboard tabs and the reports; each declares ``SPEC``, and a
#: module is named after its section, so the names are known without importing anything
SECTION_MODULES = (
    "synthnb.evaluation.fidelity",
    "synthnb.evaluation.diagnostic",
    "synthnb.evaluation.utility",
    "synthnb.evaluation.privacy",
    "synthnb.evaluation.fairness",
    "synthnb.evaluation.groups",
)

#: what a section may need of the inputs -> (what is missing, in words; how to give it)
NEEDS = {
    "target": ("a target column", "pass target='COLUMN'"),
    "sensitive": ("sensitive columns", "pass sensitive=['sex', ...]"),
}


@dataclass(frozen=True)
class Levels:
    """The cut-offs of a headline score in [0, 1] where 1 is best; the card's colour and its sentence.

    Attributes
    ----------
    good, fair : float
        Good at or above *good*, fair at or above *fair*, poor below.
    good_means, fair_means, poor_means : str
        Optional words after each level in the sentence (what the level means for the user).
    """

    good: float
    fair: float
    good_means: str = ""
    fair_means: str = ""
    poor_means: str = ""

    def __post_init__(self):
        if not 0.0 <= self.fair < self.good <= 1.0:
            raise ValueError(f"cut-offs need 0 <= fair < good <= 1, got good={self.good}, fair={self.fair}")

    def level(self, score: float) -> str:
        """``"good"``, ``"fair"`` or ``"poor"`` for *score*."""
        return "good" if score >= self.good else "fair" if score >= self.fair else "poor"

    def sentence(self) -> str:
        """The cut-offs in words, written from the same numbers :meth:`level` compares with."""
        good, fair = f"{self.good:.2f}", f"{self.fair:.2f}"
        parts = [
            (f"≥ {good} good", self.good_means),
            (f"{fair}–{good} fair", self.fair_means),
            (f"< {fair} poor", self.poor_means),
        ]
        return "; ".join(f"{head}: {means}" if means else head for head, means in parts) + "."


@dataclass(frozen=True)
class SectionSpec:
    """Everything known about a section before it is computed.

    Attributes
    ----------
    name : str
        Key of the section (``"fidelity"``): ``ev["fidelity"]``, ``sections=[...]``, the score name prefix.
    title : str
        Human title: the dashboard tab, the report heading and the card.
    compute : callable
        ``(context) -> Section``; heavy libraries are imported inside it.
    method : str
        How the headline score is computed, in words (the part of the explanation before the cut-offs).
    levels : Levels, optional
        The score's cut-offs; required for a headline card.
    notes : str
        What follows the cut-offs in the explanation (details, when a finding overrides the cut-offs).
    card : bool
        Whether the section has a headline card (titled *title*, coloured by *levels*).
    needs : tuple of str
        Inputs the section cannot do without (keys of :data:`NEEDS`); left out by default when missing.
    """

    name: str
    title: str
    compute: Callable[[Any], Any]
    method: str
    levels: Levels | None = None
    notes: str = ""
    card: bool = False
    needs: tuple[str, ...] = ()

    def __post_init__(self):
        if self.card and self.levels is None:
            raise ValueError(f"section {self.name!r} has a card but no cut-offs (levels)")
        unknown = [n for n in self.needs if n not in NEEDS]
        if unknown:
            raise ValueError(f"section {self.name!r} needs unknown inputs {unknown}; known: {list(NEEDS)}")

    def section(self, **fields):
        """A :class:`Section` of this spec: name, title and the thresholds sentence filled in from it.

        Scores that are not finite numbers are moved to ``absent`` with their reason (see the module docstring).
        """
        from synthnb.evaluation._section import Section

        scores, absent = finite_scores(fields.pop("scores", {}), fields.pop("absent", {}))
        if absent:
            listed = "; ".join(f"{name} ({why})" for name, why in absent.items())
            fields["findings"] = [*fields.get("findings", []), f"Not computed, so left out of the scores: {listed}."]
        return Section(
            name=self.name, title=self.title, thresholds=self.thresholds, scores=scores, absent=absent, **fields
        )

    @property
    def thresholds(self) -> str:
        """How the headline score is judged, in words: method, cut-offs (from :attr:`levels`), notes."""
        cutoffs = self.levels.sentence() if self.levels is not None else ""
        return " ".join(part for part in (self.method, cutoffs, self.notes) if part)


#: the reason given for a score that is not a number when its section says nothing more
NOT_A_NUMBER = "not a number on these rows"


def finite_scores(scores: dict, reasons: dict | None = None) -> tuple[dict[str, float], dict[str, str]]:
    """``(scores that are finite numbers, {name: why} for the rest)``; a reason in *reasons* for a score that
    is finite is dropped, one for a score not given at all is kept (the section did not try)."""
    import math

    reasons = dict(reasons or {})
    kept, absent = {}, {}
    for name, value in scores.items():
        number = None if value is None else float(value)
        if number is None or not math.isfinite(number):
            absent[name] = reasons.get(name, NOT_A_NUMBER)
        else:
            kept[name] = value
    absent.update({name: why for name, why in reasons.items() if name not in scores})
    return kept, absent


_SPECS: dict[str, SectionSpec] | None = None


def section_specs() -> dict[str, SectionSpec]:
    """Every section, name -> spec, in the order of :data:`SECTION_MODULES` (imported once)."""
    global _SPECS
    if _SPECS is None:
        import importlib

        specs: dict[str, SectionSpec] = {}
        for module in SECTION_MODULES:
            spec = importlib.import_module(module).SPEC
            if spec.name != module.rsplit(".", 1)[1]:
                raise ValueError(f"{module} declares the section {spec.name!r}; name the module after its section")
            specs[spec.name] = spec
        _SPECS = specs
    return _SPECS


def section_names() -> tuple[str, ...]:
    """The section names, in order (imports no section module: ``%synth report``'s help reads them)."""
    return tuple(module.rsplit(".", 1)[1] for module in SECTION_MODULES)


def section_spec(name: str) -> SectionSpec:
    """The spec of section *name*; a SynthnbError lists the known names."""
    specs = section_specs()
    if name not in specs:
        from synthnb.errors import SynthnbError

        raise SynthnbError(f"unknown section {name!r}; choose from {', '.join(specs)}.")
    return specs[name]


def card_specs() -> list[SectionSpec]:
    """The sections that have a headline card, in order."""
    return [spec for spec in section_specs().values() if spec.card]
