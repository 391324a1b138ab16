"""Teaching labs: experiments built on the public API (:func:`collapse_lab`: what refitting on synthetic data does).

Plain Python like :mod:`synthnb.api`: nothing here touches the notebook; the ``%synth`` magics do.
"""

from __future__ import annotations

__all__ = ["CollapseLab", "collapse_lab"]


def __getattr__(name: str):
    if name in __all__:
        from synthnb.labs import collapse

        return getattr(collapse, name)
    raise AttributeError(f"module 'synthnb.labs' has no attribute {name!r}")
