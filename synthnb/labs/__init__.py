"""Teaching labs: experiments built on the public API (:func:`collapse_lab`: what refitting on synthetic data does;
:func:`scope_lab`: one release of the whole table against a task-only extract).

Plain Python like :mod:`synthnb.api`: nothing here touches the notebook; the ``%synth`` magics do.
"""

from __future__ import annotations

__all__ = ["CollapseLab", "ScopeLab", "collapse_lab", "scope_lab"]


def __getattr__(name: str):
    if name in __all__:
        import importlib

        module = "scope" if name in ("ScopeLab", "scope_lab") else "collapse"
        return getattr(importlib.import_module(f"synthnb.labs.{module}"), name)
    raise AttributeError(f"module 'synthnb.labs' has no attribute {name!r}")
