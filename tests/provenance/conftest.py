"""Provenance fixtures: one small Gaussian-copula run shared by the module, and a private signing-key folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def key_dir(tmp_path, monkeypatch):
    """Every test signs with a key made in its own folder, never the user's key."""
    folder = tmp_path / "keys"
    monkeypatch.setenv("SYNTHNB_KEY_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def source(adult):
    """2,000 real Adult rows: the table the shared run was fitted on (tests must not change it)."""
    return adult.head(2000).copy()


@pytest.fixture(scope="session")
def run(source):
    import synthnb

    return synthnb.fit(source, model="gaussian_copula", seed=3, sensitive="sex,race", target="income")
