"""The benchmark's plain-way baseline is the shared one, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "baselines" / "handwritten.py"


@pytest.mark.skipif(
    not SHARED.exists(),
    reason="../shared/baselines/handwritten.py is not beside this checkout (only the project's workspace has it), "
    "so there is nothing to compare the bundled copy with",
)
def test_bundled_baseline_is_the_shared_one_byte_for_byte():
    assert (REPO / "benchmarks" / "handwritten.py").read_bytes() == SHARED.read_bytes()


def test_scale_table_is_seeded_and_shaped_like_adult():
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale_data import adult_resampled

    import synthnb

    a, b, c = adult_resampled(2000, seed=1), adult_resampled(2000, seed=1), adult_resampled(2000, seed=2)
    adult = synthnb.datasets.load_adult()
    assert a.equals(b) and not a.equals(c)
    assert list(a.columns) == list(adult.columns) and list(a.dtypes) == list(adult.dtypes)
    for col in adult.columns:
        if adult[col].dtype.kind in "iuf":  # noise stays inside the observed range
            assert adult[col].min() <= a[col].min() and a[col].max() <= adult[col].max()
        else:  # categories are Adult's own
            assert set(a[col].dropna()) <= set(adult[col].dropna())
