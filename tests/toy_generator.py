"""A generator that is not synthnb's: each column drawn on its own from the training rows' values (seeded).

It shows what a new generator is: this one module and one line in ``synthnb.generators.GENERATORS``
(tests/test_generator_registry.py registers it for a test). Independent columns keep no relation between
columns, so it is a weak generator, but a legitimate one.
"""

from __future__ import annotations

import pickle


class Marginals:
    save_format = "pickle"

    def fit(self, train, seed: int):
        self._values = {c: train[c].dropna().to_numpy() for c in train.columns}
        self._missing = {c: float(train[c].isna().mean()) for c in train.columns}
        self._dtypes = train.dtypes
        return self

    def sample(self, n: int, seed: int, only=None):
        import numpy as np
        import pandas as pd

        rng = np.random.default_rng([seed, 7])
        out = {}
        for c, values in self._values.items():
            drawn = pd.Series(values[rng.integers(0, len(values), n)])
            drawn[rng.random(n) < self._missing[c]] = None
            out[c] = drawn.astype(self._dtypes[c]) if not drawn.isna().any() else drawn
        frame = pd.DataFrame(out)
        if only is not None:
            column, value = only
            frame[column] = value
        return frame

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            pickle.dump(self, fh)


def fit_and_sample(train, spec, n_rows: int, progress=None):
    from synthnb.generators.sdv_adapter import Fitted
    from synthnb.progress import emit

    emit(progress, "fit", 0, 1, "counting values")
    model = Marginals().fit(train, spec.seed)
    emit(progress, "fit", 1, 1, "fitted")
    return Fitted(model.sample(n_rows, spec.seed), model, None, {"fit": 0.0, "sample": 0.0}, ())


def sample_group(synthesizer, model: str, column: str, value, n_rows: int, seed: int):
    return synthesizer.sample(n_rows, seed, only=(column, value))


def load_synthesizer(data: bytes):
    return pickle.loads(data)


def library_versions() -> dict[str, str]:
    return {}
