"""Evaluation of a synthetic table: fidelity, diagnostic, utility, privacy, fairness and profiling.

Each section is a function ``(context) -> Section`` in its own module; :mod:`render` turns the plain-data
sections into JSON, Markdown and HTML. Heavy libraries load only when a section is computed.
"""

from __future__ import annotations

from synthnb.evaluation._evaluation import SECTIONS, Evaluation, evaluate
from synthnb.evaluation._section import Section

__all__ = ["SECTIONS", "Evaluation", "Section", "evaluate"]


class _CallableModule(__import__("types").ModuleType):
    """Lets ``synthnb.evaluate(...)`` work even after this subpackage has been imported.

    Importing ``synthnb.evaluate.<anything>`` makes Python bind the *package* to the name ``evaluate`` on
    ``synthnb``, replacing the function of the same name. Calling the package calls the function, so both
    ``synthnb.evaluate(run)`` and ``synthnb.evaluation.Evaluation`` keep working whatever was imported first.
    """

    def __call__(self, *args, **kwargs):
        return evaluate(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
