"""synthnb: a notebook-first workbench for synthetic tabular data.

``%load_ext synthnb`` registers the ``%synth`` magics. The same work is available as plain
Python: :func:`fit`, :func:`evaluate`, :func:`export`, :func:`verify`, :func:`reproduce`,
:func:`load_model`.

Importing this package is cheap: SDV, torch, sdmetrics and ydata-profiling load only when a
call needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthnb._version import __version__
from synthnb.errors import SynthnbError, SynthnbWarning

__all__ = [
    "Evaluation",
    "Run",
    "SynthnbError",
    "SynthnbWarning",
    "Workbench",
    "__version__",
    "augment",
    "collapse_lab",
    "compare",
    "evaluate",
    "export",
    "fit",
    "load_ipython_extension",
    "load_model",
    "reproduce",
    "scope_lab",
    "unload_ipython_extension",
    "verify",
]

# public name -> module that defines it; resolved on first access so the import stays light
_LAZY = {
    "fit": "synthnb.api",
    "augment": "synthnb.augment",
    "Run": "synthnb.run",
    "evaluate": "synthnb.evaluation",
    "Evaluation": "synthnb.evaluation",
    "reproduce": "synthnb.provenance.reproduce",
    "export": "synthnb.provenance.export",
    "verify": "synthnb.provenance.verify",
    "load_model": "synthnb.provenance.model_file",
    "collapse_lab": "synthnb.labs.collapse",
    "scope_lab": "synthnb.labs.scope",
    "Workbench": "synthnb.workbench",
    "compare": "synthnb.comparison",
}

# light subpackages reachable as attributes (``synthnb.datasets.load_adult()``)
_SUBPACKAGES = ("datasets",)

if TYPE_CHECKING:  # pragma: no cover - for IDEs and type checkers only
    from synthnb.api import fit
    from synthnb.provenance.export import export
    from synthnb.provenance.model_file import load_model
    from synthnb.provenance.reproduce import reproduce
    from synthnb.provenance.verify import verify
    from synthnb.run import Run


def __getattr__(name: str):
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"synthnb.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'synthnb' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython) -> None:
    """Register the ``%synth`` magics (called by ``%load_ext synthnb``)."""
    from synthnb.magics import SynthMagics, help_lines

    ipython.register_magics(SynthMagics(shell=ipython))
    cleanup = getattr(ipython, "input_transformers_cleanup", None)
    if cleanup is not None and help_lines not in cleanup:  # %synth fit? shows the help of fit
        cleanup.append(help_lines)


def unload_ipython_extension(ipython) -> None:
    """Remove the ``%synth SUB?`` help syntax; IPython itself unregisters nothing else."""
    from synthnb.magics import help_lines

    cleanup = getattr(ipython, "input_transformers_cleanup", None)
    if cleanup is not None and help_lines in cleanup:
        cleanup.remove(help_lines)
