"""A fit, a loaded model and the versions recorded, routed through the registry (:data:`GENERATORS`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthnb.generators import GENERATORS, implementation
from synthnb.progress import ProgressCallback

if TYPE_CHECKING:
    from synthnb.spec import FitSpec

__all__ = ["fit_and_sample", "library_versions", "load_synthesizer"]


def fit_and_sample(train, spec: FitSpec, n_rows: int, progress: ProgressCallback | None = None):
    """Fit the spec's generator on *train* (already a private copy) and sample *n_rows*; returns a ``Fitted``."""
    return implementation(spec.model).fit_and_sample(train, spec, n_rows, progress)


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose code decides the synthetic bytes, for every registered generator's module."""
    import importlib

    out: dict[str, str] = {}
    for module in dict.fromkeys(spec.module for spec in GENERATORS.values()):
        for lib, ver in importlib.import_module(module).library_versions().items():
            out.setdefault(lib, ver)
    return out


def load_synthesizer(data: bytes, class_path: str | None = None):
    """A fitted model from the bytes its ``save`` wrote; *class_path* (from the manifest) picks the loader."""
    import importlib

    if class_path:
        for spec in GENERATORS.values():
            if spec.class_prefix and class_path.startswith(spec.class_prefix):
                return importlib.import_module(spec.module).load_synthesizer(data)
    return importlib.import_module(GENERATORS["gaussian_copula"].module).load_synthesizer(data)
