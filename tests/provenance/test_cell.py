"""The provenance cell: re-running it re-creates (or confirms) the synthetic table, and refuses a changed source."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
import warnings

import pytest
from testing_helpers import frame_hash

import synthnb
from synthnb import SynthnbError, SynthnbWarning
from synthnb.fingerprint import frame_digest
from synthnb.provenance.cell import provenance_cell_source


@pytest.fixture(scope="module")
def cell(run):
    return provenance_cell_source(run, "adult_syn", "adult")


def test_cell_is_readable_code_calling_one_function(cell, run):
    first = cell.splitlines()[0]
    assert first.startswith("# synthnb provenance · adult_syn — written by synthnb; safe to re-run")
    tree = ast.parse(cell)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    assert [ast.unparse(c.func) for c in calls] == ["synthnb.reproduce", "globals().get"]
    for needle in (
        "model='gaussian_copula'",
        "seed=3",
        "rows=2000",
        "holdout=0.2",
        "sensitive=['sex', 'race']",
        "target='income'",
        f"source_sha256='{run.source['sha256']}'",
        f"synthetic_sha256='{run.synthetic_sha256}'",
        "'sdv': '2.0.0'",
    ):
        assert needle in cell
    assert max(len(line) for line in cell.splitlines()[2:]) <= 120


def test_rerunning_the_cell_recreates_the_same_bytes(cell, run, source):
    before = frame_hash(source)
    ns = {"adult": source}
    exec(cell, ns)
    assert frame_digest(ns["adult_syn"]) == run.synthetic_sha256
    assert ns["adult_syn"].equals(run.synthetic) and ns["adult_syn"] is not run.synthetic
    assert frame_hash(source) == before


def test_run_all_confirms_without_refitting(cell, run, source, monkeypatch):
    ns = {"adult": source, "adult_syn": run.synthetic}

    def no_refit(*args, **kwargs):
        raise AssertionError("the confirm path must not fit again")

    monkeypatch.setattr("synthnb.api.fit", no_refit)
    t0 = time.perf_counter()
    exec(cell, ns)
    assert ns["adult_syn"] is run.synthetic
    assert time.perf_counter() - t0 < run.timings["fit"] + 1.0


def test_a_different_bound_table_is_replaced_by_the_recorded_one(cell, run, source):
    ns = {"adult": source, "adult_syn": run.synthetic.head(5)}
    exec(cell, ns)
    assert frame_digest(ns["adult_syn"]) == run.synthetic_sha256


def test_cell_reproduces_in_a_fresh_process(cell, run, tmp_path):
    script = tmp_path / "again.py"
    script.write_text(
        "import synthnb\nfrom synthnb.fingerprint import frame_digest\n"
        "adult = synthnb.datasets.load_adult().head(2000).copy()\n" + cell + "print(frame_digest(adult_syn))\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == run.synthetic_sha256


@pytest.mark.parametrize(
    "change,needle",
    [
        (lambda df: df.head(1999), "rows: 1,999 now, 2,000 recorded"),
        (lambda df: df.drop(columns=["age"]), "columns missing: age"),
        (lambda df: df.assign(extra=1), "columns added: extra"),
        (lambda df: df[list(reversed(df.columns))], "columns are in a different order"),
        (lambda df: df.assign(age=df["age"].where(df.index != 7, 99)), "values"),
    ],
    ids=["rows", "missing-column", "added-column", "column-order", "one-value"],
)
def test_a_changed_source_is_refused_with_what_differs(cell, source, change, needle):
    changed = change(source.copy())
    ns = {"adult": changed}
    with pytest.raises(SynthnbError, match="not the one this synthetic table was made from") as err:
        exec(cell, ns)
    assert needle in str(err.value)
    assert "adult_syn" not in ns


def test_a_changed_source_can_be_allowed_with_a_warning(run, source):
    spec = run.spec.to_dict()
    changed = source.assign(age=source["age"] + 1)
    with pytest.warns(SynthnbWarning, match="source table changed"):
        out = synthnb.reproduce(
            changed,
            model=spec["model"],
            seed=spec["seed"],
            holdout=spec["holdout"],
            params=spec["params"],
            source_sha256=run.source["sha256"],
            synthetic_sha256=run.synthetic_sha256,
            current=run.synthetic,
            allow_changed_source=True,
        )
    assert out is not run.synthetic and frame_digest(out) != run.synthetic_sha256


def test_different_library_versions_warn_that_bytes_may_differ(run, source):
    spec = run.spec.to_dict()
    versions = dict(run.versions, sdv="1.0.0")
    with pytest.warns(SynthnbWarning, match="sdv 1.0.0 recorded, 2.0.0 now"):
        out = synthnb.reproduce(
            source,
            model=spec["model"],
            seed=spec["seed"],
            holdout=spec["holdout"],
            source_sha256=run.source["sha256"],
            synthetic_sha256=run.synthetic_sha256,
            versions=versions,
        )
    assert frame_digest(out) == run.synthetic_sha256


def test_equal_versions_but_other_bytes_is_an_error(run, source):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SynthnbError, match="although every library version matches"):
            synthnb.reproduce(
                source,
                model="gaussian_copula",
                seed=3,
                source_sha256=run.source["sha256"],
                synthetic_sha256="0" * 64,
                versions=run.versions,
            )


def test_bad_names_and_parameters_are_refused(run):
    with pytest.raises(SynthnbError, match="not a valid Python identifier"):
        provenance_cell_source(run, "adult-syn", "adult")
    from dataclasses import replace

    odd = replace(run, spec=replace(run.spec, params={"fn": object()}))
    with pytest.raises(SynthnbError, match="cannot be written into a provenance cell"):
        provenance_cell_source(odd, "adult_syn", "adult")


@pytest.mark.slow
def test_a_neural_model_cell_reproduces_too(source):
    small = source.head(300).copy()
    run = synthnb.fit(small, model="ctgan", epochs=1, rows=100, seed=5)
    cell = provenance_cell_source(run, "small_syn", "small")
    assert "params={'epochs': 1}" in cell and "model='ctgan'" in cell
    ns = {"small": small}
    exec(cell, ns)
    assert frame_digest(ns["small_syn"]) == run.synthetic_sha256
