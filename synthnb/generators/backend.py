"""Which code fits a generator: SDV's models go to ``sdv_adapter``, ``cart`` to synthnb's own trees."""

from __future__ import annotations

import time
from typing import Any

from synthnb.errors import SynthnbError
from synthnb.progress import ProgressCallback, emit
from synthnb.spec import FitSpec

__all__ = ["fit_and_sample", "library_versions", "load_synthesizer"]

#: models synthnb implements itself (everything else is SDV's)
OWN_MODELS = frozenset({"cart"})


def fit_and_sample(train, spec: FitSpec, n_rows: int, progress: ProgressCallback | None = None):
    """Fit the spec's generator on *train* (already a private copy) and sample *n_rows*; returns a ``Fitted``."""
    if spec.model not in OWN_MODELS:
        from synthnb.generators import sdv_adapter

        return sdv_adapter.fit_and_sample(train, spec, n_rows, progress)
    return _fit_cart(train, spec, n_rows, progress)


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose code decides the synthetic bytes (scikit-learn too, for CART)."""
    from importlib.metadata import PackageNotFoundError, version

    from synthnb.generators.sdv_adapter import library_versions as sdv_versions

    out = sdv_versions()
    try:
        out["scikit-learn"] = version("scikit-learn")
    except PackageNotFoundError:
        pass
    return out


def load_synthesizer(data: bytes, class_path: str | None = None):
    """A fitted model from the bytes its ``save`` wrote; *class_path* (from the manifest) picks the loader."""
    if class_path and class_path.startswith("synthnb.generators.cart."):
        from synthnb.generators.cart import CARTSynthesizer

        return CARTSynthesizer.load(data)
    from synthnb.generators.sdv_adapter import load_synthesizer as sdv_load

    return sdv_load(data)


def _fit_cart(train, spec: FitSpec, n_rows: int, progress):
    from synthnb.generators.cart import CARTSynthesizer
    from synthnb.generators.sdv_adapter import Fitted

    timings: dict[str, Any] = {}
    t0 = time.perf_counter()
    emit(progress, "prepare", 0, 1, "CART")
    try:
        synthesizer = CARTSynthesizer(**dict(spec.params))
    except TypeError as exc:
        import inspect

        taken = [p for p in inspect.signature(CARTSynthesizer.__init__).parameters if p != "self"]
        raise SynthnbError(f"cart does not take these parameter(s): {exc}; it takes: {', '.join(taken)}.") from None
    timings["prepare"] = time.perf_counter() - t0
    emit(progress, "prepare", 1, 1, "ready")
    t1 = time.perf_counter()
    emit(progress, "fit", 0, 1, "fitting")
    synthesizer.fit(train, seed=spec.seed)
    timings["fit"] = time.perf_counter() - t1
    emit(progress, "fit", 1, 1, "fitted")
    t2 = time.perf_counter()
    emit(progress, "sample", 0, n_rows, "sampling")
    synthetic = synthesizer.sample(n_rows, seed=spec.seed)
    timings["sample"] = time.perf_counter() - t2
    emit(progress, "sample", n_rows, n_rows, "sampled")
    return Fitted(synthetic, synthesizer, None, timings, ())
