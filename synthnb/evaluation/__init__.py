"""Evaluation of a synthetic table: fidelity, diagnostic, utility, privacy, fairness and profiling.

Each section is a function ``(context) -> Section`` in its own module; :mod:`render` turns the plain-data
sections into JSON, Markdown and HTML. Heavy libraries load only when a section is computed. The public entry
point is the function :func:`synthnb.evaluate`; this subpackage is named ``evaluation`` so that the name
``synthnb.evaluate`` is only ever that function.
"""

from __future__ import annotations

from synthnb.evaluation._evaluation import SECTIONS, Evaluation, evaluate
from synthnb.evaluation._section import Section

__all__ = ["SECTIONS", "Evaluation", "Section", "evaluate"]
