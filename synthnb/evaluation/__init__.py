"""Evaluation of a synthetic table: fidelity, diagnostic, utility, privacy, fairness and profiling.

Each section is a function ``(context) -> Section`` in its own module, declared once there as a
:class:`SectionSpec` listed by :mod:`._registry`; :mod:`render` turns the plain-data sections into JSON,
Markdown and HTML. Heavy libraries load only when a section is computed. The public entry
point is the function :func:`synthnb.evaluate`; this subpackage is named ``evaluation`` so that the name
``synthnb.evaluate`` is only ever that function.
"""

from __future__ import annotations

from synthnb.evaluation._evaluation import Evaluation, evaluate
from synthnb.evaluation._registry import Levels, SectionSpec, section_names, section_spec, section_specs
from synthnb.evaluation._section import Section

__all__ = [
    "Evaluation",
    "Levels",
    "Section",
    "SectionSpec",
    "evaluate",
    "section_names",
    "section_spec",
    "section_specs",
]
