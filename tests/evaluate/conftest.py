"""Fixtures of the evaluation tests: one small Gaussian-copula run on Adult and its evaluation."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def adult_3k(adult):
    """3,000 Adult rows (a seeded sample, so all groups of sex and most of race appear)."""
    return adult.sample(3000, random_state=7).reset_index(drop=True)


@pytest.fixture(scope="session")
def run_3k(adult_3k):
    import synthnb

    return synthnb.fit(adult_3k, seed=3, holdout=0.2, sensitive="sex,race", target="income")


@pytest.fixture(scope="session")
def ev_3k(run_3k):
    import synthnb

    return synthnb.evaluate(run_3k)
