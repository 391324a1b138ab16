"""Shared fixtures: small real data and a fresh IPython shell per test."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def adult():
    """The full bundled Adult table (read once; tests must not change it)."""
    from synthnb.datasets import load_adult

    return load_adult()


@pytest.fixture
def adult_small(adult):
    """A 2,000-row slice of Adult, fresh per test."""
    return adult.head(2000).copy()


@pytest.fixture
def ip():
    """A fresh IPython shell with synthnb loaded; torn down after the test."""
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "synthnb")
    yield shell
    shell.run_line_magic("unload_ext", "synthnb")
    InteractiveShell.clear_instance()
